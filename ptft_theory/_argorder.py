"""One argument order across the public API, and the old orders kept for one release.

The convention: what the problem is (the ``Task``, or the vectors PT and FT learn), then the
initialisation (``Init``), then the quantity that varies (``alpha``, a ``level``, ``times``, a swept
parameter); every argument also works as a keyword.  Functions whose first release took another
positional order still accept it, told apart by argument types (a ``Task`` or ``Init`` where the old
order put it), rebind the arguments by name and warn with a ``DeprecationWarning`` naming the new call.
The old orders stop working in :data:`REMOVED_IN`.
"""

from __future__ import annotations

import functools
import inspect
import warnings

REMOVED_IN = "0.3"

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def found_at(args, kwargs, index: int, name: str, cls) -> bool:
    """Whether an instance of ``cls`` sits at position ``index`` (or, past the positionals, as ``name=``)."""
    if len(args) > index:
        return isinstance(args[index], cls)
    return isinstance(kwargs.get(name), cls)


def legacy_order(old: tuple[str, ...], is_old):
    """Accept the positional order ``old`` (parameter names) when ``is_old(args, kwargs)`` is true.

    The wrapped function keeps its own (new) signature for ``inspect`` and the docs; an old-order
    call is rebound by name, so it gives the identical result, and warns (``DeprecationWarning``).
    """
    def decorate(func):
        new = [p.name for p in inspect.signature(func).parameters.values() if p.kind in _POSITIONAL]
        missing = set(old) - set(inspect.signature(func).parameters)
        if missing:  # a programming error in the declaration, caught at import
            raise TypeError(f"legacy_order for {func.__name__}: no parameter(s) {sorted(missing)}")
        shown = len(old) if len(old) <= 3 else 3
        old_call = f"{func.__name__}({', '.join(old[:shown])}{', ...' if len(old) > shown else ''})"
        new_call = f"{func.__name__}({', '.join(new[:shown])}{', ...' if len(new) > shown else ''})"

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if args and is_old(args, kwargs):
                if len(args) > len(old):
                    raise TypeError(f"{func.__name__}() takes at most {len(old)} positional arguments in "
                                    f"the old order ({len(args)} given); call {new_call}")
                named = dict(zip(old, args))
                clash = sorted(named.keys() & kwargs.keys())
                if clash:
                    raise TypeError(f"{func.__name__}() got multiple values for argument {clash[0]!r}")
                warnings.warn(f"{old_call} is the old argument order, deprecated: call {new_call} (or pass "
                              f"keywords); the old order stops working in ptft-theory {REMOVED_IN}",
                              DeprecationWarning, stacklevel=2)
                return func(**named, **kwargs)
            return func(*args, **kwargs)

        wrapper.legacy_order = tuple(old)
        return wrapper
    return decorate
