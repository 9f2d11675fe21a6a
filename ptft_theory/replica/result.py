"""The replica result types: :class:`ReplicaResult` (float64) and :class:`HighPrecisionResult` (mpmath)."""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np

from ..errors import ParameterTypeError

@dataclasses.dataclass(frozen=True)
class ReplicaResult:
    """Replica prediction over an alpha grid.

    Attributes:
        alpha: (A,) the sample ratios N_FT / D.
        E: (A,) relative generalization error.
        tau, zeta: (A,) order parameters (0 where alpha >= 1 noiseless).
        quad_error: (A,) estimated quadrature error of E (difference to twice the nodes).
        backend: which path evaluated the Gauss-Hermite moments: "c" (compiled) or "numpy".
        rule: (A,) per alpha, the quadrature that solved it: "hermite" (Gauss-Hermite in z), "panels"
            (Gauss-Legendre panels in the mirror variable) or "closed_form" (alpha at or beyond the
            non-frozen fraction: no fixed point).
    ``np.asarray(result)`` and ``float(result)`` (single alpha) give E.
    """

    alpha: np.ndarray
    E: np.ndarray
    tau: np.ndarray
    zeta: np.ndarray
    quad_error: np.ndarray
    backend: str = "numpy"
    rule: np.ndarray | None = None

    @property
    def E_dB(self) -> np.ndarray:
        """E in decibels, ``10 log10 E``."""
        with np.errstate(divide="ignore"):
            return 10 * np.log10(self.E)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.E, dtype=dtype)

    def __float__(self):
        if self.E.size != 1:
            raise ParameterTypeError(f"float() needs a single alpha; this result has {self.E.size}")
        return float(self.E.ravel()[0])


@dataclasses.dataclass(frozen=True)
class HighPrecisionResult:
    """Replica prediction at ``dps`` digits.

    Attributes:
        alpha: (A,) float sample ratios.
        E: (A,) object array of ``mpf``, the relative error (0 where alpha >= 1 noiseless).
        tau, zeta: (A,) object arrays of ``mpf`` order parameters.
        quad_error: (A,) ``mpf``, |E(n nodes) - E(2n nodes)| at the solution.
        root_error: (A,) ``mpf``, |change of E over the last outer step|.
        error: (A,) ``mpf``, quad_error + root_error + the measured rounding error (the point solved
            again at 10 more working digits, :meth:`~ptft_theory.replica.mp.PointSolver.rounding_error`)
            + 10^-(dps+GUARD_DIGITS).
        dps: requested digits.
        backend: the moments evaluator that ran (``replica.mp_moments``): "arb" (the default) or "mpmath"
            (``PTFT_HP_MOMENTS=mpmath``); rule: "panels".
    ``np.asarray(result)`` and ``float(result)`` give E as float64; ``result.E_str`` gives strings.
    """

    alpha: np.ndarray
    E: np.ndarray
    tau: np.ndarray
    zeta: np.ndarray
    quad_error: np.ndarray
    root_error: np.ndarray
    error: np.ndarray
    dps: int
    backend: str = "mpmath"
    rule: str = "panels"

    @property
    def E_dB(self) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return 10 * np.log10(np.asarray(self, dtype=float))

    @property
    def E_str(self) -> list:
        """E per alpha as decimal strings with ``dps`` significant digits."""
        with mpmath.workdps(self.dps):
            return [mpmath.nstr(e, self.dps) for e in self.E]

    def __array__(self, dtype=None, copy=None):
        return np.array([float(e) for e in self.E], dtype=dtype or float)

    def __float__(self):
        if self.E.size != 1:
            raise ParameterTypeError(f"float() needs a single alpha; this result has {self.E.size}")
        return float(self.E[0])
