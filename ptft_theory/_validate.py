"""Validation at the package boundary: every error names the parameter, its value and the valid range."""

from __future__ import annotations

import math
import os

import numpy as np

from .errors import ParameterError, ParameterTypeError


def _fmt(value) -> str:
    """repr of a value, with numpy scalars shown as plain Python numbers."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _bad(name, value, valid):
    return ParameterError(f"{name}={_fmt(value)} is invalid; valid range: {valid}")


def _not_a_number_type(name, value):
    """ParameterTypeError for bools and strings, which float() would accept (True -> 1.0, '1e-2' -> 0.01)."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        return ParameterTypeError(f"{name}={_fmt(value)} is a {type(value).__name__}, not a number; "
                                  "valid: a real number (int, float or numpy scalar)")
    return None


def finite_scalar(name: str, value) -> float:
    """A finite real number (NaN and inf rejected; bools and strings are a ParameterTypeError)."""
    bad = _not_a_number_type(name, value)
    if bad is not None:
        raise bad
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={_fmt(value)} is not a real number") from None
    if not math.isfinite(x):
        raise _bad(name, value, "a finite real number")
    return x


def positive(name: str, value) -> float:
    x = finite_scalar(name, value)
    if not x > 0:
        raise _bad(name, value, f"{name} > 0")
    return x


def nonnegative(name: str, value) -> float:
    x = finite_scalar(name, value)
    if not x >= 0:
        raise _bad(name, value, f"{name} >= 0")
    return x


def unit_interval(name: str, value) -> float:
    x = finite_scalar(name, value)
    if not 0 <= x <= 1:
        raise _bad(name, value, f"0 <= {name} <= 1")
    return x


def init_levers(c_pt, lambda_pt, gamma_ft) -> tuple[float, float, float]:
    """Validate (c_pt, lambda_pt, gamma_ft): c_pt > 0, |lambda_pt| <= c_pt, gamma_ft >= 0."""
    c = positive("c_pt", c_pt)
    lam = finite_scalar("lambda_pt", lambda_pt)
    if abs(lam) > c:
        raise ParameterError(f"lambda_pt={_fmt(lambda_pt)} is invalid; valid range: |lambda_pt| <= c_pt = {c!r}")
    g = nonnegative("gamma_ft", gamma_ft)
    return c, lam, g


def boolean(name: str, value) -> bool:
    """A flag: ``True`` or ``False`` (Python or numpy bool) and nothing else; ``"no"``, ``0`` or ``None``
    are a ParameterTypeError rather than truthy or falsy guesses."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterTypeError(f"{name}={_fmt(value)} is a {type(value).__name__}, not a bool; valid: True or False")
    return bool(value)


def finite_array(name: str, value, ndim: int | None = None, dtype=np.float64) -> np.ndarray:
    """A finite float array of the given number of dimensions (bool and string arrays are a
    ParameterTypeError)."""
    bad = _not_a_number_type(name, value)
    if bad is not None:
        raise bad
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):
        kind = "?"  # ragged or unconvertible: reported below
    if kind in "bUS":
        raise ParameterTypeError(f"{name} has dtype kind {kind!r} (bool or string); valid: real numbers")
    try:
        a = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} is not a real array") from None
    if ndim is not None and a.ndim != ndim:
        raise ParameterError(f"{name} must be {ndim}-dimensional; got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        bad = np.flatnonzero(~np.isfinite(a.ravel()))[0]
        raise ParameterError(f"{name} contains a non-finite value ({a.ravel()[bad]!r} at flat index {bad}); "
                         f"valid range: finite real numbers")
    return a


def nonnegative_array(name: str, value) -> np.ndarray:
    a = finite_array(name, value)
    if np.any(a < 0):
        raise ParameterError(f"{name} contains a negative value ({_fmt(a[a < 0].ravel()[0])}); valid range: {name} >= 0")
    return a


def positive_int(name: str, value) -> int:
    bad = _not_a_number_type(name, value)
    if bad is not None:
        raise bad
    try:
        ok = not isinstance(value, bool) and float(value).is_integer() and int(value) >= 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(f"{name}={_fmt(value)} is invalid; valid range: an integer >= 1")
    return int(value)


def seed(name: str, value):
    """A seed for ``numpy.random.default_rng``: None, an int >= 0, a sequence of them, a SeedSequence
    or a Generator (bools, floats, strings and negative ints rejected, naming the parameter)."""
    if value is None or isinstance(value, (np.random.SeedSequence, np.random.Generator, np.random.BitGenerator)):
        return value
    items = value if isinstance(value, (list, tuple, np.ndarray)) else [value]
    for v in np.ravel(np.asarray(items, dtype=object)):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ParameterError(f"{name}={_fmt(value)} is invalid; valid: None, an integer >= 0 (or a sequence of "
                                 "them), a numpy SeedSequence or Generator")
    return value


#: Largest working precision the high-precision paths accept (decimal digits).  Their cost grows
#: faster than dps^2 (a 30-digit replica point takes ~0.1 s), so an unbounded dps is a hang, not a
#: request; 300 digits is ten times what any check of the package needs.
MAX_DPS = 300


def dps(name: str, value) -> int:
    """A precision in decimal digits: an integer in [1, MAX_DPS]."""
    d = positive_int(name, value)
    if d > MAX_DPS:
        raise ParameterError(f"{name}={_fmt(value)} is invalid; valid range: 1 <= {name} <= {MAX_DPS}")
    return d


def physical_memory() -> int | None:
    """This machine's physical memory in bytes (``sysconf``), or None where it cannot be read."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def _gib(nbytes: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= size:
            return f"{nbytes / size:.3g} {unit}"
    return f"{nbytes:.0f} bytes"


def fits_memory(name: str, value, nbytes: float, what: str) -> None:
    """Raise a ParameterError naming ``name`` when ``nbytes`` (a lower bound of what ``what`` allocates)
    exceeds this machine's physical memory: said before allocating, never a MemoryError later."""
    total = physical_memory()
    if total is not None and nbytes > total:
        raise ParameterError(f"{name}={_fmt(value)} is invalid on this machine: {what} needs at least "
                             f"{_gib(nbytes)}, more than its {_gib(total)} of memory")
