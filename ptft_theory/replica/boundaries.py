"""Phase boundaries of the replica FT error in alpha (docs/design.md section 3, "beyond the paper").

* :func:`equal_error_alpha` -- the alpha at which two initialisations (or two schemes) give equal E;
* :func:`level_crossing_alpha` -- the alpha at which E crosses a level;
* :func:`~ptft_theory.replica.boundary_curve.boundary_curve` -- either of these over a parameter
  (``lambda_pt``, ``c_pt``, ...), with warm starts;
* :func:`~ptft_theory.regime_boundaries.regime_boundary` -- the regime boundaries in
  (log10 c_PT, lambda_PT / c_PT), with the same root finder.

Each root is found in float64 first (Brent's method on the float64 replica E), then, when ``dps``
is given, refined by a secant iteration on the mpmath replica E (:mod:`ptft_theory.replica.mp`,
the same generated kernels at ``dps`` digits), started at the float64 root
(:func:`ptft_theory.replica.boundary_root.find_root`).

Error estimates (``BoundaryResult.error``):
  float64: ``xtol`` of Brent plus ``E64_RTOL * E / |slope|`` (the float64 E targets 1e-9 relative:
  its quadrature nodes double until its error estimate, which tracks the mpmath path, is below that);
  mpmath: the last secant step plus ``(error of E_a + error of E_b) / |slope|``, where the E errors
  are the replica path's own estimates (quadrature with 8 more nodes per panel, last outer step).
"""

from __future__ import annotations

import mpmath

from .. import _validate as V
from .._argorder import found_at, legacy_order
from ..config import DEFAULT_SCHEME, as_scheme
from ..config import Init, Task
from ..errors import ParameterError
from .api import generalization_error
from .boundary_root import E64_RTOL, MAX_SECANT, XTOL64, BoundaryResult, find_root, validate_bracket
from .classes import check_task_and_inits


# --------------------------------------------------------------------------------- evaluators
class _Side:
    """E(alpha) for one (task, init, scheme, sigma): float64 calls and a high-precision solver."""

    def __init__(self, task, init, scheme, sigma, dps):
        self.task, self.init, self.scheme, self.sigma, self.dps = task, init, as_scheme(scheme), sigma, dps
        self.n64 = 0
        self._mp = None

    def E64(self, alpha):
        self.n64 += 1
        return float(generalization_error(self.task, self.init, float(alpha), self.scheme, self.sigma).E[0])

    def Emp(self, alpha):
        """(E, error estimate without quadrature check) at mpf alpha."""
        from .mp import PointSolver  # the mpmath path, imported when a dps= root needs it
        if self._mp is None:
            self._mp = PointSolver(self.task, self.init, self.scheme, self.sigma, self.dps)
        E, _, _, root_err = self._mp.solve(alpha)
        return E, root_err

    def quad_error(self):
        return self._mp.quad_error()

    def last_E(self):
        """E of the last high-precision solve (at the caller's working precision)."""
        return self._mp.last_E()

    @property
    def evaluations(self):
        return self.n64 + (self._mp.evaluations if self._mp else 0)


def _validate_bracket(bracket):
    return validate_bracket(bracket)


def _root(f64, fmp, bracket, what, dps, sides):
    """:func:`find_root` with the replica's error model: float64 E to ``E64_RTOL`` relative per side."""
    def f64_error(root):
        E_scale = max(abs(s.E64(root)) for s in sides)  # one more float64 call per side: the E's at the root
        return E64_RTOL * E_scale * len(sides)
    return find_root(f64, fmp, bracket, what, dps, f64_error=f64_error,
                     mp_extra_error=lambda: sum(s.quad_error() for s in sides))


def equal_error_alpha(task: Task, init_a: Init, init_b: Init | None = None, *, scheme_a=DEFAULT_SCHEME,
                      scheme_b=None, bracket=(0.05, 0.95), sigma: float = 0.0, dps=None,
                      certify: bool = False) -> BoundaryResult:
    """The alpha in ``bracket`` where two initialisations and/or schemes give the same replica E.

    Parameters
    ----------
    task : Task
    init_a, init_b : Init
        The two initialisations (``init_b`` defaults to ``init_a``; then the schemes must differ).
    scheme_a, scheme_b : {"readout", "merged"}
        ``scheme_b`` defaults to ``scheme_a``.
    bracket : (lo, hi)
        ``0 < lo < hi < 1``; ``E_a - E_b`` must change sign between the ends.
    sigma : float
        State-evolution noise level (see :func:`ptft_theory.replica.generalization_error`).
    dps : int, optional
        Refine the float64 root to ``dps`` digits with the mpmath replica path.
    certify : bool
        Return a :class:`ptft_theory.replica.certify.CertifiedInterval` (relative width <= 10^-dps, dps
        default 30) proved with ball arithmetic: certified signs at its ends, a certified non-zero
        derivative in alpha inside (:func:`ptft_theory.replica.certify_point.certify_root`).

    Returns
    -------
    BoundaryResult
        ``alpha`` (float or mpf) with its ``error`` estimate and ``E = (E_a, E_b)`` at the root.

    Raises
    ------
    ValueError
        Bad input, or no sign change of ``E_a - E_b`` in the bracket.
    ReplicaError
        A replica solve or the root iteration did not converge.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> r = equal_error_alpha(Task(0.1, 0.05, 0.05), Init(0.01, -0.005, 0.1), scheme_a="readout",
    ...                       scheme_b="merged", bracket=(0.2, 0.3))
    >>> round(float(r), 8), bool(r.error < 1e-6)
    (0.24763967, True)
    """
    init_b = init_a if init_b is None else init_b
    scheme_a = as_scheme(scheme_a)
    scheme_b = scheme_a if scheme_b is None else as_scheme(scheme_b)
    check_task_and_inits(task, init_a, init_b)
    if init_a == init_b and scheme_a == scheme_b:
        raise ParameterError("init_a == init_b and scheme_a == scheme_b: the two sides are identical; valid: "
                         "different initialisations or different schemes")
    sigma = V.nonnegative("sigma", sigma)
    dps = None if dps is None else V.dps("dps", dps)
    lo, hi = _validate_bracket(bracket)
    if V.boolean("certify", certify):
        from .certify import working_digits
        from .certify_point import certify_root
        dps, wdps = working_digits(30 if dps is None else dps, None)
        r = equal_error_alpha(task, init_a, init_b, scheme_a=scheme_a, scheme_b=scheme_b, bracket=(lo, hi),
                              sigma=sigma, dps=wdps)
        return certify_root([(task, init_a, scheme_a, sigma), (task, init_b, scheme_b, sigma)], r.alpha, dps, wdps,
                            "E_a - E_b")
    A = _Side(task, init_a, scheme_a, sigma, dps)
    B = _Side(task, init_b, scheme_b, sigma, dps)

    def fmp(a):
        ea, erra = A.Emp(a)
        eb, errb = B.Emp(a)
        return ea - eb, erra + errb

    alpha, err, _ = _root(lambda a: A.E64(a) - B.E64(a), fmp, (lo, hi), "E_a - E_b", dps, (A, B))
    if dps is None:
        E = (A.E64(alpha), B.E64(alpha))
    else:
        with mpmath.workdps(dps + 12):  # E at the root from the last high-precision solves
            E = (A.last_E(), B.last_E())
    return BoundaryResult(alpha, err, "equal", E, dps, A.evaluations + B.evaluations)


@legacy_order(("level", "task", "init", "scheme"),
              lambda a, k: not isinstance(a[0], Task) and found_at(a, k, 1, "task", Task))
def level_crossing_alpha(task: Task, init: Init, level: float, scheme=DEFAULT_SCHEME, *, bracket=(0.05, 0.95),
                         sigma: float = 0.0, dps=None, certify: bool = False) -> BoundaryResult:
    """The alpha in ``bracket`` where the replica E crosses ``level`` (e.g. E = 0.5, or -3 dB).

    Parameters
    ----------
    level : float
        Target relative error, > 0.
    task, init, scheme, sigma, dps, certify
        As in :func:`equal_error_alpha` (certify: :func:`ptft_theory.replica.certify_point.certify_root`).
    bracket : (lo, hi)
        ``0 < lo < hi < 1``; ``E - level`` must change sign between the ends.

    Returns
    -------
    BoundaryResult
        ``alpha`` with its ``error`` estimate and ``E = (E,)`` at the root.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> r = level_crossing_alpha(Task(0.1, 0.05, 0.05), Init(1e8), 0.5)   # lazy: E = 1 - alpha
    >>> round(float(r), 9)
    0.5
    """
    level = V.positive("level", level)
    check_task_and_inits(task, init)
    sigma = V.nonnegative("sigma", sigma)
    dps = None if dps is None else V.dps("dps", dps)
    lo, hi = _validate_bracket(bracket)
    if V.boolean("certify", certify):
        from .certify import working_digits
        from .certify_point import certify_root
        dps, wdps = working_digits(30 if dps is None else dps, None)
        r = level_crossing_alpha(task, init, level, scheme, bracket=(lo, hi), sigma=sigma, dps=wdps)
        return certify_root([(task, init, scheme, sigma)], r.alpha, dps, wdps, f"E - {level!r}", level=level)
    S = _Side(task, init, scheme, sigma, dps)

    def fmp(a):
        e, err = S.Emp(a)
        return e - mpmath.mpf(level), err

    alpha, err, _ = _root(lambda a: S.E64(a) - level, fmp, (lo, hi), f"E - {level!r}", dps, (S,))
    if dps is None:
        E = (S.E64(alpha),)
    else:
        with mpmath.workdps(dps + 12):
            E = (S.last_E(),)
    return BoundaryResult(alpha, err, "level", E, dps, S.evaluations)


__all__ = ["BoundaryResult", "E64_RTOL", "MAX_SECANT", "XTOL64", "equal_error_alpha", "level_crossing_alpha"]
