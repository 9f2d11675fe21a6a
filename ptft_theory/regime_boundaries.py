"""Regime boundaries as curves in (log10 c_PT, lambda_PT / c_PT) at given gamma_FT, task and scheme.

A regime boundary is the zero set of one axis of the label (:mod:`~ptft_theory.regime_axes`:
the l-order threshold, rich | lazy, or the PT-dependence threshold, PT-dependent | independent).
:func:`regime_boundary` traces it on lines of the plane:

* ``along="lambda_over_c"``: at each ``log10 c_PT`` of ``values``, the ``lambda_PT / c_PT`` where the
  axis changes sign (suits boundaries that run across the c axis, e.g. the l-order one);
* ``along="log10_c"``: at each ``lambda_PT / c_PT`` of ``values``, the ``log10 c_PT`` (suits
  boundaries that run along it, e.g. the PT-dependence one at gamma_FT = 0).

On each line the axis is evaluated on ``n_scan`` points (sign changes closer than the scan spacing are
not resolved: two roots in one scan cell cancel), and each sign change is refined with the package's
boundary root finder (:func:`~ptft_theory.replica.boundary_root.find_root`): Brent in float64, then with
``dps`` a secant on the mpmath kernels; ``certify=True`` proves an interval with ball arithmetic
(certified opposite signs at its two ends: by continuity a boundary point lies inside).  Each point
carries the regime labels just below and above it on its line (``regime()`` of the definition at the
root -/+ a step of 100 error estimates).
"""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np

from . import _validate as V
from .config import DEFAULT_SCHEME, Task, as_scheme
from .errors import CertificationError, ParameterError, ReplicaError
from .regime import DEFAULT_THRESHOLDS, DEFINITIONS, Thresholds
from .regime_samples import E_STAR
from .replica.boundary_root import XTOL64, find_root, validate_bracket
from .regime_axes import Axis, RegimeAxis

ALONG = ("lambda_over_c", "log10_c")
#: Default scan points per line.
N_SCAN = 16
#: The ends of a lambda_PT / c_PT range are nudged inwards by this fraction of its width (lambda = -c
#: is the frozen corner at gamma_FT = 0: no regime there).
EDGE = 1e-4


@dataclasses.dataclass(frozen=True)
class RegimeBoundaryPoint:
    """One point of a regime boundary.

    Attributes:
        log10_c, lambda_over_c: the point (float, or mpf with ``dps``); one of them is the line's value.
        error: estimated absolute error of the solved coordinate (``solved``).
        solved: ``"lambda_over_c"`` or ``"log10_c"``.
        below, above: regime labels just below and above the point along the solved coordinate
            (None where ``regime()`` is undefined there, or ``labels=False``).
        dps: digits asked for (None: float64).
        certified: a :class:`~ptft_theory.replica.certify.CertifiedInterval` of the solved coordinate
            (``certify=True``), else None.
    """

    log10_c: object
    lambda_over_c: object
    error: object
    solved: str
    below: str | None
    above: str | None
    dps: int | None
    certified: object = None

    def as_dict(self) -> dict:
        def s(x):
            return mpmath.nstr(x, self.dps + 3) if self.dps else repr(float(x))
        return {"log10_c": s(self.log10_c), "lambda_over_c": s(self.lambda_over_c),
                "error": mpmath.nstr(mpmath.mpf(self.error), 3), "solved": self.solved, "below": self.below,
                "above": self.above, "dps": self.dps,
                "certified": None if self.certified is None else self.certified.as_dict()}


@dataclasses.dataclass(frozen=True)
class BoundaryLine:
    """One line of the trace: its ``value`` (the fixed coordinate), the roots on it (``points``) and
    the scan ``(coordinate, f)`` pairs (``f`` > 0: rich / PT-dependent; None: undefined there)."""

    value: float
    points: tuple
    scan: tuple


@dataclasses.dataclass(frozen=True)
class RegimeBoundaryCurve:
    """A regime boundary traced on lines (:func:`regime_boundary`)."""

    axis: str
    definition: str
    along: str
    scheme: str
    gamma_ft: float
    threshold: float
    lines: tuple
    evaluations: int

    success = True  #: scipy's name: a line whose scan finds no sign change has no point; a failed root raises

    @property
    def points(self) -> list:
        return [p for ln in self.lines for p in ln.points]

    @property
    def nfev(self) -> int:
        """scipy's name for :attr:`evaluations`."""
        return self.evaluations

    @property
    def message(self) -> str:
        return (f"{len(self.points)} {self.axis} boundary point(s) on {len(self.lines)} line(s) along {self.along} "
                f"({self.definition!r} definition), {self.evaluations} evaluations")

    def __repr__(self) -> str:
        return (f"RegimeBoundaryCurve(axis={self.axis!r}, definition={self.definition!r}, along={self.along!r}, "
                f"lines={len(self.lines)}, points={len(self.points)}, nfev={self.evaluations})")

    def xy(self) -> np.ndarray:
        """The points as float rows ``(log10_c, lambda_over_c)``."""
        return np.array([[float(p.log10_c), float(p.lambda_over_c)] for p in self.points], float).reshape(-1, 2)

    def as_dict(self) -> dict:
        """Strict-JSON-ready: every point with its line's value; the scans as [coordinate, f or null]."""
        return {"axis": self.axis, "definition": self.definition, "along": self.along, "scheme": self.scheme,
                "gamma_ft": self.gamma_ft, "threshold": self.threshold, "evaluations": self.evaluations,
                "points": [p.as_dict() for p in self.points],
                "lines": [{"value": ln.value, "roots": len(ln.points),
                           "scan": [[float(x), None if f is None else float(f)] for x, f in ln.scan]}
                          for ln in self.lines],
                "success": self.success, "message": self.message}


def _scan_grid(along, lo, hi, n):
    if along == "lambda_over_c":  # cell centres plus the nudged ends
        inner = lo + (hi - lo) * (np.arange(n) + 0.5) / n
        return np.concatenate([[lo + EDGE * (hi - lo)], inner, [hi - EDGE * (hi - lo)]])
    return np.linspace(lo, hi, n)


def regime_boundary(task: Task, axis: RegimeAxis | str, values, *, gamma_ft: float = 0.0, scheme=DEFAULT_SCHEME,
                    definition: str | None = None, along: str = "lambda_over_c", log10_c_range=(-4.0, 2.0),
                    ratio_range=(-1.0, 1.0), n_scan: int = N_SCAN, thresholds: Thresholds = DEFAULT_THRESHOLDS, e_star: float = E_STAR,
                    dps=None, certify: bool = False, labels: bool = True) -> RegimeBoundaryCurve:
    """Trace the regime boundary of ``axis`` ("l_order" or "pt_dependence") over ``values``.

    Parameters
    ----------
    axis : {"l_order", "pt_dependence"}
        Which threshold of the label (module docstring of :mod:`~ptft_theory.regime_axes`).
    values : array_like
        The lines: ``log10 c_PT`` values (``along="lambda_over_c"``) or ``lambda_PT / c_PT`` values in
        (-1, 1] (``along="log10_c"``).
    task, gamma_ft, scheme, thresholds, e_star
        As in :func:`ptft_theory.regime` (defaults: its thresholds and E* = 0.1).
    definition : {"samples", "potential", "paper"}, optional
        The label's definition (None: "samples", the default of ``regime()``).  "samples" and
        "potential" share the l-order axis.
    along : {"lambda_over_c", "log10_c"}
        The solved coordinate.
    log10_c_range, ratio_range : (lo, hi)
        The part of the plane searched: ``log10 c_PT`` in ``log10_c_range``, ``lambda_PT / c_PT`` in
        ``ratio_range`` (within [-1, 1]).
    n_scan : int
        Scan points per line (>= 3).
    dps : int, optional
        Refine each root to ``dps`` digits with the mpmath kernels (not for the "samples"
        PT-dependence axis: delta_S has float64 precision, its replica takes float64 levers).
    certify : bool
        Prove an interval around each root (relative width <= 10^-dps, dps default 30; same axes as ``dps``).
    labels : bool
        Label both sides of each point with ``regime()`` (two calls per point).

    Returns
    -------
    RegimeBoundaryCurve
        ``lines`` (one per value: its roots and scan), ``points`` (all roots), ``xy()``.

    Examples
    --------
    >>> from ptft_theory import Task
    >>> cur = regime_boundary(Task(0.1, 0.05, 0.05), "l_order", [-3.0], definition="potential")
    >>> p = cur.points[0]
    >>> round(float(p.lambda_over_c), 6), p.below, p.above
    (-0.368665, 'IV', 'II')
    """
    try:
        axis = RegimeAxis(axis)
    except (ValueError, TypeError):
        raise ParameterError(f"axis={axis!r} is invalid; valid: 'l_order', 'pt_dependence'") from None
    definition = "samples" if definition is None else definition
    if definition not in DEFINITIONS:
        raise ParameterError(f"definition={definition!r} is invalid; valid: {', '.join(map(repr, DEFINITIONS))}")
    if along not in ALONG:
        raise ParameterError(f"along={along!r} is invalid; valid: 'lambda_over_c', 'log10_c'")
    if not isinstance(task, Task):
        raise ParameterError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    if not isinstance(thresholds, Thresholds):
        raise ParameterError(f"thresholds must be a ptft_theory.Thresholds; got {type(thresholds).__name__}")
    e_star = V.positive("e_star", e_star)
    if not e_star < 1:
        raise ParameterError(f"e_star={e_star!r} is invalid; valid range: 0 < e_star < 1")
    gamma_ft = V.nonnegative("gamma_ft", gamma_ft)
    scheme = as_scheme(scheme)
    n_scan = V.positive_int("n_scan", n_scan)
    if n_scan < 3:
        raise ParameterError(f"n_scan={n_scan!r} is invalid; valid range: n_scan >= 3")
    c_lo, c_hi = validate_bracket(log10_c_range, -310.0, 310.0, "log10_c_range")
    r_lo, r_hi = validate_bracket(ratio_range, -1.0, 1.0, "ratio_range", closed=True)
    vals = np.atleast_1d(V.finite_array("values", values))
    if vals.ndim != 1 or vals.size == 0:
        raise ParameterError(f"values={values!r} is invalid; valid range: a non-empty 1-D array")
    if along == "log10_c" and not np.all((vals > -1) & (vals <= 1)):
        raise ParameterError(f"values={values!r} is invalid for along='log10_c'; valid range: -1 < lambda/c <= 1")
    ax = Axis(axis, definition, task, gamma_ft, scheme, thresholds, e_star)
    if (dps is not None or V.boolean("certify", certify)) and not ax.exact:
        raise ParameterError(f"{'certify=True' if certify else f'dps={dps!r}'} is invalid for the 'samples' "
                             "PT-dependence axis: delta_S comes from the replica at float64 levers (Init), so it has "
                             "float64 precision only; valid: dps=None and certify=False, or definition='potential' "
                             "or 'paper', or axis='l_order'")
    if certify:
        from .replica.certify import working_digits
        dps, wdps = working_digits(30 if dps is None else dps, None)
    else:
        wdps = None
        dps = None if dps is None else V.dps("dps", dps)
    lo, hi = (c_lo, c_hi) if along == "log10_c" else (1 + r_lo, 1 + r_hi)
    lines = [_trace_line(ax, along, float(v), lo, hi, n_scan, dps, wdps, labels) for v in vals]
    return RegimeBoundaryCurve(axis.value, definition, along, scheme.value, gamma_ft, float(ax.threshold),
                               tuple(lines), ax.evaluations)


def _point_funcs(ax, along, value, dps):
    """(f64(t), fmp(t), to_xy(t)) on the line: t = u = 1 + lambda/c (along lambda_over_c, c = 10.0**value)
    or t = log10 c (along log10_c, u = 1 + value)."""
    if along == "lambda_over_c":
        c = float(10.0**value)

        def f64(t):
            return ax.f64(c, t)

        def fmp(t):
            return ax.fmp(mpmath.mpf(c), t, dps)

        def to_xy(t):
            return value, t - 1
        return f64, fmp, to_xy

    def f64(t):
        return ax.f64(10.0**t, 1.0 + value)

    def fmp(t):
        with mpmath.workdps(dps + 12):
            return ax.fmp(mpmath.mpf(10) ** t, mpmath.mpf(1) + mpmath.mpf(value), dps)

    def to_xy(t):
        return t, value
    return f64, fmp, to_xy


def _safe(f64, t):
    try:
        return f64(t)[0]
    except (ParameterError, ReplicaError, FloatingPointError, ZeroDivisionError, OverflowError):
        return None


def _trace_line(ax, along, value, lo, hi, n_scan, dps, wdps, labels):
    f64, fmp, to_xy = _point_funcs(ax, along, value, dps)
    grid = _scan_grid(along, lo, hi, n_scan)
    scan = [(float(t) - 1 if along == "lambda_over_c" else float(t), _safe(f64, float(t))) for t in grid]
    fs = [f for _, f in scan]
    points = []
    for i in range(len(grid) - 1):
        if fs[i] is None or fs[i + 1] is None or not fs[i] * fs[i + 1] < 0:
            continue
        br = (float(grid[i]), float(grid[i + 1]))
        xtol = XTOL64 if ax.exact else 1e-9  # delta_S carries ~1e-9 from its crossings: a finer root is noise
        rel = along == "lambda_over_c"
        t, err, _ = find_root(lambda s: f64(s)[0], fmp, br, ax.what, dps, f64_error=lambda s: f64(s)[1], xtol=xtol,
                              min_step=(1e-10 * br[0]) if rel else None, relative=rel,
                              var="u" if rel else "log10_c")
        cert = None if wdps is None else _certify(ax, along, value, t, dps, wdps)
        below = above = None
        if labels:
            h = max(100 * float(err), 1e-6 * (hi - lo))
            below, above = (_label(ax, along, value, float(t) + s * h) for s in (-1, 1))
        with mpmath.workdps((dps or 15) + 12):  # t - 1 at the root's precision, not at mpmath's default 53 bits
            x, y = to_xy(t)
        points.append(RegimeBoundaryPoint(x, y, err, along, below, above, dps, cert))
    return BoundaryLine(value, tuple(points), tuple(scan))


def _label(ax, along, value, t):
    from .regime import regime
    c, u = (10.0**value, t) if along == "lambda_over_c" else (10.0**t, 1.0 + value)
    try:
        return regime(ax.task, ax.init(c, u), ax.scheme, ax.th, definition=ax.definition, e_star=ax.e_star).regime.value
    except (ParameterError, ReplicaError):
        return None


def _certify(ax, along, value, t, dps, wdps):
    """A proved interval [t - d, t + d] (d = 10^-(dps+5) |t|, or absolute for log10 c near 0) with
    certified opposite signs of the axis at its ends."""
    import flint
    from .kernels import _arb_ops as A
    from .replica.certify import CertifiedInterval, ball_interval, check_width, working_bits
    bits = working_bits(wdps)
    with mpmath.workprec(bits + 20):
        d = max(abs(t), mpmath.mpf(1) if along == "log10_c" else 0) * mpmath.mpf(10) ** -(dps + 5)
        ends = (t - d, t + d)
    signs = []
    with flint.ctx.workprec(bits):
        for e in ends:
            te = A.from_mpf(e)
            if along == "lambda_over_c":
                c, u = flint.arb(float(10.0**value)), te
            else:
                c, u = flint.arb(10) ** te, flint.arb(1) + flint.arb(value)
            signs.append(ax.farb(c, u, bits))
        lo_f, hi_f = signs
        if not ((lo_f < 0 and hi_f > 0) or (lo_f > 0 and hi_f < 0)):
            raise CertificationError(f"{ax.what}: no certified sign change across [{mpmath.nstr(ends[0], 8)}, "
                                     f"{mpmath.nstr(ends[1], 8)}]; raise dps or check that the root is simple")
        ball = ball_interval(A.from_mpf(ends[0]), A.from_mpf(ends[1]))
        check_width(ball, dps, wdps, ax.what)
    name = "1 + lambda_PT/c_PT" if along == "lambda_over_c" else "log10 c_PT"
    proved = (f"{ax.what} has certified opposite signs at the two ends (generated arb kernels, inputs as their "
              f"exact binary values): by continuity it vanishes at some {name} inside the interval")
    return CertifiedInterval.from_ball(ball, dps, proved)


__all__ = ["ALONG", "BoundaryLine", "RegimeBoundaryCurve", "RegimeBoundaryPoint", "regime_boundary"]
