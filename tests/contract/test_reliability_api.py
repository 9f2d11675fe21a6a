"""Issue 12 (Python API): each reproducer gives the right answer or a clear error.

Every test here failed on the code before the fix (noted per test); truth comes from outside the
code under test: exact arithmetic, KKT conditions, numpy's least squares, sympy at 50 digits, an
independent golden-section minimisation, or the same point solved alone.
"""

import math
import time
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptft_theory import (InfeasibleError, Init, ParameterError, ParameterTypeError, PTFTError, Task, ft_scales,
                         generalization_error, implicit_bias_solution, make_teachers, rich_limit_threshold,
                         sample_data, simulate_gradient_flow)
from ptft_theory.simulate import NEW, PT_ONLY, SHARED, UNUSED, class_counts
from ptft_theory.testing import tasks

# ---------------------------------------------------------------------------------- item 2: teachers


def test_make_teachers_raises_when_a_requested_class_gets_no_coordinate():
    """Old code: beta_ft all zeros (rho_shared * 8 = 0.4 and rho_new * 8 = 0.4 both rounded to 0)."""
    with pytest.raises(ParameterError, match=r"D=8 is invalid.*(shared|new).*no coordinate"):
        make_teachers(Task(0.1, 0.05, 0.05), 8, 0)


def test_class_counts_sum_to_D():
    """Old code: {pt_only 1, shared 1, new 2, unused -1}."""
    c = class_counts(3, Task(0.5, 0.25, 0.5))
    assert sum(c.values()) == 3 and min(c.values()) >= 0
    assert c[PT_ONLY] == c[SHARED] == c[NEW] == 1 and c[UNUSED] == 0


@settings(max_examples=60)
@given(task=tasks(), D=st.integers(1, 60))
def test_class_counts_are_a_largest_remainder_allocation(task, D):
    """Either a clear error naming D, or counts that sum to D, differ from the exact quotas by less
    than 1 (the largest-remainder property), and give every requested class a coordinate."""
    frac = {PT_ONLY: task.rho_pt - task.rho_shared, SHARED: task.rho_shared, NEW: task.rho_new,
            UNUSED: 1 - task.rho_pt - task.rho_new}
    # requested: shared and new whenever positive (the user's own numbers, issue 24: Task(1e-12, 1e-12,
    # 1e-12) gave all-zero teachers); pt_only and unused, computed by subtraction, above their rounding
    requested = {k: f > 0 if k in (SHARED, NEW) else f > 1e-12 for k, f in frac.items()}
    try:
        c = class_counts(D, task)
    except ParameterError as e:
        assert f"D={D}" in str(e)
        assert any(f * D < 1 for k, f in frac.items() if requested[k])  # some requested class's quota is below 1
        return
    assert sum(c.values()) == D
    for k, f in frac.items():
        assert abs(c[k] - f * D) < 1 + 1e-9
        if requested[k]:
            assert c[k] >= 1


_CONFIG_RHOS = [(0.1, 0.05, 0.05), (0.1, 0.0, 0.1), (0.1, 0.1, 0.0), (0.1, 0.01, 0.0), (0.1, 0.05, 0.2),
                (0.1, 0.025, 0.05), (0.1, 0.04, 0.06), (0.3, 0.15, 0.15)]


def _exact_quotas(D, rhos):
    r = [Fraction(str(x)) for x in rhos]
    return {PT_ONLY: (r[0] - r[1]) * D, SHARED: r[1] * D, NEW: r[2] * D, UNUSED: (1 - r[0] - r[2]) * D}


_INTEGER_CASES = [(D, rhos) for D in (20, 40, 100, 200, 1000, 2000) for rhos in _CONFIG_RHOS
                  if all(q.denominator == 1 for q in _exact_quotas(D, rhos).values())]


@pytest.mark.parametrize("D,rhos", _INTEGER_CASES)
def test_integer_quotas_are_met_exactly(D, rhos):
    """The configs' tasks and dimensions (figures, validation) have integer quotas: the counts are
    exactly rho * D (exact decimal arithmetic), as the old round(rho * D) gave, so teachers and
    figure CSVs do not change."""
    assert class_counts(D, Task(*rhos)) == {k: int(q) for k, q in _exact_quotas(D, rhos).items()}


def test_readme_and_validation_teachers_are_unchanged():
    """The README / validation task at D = 8, 10, 12 (quotas 2.4, 3, 3.6 ...): the largest-remainder
    counts equal the old round(rho * D) ones there (old: pt_only = round(rho_pt D) - round(rho_sh D))."""
    task = Task(0.3, 0.15, 0.15)
    for D in (8, 10, 12):
        n_pt, n_sh, n_new = (int(round(x * D)) for x in (0.3, 0.15, 0.15))
        assert class_counts(D, task) == {PT_ONLY: n_pt - n_sh, SHARED: n_sh, NEW: n_new, UNUSED: D - n_pt - n_new}


# ------------------------------------------------------------------- item 4: GF with n_pt >= dim

@pytest.mark.timeout(300)
def test_accurate_gf_with_more_pt_samples_than_coordinates():
    """Old code: 'PT did not converge' after max_evals (78 s at D = N = 8).  Batch of two: noiseless
    N_PT = 5 > D = 3 (limit: the interpolator) and noisy (limit: least squares); references by
    numpy's lstsq; FT against the implicit-bias solution (rung 2, 1e-6); the branch invariants
    u^2 - v^2 = lambda of the flow hold at the end (to 1e-12: the exact finish keeps them)."""
    D, c, lam, gamma = 3, 1.0, -0.5, 0.2  # c = 1: the plateau of a richer flow would triple the cost
    T = make_teachers(Task(0.67, 0.34, 0.33), D, 0)
    Xp0, yp0 = sample_data(5, T.beta_pt, seed=1)
    Xp1, yp1 = sample_data(5, T.beta_pt, sigma=0.3, seed=2)
    Xf, yf = sample_data(2, T.beta_ft, seed=3)
    r = simulate_gradient_flow(np.stack([Xp0, Xp1]), np.stack([yp0, yp1]), np.stack([Xf, Xf]), np.stack([yf, yf]),
                               c, lam, gamma, "readout")
    for i, (X, y) in enumerate(((Xp0, yp0), (Xp1, yp1))):
        ls = np.linalg.lstsq(X, y, rcond=None)[0]
        np.testing.assert_allclose(r.beta_pt[i], ls, rtol=0, atol=1e-10)
        w = r.pt.weights
        for u, v in (("u_plus", "v_plus"), ("u_minus", "v_minus")):
            np.testing.assert_allclose(w[u][i] ** 2 - w[v][i] ** 2, lam, rtol=0, atol=1e-12)
        k, b0 = ft_scales(r.beta_pt[i], c, lam, gamma, "readout")
        theory = implicit_bias_solution(Xf, yf, k, b0)
        assert np.linalg.norm(r.beta_ft[i] - theory) <= 1e-6 * np.linalg.norm(theory)
    assert np.all(r.converged)


# --------------------------------------------------------------------- item 5: implicit-bias solver

def _kkt_row_space_residual(X, b, k, b0):
    """Optimality of min D_k(b, b0) s.t. X b = y: Q_k'(b) - Q_k'(b0) = asinh(b/k)/2 - asinh(b0/k)/2 lies in
    the row space of X; returns its relative distance from it (numpy lstsq)."""
    g = 0.5 * (np.arcsinh(b / k) - np.arcsinh(b0 / k))
    nu = np.linalg.lstsq(X.T, g, rcond=None)[0]
    return np.linalg.norm(X.T @ nu - g) / max(np.linalg.norm(g), 1e-300)


@pytest.mark.parametrize("scale", [0.0, 1e-300, 1e-8])
def test_solver_accepts_zero_or_tiny_y_with_nonzero_start(scale):
    """Old code: ConvergenceError ('residual 7.64e+291' for y = 0) at |Xb - y| ~ 1e-16."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3, 6))
    b0 = rng.standard_normal(6)
    k = 10 ** rng.uniform(-1, 1, 6)
    y = scale * (X @ rng.standard_normal(6))
    b = implicit_bias_solution(X, y, k, b0)
    assert np.linalg.norm(X @ b - y) <= 1e-14 * np.linalg.norm(np.abs(X) @ np.abs(b))  # rounding level
    assert _kkt_row_space_residual(X, b, k, b0) < 1e-9


def test_solver_reports_an_inconsistent_system_quickly():
    """Old code: 500 Newton iterations, then 'try a larger max_iter' (ConvergenceError)."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((6, 3))
    for Xi, yi in ((X, rng.standard_normal(6)),                                    # N > D, generic y
                   (np.array([[1.0, 2.0, 0.5], [1.0, 2.0, 0.5]]), np.array([1.0, 2.0]))):  # equal rows
        t0 = time.perf_counter()
        with pytest.raises(InfeasibleError, match="X b = y has no solution"):
            implicit_bias_solution(Xi, yi, 1.0)
        assert time.perf_counter() - t0 < 2.0
    beta = rng.standard_normal(3)  # consistent N > D: the unique solution
    np.testing.assert_allclose(implicit_bias_solution(X, X @ beta, 1.0), beta, atol=1e-10)


# ------------------------------------------------------------------ item 8: grid-independent curve

@pytest.mark.parametrize("scheme", ["readout", "merged"])
def test_curve_does_not_depend_on_the_grid(scheme):
    """Old code (readout): 'could not bracket tau at alpha=0.999999' on the curve, though each point
    solves alone."""
    task, init = Task(0.25, 0.125, 0.125), Init(1e-2)
    r = generalization_error(task, init, [1e-6, 0.999999], scheme)
    alone = [float(generalization_error(task, init, a, scheme)) for a in (1e-6, 0.999999)]
    np.testing.assert_allclose(r.E, alone, rtol=1e-12)
    assert abs(r.E[0] - (1 - 1e-6)) < 1e-5  # alpha -> 0: nothing learned, E -> 1


# --------------------------------------------------------------------- item 10: simulator options

_T = make_teachers(Task(0.5, 0.25, 0.25), 6, 0)
_XP, _YP = sample_data(4, _T.beta_pt, seed=1)
_XF, _YF = sample_data(3, _T.beta_ft, seed=2)


@pytest.mark.parametrize("options,name", [
    (dict(rtol=-1.0), "rtol"), (dict(rtol=0.0), "rtol"), (dict(rtol=float("nan")), "rtol"),
    (dict(atol=-1.0), "atol"), (dict(residual_tol=float("nan")), "residual_tol"),
    (dict(residual_tol=0.0), "residual_tol"), (dict(max_time=-1.0), "max_time"), (dict(device="bogus"), "device"),
    (dict(X_pt=np.zeros((0, 6)), y_pt=np.zeros(0)), "X_pt"), (dict(c_pt="abc"), "c_pt"),
    (dict(mode="gd", mse_tol=-1.0), "mse_tol"), (dict(mode="gd", lr=0.0), "lr"),
    (dict(record_trajectory="yes"), "record_trajectory")])
def test_simulator_options_are_validated_before_running(options, name):
    """Old code: scipy's TypeError (rtol=-1), a minute of integration (rtol=0, residual_tol=NaN),
    torch's RuntimeError (device), a NaN result (zero rows), an unnamed parameter (c_pt='abc')."""
    args = dict(X_pt=_XP, y_pt=_YP, X_ft=_XF, y_ft=_YF, c_pt=0.1, lambda_pt=0.0, gamma_ft=0.1)
    args.update(options)
    t0 = time.perf_counter()
    with pytest.raises(PTFTError, match=name):
        simulate_gradient_flow(**args)
    assert time.perf_counter() - t0 < 2.0  # rejected up front, not after a simulation


# ------------------------------------------------------------------------------- item 11: extremes

@pytest.mark.parametrize("rho", [1e-10, 1e-12, 1e-15])
def test_rich_limit_threshold_at_tiny_rho(rho):
    """Old code: mpmath 'could not find root' for rho <= 1e-10 (inside the stated range 0 < rho < 1).
    Oracle: golden-section minimisation of the objective at 40 digits on [0, 12] (the minimiser is
    ~sqrt(2 log(1/rho)) < 9 here)."""
    def obj(t):
        r = mpmath.mpf(rho)
        return r * (1 + t**2) + 2 * (1 - r) * ((1 + t**2) * mpmath.ncdf(-t) - t * mpmath.npdf(t))
    with mpmath.workdps(40):
        a, b = mpmath.mpf(0), mpmath.mpf(12)
        g = (mpmath.sqrt(5) - 1) / 2
        for _ in range(200):
            c_, d_ = b - g * (b - a), a + g * (b - a)
            a, b = (a, d_) if obj(c_) < obj(d_) else (c_, b)
        ref = obj((a + b) / 2)
    assert rich_limit_threshold(rho) == pytest.approx(float(ref), rel=1e-12)


@pytest.mark.parametrize("make,name", [
    (lambda: Init(True), "c_pt"), (lambda: Init("1e-2"), "c_pt"), (lambda: Init(1e-2, 0.0, False), "gamma_ft"),
    (lambda: Task("0.1", 0.05, 0.05), "rho_pt"), (lambda: sample_data(3, [1.0, 0.0], sigma=True), "sigma"),
    (lambda: generalization_error(Task(0.1, 0.05, 0.05), Init(1e-2), True), "alpha"),
    (lambda: make_teachers(Task(0.5, 0.25, 0.25), "8", 0), "D")])
def test_bools_and_strings_are_not_numbers(make, name):
    """Old code: Init(True) was c_pt = 1.0, Init('1e-2') was c_pt = 0.01."""
    with pytest.raises(ParameterTypeError, match=name):
        make()
    assert Init(np.float64(1e-2), np.int64(0), 1).gamma_ft == 1.0  # numpy scalars and ints are numbers


def test_readme_sweep_example_runs():
    """Old README: error_sweep over lambda_pt in [-c, c] with gamma_ft = 0 raised at lambda = -c."""
    rs = generalization_error  # noqa: F841  (the block itself runs in test_docs; here its content, fast)
    from ptft_theory import error_sweep
    out = error_sweep(Task(0.1, 0.05, 0.05), Init(1e-3, gamma_ft=0.05), "lambda_pt", np.linspace(-1e-3, 1e-3, 21),
                      [0.2, 0.4])
    assert len(out) == 21 and all(np.all(np.isfinite(r.E)) and np.all(r.E > 0) for r in out)
    assert math.isfinite(float(out[0].E[0]))


def test_replica_extreme_lazy_scale_is_a_clear_error_or_the_l2_limit():
    """k beyond the float64 solver's range (k^2 overflows from ~1.3e154) is a ParameterError naming
    c_pt (was a ReplicaError after an overflow warning); just inside it the answer is the closed-form
    l2 limit E = 1 - alpha (DESIGN 3), exact to rounding at this k."""
    from ptft_theory import ParameterError
    task = Task(0.1, 0.05, 0.05)
    with pytest.raises(ParameterError, match="c_pt=1e.200.*valid range: k <="):
        generalization_error(task, Init(1e200), 0.3)
    np.testing.assert_allclose(generalization_error(task, Init(1e150), [0.05, 0.3]).E, [0.95, 0.7], rtol=1e-12)


def test_unbounded_precision_is_refused_not_a_hang():
    """dps beyond MAX_DPS (300 digits) is a ParameterError naming dps and the range, at once (review
    finding: --dps 100000 was accepted and ran without end)."""
    from ptft_theory import level_crossing_alpha
    task, init = Task(0.1, 0.05, 0.05), Init(1e-2)
    t0 = time.perf_counter()
    for call in (lambda: generalization_error(task, init, 0.3, dps=10**5),
                 lambda: level_crossing_alpha(task, init, 0.25, dps=301),
                 lambda: ft_scales([1.0], 1e-2, 0.0, 0.0, dps=10**5),
                 lambda: rich_limit_threshold(0.1, dps=10**5)):
        with pytest.raises(ParameterError, match=r"dps=\d+ is invalid; valid range: 1 <= dps <= 300"):
            call()
    assert time.perf_counter() - t0 < 5  # refused before any work (generous for a loaded machine)


def test_vanishing_alpha_is_a_clear_error_and_e_tends_to_one():
    """alpha below ALPHA_MIN (1e-100) is a ParameterError naming alpha (alpha = 1e-300 was a ReplicaError:
    tau^2 ~ E / alpha overflows); just above it E is 1 to rounding, the no-data limit where the
    interpolator of no samples is b0 = 0 (merged), i.e. E = ||beta*||^2 / ||beta*||^2 = 1."""
    task = Task(0.1, 0.05, 0.05)
    with pytest.raises(ParameterError, match="alpha=1e-300 is invalid; valid range: alpha >= 1e-100"):
        generalization_error(task, Init(1e-2), 1e-300)
    assert float(generalization_error(task, Init(1e-2), 1e-100)) == pytest.approx(1.0, rel=1e-12)
