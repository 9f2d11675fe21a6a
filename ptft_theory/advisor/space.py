"""The advisor's search space and objective (:func:`ptft_theory.advisor.best_init`).

:class:`SearchSpace` maps the search coordinates ``(log10 c_pt, lambda_ratio = lambda_pt / c_pt,
gamma_ft)`` of a box, with some levers fixed, to an :class:`~ptft_theory.config.Init`;
:class:`Objective` is E of an init (the mean over the alpha nodes of :func:`alpha_nodes` for an
interval), cached, with failures counted as +inf; every evaluation is the public replica
(:func:`~ptft_theory.replica.generalization_error`, or :func:`~ptft_theory.replica.error_sweep` along
lines of lambda).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .. import _validate as V
from ..config import Init
from ..errors import InfeasibleError, ParameterError, ParameterTypeError, PTFTError
from ..replica import ALPHA_MIN, error_sweep, generalization_error

#: Search coordinates and their default box (the issue's box).
DEFAULT_BOUNDS = {"log10_c_pt": (-4.0, 2.0), "lambda_ratio": (-1.0, 1.0), "gamma_ft": (0.0, 1.0)}
COORDINATES = tuple(DEFAULT_BOUNDS)
#: Names ``fix`` accepts: the three levers, and the ratio lambda_pt / c_pt.
FIXABLE = ("c_pt", "lambda_pt", "gamma_ft", "lambda_ratio")
#: Gauss-Legendre nodes per panel, and equal panels, of an alpha interval (mean E over the interval).
ALPHA_NODES = 5
ALPHA_PANELS = 4
#: Floor of E in the objective log10(E) (E = 0: alpha >= 1 without noise).
E_FLOOR = 1e-300
#: The widest box a coordinate may have (bounds and fixed levers alike): beyond it c_PT or gamma_FT^2
#: leaves float64's range and every evaluation would fail.
VALID_BOX = {"log10_c_pt": (-300.0, 300.0), "lambda_ratio": (-1.0, 1.0), "gamma_ft": (0.0, 1e76)}


# ------------------------------------------------------------------------------ the search space
@dataclasses.dataclass(frozen=True)
class SearchSpace:
    """Box of the free coordinates, the fixed ones, and the map to an Init."""

    lo: np.ndarray  # (3,) bounds of (log10 c, ratio, gamma); lo == hi for a fixed coordinate
    hi: np.ndarray
    lambda_abs: float | None  # lambda_pt fixed in absolute terms (the ratio follows c)

    @property
    def free(self) -> np.ndarray:
        free = self.lo < self.hi
        if self.lambda_abs is not None:
            free[1] = False
        return free

    def full(self, x_free) -> np.ndarray:
        x = self.lo.copy()
        x[self.free] = x_free
        return x

    def init(self, x) -> Init:
        c = 10.0 ** float(x[0])
        if self.lambda_abs is not None:  # pinned: exact; 10**log10|lambda| may fall 1 ulp below |lambda|
            return Init(max(c, abs(self.lambda_abs)), self.lambda_abs, float(x[2]))
        lam = float(np.clip(float(np.clip(x[1], -1, 1)) * c, -c, c))
        return Init(c, lam, float(x[2]))


def search_space(bounds, fix) -> SearchSpace:
    box = dict(DEFAULT_BOUNDS)
    if bounds is not None:
        if not isinstance(bounds, dict):
            raise ParameterTypeError(f"bounds must be a dict {{name: (lo, hi)}} with names {', '.join(COORDINATES)}; "
                                     f"got {type(bounds).__name__}")
        for name, v in bounds.items():
            if name not in COORDINATES:
                raise ParameterError(f"bounds: name {name!r} is invalid; valid: {', '.join(COORDINATES)}")
            try:
                lo, hi = (V.finite_scalar(f"bounds[{name!r}]", t) for t in v)
            except (TypeError, ValueError) as e:
                if isinstance(e, PTFTError):
                    raise
                raise ParameterError(f"bounds[{name!r}]={v!r} is invalid; valid: a pair (lo, hi), lo <= hi") from None
            box[name] = (lo, hi)
    for name, (lo, hi) in box.items():
        valid = VALID_BOX[name]
        if not (valid[0] <= lo <= hi <= valid[1]):
            raise ParameterError(f"bounds[{name!r}]=({lo!r}, {hi!r}) is invalid; valid range: "
                                 f"{valid[0]:g} <= lo <= hi <= {valid[1]:g}")
    lo = np.array([box[n][0] for n in COORDINATES], float)
    hi = np.array([box[n][1] for n in COORDINATES], float)
    fix = {} if fix is None else fix
    if not isinstance(fix, dict):
        raise ParameterTypeError(f"fix must be a dict {{lever: value}} with levers {', '.join(FIXABLE)}; "
                                 f"got {type(fix).__name__}")
    bad = [k for k in fix if k not in FIXABLE]
    if bad:
        raise ParameterError(f"fix: lever {bad[0]!r} is invalid; valid: {', '.join(FIXABLE)}")
    if "lambda_pt" in fix and "lambda_ratio" in fix:
        raise ParameterError("fix: lambda_pt and lambda_ratio pin the same lever; valid: at most one of them")
    lam_abs = None
    if "c_pt" in fix:
        lo[0] = hi[0] = math.log10(V.positive("fix['c_pt']", fix["c_pt"]))
        a, b = VALID_BOX["log10_c_pt"]
        if not a <= lo[0] <= b:
            raise ParameterError(f"fix['c_pt']={fix['c_pt']!r} is invalid; valid range: {10 ** a:g} <= c_pt <= {10 ** b:g}")
    if "gamma_ft" in fix:
        lo[2] = hi[2] = V.nonnegative("fix['gamma_ft']", fix["gamma_ft"])
        if lo[2] > VALID_BOX["gamma_ft"][1]:
            raise ParameterError(f"fix['gamma_ft']={fix['gamma_ft']!r} is invalid; valid range: "
                                 f"0 <= gamma_ft <= {VALID_BOX['gamma_ft'][1]:g}")
    if "lambda_ratio" in fix:
        r = V.finite_scalar("fix['lambda_ratio']", fix["lambda_ratio"])
        if not -1 <= r <= 1:
            raise ParameterError(f"fix['lambda_ratio']={r!r} is invalid; valid range: -1 <= lambda_ratio <= 1")
        lo[1] = hi[1] = r
    if "lambda_pt" in fix:
        lam = V.finite_scalar("fix['lambda_pt']", fix["lambda_pt"])
        if lam == 0:
            lo[1] = hi[1] = 0.0
        else:  # |lambda| <= c: c at least |lambda|; the ratio follows c
            lam_abs = lam
            if "c_pt" in fix:
                Init(10 ** lo[0], lam, 0.0)  # ParameterError naming lambda_pt when |lambda| > c
            else:
                lo[0] = max(lo[0], math.log10(abs(lam)))
                if lo[0] > hi[0]:
                    raise ParameterError(f"fix['lambda_pt']={lam!r} is invalid with log10_c_pt <= {hi[0]:g}; valid "
                                         f"range: |lambda_pt| <= c_pt <= {10 ** hi[0]:g}")
                lo[1], hi[1] = -1.0, 1.0
    return SearchSpace(lo, hi, lam_abs)


# ------------------------------------------------------------------------------- the objective
class Objective:
    """E (or its mean over the alpha nodes) of an init; failures are +inf and counted."""

    def __init__(self, task, alphas, weights, scheme, sigma, space, alpha_pt=None, sigma_pt=0.0):
        self.task, self.alphas, self.weights, self.scheme, self.sigma = task, alphas, weights, scheme, sigma
        self.alpha_pt, self.sigma_pt = alpha_pt, sigma_pt
        self.space = space
        self.evaluations = self.failures = self.infeasible = 0
        self.cache: dict = {}
        self.last_error = None

    def _mean(self, res) -> float:
        E = np.asarray(res, dtype=float)
        return float(np.dot(self.weights, E))

    def solve(self, init) -> float:
        """(Mean) E of one init: the one place a single init meets the replica (with ``alpha_pt``, the
        two-stage replica of finite PT data, docs/design.md section 3.1)."""
        return self._mean(generalization_error(self.task, init, self.alphas, self.scheme, self.sigma,
                                               alpha_pt=self.alpha_pt, sigma_pt=self.sigma_pt))

    def _fail(self, exc):
        self.last_error = exc
        self.failures += 1
        self.infeasible += isinstance(exc, InfeasibleError)
        return math.inf

    def at(self, x) -> float:
        key = tuple(float(v) for v in x)
        if key in self.cache:
            return self.cache[key]
        self.evaluations += 1
        try:
            E = self.solve(self.space.init(x))
        except PTFTError as exc:  # infeasible corner, unconverged solve, k out of range: +inf, counted
            E = self._fail(exc)
        self.cache[key] = E
        return E

    def line(self, xs) -> list[float]:
        """E at points differing only in the ratio (c and gamma equal), warm-started along lambda."""
        todo = [x for x in xs if tuple(float(v) for v in x) not in self.cache]
        # (the two-stage replica of finite PT data has no lambda sweep: its points are solved one by one)
        if len(todo) > 1 and self.space.lambda_abs is None and self.alpha_pt is None:
            inits = [self.space.init(x) for x in todo]
            try:
                rs = error_sweep(self.task, inits[0], "lambda_pt", [i.lambda_pt for i in inits], self.alphas,
                                 self.scheme, self.sigma)
                for x, r in zip(todo, rs):
                    self.evaluations += 1
                    self.cache[tuple(float(v) for v in x)] = self._mean(r)
            except PTFTError:
                pass  # one point of the line failed: evaluate them one by one below
        return [self.at(x) for x in xs]


def alpha_nodes(alpha):
    """The alphas the objective solves, their weights, and alpha as given (float or (lo, hi)).

    A number gives itself with weight 1; an interval (lo, hi) gives ALPHA_PANELS equal panels of
    ALPHA_NODES Gauss-Legendre nodes, increasing, with weights summing to 1 (the mean of E over it)."""
    if isinstance(alpha, (list, tuple, np.ndarray)) and np.ndim(alpha) == 1:
        a = V.finite_array("alpha", alpha)
        if a.size == 1:
            alpha = float(a[0])
        elif a.size == 2:
            lo, hi = float(a[0]), float(a[1])
            if not ALPHA_MIN <= lo < hi:
                raise ParameterError(f"alpha=({lo!r}, {hi!r}) is invalid; valid: an interval {ALPHA_MIN:g} <= lo < hi")
            t, w = np.polynomial.legendre.leggauss(ALPHA_NODES)
            edges = np.linspace(lo, hi, ALPHA_PANELS + 1)
            nodes = np.concatenate([a + (b - a) * (t + 1) / 2 for a, b in zip(edges[:-1], edges[1:])])
            return nodes, np.tile(w / 2 / ALPHA_PANELS, ALPHA_PANELS), (lo, hi)
        else:
            raise ParameterError(f"alpha={alpha!r} is invalid; valid: a number > 0 or an interval (lo, hi)")
    a = V.positive("alpha", alpha)
    if a < ALPHA_MIN:
        raise ParameterError(f"alpha={alpha!r} is invalid; valid range: alpha >= {ALPHA_MIN:g}")
    return np.array([a]), np.array([1.0]), a
