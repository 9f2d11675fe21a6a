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

import itertools
import math

import numpy as np
import scipy.optimize

from .. import _validate as V
from ..config import DEFAULT_SCHEME, as_scheme
from ..config import Init, Task
from ..errors import InfeasibleError, ParameterError, ParameterTypeError, PTFTError, ReplicaError
from .advice import Advice, RegimeBest
from ..regime import DEFAULT_THRESHOLDS, Regime, Thresholds, regime
from .regions import LABEL_BUDGET, Labeller, best_of_each_regime
from .resolve import CORNER_MARGIN, RESOLUTION, away_from_corner, least_extreme, on_frozen_corner, smallest_scale
from .space import COORDINATES, E_FLOOR, VALID_BOX, Objective, alpha_nodes, search_space

#: The reference init of ``E_default``.
REFERENCE_INIT = Init(c_pt=1.0, lambda_pt=0.0, gamma_ft=1.0)
#: Definition of the region a Nelder-Mead polish keeps to, step by step: the potential ratio (microseconds
#: per label; ~150 labels per polish).  Which regime a start or an end point belongs to is the calibrated
#: delta_S within a budget (:mod:`ptft_theory.advisor.regions`).
SEARCH_DEFINITION = "potential"
#: Points per coordinate of the global grid (0.5 decades in c, 0.25 in lambda/c, 0.2 in gamma).
GRID = {"log10_c_pt": 13, "lambda_ratio": 9, "gamma_ft": 6}
#: Grid points the overall polish starts from.
POLISH_STARTS = 3
#: Evaluation budget of one polish (L-BFGS-B ``maxfun``; Nelder-Mead ``maxfev``).
POLISH_MAXFUN = 150
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
                if regime(obj.task, space.init(x), obj.scheme, thresholds, definition=SEARCH_DEFINITION
                          ).regime.value != region:
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


def _global_grid(obj, space, grid, fix, bounds):
    """Stage 1: the coarse grid, along lines of lambda (warm-started sweeps); returns the finite
    ``(E, x)`` points sorted by E and the grid step per coordinate."""
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
    finite.sort(key=lambda t: t[0])
    return finite, step


def _polish_best(obj, space, finite, step):
    """Stage 2: polish from the POLISH_STARTS best grid points; returns the best ``(E, x, result)`` and
    every polish's ``(E, x, result)``."""
    found = []
    for E0, x0 in finite[:POLISH_STARTS]:
        x, E, res = _polish_free(obj, space, x0, step)
        found.append((E, x, res))
    E_opt, x_opt, res_opt = min(found, key=lambda t: t[0])
    if E_opt > finite[0][0]:  # the polish never ends above its start; keep the grid point if it did
        E_opt, x_opt, res_opt = finite[0][0], finite[0][1], scipy.optimize.OptimizeResult(success=False, message="polish did not improve on the grid point")
    return E_opt, x_opt, res_opt, found


def _polish_per_regime(obj, space, finite, found, step, thresholds, labeller):
    """Stage 3: per regime, the best grid or polished point of its region (labels of ``labeller``: the
    calibrated delta_S within its budget), polished inside the potential-ratio region of that start and
    kept only when its own label is the regime's; returns ``{label: RegimeBest}`` and
    ``{label: OptimizeResult}``."""
    seen, cands = set(), []
    for E, x in list(finite) + [(E, x) for E, x, _ in found]:
        key = tuple(np.round(x, 12))
        if key not in seen:
            seen.add(key)
            cands.append((E, x))
    starts = best_of_each_regime(labeller, space, cands)
    by_regime: dict[str, RegimeBest] = {}
    results = {}
    for lab in sorted(starts, key=lambda s: [r.value for r in Regime].index(s)):
        E0, x0, d0 = starts[lab]
        pot0 = labeller.potential(space.init(x0)).regime.value  # the polish keeps to this potential region
        x, E, res = _polish_free(obj, space, x0, step, region=pot0, thresholds=thresholds)
        d = d0
        if E < E0:
            got, d = labeller.label(space.init(x))
            if got != lab:
                x, E, d = x0, E0, d0
        else:
            x, E = x0, E0
        by_regime[lab] = RegimeBest(space.init(x), float(E), d)
        results[lab] = res
    return by_regime, results


def best_init(task: Task, alpha, scheme=DEFAULT_SCHEME, sigma: float = 0.0, alpha_pt=None, fix=None, bounds=None, *,
              sigma_pt: float = 0.0,
              reference: Init = REFERENCE_INIT, thresholds: Thresholds = DEFAULT_THRESHOLDS, grid=None,
              progress: bool | None = False,
              resolution: float = RESOLUTION, corner_margin: float = CORNER_MARGIN,
              label_budget: int = LABEL_BUDGET) -> Advice:
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
    progress : bool or None
        A tqdm progress bar on stderr over the grid lines and the polishes (an advice takes 1-30 s):
        False (default) none, True always, None when stderr is a terminal (what ``ptft advise`` does).
    resolution : float
        Relative E at or below which the task counts as recovered exactly (default RESOLUTION = 1e-6):
        inits below it are equal in E and the advice is the least extreme of them, the one with the
        largest smallest FT scale k_min (:mod:`ptft_theory.advisor.resolve`), per regime too.
    corner_margin : float
        When E falls toward the frozen corner (lambda_pt = -c_pt, gamma_ft = 0) without reaching
        ``resolution``, the advice keeps ``1 + lambda_pt / c_pt >= corner_margin`` (default 1e-3) and
        ``Advice.corner_limit`` holds the lowest E found approaching the corner.
    label_budget : int
        New calibrated (delta_S) labels the per-regime search may compute (default LABEL_BUDGET = 12,
        ~0.05-0.3 s each); past it, regions are told by the potential ratio
        (``RegimeBest.definition`` says which placed each regime's best; :mod:`ptft_theory.advisor.regions`).

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
    resolution = V.positive("resolution", resolution)
    corner_margin = V.positive("corner_margin", corner_margin)
    label_budget = 0 if label_budget == 0 and not isinstance(label_budget, bool) else V.positive_int("label_budget", label_budget)
    if not corner_margin < 1:
        raise ParameterError(f"corner_margin={corner_margin!r} is invalid; valid range: 0 < corner_margin < 1")
    space = search_space(bounds, fix)
    obj = Objective(task, alphas, weights, scheme, sigma, space, alpha_pt, sigma_pt)
    try:  # E at the reference init first: alpha or sigma the replica rejects is the caller's error
        E_def = obj.solve(reference)
    except (ParameterError, ParameterTypeError):
        raise
    except PTFTError:
        E_def = None

    from tqdm.auto import tqdm  # noqa: PLC0415
    bar = tqdm(total=3, desc="advise: grid", unit="stage", disable=(not progress) if progress is not None else None,
               leave=False)
    try:
        finite, step = _global_grid(obj, space, grid, fix, bounds)
        bar.update()
        bar.set_description("advise: polish")
        E_opt, x_opt, res_opt, found = _polish_best(obj, space, finite, step)
        bar.update()
        bar.set_description("advise: per regime")
        labeller = Labeller(task, scheme, thresholds, label_budget)
        by_regime, results = _polish_per_regime(obj, space, finite, found, step, thresholds, labeller)
        bar.update()
    finally:
        bar.close()
    best_lab = min(by_regime, key=lambda k: by_regime[k].E)
    init_opt = space.init(x_opt)
    if by_regime[best_lab].E < E_opt:  # a regime polish went lower than the overall polish
        E_opt, init_opt, res_opt = by_regime[best_lab].E, by_regime[best_lab].init, results[best_lab]
    # 4. exact recovery / the frozen corner (advisor.resolve): never answer with a frozen network
    E_lowest, corner_limit, note = float(E_opt), None, ""

    def label_of(init):  # many calls (every candidate of the floor / corner searches): no new replica labels
        return labeller.label(init, spend=False)[0]

    if E_opt <= resolution:
        got = least_extreme(obj, space, resolution, step)
        if got is not None:
            x_le, E_le, k_le = got
            init_opt, E_opt = space.init(x_le), E_le
            res_opt = scipy.optimize.OptimizeResult(success=True, message="least extreme init at the floor")
            note = (f"; E <= resolution {resolution:g} (lowest found {E_lowest:.3g}): the task is recovered exactly and "
                    f"inits below the floor are equal in E, so the answer is the least extreme of them, the one "
                    f"with the largest smallest FT scale k_min = {k_le:.3g}")
        for lab, b in list(by_regime.items()):
            if b.E <= resolution:
                got = least_extreme(obj, space, resolution, step,
                                    accept=lambda i, lab=lab: label_of(i) == lab)
                if got is not None:
                    by_regime[lab] = RegimeBest(space.init(got[0]), float(got[1]), b.definition)
        # the overall answer: the least extreme of the overall and the per-regime ones at the floor
        at_floor = [(init_opt, E_opt)] + [(b.init, b.E) for b in by_regime.values() if b.E <= resolution]
        init_opt, E_opt = max(at_floor, key=lambda t: smallest_scale(t[0], task, scheme))
    elif on_frozen_corner(init_opt, scheme):
        corner_limit = E_lowest
        got = away_from_corner(obj, space, corner_margin, step)
        if got is not None:
            init_opt, E_opt = space.init(got[0]), got[1]
            res_opt = scipy.optimize.OptimizeResult(success=True, message="best init at the margin from the corner")
            note = (f"; E falls toward the frozen corner lambda_pt = -c_pt, gamma_ft = 0 (every k -> 0: a network "
                    f"there cannot learn) without reaching the resolution {resolution:g}: the infimum is approached, "
                    f"not attained (lowest E found approaching it: {corner_limit:.4g}); the answer is the best init "
                    f"at distance 1 + lambda/c + gamma^2/(2c) >= {corner_margin:g} from it")
        for lab, b in list(by_regime.items()):
            if on_frozen_corner(b.init, scheme):
                got = away_from_corner(obj, space, corner_margin, step, accept=lambda i, lab=lab: label_of(i) == lab)
                if got is not None:
                    by_regime[lab] = RegimeBest(space.init(got[0]), float(got[1]), b.definition)
                else:
                    del by_regime[lab]
    reg = regime(task, init_opt, scheme, thresholds)  # the answer's label: the calibrated definition
    # the answer is the best of its own regime (by the answer's label), whatever region located it first
    for lab, b in list(by_regime.items()):
        if b.init == init_opt and lab != reg.regime.value:
            del by_regime[lab]
    if reg.regime.value not in by_regime or by_regime[reg.regime.value].E >= E_opt or (
            E_opt <= resolution or corner_limit is not None):
        by_regime[reg.regime.value] = RegimeBest(init_opt, float(E_opt), reg.definition)
    by_regime = {k: by_regime[k] for k in sorted(by_regime, key=lambda s: [r.value for r in Regime].index(s))}
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
        note = "; the answer is the least extreme init (the largest smallest FT scale k_min)" if note else ""
    msg += note
    if wider and finite[-1][0] > 0:
        msg += f"; the optimum is on the face of the box in {', '.join(wider)} (a wider box may go " + (
            "to a less extreme init)" if note.startswith("; E <=") else "lower)")
    if set(on) - set(wider) and finite[-1][0] > 0:
        msg += f"; the optimum is at the edge of the valid range in {', '.join(n for n in on if n not in wider)}"
    if obj.failures:
        msg += f"; {obj.failures} of {obj.evaluations} evaluations failed and counted as +inf ({obj.infeasible} infeasible)"
    return Advice(init=init_opt, E=float(E_opt), regime=reg, best_by_regime=by_regime, reference=reference,
                  E_default=E_def, evaluations=obj.evaluations, failures=obj.failures, infeasible=obj.infeasible,
                  converged=bool(getattr(res_opt, "success", False)), message=msg.lstrip("; "), on_bounds=on,
                  task=task, alpha=alpha_given, scheme=scheme, sigma=sigma,
                  bounds={n: (float(space.lo[j]), float(space.hi[j])) for j, n in enumerate(COORDINATES)},
                  fixed=dict(fix or {}), alpha_pt=obj.alpha_pt, sigma_pt=obj.sigma_pt, resolution=resolution,
                  E_lowest=E_lowest, corner_limit=corner_limit, corner_margin=corner_margin,
                  k_min=smallest_scale(init_opt, task, scheme))
