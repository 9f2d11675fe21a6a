"""The two fine-tuning re-initialisation schemes (DESIGN.md section 1), by name."""

import enum

from .errors import ParameterError


class Scheme(str, enum.Enum):
    """How the network is re-initialised for fine-tuning.

    MERGED: each coordinate's first layer becomes ``u+ + u-`` in both branches; readouts ``gamma_ft``.
    READOUT: each branch keeps its own (signed) first layer; readouts ``gamma_ft``.  The default:
    it is the scheme whose predictions reproduce the paper's claim that a smaller first layer at PT
    (``lambda_pt -> -c_pt``) drives a rich, PT-dependent FT regime (README, *Schemes*).
    """

    MERGED = "merged"
    READOUT = "readout"


DEFAULT_SCHEME = Scheme.READOUT


def as_scheme(scheme) -> Scheme:
    """Return the Scheme named by ``scheme``; ValueError naming the valid choices otherwise."""
    try:
        return Scheme(scheme)
    except ValueError:
        valid = ", ".join(repr(s.value) for s in Scheme)
        raise ParameterError(f"scheme={scheme!r} is not a fine-tuning scheme; valid: {valid}") from None
