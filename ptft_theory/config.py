"""Small frozen, validated configuration objects (docs/design.md section 6)."""

from __future__ import annotations

import dataclasses
import enum
import math
from typing import Literal

from . import _validate as V
from .errors import ParameterError

SharedSigns = Literal["independent", "equal", "opposite"]


@dataclasses.dataclass(frozen=True)
class Init:
    """The three initialisation levers of PT+FT.

    Attributes:
        c_pt: absolute scale at PT, ``u^2 + v^2 = c_pt`` per branch; ``c_pt > 0``.
        lambda_pt: relative scale at PT, ``u^2 - v^2 = lambda_pt``; ``|lambda_pt| <= c_pt``
            (``lambda_pt < 0``: smaller first layer).
        gamma_ft: scale of the re-initialised FT readout; ``gamma_ft >= 0``.
    """

    c_pt: float
    lambda_pt: float = 0.0
    gamma_ft: float = 0.0

    def __post_init__(self):
        c, lam, g = V.init_levers(self.c_pt, self.lambda_pt, self.gamma_ft)
        object.__setattr__(self, "c_pt", c)
        object.__setattr__(self, "lambda_pt", lam)
        object.__setattr__(self, "gamma_ft", g)

    def replace(self, **changes) -> "Init":
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True)
class Task:
    """Task statistics of the PT and FT teachers (docs/design.md section 1).

    Attributes:
        rho_pt: fraction of coordinates carrying the PT teacher, in [0, 1].
        rho_shared: fraction of coordinates in the FT teacher *and* the PT support; ``<= rho_pt``.
        rho_new: fraction of coordinates in the FT teacher outside the PT support;
            ``rho_pt + rho_new <= 1``.
        amp_pt, amp_ft: magnitudes of the non-zero teacher entries; None gives the unit-mean-square
            defaults ``1/sqrt(rho_pt)`` and ``1/sqrt(rho_shared + rho_new)``.
        shared_signs: sign of a shared FT entry relative to its PT entry: ``"independent"``
            (random, the default), ``"equal"`` or ``"opposite"``.
    """

    rho_pt: float
    rho_shared: float
    rho_new: float
    amp_pt: float | None = None
    amp_ft: float | None = None
    shared_signs: SharedSigns = "independent"

    def __post_init__(self):
        rp = V.unit_interval("rho_pt", self.rho_pt)
        rs = V.unit_interval("rho_shared", self.rho_shared)
        rn = V.unit_interval("rho_new", self.rho_new)
        if rs > rp:
            raise ParameterError(f"rho_shared={self.rho_shared!r} is invalid; valid range: 0 <= rho_shared <= rho_pt = {rp!r}")
        if rp + rn > 1 + 1e-15:
            raise ParameterError(f"rho_new={self.rho_new!r} is invalid; valid range: 0 <= rho_new <= 1 - rho_pt = {1 - rp!r}")
        if rs + rn == 0:
            raise ParameterError("rho_shared + rho_new = 0: the FT teacher is empty; valid range: rho_shared + rho_new > 0")
        if self.shared_signs not in ("independent", "equal", "opposite"):
            raise ParameterError(f"shared_signs={self.shared_signs!r} is invalid; valid: 'independent', 'equal', 'opposite'")
        for name, v in (("rho_pt", rp), ("rho_shared", rs), ("rho_new", rn)):
            object.__setattr__(self, name, v)
        if self.amp_pt is not None:
            object.__setattr__(self, "amp_pt", V.positive("amp_pt", self.amp_pt))
        if self.amp_ft is not None:
            object.__setattr__(self, "amp_ft", V.positive("amp_ft", self.amp_ft))

    @property
    def a_pt(self) -> float:
        """Magnitude of a PT teacher entry (default ``1/sqrt(rho_pt)``; 0 when rho_pt = 0)."""
        if self.amp_pt is not None:
            return self.amp_pt
        return 1 / math.sqrt(self.rho_pt) if self.rho_pt > 0 else 0.0

    @property
    def a_ft(self) -> float:
        """Magnitude of an FT teacher entry (default ``1/sqrt(rho_shared + rho_new)``)."""
        if self.amp_ft is not None:
            return self.amp_ft
        return 1 / math.sqrt(self.rho_shared + self.rho_new)

    @property
    def rho_ft(self) -> float:
        return self.rho_shared + self.rho_new

    def replace(self, **changes) -> "Task":
        return dataclasses.replace(self, **changes)



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
