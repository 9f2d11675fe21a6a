"""Valid input at the edges of the domain: the right answer, checked against a truth from outside the
code (exact arithmetic, KKT conditions, numpy's least squares, a closed-form limit, an independent
golden-section minimisation at 40 digits, the same point solved alone), or a finite answer, or one of
our errors with a message -- never NaN, inf, a hang, or a failure where the point solves alone.

Hypothesis draws the levers over the whole float64 range (small counts by default, more with
PTFT_FULL=1); the reproducers below each failed on the code before their fix (said per test).
Bad input: test_api_inputs.py.
"""

import math
import time

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptft_theory as P
from ptft_theory import (InfeasibleError, Init, ParameterError, PTFTError, Task, error_sweep, ft_scales,
                         generalization_error, implicit_bias_solution, make_teachers, rich_limit_threshold,
                         sample_data, simulate_gradient_flow)
from ptft_theory.testing import inits, tasks

from conftest import FULL

N_EXTREME = 40 if FULL else 8


def _finite(x):
    return bool(np.all(np.isfinite(np.asarray(x, dtype=float))))


@pytest.mark.timeout(180)
@settings(max_examples=N_EXTREME)
@given(init=inits(log10_c=(-300.0, 300.0), gamma_max=1e150), task=tasks(), beta=st.floats(-1e300, 1e300))
def test_valid_extremes_give_finite_answers_or_our_error(init, task, beta):
    """Scales, regime and the Donoho-Tanner threshold over the whole float64 range of the levers."""
    for f in (lambda: P.ft_scales([0.0, beta], init.c_pt, init.lambda_pt, init.gamma_ft),
              lambda: P.ft_scales([0.0, beta], init.c_pt, init.lambda_pt, init.gamma_ft, "merged"),
              lambda: P.regime(task, init) if task.rho_pt > 0 else None,
              lambda: P.rich_limit_threshold(task.rho_ft) if task.rho_ft < 1 else None):
        try:
            out = f()
        except PTFTError as exc:
            assert str(exc)
            continue
        if out is None:
            continue
        if isinstance(out, P.RegimeResult):
            assert _finite([out.l_order, out.pt_dependence, out.k_pt, out.k_new])
            assert 1 <= out.l_order <= 2 and -1 <= out.pt_dependence <= 1
        else:
            assert _finite(out)


@pytest.mark.timeout(180)
@settings(max_examples=N_EXTREME)
@given(init=inits(log10_c=(-6.0, 8.0)), task=tasks(min_rho_ft=0.01, min_rho_pt=0.01),
       alpha=st.floats(1e-4, 3.0), sigma=st.sampled_from([0.0, 1e-3, 0.1]))
def test_replica_over_the_domain_is_finite_or_our_error(init, task, alpha, sigma):
    try:
        r = P.generalization_error(task, init, [alpha], sigma=sigma)
    except PTFTError as exc:
        assert str(exc)
        return
    assert _finite(r.E) and np.all(r.E >= 0)


@pytest.mark.timeout(120)
@settings(max_examples=N_EXTREME)
@given(scale=st.floats(-300, 300), seed=st.integers(0, 2**31))
def test_solver_at_extreme_data_scales(scale, seed):
    """y and X scaled by 10**scale: a solution (X b = y to the solver's tolerance) or our error."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 5))
    y = (10.0**scale) * rng.standard_normal(3)
    try:
        b = P.implicit_bias_solution(X, y, 1.0, 0.0)
    except PTFTError as exc:
        assert str(exc)
        return
    assert _finite(b)
    assert np.linalg.norm(X @ b - y) <= 1e-10 * np.linalg.norm(y) + 1e-14 * np.linalg.norm(np.abs(X) @ np.abs(b))


@pytest.mark.timeout(120)
@settings(max_examples=N_EXTREME * 2)
@given(sy=st.floats(-300, 300), sx=st.floats(-150, 150), sb=st.floats(-150, 150), sk=st.floats(-300, 300),
       with_b0=st.booleans(), seed=st.integers(0, 2**31))
def test_solver_over_scales_of_X_y_b0_k(sy, sx, sb, sk, with_b0, seed):
    """Any combination of scales: a b with X b = y (to the solver's tolerance, or at the rounding
    level of X b), or our error -- never a silently wrong b."""
    rng = np.random.default_rng(seed)
    X = (10.0**sx) * rng.standard_normal((3, 5))
    y = (10.0**sy) * rng.standard_normal(3)
    b0 = (10.0**sb) * rng.standard_normal(5) if with_b0 else 0.0
    try:
        b = P.implicit_bias_solution(X, y, 10.0**sk, b0)
    except PTFTError as exc:
        assert str(exc)
        return
    assert _finite(b)

    def norm(v):  # without overflow: scaled by the largest entry
        m = np.max(np.abs(v))
        return m * np.linalg.norm(v / m) if m > 0 else 0.0
    floor = 64 * np.finfo(float).eps * norm(np.abs(X) @ np.abs(b) + np.abs(y))
    assert norm(X @ b - y) <= max(1e-10 * norm(y), floor)


# ------------------------------------------------------------------- reproducers, one per finding

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


@pytest.mark.parametrize("scheme", ["readout", "merged"])
def test_curve_does_not_depend_on_the_grid(scheme):
    """Old code (readout): 'could not bracket tau at alpha=0.999999' on the curve, though each point
    solves alone."""
    task, init = Task(0.25, 0.125, 0.125), Init(1e-2)
    r = generalization_error(task, init, [1e-6, 0.999999], scheme)
    alone = [float(generalization_error(task, init, a, scheme)) for a in (1e-6, 0.999999)]
    np.testing.assert_allclose(r.E, alone, rtol=1e-12)
    assert abs(r.E[0] - (1 - 1e-6)) < 1e-5  # alpha -> 0: nothing learned, E -> 1


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


def test_readme_sweep_example_runs():
    """Old README: error_sweep over lambda_pt in [-c, c] with gamma_ft = 0 raised at lambda = -c."""
    # the README block itself runs in test_docs; here its content, fast
    out = error_sweep(Task(0.1, 0.05, 0.05), Init(1e-3, gamma_ft=0.05), "lambda_pt", np.linspace(-1e-3, 1e-3, 21), [0.2, 0.4])
    assert len(out) == 21 and all(np.all(np.isfinite(r.E)) and np.all(r.E > 0) for r in out)
    assert math.isfinite(float(out[0].E[0]))


def test_replica_extreme_lazy_scale_is_a_clear_error_or_the_l2_limit():
    """k beyond the float64 solver's range (k^2 overflows from ~1.3e154) is a ParameterError naming
    c_pt (was a ReplicaError after an overflow warning); just inside it the answer is the closed-form
    l2 limit E = 1 - alpha (DESIGN 3), exact to rounding at this k."""
    task = Task(0.1, 0.05, 0.05)
    with pytest.raises(ParameterError, match="c_pt=1e.200.*valid range: k <="):
        generalization_error(task, Init(1e200), 0.3)
    np.testing.assert_allclose(generalization_error(task, Init(1e150), [0.05, 0.3]).E, [0.95, 0.7], rtol=1e-12)


def test_vanishing_alpha_is_a_clear_error_and_e_tends_to_one():
    """alpha below ALPHA_MIN (1e-100) is a ParameterError naming alpha (alpha = 1e-300 was a ReplicaError:
    tau^2 ~ E / alpha overflows); just above it E is 1 to rounding, the no-data limit where the
    interpolator of no samples is b0 = 0 (merged), i.e. E = ||beta*||^2 / ||beta*||^2 = 1."""
    task = Task(0.1, 0.05, 0.05)
    with pytest.raises(ParameterError, match="alpha=1e-300 is invalid; valid range: alpha >= 1e-100"):
        generalization_error(task, Init(1e-2), 1e-300)
    assert float(generalization_error(task, Init(1e-2), 1e-100)) == pytest.approx(1.0, rel=1e-12)
