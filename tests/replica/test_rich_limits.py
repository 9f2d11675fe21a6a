"""Closed-form rich and mixed limits (issue 23, item 3; derivations/06_rich_limits.md) against
truths from outside the formulas:

* r = 1 is Donoho-Tanner (``rich_limit_threshold``, computed by its own root find);
* the replica's level crossings approach the weighted-l1 thresholds as c -> 0 on the path
  1 + lambda/c = c (r -> 2), and the mixed limit as c -> 0 at lambda = 0.  The approach is only
  logarithmic in k (the weights are log(1/k)), so the tests check the side and the shrinking gap,
  not a tight value: gap ~ 0.4 / log(1/k_new) measured (0.065, 0.036, 0.025, 0.015 at c = 1e-2, 1e-3,
  1e-4, 1e-6 on the shared task);
* the Fig. 5 ordering in the limits: at the thresholds a PT-dependent rich init (r > 1) needs fewer
  samples than the PT-independent one (r = 1) when the FT teacher is on PT features and more when it
  is on new ones; checked on the replica's crossings of the Fig. 5 inits I and IV;
* (slow) weighted l1 solved directly by linear programming at D = 200.
"""

import math

import numpy as np
import pytest

from ptft_theory import (Init, Task, level_crossing_alpha, mixed_limit_alphas, rich_limit_alphas, rich_limit_threshold,
                         weighted_l1_threshold)
from ptft_theory.replica import pair_tasks
from ptft_theory.replica import weight_ratio

TASK = Task(0.1, 0.05, 0.05)


@pytest.mark.parametrize("rho_pt,rho_ft", [(0.1, 0.1), (0.2, 0.05), (0.3, 0.02)])
def test_r_one_is_donoho_tanner_and_r_inf_is_the_limit(rho_pt, rho_ft):
    dt = rich_limit_threshold(rho_ft)
    assert weighted_l1_threshold(rho_pt, rho_ft, 0.0, 1.0) == pytest.approx(dt, rel=1e-12)
    assert weighted_l1_threshold(rho_pt, 0.0, rho_ft, 1.0) == pytest.approx(dt, rel=1e-12)
    # r = inf closed forms are the limit of large r: on the new task the PT term rho_pt psi(s/r) differs from
    # rho_pt psi(0) by ~ rho_pt |psi'(0)| s / r = 0.1 * 1.6 * s / r ~ 2e-7 at r = 1e6 (s ~ 1); shared: a Gaussian tail
    for rs, rn in ((rho_ft, 0.0), (0.0, rho_ft)):
        assert weighted_l1_threshold(rho_pt, rs, rn, 1e6) == pytest.approx(weighted_l1_threshold(rho_pt, rs, rn, math.inf),
                                                                             abs=1e-6)
    a_sh, a_new = mixed_limit_alphas(Task(rho_pt, rho_ft, 0.0))
    assert a_sh == rho_pt and a_new == pytest.approx(weighted_l1_threshold(rho_pt, 0.0, rho_ft, math.inf), rel=1e-12)


def test_uniform_k_gives_donoho_tanner_for_both():
    assert rich_limit_alphas(TASK, Init(1e-3, -1e-3, 0.1)) == pytest.approx((rich_limit_threshold(0.1),) * 2, rel=1e-12)


def _crossings(init, level=1e-2):
    shared, new = pair_tasks(TASK)
    return (float(level_crossing_alpha(shared, init, level, bracket=(0.05, 0.95))),
            float(level_crossing_alpha(new, init, level, bracket=(0.05, 0.95))))


def test_replica_approaches_the_weighted_l1_thresholds_as_c_falls(full):
    cs = [1e-2, 1e-3, 1e-4, 1e-6] if full else [1e-2, 1e-3]
    gaps = []
    for c in cs:
        init = Init(c, c * (-1 + c), 0.0)  # 1 + lambda/c = c: k_pt ~ c A_pt, k_new = 2 c^2, r -> 2
        pred = rich_limit_alphas(TASK, init)
        got = _crossings(init)
        gaps.append([g - p for g, p in zip(got, pred)])
    gaps = np.array(gaps)
    assert (gaps > 0).all()  # E* = 1e-2 > 0 is reached above the threshold (E = 0 only beyond it)
    assert (np.diff(gaps, axis=0) < 0).all(), gaps  # the gap shrinks as every k falls
    assert gaps[-1, 0] < (0.02 if full else 0.04) and gaps[-1, 1] < (0.05 if full else 0.1), gaps
    assert weight_ratio(TASK, Init(1e-8, 1e-8 * (-1 + 1e-8), 0.0)) == pytest.approx(2.0, abs=0.02)  # (1 + beta)/beta


def test_mixed_limit_on_the_shared_task():
    """c -> 0 at lambda = 0: new features infinitely costly, PT features smooth: alpha_c_shared = rho_pt
    (approached fast, E ~ c^2): crossings of E* = 1e-3 at 0.29, 0.148, 0.1185 for c = 1e-2, 1e-3, 1e-4."""
    shared, _ = pair_tasks(TASK)
    a = [float(level_crossing_alpha(shared, Init(c, 0.0, 0.0), 1e-3, bracket=(0.05, 0.95))) for c in (1e-3, 1e-4)]
    lim = mixed_limit_alphas(TASK)[0]
    assert lim < a[1] < a[0] and a[1] - lim < 0.03


@pytest.mark.parametrize("task", [Task(0.1, 0.1, 0.0), Task(0.2, 0.05, 0.0)])
def test_fig5_ordering_in_the_limits(task):
    """Statements (the Fig. 5 ordering of I and IV in the rich limit, every k -> 0): alpha_c_shared(r)
    decreases and alpha_c_new(r) increases with r, so a PT-dependent init (r > 1, IV) needs fewer
    samples than the PT-independent one (r = 1, I) when the FT teacher is on PT features, more when it
    is on new ones.  Replica check of the first at equal PT-feature scale: IV on the path
    1 + lambda/c = c (c = 1e-3, r = 1.98) against I with gamma^2 = k_pt(IV).  The second is a 0.025
    difference in the limit at this rho_pt (0.354 vs 0.329 at r = 2) approached as 0.4/log(1/k), and at
    finite k without matched scales the richer init wins (Fig. 5's I, k = 0.01, crosses E* = 1e-2 on the
    new task at 0.57, Fig. 5's IV, k_new = 2e-4, at 0.52); with I's k matched to IV's k_new and at larger
    rho_pt (wider windows) it is resolved: tests/replica/test_rich_ordering.py, R3."""
    from ptft_theory import ft_scales
    IV = Init(1e-3, 1e-3 * (-1 + 1e-3), 0.0)
    k_pt = float(ft_scales([task.a_pt], IV.c_pt, IV.lambda_pt, IV.gamma_ft)[0][0])
    I = Init(1e-3, -1e-3, math.sqrt(k_pt))
    pI, pIV = rich_limit_alphas(task, I), rich_limit_alphas(task, IV)
    assert pI == pytest.approx((rich_limit_threshold(pair_tasks(task)[0].rho_shared),) * 2)
    assert pIV[0] < pI[0] and pIV[1] > pI[1]
    for r in (1.0, 1.5, 2.0, 4.0):  # monotone in r (the statement), on a grid
        assert weighted_l1_threshold(task.rho_pt, pair_tasks(task)[0].rho_shared, 0.0, r) > \
            weighted_l1_threshold(task.rho_pt, pair_tasks(task)[0].rho_shared, 0.0, 1.1 * r)
    shared, _ = pair_tasks(task)
    a = {name: float(level_crossing_alpha(shared, init, 1e-2, bracket=(0.02, 0.98))) for name, init in (("I", I), ("IV", IV))}
    assert a["IV"] < a["I"], a


@pytest.mark.slow
def test_weighted_l1_threshold_by_linear_programming():
    """min sum w|b| s.t. X b = y solved by HiGHS at D = 200 (r = 2, rho_pt = 0.1, new support 0.1):
    recovery fails at alpha_c - 0.08 and succeeds at alpha_c + 0.08 in most of 4 seeds (the transition
    width is ~ 1/sqrt(D) ~ 0.07)."""
    import scipy.optimize
    D, r = 200, 2.0
    a_c = weighted_l1_threshold(0.1, 0.0, 0.1, r)

    def recovered(alpha, seed):
        rng = np.random.default_rng(seed)
        N = int(round(alpha * D))
        w = np.ones(D)
        w[20:] = r
        x = np.zeros(D)
        x[20:40] = rng.choice([-1.0, 1.0], 20)
        X = rng.standard_normal((N, D))
        res = scipy.optimize.linprog(np.concatenate([w, w]), A_eq=np.hstack([X, -X]), b_eq=X @ x, bounds=(0, None),
                                     method="highs")
        b = res.x[:D] - res.x[D:]
        return np.linalg.norm(b - x) < 1e-4 * np.linalg.norm(x)
    assert sum(recovered(a_c - 0.08, s) for s in range(4)) <= 1
    assert sum(recovered(a_c + 0.08, s) for s in range(4)) >= 3


def test_mixed_limit_when_the_new_support_fills_the_non_pt_space():
    """rho_ft = 1 - rho_pt: every non-PT coordinate carries the new task's teacher, so its threshold is 1
    (alpha_DT(1) = 1; this raised a ParameterError from alpha_DT(rho = 1) before)."""
    assert mixed_limit_alphas(Task(0.5, 0.5, 0.0)) == (0.5, 1.0)
    assert weighted_l1_threshold(0.5, 0.0, 0.5, math.inf) == 1.0


def test_docs_limits_rich_table_is_current(full):
    """docs/limits.md's rich tables against a fresh computation (the first point of each path by default, every
    point with PTFT_FULL=1): thresholds and crossings to 2e-6 (printed to 6 decimals; the crossing's root is
    bracketed to ~1e-12 and the replica E is float64 to ~1e-9)."""
    from ptft_theory.experiments import limits_doc
    from ptft_theory.replica.rich_limits import rich_limit_table, rich_paths
    stale = "stale: python -m ptft_theory.experiments.limits_doc --update"
    committed = limits_doc.parse_sections(limits_doc.DOC.read_text(), 8)
    assert {p[0]: len(p[3]) for p in rich_paths()} == {k: len(v) for k, v in committed.items()}, stale
    fresh = limits_doc.parse_sections(limits_doc.render(rows=[], rich_rows=rich_limit_table(None if full else 1)), 8)
    for path, rows in fresh.items():
        for f, c in zip(rows, committed[path]):
            assert f[:2] == c[:2], stale
            assert all(abs(float(f[i]) - float(c[i])) < 2e-6 for i in (2, 3, 5, 6)), (stale, f, c)
