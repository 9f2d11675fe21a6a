"""The root finder behind every boundary of the package (alpha boundaries, regime boundaries).

:func:`find_root` finds a sign change of a function of one variable in float64 first (Brent's
method), then, when ``dps`` is given, refines it by a secant iteration on a high-precision version of
the same function (the same generated kernels at ``dps`` digits), started at the float64 root.

Error estimates (``BoundaryResult.error``):
  float64: ``xtol`` of Brent plus ``(absolute error of the float64 function near the root) / |slope|``;
  mpmath: the last secant step plus ``(error of the function value + extra error) / |slope|`` plus the
  residual ``|f / slope|``, where the errors are the high-precision path's own estimates.
"""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np
import scipy.optimize

from .. import _validate as V
from ..errors import BracketError, ParameterError, ReplicaError

#: Relative accuracy assumed for a float64 replica E (its quadrature nodes double until its error
#: estimate, which tracks the mpmath path, is below 1e-9 relative).
E64_RTOL = 1e-8
#: Brent's absolute tolerance in alpha for the float64 root.
XTOL64 = 1e-12
#: Secant iterations allowed in the mpmath refinement.
MAX_SECANT = 20


@dataclasses.dataclass(frozen=True)
class BoundaryResult:
    """One boundary point.

    Attributes:
        alpha: the root (float, or ``mpf`` when ``dps`` was given).
        error: estimated absolute error of ``alpha`` (same type).
        kind: ``"equal"`` (E_a = E_b) or ``"level"`` (E = level).
        E: the error(s) at the root: ``(E_a, E_b)`` or ``(E,)``.
        dps: digits requested (None: float64).
        evaluations: replica evaluations used (float64 and mpmath together).
    """

    alpha: object
    error: object
    kind: str
    E: tuple
    dps: int | None
    evaluations: int

    success = True  #: scipy's name: a root that cannot be bracketed or resolved raises instead

    def __float__(self):
        return float(self.alpha)

    @property
    def nfev(self) -> int:
        """scipy's name for :attr:`evaluations`."""
        return self.evaluations

    @property
    def message(self) -> str:
        what = "E_a = E_b" if self.kind == "equal" else "E = level"
        return (f"{what} at alpha={self.alpha_str} (error estimate {mpmath.nstr(mpmath.mpf(self.error), 3)}), "
                f"{self.evaluations} replica evaluations")

    @property
    def alpha_str(self) -> str:
        """alpha as a decimal string (``dps`` significant digits, or 17 for float64)."""
        if not self.dps:
            return repr(float(self.alpha))
        return mpmath.nstr(self.alpha, self.dps, strip_zeros=False)  # nstr of the mpf itself: no rounding to 53 bits

    def as_dict(self) -> dict:
        """JSON-ready: numbers as strings with all their digits."""
        def s(x):
            return mpmath.nstr(x, self.dps + 5) if self.dps else repr(float(x))
        return {"kind": self.kind, "alpha": self.alpha_str, "error": mpmath.nstr(mpmath.mpf(self.error), 3),
                "E": [s(e) for e in self.E], "dps": self.dps, "evaluations": self.evaluations,
                "success": self.success, "message": self.message}

    def __repr__(self) -> str:
        return (f"BoundaryResult(kind={self.kind!r}, alpha={self.alpha_str}, error="
                f"{mpmath.nstr(mpmath.mpf(self.error), 3)}, dps={self.dps}, nfev={self.evaluations})")


def validate_bracket(bracket, lo_min=0.0, hi_max=1.0, name="bracket", closed=False):
    """``(lo, hi)`` with ``lo_min < lo < hi < hi_max`` (``closed``: ``<=`` at the two outer ends), or a
    ParameterError naming ``name``."""
    le = "<=" if closed else "<"
    rng = f"{lo_min:g} {le} lo < hi {le} {hi_max:g}"
    try:
        lo, hi = (V.finite_scalar(name, b) for b in bracket)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={bracket!r} is invalid; valid range: a pair (lo, hi) with {rng}") from None
    inside = (lo_min <= lo and hi <= hi_max) if closed else (lo_min < lo and hi < hi_max)
    if not (inside and lo < hi):
        raise ParameterError(f"{name}={bracket!r} is invalid; valid range: {rng}")
    return lo, hi


def find_root(f64, fmp, bracket, what, dps, *, f64_error, mp_extra_error=lambda: 0, xtol=XTOL64, min_step=None,
              relative=True, var="alpha"):
    """Brent on ``f64`` in ``bracket`` then, with ``dps``, a secant on ``fmp``; returns ``(root, error, slope)``.

    ``f64_error(root)``: absolute error of the float64 function near the root; ``fmp(x)`` returns
    ``(value, error estimate)`` at mpf ``x``; ``mp_extra_error()`` any error the values leave out (the
    replica's quadrature check).  The secant stops when its step is below ``10^-(dps+3)`` times
    ``|x|`` (``relative``) or 1; ``min_step`` is its first step's floor (default ``1e-10``, absolute).
    """
    lo, hi = bracket
    seen = []

    def g(a):
        v = f64(a)
        seen.append((a, v))
        return v

    flo, fhi = g(lo), g(hi)
    if not (np.sign(flo) * np.sign(fhi) < 0):
        raise BracketError(f"bracket=({lo!r}, {hi!r}) holds no sign change of {what}: {flo:.6g} at {var}={lo!r}, "
                           f"{fhi:.6g} at {var}={hi!r}; valid range: a bracket whose ends give opposite signs")
    root = scipy.optimize.brentq(g, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps)
    pts = sorted(seen, key=lambda p: abs(p[0] - root))
    (a1, v1), (a2, v2) = pts[0], next(p for p in pts[1:] if p[0] != pts[0][0])
    slope64 = (v2 - v1) / (a2 - a1)
    err64 = f64_error(root)
    if dps is None:
        return root, xtol + err64 / abs(slope64), slope64
    with mpmath.workdps(dps + 12):
        target = mpmath.mpf(10) ** -(dps + 3)
        a0 = mpmath.mpf(root)
        floor = mpmath.mpf(10) ** -10 if min_step is None else mpmath.mpf(min_step)
        a1_ = a0 + max(floor, mpmath.mpf(err64 / abs(slope64)))
        if a1_ > hi:
            a1_ = a0 - (a1_ - a0)
        f0, e0 = fmp(a0)
        f1, e1 = fmp(a1_)
        step = a1_ - a0
        slope = (f1 - f0) / step
        for _ in range(MAX_SECANT):
            if f1 == f0:
                break
            step = -f1 * (a1_ - a0) / (f1 - f0)
            slope = (f1 - f0) / (a1_ - a0)
            a0, f0, e0 = a1_, f1, e1
            a1_ = a1_ + step
            if not lo <= a1_ <= hi:
                raise ReplicaError(f"high-precision secant left the bracket ({lo}, {hi}) for {what}")
            f1, e1 = fmp(a1_)
            if abs(step) <= target * (abs(a1_) if relative else 1):
                break
        else:
            raise ReplicaError(f"high-precision secant for {what} did not converge in {MAX_SECANT} steps")
        err = abs(step) + (e1 + mp_extra_error()) / abs(slope) + abs(f1 / slope)
        return a1_, err, slope


__all__ = ["BoundaryResult", "E64_RTOL", "MAX_SECANT", "XTOL64", "find_root", "validate_bracket"]
