"""Phase boundaries of the replica FT error in alpha (docs/design.md section 3, "beyond the paper").

* :func:`equal_error_alpha` -- the alpha at which two initialisations (or two schemes) give equal E;
* :func:`level_crossing_alpha` -- the alpha at which E crosses a level;
* :func:`boundary_curve` -- either of these over a parameter (``lambda_pt``, ``c_pt``, ...), with warm
  starts (the bracket of each point is centred on the previous root).

Each root is found in float64 first (Brent's method on the float64 replica E), then, when ``dps``
is given, refined by a secant iteration on the mpmath replica E (:mod:`ptft_theory.replica.mp`,
the same generated kernels at ``dps`` digits), started at the float64 root.

Error estimates (``BoundaryResult.error``):
  float64: ``xtol`` of Brent plus ``E64_RTOL * E / |slope|`` (the float64 E targets 1e-9 relative:
  its quadrature nodes double until its error estimate, which tracks the mpmath path, is below that);
  mpmath: the last secant step plus ``(error of E_a + error of E_b) / |slope|``, where the E errors
  are the replica path's own estimates (quadrature with 8 more nodes per panel, last outer step).
"""

from __future__ import annotations

import dataclasses
import enum

import mpmath
import numpy as np
import scipy.optimize

from .. import _validate as V
from .._argorder import found_at, legacy_order
from ..config import DEFAULT_SCHEME, as_scheme
from ..config import Init, Task
from ..errors import BracketError, ParameterError, ParameterTypeError, ReplicaError
from .api import generalization_error
from .classes import check_task_and_inits

class BoundaryKind(enum.StrEnum):
    """What :func:`boundary_curve` traces (the plain strings work too)."""

    LEVEL = "level"  # E crosses a level
    EQUAL = "equal"  # two settings give equal E


#: Relative accuracy assumed for a float64 replica E (see module docstring).
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

    def __float__(self):
        return float(self.alpha)

    @property
    def alpha_str(self) -> str:
        """alpha as a decimal string (``dps`` significant digits, or 17 for float64)."""
        if not self.dps:
            return repr(float(self.alpha))
        return mpmath.nstr(self.alpha, self.dps, strip_zeros=False)  # nstr of the mpf itself: no rounding to 53 bits

    success = True  #: scipy's name: a root that cannot be bracketed or resolved raises instead

    @property
    def nfev(self) -> int:
        """scipy's name for :attr:`evaluations`."""
        return self.evaluations

    @property
    def message(self) -> str:
        what = "E_a = E_b" if self.kind == "equal" else "E = level"
        return (f"{what} at alpha={self.alpha_str} (error estimate {mpmath.nstr(mpmath.mpf(self.error), 3)}), "
                f"{self.evaluations} replica evaluations")

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


@dataclasses.dataclass(frozen=True)
class BoundaryCurve:
    """A boundary traced over ``param``: ``alpha[i]`` (with ``error[i]``) at ``param = values[i]``."""

    kind: str
    param: str
    values: np.ndarray
    points: tuple

    @property
    def alpha(self) -> list:
        return [p.alpha for p in self.points]

    @property
    def error(self) -> list:
        return [p.error for p in self.points]

    @property
    def success(self) -> bool:
        return all(p.success for p in self.points)

    @property
    def nfev(self) -> int:
        return sum(p.evaluations for p in self.points)

    @property
    def message(self) -> str:
        return f"{len(self.points)} {self.kind} point(s) over {self.param}, {self.nfev} replica evaluations"

    def as_dict(self) -> dict:
        """JSON-ready: each point's :meth:`BoundaryResult.as_dict` with its ``param`` value."""
        return {"kind": self.kind, "param": self.param,
                "points": [dict(p.as_dict(), **{self.param: float(v)}) for p, v in zip(self.points, self.values.tolist())],
                "success": self.success, "message": self.message}

    def __repr__(self) -> str:  # short: the first few points
        shown = ", ".join(f"{float(v):g}: {float(a):.6g}" for v, a in list(zip(self.values, self.alpha))[:3])
        more = f", ... ({len(self.points)} points)" if len(self.points) > 3 else ""
        return f"BoundaryCurve(kind={self.kind!r}, param={self.param!r}, alpha={{{shown}{more}}})"


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
    try:
        lo, hi = (V.finite_scalar("bracket", b) for b in bracket)
    except TypeError:
        raise ParameterError(f"bracket={bracket!r} is invalid; valid range: a pair (lo, hi) with 0 < lo < hi < 1") from None
    if not 0 < lo < hi < 1:
        raise ParameterError(f"bracket={bracket!r} is invalid; valid range: 0 < lo < hi < 1")
    return lo, hi


def _root(f64, fmp, bracket, what, dps, sides):
    """Brent on f64 in ``bracket`` then, with dps, secant on fmp; returns (alpha, error)."""
    lo, hi = bracket
    seen = []

    def g(a):
        v = f64(a)
        seen.append((a, v))
        return v

    flo, fhi = g(lo), g(hi)
    if not (np.sign(flo) * np.sign(fhi) < 0):
        raise BracketError(f"bracket=({lo!r}, {hi!r}) holds no sign change of {what}: {flo:.6g} at alpha={lo!r}, "
                         f"{fhi:.6g} at alpha={hi!r}; valid range: a bracket whose ends give opposite signs")
    root = scipy.optimize.brentq(g, lo, hi, xtol=XTOL64, rtol=4 * np.finfo(float).eps)
    pts = sorted(seen, key=lambda p: abs(p[0] - root))
    (a1, v1), (a2, v2) = pts[0], next(p for p in pts[1:] if p[0] != pts[0][0])
    slope64 = (v2 - v1) / (a2 - a1)
    E_scale = max(abs(s.E64(root)) for s in sides)  # one more float64 call per side: the E's at the root
    if dps is None:
        err = XTOL64 + E64_RTOL * E_scale * len(sides) / abs(slope64)
        return root, err, slope64
    with mpmath.workdps(dps + 12):
        target = mpmath.mpf(10) ** -(dps + 3)
        a0 = mpmath.mpf(root)
        a1_ = a0 + max(mpmath.mpf(10) ** -10, mpmath.mpf(E64_RTOL * E_scale / abs(slope64)))
        f0, e0 = fmp(a0)
        f1, e1 = fmp(a1_)
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
            if abs(step) <= target * a1_:
                break
        else:
            raise ReplicaError(f"high-precision secant for {what} did not converge in {MAX_SECANT} steps")
        quad = sum(s.quad_error() for s in sides)
        err = abs(step) + (e1 + quad) / abs(slope) + abs(f1 / slope)
        return a1_, err, slope


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


_INIT_FIELDS = ("c_pt", "lambda_pt", "gamma_ft")
_TASK_FIELDS = ("rho_pt", "rho_shared", "rho_new", "amp_pt", "amp_ft")


def _substitute(param, value, task, init_a, init_b):
    """Apply ``param = value``: an Init field (to both inits, or ``a.``/``b.`` prefixed to one) or a
    Task field."""
    side, _, name = param.rpartition(".")
    if side not in ("", "a", "b") or name not in _INIT_FIELDS + _TASK_FIELDS or (side and name in _TASK_FIELDS):
        valid = ", ".join(_INIT_FIELDS + _TASK_FIELDS) + " (Init fields may be prefixed a. or b.)"
        raise ParameterError(f"param={param!r} is invalid; valid: {valid}")
    if name in _TASK_FIELDS:
        return task.replace(**{name: value}), init_a, init_b
    ia = init_a.replace(**{name: value}) if side in ("", "a") else init_a
    ib = init_b.replace(**{name: value}) if (side in ("", "b") and init_b is not None) else init_b
    return task, ia, ib


@legacy_order(("kind", "param", "values"), lambda a, k: isinstance(a[0], (str, BoundaryKind)))
def boundary_curve(task: Task, init: Init, kind: BoundaryKind | str, param: str, values, *, init_b: Init | None = None,
                   scheme=DEFAULT_SCHEME, scheme_b=None, level: float | None = None, bracket=(0.05, 0.95),
                   sigma: float = 0.0, dps=None) -> BoundaryCurve:
    """Trace a boundary over ``param``: ``kind="level"`` (needs ``level``) or ``kind="equal"``
    (``init``/``scheme`` against ``init_b``/``scheme_b``).

    ``param`` names an Init field (``c_pt``, ``lambda_pt``, ``gamma_ft``; applied to both inits, or
    to one with an ``a.``/``b.`` prefix) or a Task field (``rho_new``, ...).  Each point after the
    first searches a bracket around the previous root first (warm start), falling back to
    ``bracket``.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> cur = boundary_curve(Task(0.1, 0.05, 0.05), Init(1e8), "level", "c_pt", [1e7, 1e8],
    ...                      level=0.25)
    >>> [round(float(a), 9) for a in cur.alpha]
    [0.75, 0.75]
    """
    try:
        kind = BoundaryKind(kind)
    except (ValueError, TypeError):
        raise ParameterError(f"kind={kind!r} is invalid; valid: 'level', 'equal'") from None
    if not isinstance(param, str):
        raise ParameterTypeError(f"param={param!r} is invalid; valid: a field name such as 'lambda_pt'")
    check_task_and_inits(task, init, *(() if init_b is None else (init_b,)))
    vals = np.atleast_1d(V.finite_array("values", values))
    if vals.ndim != 1 or vals.size == 0:
        raise ParameterError(f"values={values!r} is invalid; valid range: a non-empty 1-D array")
    if kind == "level" and level is None:
        raise ParameterError("level=None is invalid for kind='level'; valid range: level > 0")
    lo, hi = _validate_bracket(bracket)
    points, prev = [], []
    for v in vals:
        t, ia, ib = _substitute(param, float(v), task, init, init_b if init_b is not None else init)
        tries = []
        if prev:
            d = max(0.02 * (hi - lo), 4 * abs(prev[-1] - prev[-2]) if len(prev) > 1 else 0.05 * (hi - lo))
            tries.append((max(lo, prev[-1] - d), min(hi, prev[-1] + d)))
        tries.append((lo, hi))
        for k, br in enumerate(tries):
            try:
                if kind == "level":
                    r = level_crossing_alpha(t, ia, level, scheme, bracket=br, sigma=sigma, dps=dps)
                else:
                    r = equal_error_alpha(t, ia, ib, scheme_a=scheme, scheme_b=scheme_b, bracket=br, sigma=sigma,
                                          dps=dps)
                break
            except BracketError as e:  # no sign change in the warm bracket: try the next one
                if k == len(tries) - 1:
                    raise ParameterError(f"{param}={float(v)!r}: {e}") from None
            except ValueError as e:
                raise ParameterError(f"{param}={float(v)!r}: {e}") from None
        points.append(r)
        prev.append(float(r.alpha))
    return BoundaryCurve(kind.value, param, vals, tuple(points))


__all__ = ["BoundaryCurve", "BoundaryKind", "BoundaryResult", "boundary_curve", "equal_error_alpha", "level_crossing_alpha"]
