"""The two fine-tuning re-initialisation schemes (DESIGN.md section 1), by name."""

import enum

from .errors import ParameterError


class Scheme(str, enum.Enum):
    """How the network is re-initialised for fine-tuning.

    MERGED: each coordinate's first layer becomes ``u+ + u-`` in both branches; readouts ``gamma_ft``.
    The default: the network of the paper and of its authors' code (repository MTL_FT,
    ``multi-task/diagonal_network3_finetune.py``), the one in which all four FT regimes exist and
    lowering ``lambda_pt`` walks FT from regime II (``lambda_pt = +c_pt``, lazy, PT-dependent) through
    IV (``lambda_pt`` in ``(-c_pt, 0)``, rich, PT-dependent) to I (``lambda_pt = -c_pt``: ``k = gamma_ft^2``
    on every coordinate, the PT-independent end).
    READOUT: each branch keeps its own (signed) first layer; readouts ``gamma_ft``.  A variant: its
    FT start ``b0`` is generally non-zero and regime II does not exist at ``rho_FT = 0.1``.
    """

    MERGED = "merged"
    READOUT = "readout"


DEFAULT_SCHEME = Scheme.MERGED


def as_scheme(scheme) -> Scheme:
    """Return the Scheme named by ``scheme``; ValueError naming the valid choices otherwise."""
    try:
        return Scheme(scheme)
    except ValueError:
        valid = ", ".join(repr(s.value) for s in Scheme)
        raise ParameterError(f"scheme={scheme!r} is not a fine-tuning scheme; valid: {valid}") from None
