"""The replica result types: :class:`ReplicaResult` (float64) and :class:`HighPrecisionResult` (mpmath)."""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np

from ..errors import ParameterTypeError
from ..results import counts, plain


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
            non-frozen fraction: no fixed point); two-stage (``alpha_pt=``): "two_stage" (z1 panels x
            Gauss-Hermite z2) or "two_stage_panels" (z1 panels x z2 panels in the FT mirror variable).
    ``np.asarray(result)`` and ``float(result)`` (single alpha) give E.
    """

    alpha: np.ndarray
    E: np.ndarray
    tau: np.ndarray
    zeta: np.ndarray
    quad_error: np.ndarray
    backend: str = "numpy"
    rule: np.ndarray | None = None
    #: The accuracy the result states: ``quad_error <= stated_rtol * E`` at every alpha, else ``success`` is
    #: False and ``message`` names the alphas that miss it.  The solvers' targets are relative to
    #: ``max(E, 1e-4)``, so a tiny E (tiny c / amplitude, e.g. c_pt = 1e-12 at alpha near 1: E ~ 1e-27 with
    #: an estimate up to 85% of it) can be far less accurate relatively; float64 cannot do better there.
    stated_rtol: float = 1e-6

    def missed_accuracy(self) -> np.ndarray:
        """Indices of the alphas whose error estimate exceeds ``stated_rtol * E``."""
        q, e = np.asarray(self.quad_error, dtype=float), np.asarray(self.E, dtype=float)
        return np.flatnonzero(~(q <= self.stated_rtol * np.abs(e)))

    @property
    def E_dB(self) -> np.ndarray:
        """E in decibels, ``10 log10 E``."""
        with np.errstate(divide="ignore"):
            return 10 * np.log10(self.E)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.E, dtype=dtype)

    @property
    def success(self) -> bool:
        """scipy's name: every E is finite (a point the solver cannot solve raises instead) and within its
        stated accuracy (``stated_rtol``, relative)."""
        return bool(np.all(np.isfinite(self.E))) and self.missed_accuracy().size == 0

    @property
    def message(self) -> str:
        rules = "" if self.rule is None else f" ({counts(self.rule)})"
        q = np.asarray(self.quad_error, dtype=float)
        worst = f"; largest quadrature error estimate {np.nanmax(q):.2g}" if q.size and np.any(np.isfinite(q)) else ""
        miss = self.missed_accuracy()
        if miss.size:
            a, e = np.ravel(self.alpha)[miss], np.ravel(self.E)[miss]
            rel = np.ravel(self.quad_error)[miss] / np.abs(e)
            j = int(np.nanargmax(np.where(np.isfinite(rel), rel, np.inf)))
            worst += (f"; NOT within the stated relative accuracy {self.stated_rtol:g} at {miss.size} alpha(s) "
                      f"(worst alpha={a[j]:g}: E = {e[j]:.3g}, estimated error {rel[j]:.2g} of it): E that small is "
                      "beyond float64 here; dps= evaluates it with mpmath")
        return f"solved {np.size(self.alpha)} alpha(s){rules}{worst}"

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict: the arrays as lists, ``backend`` and ``rule`` (the path that ran)."""
        rule = self.rule if self.rule is None or isinstance(self.rule, str) else [str(x) for x in self.rule]
        return plain({"alpha": self.alpha, "E": self.E, "E_dB": self.E_dB, "tau": self.tau, "zeta": self.zeta,
                      "quad_error": self.quad_error, "backend": self.backend, "rule": rule,
                      "success": self.success, "message": self.message})

    def __float__(self):
        if self.E.size != 1:
            raise ParameterTypeError(f"float() needs a single alpha; this result has {self.E.size}")
        return float(self.E.ravel()[0])

    def __repr__(self) -> str:  # short: a few alphas, never the full arrays
        return f"ReplicaResult({_summary(self.alpha, self.E, lambda e: f'{float(e):.6g}')}, backend={self.backend!r})"


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

    @property
    def success(self) -> bool:
        """scipy's name: every E is finite (a point the solver cannot solve raises instead)."""
        return bool(np.all(np.isfinite(np.asarray(self, dtype=float))))

    @property
    def message(self) -> str:
        worst = mpmath.nstr(max(self.error), 3) if len(self.error) else "-"
        return f"solved {np.size(self.alpha)} alpha(s) at {self.dps} digits; largest error estimate {worst}"

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict: E, tau, zeta as decimal strings with ``dps`` digits, E_error
        (the total error estimate) with 3."""
        def s(a):
            return [mpmath.nstr(x, self.dps) for x in a]
        return plain({"dps": self.dps, "alpha": self.alpha, "E": s(self.E), "E_error": [mpmath.nstr(x, 3) for x in self.error],
                      "E_dB": self.E_dB, "tau": s(self.tau), "zeta": s(self.zeta), "backend": self.backend,
                      "rule": self.rule, "success": self.success, "message": self.message})

    def __float__(self):
        if self.E.size != 1:
            raise ParameterTypeError(f"float() needs a single alpha; this result has {self.E.size}")
        return float(self.E[0])

    def __repr__(self) -> str:  # short: a few alphas, E to 12 digits, never the full arrays
        import mpmath
        return (f"HighPrecisionResult(dps={self.dps}, {_summary(self.alpha, self.E, lambda e: mpmath.nstr(e, 12))}, "
                f"backend={self.backend!r})")


def _summary(alpha, E, fmt, show: int = 3) -> str:
    """``alpha=[...], E=[...]`` with at most ``show`` entries and ``... (n values)`` beyond."""
    a, e = np.ravel(alpha), np.ravel(E)
    more = f", ... ({a.size} values)" if a.size > show else ""
    return (f"alpha=[{', '.join(f'{float(x):g}' for x in a[:show])}{more}], "
            f"E=[{', '.join(fmt(x) for x in e[:show])}{more}]")
