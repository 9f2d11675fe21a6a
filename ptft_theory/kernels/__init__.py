"""Access to the generated kernels by backend name (``"numpy"``, ``"torch"``, ``"mpmath"``).

The kernels are generated from ptft_theory.symbolic by ptft_theory.codegen; this module only
imports them (torch lazily, so the numpy path never pays for it).
"""

import enum
import importlib

from ..errors import ParameterError

from ._generated import kernels_mpmath as mp  # noqa: F401  (re-exported)
from ._generated import kernels_numpy as np  # noqa: F401

class KernelBackend(enum.StrEnum):
    """The generated kernel modules (the plain strings work too)."""

    NUMPY = "numpy"
    TORCH = "torch"
    MPMATH = "mpmath"


BACKENDS = tuple(b.value for b in KernelBackend)


def backend(name: KernelBackend | str):
    """The generated kernel module for ``name``; ValueError naming the valid backends otherwise."""
    if name not in BACKENDS:
        raise ParameterError(f"backend={name!r} is not a kernel backend; valid: {', '.join(BACKENDS)}")
    return importlib.import_module(f"ptft_theory.kernels._generated.kernels_{name}")
