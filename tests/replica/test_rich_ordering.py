"""Which init wins in the rich limits: the Fig. 5 ordering as statements with conditions
(docs/limits.md, "Orderings"; derivations/06_rich_limits.md), property-tested against the replica.

Notation: the pair of tasks of ``pair_tasks`` (subset = Task(rho_pt, rho_ft, 0), new = Task(rho_pt, 0,
rho_ft)); ``alpha_DT = rich_limit_threshold(rho_ft)``; ``a_sh(r), a_new(r) = weighted_l1_threshold``
of the two tasks at weight ratio r (``rich_limit_alphas`` at an init's own r).

R1  (closed form; every k -> 0 at a fixed weight ratio r) a_sh(r) falls and a_new(r) rises strictly
    with r, from alpha_DT at r = 1 to rho_pt alpha_DT(rho_ft/rho_pt) and rho_pt + (1 - rho_pt)
    alpha_DT(rho_ft/(1 - rho_pt)) at r = inf.  So in the rich limit a PT-dependent init (r > 1: IV)
    needs fewer samples than a PT-independent one (r = 1: I) on a subset task and more on a new one.
R2  (replica, subset) IV on the path 1 + lambda/c = c^beta (r -> (1 + beta)/beta) against I
    (lambda = -c, k = gamma^2 everywhere) with gamma^2 = k_pt(IV): the same scale on the FT teacher's
    features, so only the PT dependence differs.  At alpha midway between a_sh(r) and alpha_DT IV's E
    is the smaller, IV's falls towards 0 as c -> 0 and I's stays of order 1.
R3  (replica, new features) the mirror image: I with gamma^2 = k_new(IV) against IV, at alpha midway
    between alpha_DT and a_new(r): I wins.  Resolvable at reachable c because the window a_new(r) -
    alpha_DT is wide for large rho_pt (0.11 at rho_pt = 0.5, rho_ft = 0.1, r = 2) -- at Fig. 5's rho_pt =
    rho_ft = 0.1 it is 0.025 and E's approach to its limit is logarithmic in 1/k.
R4  (replica, the mixed limit: c -> 0 at fixed lambda/c > -1, the limit of Fig. 5's II and IV inits)
    thresholds (rho_pt, a_new(inf)) (``mixed_limit_alphas``).  On a subset task it beats the rich
    PT-independent I iff rho_pt < alpha_DT(rho_ft) (a small PT support, a large FT one); otherwise I
    wins between alpha_DT and rho_pt, where the mixed init's E tends to a positive c-independent value.
    On a new-feature task it always loses to I (its new features freeze).

The inits' E is compared at one alpha inside each window (midway): the statements are about which
init is below its recovery threshold there.  Tolerances come from measured quantities (comments).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from ptft_theory import Init, Task, ft_scales, generalization_error, rich_limit_alphas, rich_limit_threshold
from ptft_theory import mixed_limit_alphas, weighted_l1_threshold
from ptft_theory.replica import pair_tasks

from conftest import FULL

N = 60 if FULL else 10  # examples per replica property: 4-8 replica solves each (~0.02-0.1 s each)


def E(task: Task, init: Init, alpha: float) -> float:
    return float(generalization_error(task, init, alpha).E[0])


def scales(task: Task, init: Init) -> tuple[float, float]:
    """(k_pt, k_new) of an init on the task (merged)."""
    k, _ = ft_scales(np.array([task.a_pt, 0.0]), init.c_pt, init.lambda_pt, init.gamma_ft)
    return float(k[0]), float(k[1])


def iv_path(c: float, beta: float) -> Init:
    """1 + lambda/c = c^beta, gamma = 0: every k -> 0 with r -> (1 + beta)/beta."""
    return Init(c, c * (-1 + c**beta), 0.0)


def pair(rho_pt: float, frac: float) -> tuple[Task, Task, float]:
    rho_ft = frac * min(rho_pt, 1 - rho_pt)
    sh, new = pair_tasks(Task(rho_pt, rho_ft, 0.0))
    return sh, new, rho_ft


def subset_case(rho_pt, frac, beta, c):
    """(window, E_IV, E_I) at alpha midway between a_sh(r(IV)) and alpha_DT on the subset task."""
    sh, _, rho_ft = pair(rho_pt, frac)
    IV = iv_path(c, beta)
    a_sh, _ = rich_limit_alphas(sh, IV)
    dt = rich_limit_threshold(rho_ft)
    alpha = (a_sh + dt) / 2
    I = Init(c, -c, math.sqrt(scales(sh, IV)[0]))  # k = k_pt(IV) on every coordinate
    return dt - a_sh, E(sh, IV, alpha), E(sh, I, alpha)


def new_case(rho_pt, frac, beta, c):
    """(window, E_I, E_IV) at alpha midway between alpha_DT and a_new(r(IV)) on the new-feature task."""
    _, new, rho_ft = pair(rho_pt, frac)
    IV = iv_path(c, beta)
    _, a_new = rich_limit_alphas(new, IV)
    dt = rich_limit_threshold(rho_ft)
    alpha = (dt + a_new) / 2
    I = Init(c, -c, math.sqrt(scales(new, IV)[1]))  # k = k_new(IV) on every coordinate
    return a_new - dt, E(new, I, alpha), E(new, IV, alpha)


def mixed_case(rho_pt, frac, m, c):
    """Mixed init Init(c, c (m - 1), 0) against I with k = k_new(mixed) everywhere: (window_sh, E_M_sh,
    E_I_sh, window_new, E_M_new, E_I_new), E at alpha midway between rho_pt and alpha_DT (subset) and
    between alpha_DT and a_new(inf) (new).  window_sh > 0 when rho_pt < alpha_DT."""
    sh, new, rho_ft = pair(rho_pt, frac)
    M = Init(c, c * (m - 1), 0.0)
    I = Init(c, -c, math.sqrt(scales(sh, M)[1]))
    a_sh, a_new = mixed_limit_alphas(sh)
    dt = rich_limit_threshold(rho_ft)
    mid_sh, mid_new = (a_sh + dt) / 2, (dt + a_new) / 2
    return dt - a_sh, E(sh, M, mid_sh), E(sh, I, mid_sh), a_new - dt, E(new, M, mid_new), E(new, I, mid_new)


@settings(max_examples=30 if FULL else 8)
@given(rho_pt=st.floats(0.02, 0.8), frac=st.floats(0.05, 1.0), r1=st.floats(1.0, 3.0), q=st.floats(1.05, 3.0))
def test_r1_thresholds_monotone_in_r_between_their_limits(rho_pt, frac, r1, q):
    rho_ft = frac * min(rho_pt, 1 - rho_pt)
    assume(rho_ft > 1e-3)
    dt = rich_limit_threshold(rho_ft)
    sh = [weighted_l1_threshold(rho_pt, rho_ft, 0.0, r) for r in (1.0, r1, q * r1, math.inf)]
    nw = [weighted_l1_threshold(rho_pt, 0.0, rho_ft, r) for r in (r1, q * r1, math.inf)]
    # r = 1 is Donoho-Tanner (its own root find, 20 digits): float64 rounding
    assert abs(sh[0] - dt) < 1e-12
    # strictly monotone.  The evaluation is a 30-digit minimum of a function stationary there (error ~1e-16).
    # The subset threshold saturates at its r = inf value like a Gaussian tail in r t: a 5% step in r moves it
    # by >= 1.75e-10 at r <= 3 (measured on a grid, worst rho_pt = 0.8, rho_ft = 0.01, r = 3), hence r1 <= 3 and
    # the margin 1e-12; the new-feature threshold moves by >= 1.6e-5 per 5% step (same grid)
    assert sh[0] + 1e-12 >= sh[1] > sh[2] + 1e-12 > sh[3] - 1e-12, sh
    assert dt - 1e-12 <= nw[0] < nw[1] - 1e-6 < nw[2] - 1e-6, nw
    # the r = inf limits are the closed forms of R1
    assert abs(sh[3] - (rho_pt * rich_limit_threshold(rho_ft / rho_pt) if rho_ft < rho_pt else rho_pt)) < 1e-12
    assert abs(nw[2] - mixed_limit_alphas(Task(rho_pt, rho_ft, 0.0))[1]) < 1e-12


# R2 and R3: tolerances from E at the window's midpoint, measured on a grid (rho_pt 0.1-0.5, rho_ft/min(rho_pt,
# 1 - rho_pt) 0.2-1, beta 0.5 and 1) and 40 random draws per task:
#  * the loser's E is of order 1 and hardly moves with c: >= 0.33 (subset, I) and >= 0.42 (new, IV); bound 0.25;
#  * the winner's E falls as c goes 1e-4 -> 1e-8 by >= 2.5x (worst: new task, rho_pt = rho_ft = 0.1, beta = 1,
#    E 0.23 -> 0.093; the subset task's worst is 3.9x at rho_pt = 0.5, rho_ft = 0.1, beta = 0.5); bound 2x;
#  * at c = 1e-8 the loser's E is >= 4.8x the winner's (same worst case); bound 3x; at c = 1e-4 only the sign
#    is asserted (the worst ratio there is 2.0: the approach to the limit is logarithmic in 1/k);
#  * where the window is >= 0.1 the winner's E at c = 1e-8 is <= 1.4e-3 (max over the draws); bound 1e-2:
#    there the replica is at the limit's answer, E ~ 0 against order 1.
LOSER_FLOOR, TREND, RATIO_1E8, WIDE, NEAR_ZERO = 0.25, 2.0, 3.0, 0.1, 1e-2

rich_draws = dict(rho_pt=st.floats(0.1, 0.5), frac=st.floats(0.2, 1.0), beta=st.sampled_from([0.5, 1.0]))


def _check_winner(case, rho_pt, frac, beta):
    window, win4, lose4 = case(rho_pt, frac, beta, 1e-4)
    _, win8, lose8 = case(rho_pt, frac, beta, 1e-8)
    event("window >= 0.1" if window >= WIDE else "window < 0.1")
    assert window > 0  # R1: the ordering of the thresholds
    assert win4 < lose4 and win8 < lose8 / RATIO_1E8, (win4, lose4, win8, lose8)
    assert min(lose4, lose8) > LOSER_FLOOR, (lose4, lose8)
    assert win8 < win4 / TREND, (win4, win8)
    if window >= WIDE:
        assert win8 < NEAR_ZERO, (window, win8)


@settings(max_examples=N)
@given(**rich_draws)
def test_r2_subset_task_pt_dependent_rich_init_wins(rho_pt, frac, beta):
    _check_winner(subset_case, rho_pt, frac, beta)


@settings(max_examples=N)
@given(**rich_draws)
def test_r3_new_feature_task_pt_independent_rich_init_wins(rho_pt, frac, beta):
    _check_winner(new_case, rho_pt, frac, beta)


# R4: measured on a grid (rho_pt 0.05-0.5, rho_ft/min(rho_pt, 1 - rho_pt) 0.1-1, m = 0.5, 2) and 40 random draws:
#  * subset, rho_pt < alpha_DT: the mixed init's E at c = 1e-8 is <= 2.4e-3 (window 0.005; <= 2e-9 once the window
#    is >= 0.02), I's >= 0.29 at both c; bounds: I > 0.2 and E_M(1e-8) < E_I/10;
#  * subset, rho_pt > alpha_DT: where rho_pt - alpha_DT >= 0.1 the mixed init's E has reached its limit (c 1e-6 ->
#    1e-8 moves it by <= 1.3%; bound 5%) at a positive value (>= 0.042; bound 0.02), I's falls (by >= 1.25x; bound
#    1.1x) and I already wins at c = 1e-8 by >= 5x (measured from a window of 0.085; bound 3x).  At smaller windows
#    neither approach is done at reachable c (e.g. window 0.033: E_M = 0.049, E_I = 0.185 at c = 1e-8), and the
#    mixed init's own approach is slow near rho_pt: the PTFT_FULL runs found rho_pt = 0.3125, rho_ft = 0.088, m = 1
#    (window 0.011): E_M = 0.0274, 0.0168, 0.0142, 0.0136, 0.01355 at c = 1e-4 ... 1e-12, E_I = 0.37, 0.33, 0.30,
#    0.28, 0.26; and rho_pt = 0.5, rho_ft = 0.172, m = 0.5 (window 0.034): E_M = 0.0254, 0.0225, 0.0218 at c = 1e-6,
#    1e-8, 1e-10, E_I = 0.197, 0.156, 0.119.  There only the trend is asserted: I's E falls and the mixed init's
#    moves less;
#  * new features: the mixed init's E >= 0.67 (its new features freeze), I's is smaller by >= 7.4x at c = 1e-8 and
#    >= 3.9x at 1e-6 (worst: rho_pt = rho_ft = 0.05, m = 2); bounds E_M > 0.5, E_I < E_M/4 and < E_M/2.  (A first
#    bound of 10x at c = 1e-8 came from the random draws alone and failed in the PTFT_FULL run at rho_pt = rho_ft =
#    0.055, m = 1: 9.3x; the grid's corner above has 7.4x.)
@settings(max_examples=N)
@given(rho_pt=st.floats(0.05, 0.5), frac=st.floats(0.1, 1.0), m=st.floats(0.5, 2.0))
def test_r4_mixed_limit_wins_on_subset_tasks_iff_the_pt_support_is_small(rho_pt, frac, m):
    w_sh, M6, I6, w_new, N6, J6 = mixed_case(rho_pt, frac, m, 1e-6)
    _, M8, I8, _, N8, J8 = mixed_case(rho_pt, frac, m, 1e-8)
    event("rho_pt < alpha_DT" if w_sh > 0 else ("rho_pt > alpha_DT + 0.1" if -w_sh >= WIDE else "rho_pt > alpha_DT"))
    if w_sh > 0:  # rho_pt < alpha_DT(rho_ft): the mixed init recovers between rho_pt and alpha_DT, I does not
        assert min(I6, I8) > 0.2 and M8 < I8 / 10, (M6, I6, M8, I8)
    else:  # rho_pt > alpha_DT(rho_ft): I recovers between them; the mixed init tends to a c-independent E > 0
        assert I8 < I6 and abs(M6 - M8) < I6 - I8, (M6, M8, I6, I8)  # I's E falls, the mixed init's moves less
        if -w_sh >= WIDE:
            assert abs(M6 - M8) < 0.05 * M8 and M8 > 0.02, (M6, M8)
            assert I8 < I6 / 1.1 and I8 < M8 / 3, (w_sh, M8, I6, I8)
    assert w_new > 0 and min(N6, N8) > 0.5 and J8 < N8 / 4 and J6 < N6 / 2, (N6, J6, N8, J8)
