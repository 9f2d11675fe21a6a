"""Closed-form rich and mixed limits of the FT error's exact-recovery thresholds
(derivations/06_rich_limits.md; :mod:`ptft_theory.symbolic.rich_limits`).

* :func:`weighted_l1_threshold` -- ``alpha_c`` of weighted l1 with weight 1 on PT features and ``r``
  on new ones (the statistical dimension of its descent cone; r = 1: Donoho-Tanner);
* :func:`weight_ratio` -- the first-order weight ratio ``r = asinh(A/k_new) / asinh(A/k_pt)`` of an init;
* :func:`rich_limit_alphas` -- ``(alpha_c_shared, alpha_c_new)`` of an init: the thresholds of the pair
  of tasks behind ``delta_S`` (:func:`pair_tasks`; :mod:`ptft_theory.regime_samples`) at the init's r;
* :func:`mixed_limit_alphas` -- the c -> 0, fixed lambda/c limit: ``(rho_pt, rho_pt + (1 - rho_pt)
  alpha_DT(rho_ft / (1 - rho_pt)))``.

Where they hold: as every k -> 0 at a fixed ratio of logarithms (c -> 0 with 1 + lambda/c = c^beta;
lambda/c -> -1 at fixed c gives r -> 1), approached only logarithmically in k; the mixed limit as
c -> 0 at fixed lambda/c > -1 (E ~ c^2 above it).  Tests: tests/replica/test_rich_limits.py.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from .. import _validate as V
from .. import kernels
from ..config import DEFAULT_SCHEME, Init, Task, as_scheme
from ..errors import ParameterError, ParameterTypeError
from .classes import check_task_and_inits
from .limits import rich_limit_threshold


def pair_tasks(task: Task) -> tuple[Task, Task]:
    """``(task_shared, task_new)`` of ``task`` (module docstring), with the task's amplitudes."""
    rho_ft = min(task.rho_ft, task.rho_pt, 1 - task.rho_pt)
    if not rho_ft > 0:
        raise ParameterError(f"rho_pt={task.rho_pt!r}: a PT support of the whole space (or none) leaves no room for "
                             "the shared/new pair; valid range for PT dependence in samples: 0 < rho_pt < 1")
    kw = dict(amp_pt=task.a_pt, amp_ft=task.a_ft)
    return Task(task.rho_pt, rho_ft, 0.0, **kw), Task(task.rho_pt, 0.0, rho_ft, **kw)


def weighted_l1_threshold(rho_pt: float, rho_shared: float, rho_new: float, r: float) -> float:
    """``alpha_c = min_t rho_sh (1 + t^2) + rho_new (1 + r^2 t^2) + (rho_pt - rho_sh) psi(t)
    + (1 - rho_pt - rho_new) psi(r t)`` (generated kernels ``weighted_l1_dimension`` / ``_stationarity``;
    convex in t: bisection on the stationarity, then secant), float64 result of a 30-digit evaluation.

    ``r = inf`` is its limit (t fixed, or t = s/r): ``rho_pt alpha_DT(rho_sh/rho_pt)`` when rho_new = 0
    (l1 on the PT support); else ``rho_pt + (1 - rho_pt) alpha_DT(rho_new/(1 - rho_pt))`` (every PT
    feature free, l1 on the rest: psi(0) = 1)."""
    rp, rs, rn = (V.unit_interval(n, v) for n, v in (("rho_pt", rho_pt), ("rho_shared", rho_shared),
                                                      ("rho_new", rho_new)))
    if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
        raise ParameterTypeError(f"r must be a number > 0 (or inf); got {type(r).__name__}")
    r = float(r)
    if not r > 0 or math.isnan(r):
        raise ParameterError(f"r={r!r} is invalid; valid range: r > 0 (or inf)")
    if rs > rp or rp + rn > 1 or rs + rn <= 0:
        raise ParameterError(f"(rho_pt, rho_shared, rho_new)=({rp!r}, {rs!r}, {rn!r}) is invalid; valid: "
                             "rho_shared <= rho_pt, rho_pt + rho_new <= 1, rho_shared + rho_new > 0")
    if math.isinf(r):
        if rn > 0:
            return rp + (1 - rp) * rich_limit_threshold(rn / (1 - rp)) if rp + rn < 1 else 1.0
        return rp * rich_limit_threshold(rs / rp) if rs < rp else rp
    K = kernels.mp
    with mpmath.workdps(30):
        args = [mpmath.mpf(v) for v in (r, rp, rs, rn)]

        def g(t):
            return K.weighted_l1_stationarity(t, *args)
        lo, hi = mpmath.mpf(0), mpmath.mpf(1)
        while g(hi) < 0:  # negative at 0 (psi'(0) < 0), positive for large t (the support terms)
            lo, hi = hi, 2 * hi
        for _ in range(80):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if g(mid) < 0 else (lo, mid)
        t_star = (lo + hi) / 2
        return float(K.weighted_l1_dimension(t_star, *args))


def weight_ratio(task: Task, init: Init, scheme=DEFAULT_SCHEME) -> float:
    """First-order weight ratio ``r = asinh(A/k_new) / asinh(A/k_pt)`` (kernel ``rich_weight_ratio``),
    A = amp_ft, k_pt = k(beta_pt = amp_pt), k_new = k(0); inf when new features are frozen (k_new = 0)."""
    from ..scales import ft_scales
    check_task_and_inits(task, init)
    scheme = as_scheme(scheme)
    k, _ = ft_scales(np.array([task.a_pt, 0.0]), init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    k_pt, k_new = float(k[0]), float(k[1])
    if k_pt == 0:
        raise ParameterError("k_pt = 0: PT features are frozen, no weighted-l1 limit; use gamma_ft > 0 or "
                             "lambda_pt > -c_pt")
    if k_new == 0:
        return math.inf
    with mpmath.workdps(30):
        return float(kernels.mp.rich_weight_ratio(mpmath.mpf(task.a_ft), mpmath.mpf(k_pt), mpmath.mpf(k_new)))


def rich_limit_alphas(task: Task, init: Init, scheme=DEFAULT_SCHEME) -> tuple[float, float]:
    """``(alpha_c_shared, alpha_c_new)``: weighted-l1 recovery thresholds at the init's first-order r
    for ``Task(rho_pt, rho_ft, 0)`` and ``Task(rho_pt, 0, rho_ft)`` (:func:`pair_tasks`).

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> a = rich_limit_alphas(Task(0.1, 0.05, 0.05), Init(1e-3, -1e-3, 0.1))   # k = gamma^2 everywhere: r = 1
    >>> [round(x, 9) for x in a]                                               # Donoho-Tanner for both
    [0.328793505, 0.328793505]
    """
    check_task_and_inits(task, init)
    shared, new = pair_tasks(task)
    r = weight_ratio(task, init, scheme)
    rf = shared.rho_shared
    return (weighted_l1_threshold(task.rho_pt, rf, 0.0, r), weighted_l1_threshold(task.rho_pt, 0.0, rf, r))


def mixed_limit_alphas(task: Task) -> tuple[float, float]:
    """c -> 0 at fixed lambda/c > -1 (merged, gamma = 0): ``(rho_pt, rho_pt + (1 - rho_pt)
    alpha_DT(rho_ft / (1 - rho_pt)))`` for the pair of tasks (derivations/06_rich_limits.md, 6.4);
    the second is 1 when rho_ft = 1 - rho_pt (alpha_DT(1) = 1: every non-PT coordinate is in the support)."""
    check_task_and_inits(task)
    shared, _ = pair_tasks(task)
    rf, rp = shared.rho_shared, task.rho_pt
    # the new-task threshold is weighted l1's r = inf limit (1 where the new support fills the non-PT space)
    return rp, weighted_l1_threshold(rp, 0.0, rf, math.inf)



E_STAR_TABLE = 1e-2  # the replica's level crossing compared with the thresholds (E = 0 only beyond them)


def rich_paths():
    """(name, where it holds, task, [(point label, init, closed-form kind)]) of docs/limits.md's rich table:
    the closed form is ``"r"`` (:func:`rich_limit_alphas` at the init's own r) or ``"mixed"``
    (:func:`mixed_limit_alphas`)."""
    cs = (1e-2, 1e-4, 1e-6, 1e-8)
    fig5 = Task(0.1, 0.05, 0.05)  # pair: rho_pt = rho_ft = 0.1 (Fig. 5's tasks)
    wide = Task(0.5, 0.1, 0.0)    # pair: rho_pt = 0.5, rho_ft = 0.1 (a wide window on new features)
    weighted = [(f"c = {c:g}", Init(c, c * (-1 + c), 0.0), "r") for c in cs]
    return [
        ("merged, gamma = 0, 1 + lambda/c = c, c -> 0 (r -> 2: weighted l1), rho_pt = rho_ft = 0.1",
         "Every k -> 0 at a fixed ratio of logarithms (k_pt ~ 1.4 c, k_new = 2 c^2): weighted l1 with r -> 2.  The "
         "crossings approach the thresholds from above, only logarithmically in 1/k.", fig5, weighted),
        ("merged, gamma = 0, 1 + lambda/c = c, c -> 0 (r -> 2: weighted l1), rho_pt = 0.5, rho_ft = 0.1",
         "The same path on a larger PT support: the new-feature threshold is far above Donoho-Tanner's (0.329), so "
         "the ordering R3 is resolved at reachable k.", wide, weighted),
        ("lambda = -c, c = 1e-3, gamma -> 0 (k = gamma^2 everywhere: r = 1, Donoho-Tanner), rho_pt = rho_ft = 0.1",
         "Regime I's corner: plain l1 (r = 1 exactly) as gamma -> 0; both tasks share one threshold.", fig5,
         [(f"gamma = {g:g}", Init(1e-3, -1e-3, g), "r") for g in (1e-1, 1e-2, 1e-3, 1e-4)]),
        ("merged, c = 1e-3, gamma = 0, lambda/c -> -1 (r -> 1, logarithmically), rho_pt = rho_ft = 0.1",
         "The other order of limits: at fixed c, 1 + lambda/c -> 0 takes r to 1 (plain l1) only logarithmically; the "
         "closed form at the init's own r follows the replica.", fig5,
         [(f"1 + lambda/c = {m:g}", Init(1e-3, 1e-3 * (m - 1), 0.0), "r") for m in (1e-1, 1e-3, 1e-6, 1e-9)]),
        ("merged, gamma = 0, lambda = 0, c -> 0 (mixed limit), rho_pt = rho_ft = 0.1",
         "c -> 0 at fixed lambda/c > -1: the PT features keep a finite k (A_pt (1 + lambda/c)), the new ones freeze "
         "(r -> inf): thresholds (rho_pt, the r = inf one).  The subset crossing reaches rho_pt fast (E ~ c^2 above "
         "it), the new-feature one slowly.", fig5, [(f"c = {c:g}", Init(c, 0.0, 0.0), "mixed") for c in cs]),
    ]


def rich_limit_table(max_points: int | None = None) -> list[dict]:
    """Rows (path, note, point, r, closed-form thresholds, replica level crossings of E*) for
    :func:`rich_paths` (docs/limits.md; ~25-50 s: 40 level crossings at k down to 1e-16), the first
    ``max_points`` points of each path (None: all)."""
    from .boundaries import level_crossing_alpha
    rows = []
    for name, note, task, inits in rich_paths():
        shared, new = pair_tasks(task)
        for label, init, kind in inits[:max_points]:
            closed = rich_limit_alphas(task, init) if kind == "r" else mixed_limit_alphas(task)
            got = [float(level_crossing_alpha(t, init, E_STAR_TABLE, bracket=(0.02, 0.8))) for t in (shared, new)]
            rows.append({"path": name, "note": note, "point": label, "e_star": E_STAR_TABLE,
                         "r": weight_ratio(task, init),
                         "closed_shared": closed[0], "replica_shared": got[0], "closed_new": closed[1],
                         "replica_new": got[1]})
    return rows


__all__ = ["mixed_limit_alphas", "pair_tasks", "rich_limit_alphas", "rich_limit_table", "rich_paths", "weight_ratio",
           "weighted_l1_threshold"]
