"""Optional dependencies: which ``pip install 'ptft-theory[EXTRA]'`` brings which module.

The core install (sympy, mpmath, numpy, scipy, matplotlib, python-flint) runs the theory: derivations,
FT scales, regimes, the replica error (float64, high precision and certified), boundaries, the advisor
and the theory figures.  The rest is optional:

=================  ===========  ================================================================
module             extra        what needs it
=================  ===========  ================================================================
``torch``          ``sim``      the gradient-flow simulator (``simulate_gradient_flow``, ``ptft simulate``)
``torchvision``    ``networks`` the ResNet and transformer checks (``ptft resnet``, ``ptft transformer``)
``hypothesis``     ``testing``  :mod:`ptft_theory.testing` (strategies and an oracle)
``ray``            ``ray``      the Ray backend of the figure sweeps (``--backend ray``)
``tqdm``           (core)       progress bars
=================  ===========  ================================================================

A missing one raises :class:`~ptft_theory.errors.MissingExtraError` (an ``ImportError`` and a user
error: the CLI prints it on one line and exits with code 2) naming the extra to install.
"""

from __future__ import annotations

from .errors import MissingExtraError

#: top-level module -> the extra that installs it
EXTRAS = {"torch": "sim", "torchvision": "networks", "hypothesis": "testing", "ray": "ray"}


def extra_for(module: str | None) -> str | None:
    """The extra that installs ``module`` (a dotted name is looked up by its top level), or None."""
    if not module:
        return None
    return EXTRAS.get(module.split(".")[0])


def missing_extra(module: str, what: str, extra: str | None = None) -> MissingExtraError:
    """The error to raise when ``what`` needs ``module`` and it is not installed (``extra``: the extra to
    name when it is not the module's own, e.g. ``networks`` for torch in the ResNet check)."""
    top = module.split(".")[0]
    extra = extra or EXTRAS.get(top, top)
    err = MissingExtraError(f"{what} needs {top}, which is not installed; install it with: "
                            f"pip install 'ptft-theory[{extra}]'")
    err.name = top
    err.extra = extra
    return err


def require(module: str, what: str):
    """Import and return ``module``, or raise :func:`missing_extra`'s error naming the extra."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as e:
        if (e.name or module).split(".")[0] != module.split(".")[0]:
            raise  # the module is there but something it imports is not: not ours to rename
        raise missing_extra(module, what) from None
