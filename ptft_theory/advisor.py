"""The initialisation advisor (docs/design.md section 3.2): the levers (c_PT, lambda_PT, gamma_FT)
that minimise the replica FT error of a described task, and the best init of each regime.

``best_init(task, alpha)`` searches the coordinates ``(log10 c_pt, lambda_ratio = lambda_pt / c_pt,
gamma_ft)`` inside a box (default :data:`DEFAULT_BOUNDS`: log10 c_PT in [-4, 2], lambda_PT / c_PT in
[-1, 1], gamma_FT in [0, 1]) in two stages:

1. **global**: a coarse grid (:data:`GRID` points per coordinate, from face to face of the box), evaluated along
   lines of lambda_PT with the replica's warm-started :func:`error_sweep`;
2. **polish**: from the :data:`POLISH_STARTS` best grid points, bounded L-BFGS-B on ``log10 E``
   (finite differences); then, for each regime, a Nelder-Mead polish of its best grid point that
   stays inside the regime's region (an init whose :func:`regime` label differs counts as +inf).

Every evaluation is the float64 replica, :func:`generalization_error` (the public API only).  An
evaluation that fails (the infeasible corner of ``"merged"``, ``lambda_pt = -c_pt`` with
``gamma_ft = 0``, where every coordinate is frozen; a replica solve that does not converge) counts as
E = +inf and is counted in ``Advice.failures``; it never stops the search.

``alpha`` is a number, or an interval ``(lo, hi)`` for a user who only knows N_FT roughly: then the
objective is the mean of E over the interval, by composite Gauss-Legendre quadrature (:data:`ALPHA_PANELS`
equal panels of :data:`ALPHA_NODES` nodes: E has a kink where a rich init reaches exact recovery, and
one 5-node rule was off by 27% over Fig. 5's range 0.01-0.5, 4 panels within 1%, measured).
``E_default`` is E at the stated reference init :data:`REFERENCE_INIT` (``c_pt = 1, lambda_pt = 0,
gamma_ft = 1``: unit-scale balanced layers, readout re-initialised at unit scale).
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import scipy.optimize

from . import _validate as V
from ._schemes import DEFAULT_SCHEME, as_scheme
from .config import Init, Task
from .errors import InfeasibleError, ParameterError, ParameterTypeError, PTFTError, ReplicaError
from .advice import Advice, RegimeBest
from .regime import DEFAULT_THRESHOLDS, Regime, Thresholds, regime
from .replica import ALPHA_MIN, error_sweep, generalization_error

#: Search coordinates and their default box (the issue's box).
DEFAULT_BOUNDS = {"log10_c_pt": (-4.0, 2.0), "lambda_ratio": (-1.0, 1.0), "gamma_ft": (0.0, 1.0)}
COORDINATES = tuple(DEFAULT_BOUNDS)
#: Names ``fix`` accepts: the three levers, and the ratio lambda_pt / c_pt.
FIXABLE = ("c_pt", "lambda_pt", "gamma_ft", "lambda_ratio")
#: The reference init of ``E_default``.
REFERENCE_INIT = Init(c_pt=1.0, lambda_pt=0.0, gamma_ft=1.0)
#: Points per coordinate of the global grid (0.5 decades in c, 0.25 in lambda/c, 0.2 in gamma).
GRID = {"log10_c_pt": 13, "lambda_ratio": 9, "gamma_ft": 6}
#: Gauss-Legendre nodes per panel, and equal panels, of an alpha interval (mean E over the interval).
ALPHA_NODES = 5
ALPHA_PANELS = 4
#: Grid points the overall polish starts from.
POLISH_STARTS = 3
#: Evaluation budget of one polish (L-BFGS-B ``maxfun``; Nelder-Mead ``maxfev``).
POLISH_MAXFUN = 150
#: Floor of E in the objective log10(E) (E = 0: alpha >= 1 without noise).
E_FLOOR = 1e-300
#: The widest box a coordinate may have (bounds and fixed levers alike): beyond it c_PT or gamma_FT^2
#: leaves float64's range and every evaluation would fail.
VALID_BOX = {"log10_c_pt": (-300.0, 300.0), "lambda_ratio": (-1.0, 1.0), "gamma_ft": (0.0, 1e76)}


# ------------------------------------------------------------------------------ the search space
@dataclasses.dataclass(frozen=True)
class _Space:
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


def _space(bounds, fix) -> _Space:
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
    return _Space(lo, hi, lam_abs)


# ------------------------------------------------------------------------------- the objective
class _Objective:
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
        return self._mean(generalization_error(self.alphas, self.task, init, self.scheme, self.sigma,
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
        if len(todo) > 1 and self.space.lambda_abs is None and self.alpha_pt is None:  # (no lambda sweep of the two-stage replica)
            inits = [self.space.init(x) for x in todo]
            try:
                rs = error_sweep("lambda_pt", [i.lambda_pt for i in inits], self.alphas, self.task, inits[0],
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


def _grid(space, grid):
    axes = []
    for j, name in enumerate(COORDINATES):
        if j == 1 and space.lambda_abs is not None:
            axes.append(np.array([0.0]))  # ratio follows c: not a grid axis
        elif space.free[j]:
            axes.append(np.linspace(space.lo[j], space.hi[j], int(grid[name])))
        else:
            axes.append(np.array([space.lo[j]]))
    return axes


def _polish_free(obj, space, x0, step, region=None, thresholds=DEFAULT_THRESHOLDS):
    """Bounded local polish from ``x0`` (full coordinates); returns (x, E, OptimizeResult)."""
    free = space.free
    if not free.any():
        return x0, obj.at(x0), scipy.optimize.OptimizeResult(success=True, message="every lever is fixed", nfev=0)
    b = list(zip(space.lo[free], space.hi[free]))

    def f(z):
        x = space.full(z)
        if region is not None:
            try:
                if regime(space.init(x), obj.task, obj.scheme, thresholds).regime.value != region:
                    return math.inf
            except PTFTError:
                return math.inf
        E = obj.at(x)
        return math.log10(max(E, E_FLOOR)) if math.isfinite(E) else math.inf

    z0 = x0[free]
    if region is None:
        def g(z):  # L-BFGS-B cannot take inf: a large finite value keeps it away from failed points
            v = f(z)
            return v if math.isfinite(v) else 1e3
        res = scipy.optimize.minimize(g, z0, method="L-BFGS-B", bounds=b,
                                      options={"maxfun": POLISH_MAXFUN, "eps": 1e-6, "ftol": 1e-10})
    else:
        sim = [z0]
        for k in range(z0.size):
            z = z0.copy()
            s = step[free][k] / 2
            z[k] = z[k] + s if z[k] + s <= b[k][1] else z[k] - s
            sim.append(z)
        res = scipy.optimize.minimize(f, z0, method="Nelder-Mead", bounds=b,
                                      options={"maxfev": POLISH_MAXFUN, "xatol": 1e-4, "fatol": 1e-6,
                                               "initial_simplex": np.array(sim)})
    x = space.full(np.clip(res.x, space.lo[free], space.hi[free]))
    return x, obj.at(x), res


def best_init(task: Task, alpha, scheme=DEFAULT_SCHEME, sigma: float = 0.0, alpha_pt=None, fix=None, bounds=None, *,
              sigma_pt: float = 0.0,
              reference: Init = REFERENCE_INIT, thresholds: Thresholds = DEFAULT_THRESHOLDS, grid=None) -> Advice:
    """The initialisation that minimises the replica FT error of ``task`` at ``alpha``.

    Parameters
    ----------
    task : Task
    alpha : float or (lo, hi)
        FT sample ratio N_FT / D, or an interval: then the mean E over it (composite Gauss-Legendre,
        ALPHA_PANELS x ALPHA_NODES alphas).
    scheme, sigma : as in :func:`generalization_error`.
    alpha_pt : float, optional
        Finite PT data, N_PT / D (docs/design.md section 3.1): every evaluation is the two-stage replica
        (about 25 times a one-stage point, and no warm-started lambda lines: an advice takes ~10-30 s).
        None (default): perfect PT, the paper's setting.
    sigma_pt : float
        PT label noise with ``alpha_pt`` (default 0).
    fix : dict, optional
        Pin levers: ``{"gamma_ft": 0.0}``, ``{"c_pt": 1e-3}``, ``{"lambda_pt": 0.0}`` or
        ``{"lambda_ratio": -0.5}`` (lambda_pt / c_pt).  A fixed lever overrides its bounds.
    bounds : dict, optional
        Override the box per coordinate: ``{"log10_c_pt": (-3, 1)}`` etc. (defaults DEFAULT_BOUNDS).
    reference : Init
        The init of ``E_default`` (default REFERENCE_INIT, c_pt = 1, lambda_pt = 0, gamma_ft = 1).
    thresholds : Thresholds
        Regime thresholds of the labels.
    grid : dict, optional
        Points per coordinate of the global stage (default GRID; each >= 2).

    Returns
    -------
    Advice

    Raises
    ------
    ParameterError, ParameterTypeError
        Bad input (names the parameter).
    InfeasibleError
        Every evaluated init was infeasible (e.g. ``fix={"lambda_ratio": -1, "gamma_ft": 0}``).
    ReplicaError
        Every evaluation failed.

    Examples
    --------
    >>> from ptft_theory import Task
    >>> adv = best_init(Task(0.1, 0.1, 0.0), 0.3, fix={"gamma_ft": 0.0}, grid={"log10_c_pt": 5, "lambda_ratio": 5})
    >>> adv.regime.regime.value, adv.E < adv.E_default
    ('II', True)
    """
    if not isinstance(task, Task):
        raise ParameterTypeError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    if not isinstance(reference, Init):
        raise ParameterTypeError(f"reference must be a ptft_theory.Init; got {type(reference).__name__}")
    if not isinstance(thresholds, Thresholds):
        raise ParameterTypeError(f"thresholds must be a ptft_theory.Thresholds; got {type(thresholds).__name__}")
    if task.rho_pt == 0:
        raise ParameterError("task.rho_pt=0: PT learns nothing, so no regime is defined; valid range: 0 < rho_pt <= 1")
    scheme = as_scheme(scheme).value
    sigma = V.nonnegative("sigma", sigma)
    alphas, weights, alpha_given = alpha_nodes(alpha)
    if sigma > 0 and isinstance(alpha_given, tuple) and alpha_given[0] <= 1 <= alpha_given[1]:
        # E ~ sigma^2 / |1 - alpha| near 1: the mean diverges (nodes would miss 1, or hit it and blame a node)
        raise ParameterError(f"alpha={alpha_given!r} contains 1 with sigma={sigma!r}: noisy interpolation at alpha = 1 "
                             "has unbounded error, so its mean over the interval is unbounded; valid: an interval "
                             "below 1 or above 1 when sigma > 0")
    grid = dict(GRID, **(grid or {}))
    for name, n in grid.items():
        if name not in COORDINATES or isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ParameterError(f"grid[{name!r}]={n!r} is invalid; valid: names {', '.join(COORDINATES)}, "
                                 "integers >= 2")
    space = _space(bounds, fix)
    obj = _Objective(task, alphas, weights, scheme, sigma, space, alpha_pt, sigma_pt)
    try:  # E at the reference init first: alpha or sigma the replica rejects is the caller's error
        E_def = obj.solve(reference)
    except (ParameterError, ParameterTypeError):
        raise
    except PTFTError:
        E_def = None

    # 1. global grid, along lines of lambda (warm-started sweeps)
    axes = _grid(space, grid)
    step = np.array([(a[1] - a[0]) if a.size > 1 else 1.0 for a in axes])
    if space.lambda_abs is not None:
        step[1] = 0.5
    points = []
    for lc, g in itertools.product(axes[0], axes[2]):
        xs = [np.array([lc, r, g]) for r in axes[1][::-1]]  # from a larger first layer down to lambda = -c
        for x, E in zip(xs, obj.line(xs)):
            points.append((E, x))
    finite = [(E, x) for E, x in points if math.isfinite(E)]
    if not finite:
        cls = InfeasibleError if obj.infeasible == obj.failures else ReplicaError
        raise cls(f"every one of {obj.evaluations} grid inits failed ({obj.infeasible} infeasible: every coordinate "
                  f"frozen; last: {obj.last_error}); fix={fix!r}, bounds={bounds!r}: widen the box or unpin a lever")

    def label(x):
        try:
            return regime(space.init(x), task, scheme, thresholds).regime.value
        except PTFTError:
            return None

    finite.sort(key=lambda t: t[0])
    # 2. polish from the best grid points
    found = []
    for E0, x0 in finite[:POLISH_STARTS]:
        x, E, res = _polish_free(obj, space, x0, step)
        found.append((E, x, res))
    E_opt, x_opt, res_opt = min(found, key=lambda t: t[0])
    if E_opt > finite[0][0]:  # the polish never ends above its start; keep the grid point if it did
        E_opt, x_opt, res_opt = finite[0][0], finite[0][1], scipy.optimize.OptimizeResult(success=False, message="polish did not improve on the grid point")
    # 3. per regime: best grid point of each region, polished inside it
    by_regime: dict[str, RegimeBest] = {}
    labelled: dict[str, tuple] = {}
    for E, x in finite:
        lab = label(x)
        if lab is not None and lab not in labelled:
            labelled[lab] = (E, x)
    for E, x, _ in found:
        lab = label(x)
        if lab is not None and (lab not in labelled or E < labelled[lab][0]):
            labelled[lab] = (E, x)
    results = {}
    for lab in sorted(labelled, key=lambda s: [r.value for r in Regime].index(s)):
        E0, x0 = labelled[lab]
        x, E, res = _polish_free(obj, space, x0, step, region=lab, thresholds=thresholds)
        if not (E < E0 and label(x) == lab):
            x, E = x0, E0
        by_regime[lab] = RegimeBest(space.init(x), float(E))
        results[lab] = res
    best_lab = min(by_regime, key=lambda k: by_regime[k].E)
    init_opt = space.init(x_opt)
    if by_regime[best_lab].E < E_opt:  # a regime polish went lower than the overall polish
        E_opt, init_opt, res_opt = by_regime[best_lab].E, by_regime[best_lab].init, results[best_lab]
    reg = regime(init_opt, task, scheme, thresholds)
    xo = np.array([math.log10(init_opt.c_pt), init_opt.lambda_pt / init_opt.c_pt, init_opt.gamma_ft])
    tol = 1e-6 * np.maximum(1.0, np.abs(space.hi - space.lo))
    at_lo = space.free & (xo <= space.lo + tol)
    at_hi = space.free & (xo >= space.hi - tol)
    on = tuple(n for j, n in enumerate(COORDINATES) if at_lo[j] or at_hi[j])
    # a face at the edge of the valid range (lambda_pt = +-c_pt, gamma_ft = 0) cannot be moved out
    wider = tuple(n for j, n in enumerate(COORDINATES) if (at_lo[j] and space.lo[j] > VALID_BOX[n][0])
                  or (at_hi[j] and space.hi[j] < VALID_BOX[n][1]))
    msg = str(getattr(res_opt, "message", ""))
    if finite[-1][0] == 0:  # alpha >= 1 without noise: every init interpolates the teacher
        msg = "E = 0 at every init evaluated (alpha >= 1 without noise): the levers do not matter here"
    if scheme == "merged" and xo[1] <= -1 + 1e-4 and xo[2] <= 1e-4 * max(1.0, space.hi[2]):
        msg += ("; E falls toward the infeasible corner lambda_pt = -c_pt, gamma_ft = 0 (every coordinate frozen): "
                "the infimum is approached, not attained, and the answer is the best init evaluated near it")
    if wider and finite[-1][0] > 0:
        msg += f"; the optimum is on the face of the box in {', '.join(wider)} (a wider box may go lower)"
    if set(on) - set(wider) and finite[-1][0] > 0:
        msg += f"; the optimum is at the edge of the valid range in {', '.join(n for n in on if n not in wider)}"
    if obj.failures:
        msg += f"; {obj.failures} of {obj.evaluations} evaluations failed and counted as +inf ({obj.infeasible} infeasible)"
    return Advice(init=init_opt, E=float(E_opt), regime=reg, best_by_regime=by_regime, reference=reference,
                  E_default=E_def, evaluations=obj.evaluations, failures=obj.failures, infeasible=obj.infeasible,
                  converged=bool(getattr(res_opt, "success", False)), message=msg.lstrip("; "), on_bounds=on,
                  task=task, alpha=alpha_given, scheme=scheme, sigma=sigma,
                  bounds={n: (float(space.lo[j]), float(space.hi[j])) for j, n in enumerate(COORDINATES)},
                  fixed=dict(fix or {}), alpha_pt=obj.alpha_pt, sigma_pt=obj.sigma_pt)
