"""The finite-data FT time course: the dual-coordinate flow against the package's simulator on the
weights, the early-time expansion against the flow, the NTK closed form against its ODE, and a
reduced study end to end."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from conftest import FULL

from ptft_theory import Init, Task
from ptft_theory.experiments import ft_dynamics_finite as F
from ptft_theory.simulate import make_teachers, sample_data


def _problem(D=12, N=4, seed=3, init=Init(1e-2, -0.5e-2, 0.0), scheme="merged"):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    bstar = np.zeros(D)
    bstar[: D // 3] = rng.choice([-1.0, 1.0], D // 3) * 1.5
    beta_pt = np.zeros(D)
    beta_pt[D // 6: D // 2] = rng.choice([-1.0, 1.0], D // 2 - D // 6)
    k, b0, P, M = F.ft_start(beta_pt, init, scheme)
    return X, X @ bstar, bstar, k, b0, P, M


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="PTFT_FULL=1: ~30 s of torch Radau per scheme (1 min under load); the quick version follows")
@pytest.mark.parametrize("scheme", ["merged", "readout"])
def test_dual_flow_matches_the_package_simulator_on_the_weights(scheme):
    """Truth from outside: run_accurate integrates the four weights of every coordinate (torch autograd
    gradients, Radau, rtol 1e-12); the dual form must give the same beta at its accepted times.  Both
    integrators hold ~1e-11 relative error; 1e-8 leaves room for the accumulation over ~1e3 steps."""
    torch = pytest.importorskip("torch")
    from ptft_theory.simulate.flow import run_accurate
    X, y, _, k, b0, P, M = _problem(init=Init(1e-2, -0.5e-2, 0.3), scheme=scheme)
    w = [np.sqrt(P)[None], np.sqrt(P)[None], np.sqrt(M)[None], np.sqrt(M)[None]]  # P - M = b0, 4PM = k^2
    ph = run_accurate(w, X[None], y[None], torch.device("cpu"), torch.float64, True, np.ones(1),
                      residual_tol=1e-10, rtol=1e-12, atol=1e-14, max_time=1e6, max_evals=100_000)
    t, beta_sim = ph.trajectory["t"], ph.trajectory["beta"][:, 0]
    beta, _ = F.flow_trajectory(t, X, y, P, M, rtol=1e-12, atol=1e-15)
    assert t[-1] > 1.0 and ph.converged[0]
    assert np.max(np.abs(beta - beta_sim)) < 1e-8 * max(1.0, np.max(np.abs(beta_sim)))


def test_dual_flow_matches_the_simulator_early_quick():
    """Default-run version of the check above: D = 6, the first 0.05 time units (tens of steps, rtol 1e-10)."""
    torch = pytest.importorskip("torch")
    from ptft_theory.simulate.flow import run_accurate
    X, y, _, k, b0, P, M = _problem(D=6, N=2, init=Init(0.1, -0.05, 0.3), scheme="readout")
    w = [np.sqrt(P)[None], np.sqrt(P)[None], np.sqrt(M)[None], np.sqrt(M)[None]]
    ph = run_accurate(w, X[None], y[None], torch.device("cpu"), torch.float64, True, np.ones(1),
                      residual_tol=1e-10, rtol=1e-10, atol=1e-14, max_time=0.05, max_evals=20_000)
    t, beta_sim = ph.trajectory["t"], ph.trajectory["beta"][:, 0]
    beta, _ = F.flow_trajectory(t, X, y, P, M, rtol=1e-12, atol=1e-15)
    assert t[-1] == 0.05 and np.max(np.abs(beta[-1] - b0)) > 1e-2  # it moved
    assert np.max(np.abs(beta - beta_sim)) < 1e-8 * max(1.0, np.max(np.abs(beta_sim)))


def test_end_point_is_the_implicit_bias_solution():
    """The flow's limit is the Bregman projection (the solver's convex problem, another code path)."""
    from ptft_theory.solver import implicit_bias_solution
    X, y, _, k, b0, P, M = _problem()
    beta, info = F.flow_trajectory([0.0, 1e6], X, y, P, M)
    assert info["residual"] < 1e-9
    np.testing.assert_allclose(beta[-1], implicit_bias_solution(X, y, k, b0), atol=1e-7)
    np.testing.assert_array_equal(beta[0], b0)


@pytest.mark.parametrize("scheme,ntk_slope", [("merged", 3.0), ("readout", 2.0)])
def test_taylor_remainders_have_the_derived_orders(scheme, ntk_slope):
    """Remainder of the order-n expansion ~ t^(n+1): the log-log slope over a decade of early times; the
    NTK flow leaves O(t^3) when b0 = 0 (merged: K'(0) = 0) and O(t^2) otherwise.  Slopes within 0.25:
    the next-order term changes the slope by O(t/tau0) = 0.1 at most here."""
    X, y, _, k, b0, P, M = _problem(init=Init(0.5, 0.2, 0.4), scheme=scheme)
    tau = F.time_scale(X, y, k, b0)
    te = tau * np.array([1e-3, 1e-2])
    beta, _ = F.flow_trajectory(te, X, y, P, M, rtol=1e-13, atol=1e-16)
    coef = F.taylor_coefficients(X, y, k, b0, 3)
    for n in (1, 2, 3):
        r = np.linalg.norm(F.taylor_beta(te, coef[:n + 1]) - beta, axis=1)
        assert abs(np.log10(r[1] / r[0]) - (n + 1)) < 0.25, (n, r)
    r = np.linalg.norm(F.ntk_trajectory(te, X, y, k, b0) - beta, axis=1)
    assert abs(np.log10(r[1] / r[0]) - ntk_slope) < 0.25


@settings(max_examples=15, deadline=None)
@given(log_c=st.floats(-3, 2), ratio=st.floats(-1, 1), gamma=st.floats(0, 1), seed=st.integers(0, 10**6),
       scheme=st.sampled_from(["merged", "readout"]))
def test_ntk_closed_form_solves_its_linear_ode(log_c, ratio, gamma, seed, scheme):
    """Property over the levers: the closed form's time derivative (central difference) is
    K0 X^T (y - X beta)/N, it starts at b0, and it ends at the K0-weighted least-norm interpolator."""
    c = 10.0**log_c
    X, y, _, k, b0, _, _ = _problem(seed=seed, init=Init(c, ratio * c, gamma), scheme=scheme)
    K0 = F.kernel_derivatives(b0, k)[0]
    if not np.any(K0 > 0):
        return
    t, h = 0.3 / max(K0.max(), 1e-3), 1e-6 / max(K0.max(), 1e-3)
    b = F.ntk_trajectory(np.array([0.0, t - h, t, t + h]), X, y, k, b0)
    np.testing.assert_array_equal(b[0], b0)
    rhs = K0 * (X.T @ (y - X @ b[2])) / X.shape[0]
    np.testing.assert_allclose((b[3] - b[1]) / (2 * h), rhs, rtol=1e-5, atol=1e-7 * max(1.0, np.abs(rhs).max()))


@settings(max_examples=15, deadline=None)
@given(beta=st.floats(-50, 50), k=st.floats(1e-4, 50))
def test_kernel_derivatives_by_finite_differences(beta, k):
    """K' and K'' of K = 2 sqrt(k^2 + beta^2) against central differences of K.  Steps h = 1e-4 r and
    1e-3 r (r = sqrt(k^2 + beta^2), the scale of K's variation): truncation ~ (h/r)^2, rounding
    ~ eps r/h and eps r/h^2, all below the tolerances (relative to 1 and to 1/r)."""
    r = np.hypot(k, beta)

    def K(x):
        return F.kernel_derivatives(np.array([x]), np.array([k]))[0][0]

    K0, K1, K2 = (v[0] for v in F.kernel_derivatives(np.array([beta]), np.array([k])))
    assert K0 == K(beta)
    h = 1e-4 * r
    assert abs((K(beta + h) - K(beta - h)) / (2 * h) - K1) < 1e-6
    h = 1e-3 * r
    assert abs((K(beta + h) - 2 * K0 + K(beta - h)) / h**2 - K2) < 1e-4 / r


def test_draw_is_paired_and_checks_alpha():
    task = Task(0.1, 0.0, 0.1)
    T1, X1, y1 = F.draw(100, task, 0.3, 1, 7)
    T2, X2, y2 = F.draw(100, task, 0.3, 1, 7)
    np.testing.assert_array_equal(X1, X2)
    assert X1.shape == (30, 100)
    with pytest.raises(Exception, match="alpha"):
        F.draw(100, task, 1.0, 1, 7)


def test_reduced_study_runs_end_to_end(tmp_path):
    """The study's own pipeline on a tiny config (one task, two inits, one alpha, two seeds)."""
    from ptft_theory.experiments import ft_dynamics_finite_study as S
    source = {"scheme": "merged", "tasks": [{"name": "no_overlap", "task": {"rho_pt": 0.2, "rho_shared": 0.0,
                                                                            "rho_new": 0.2}}],
              "inits": [{"regime": "III", "init": {"c_pt": 100.0, "lambda_pt": 0.0, "gamma_ft": 0.0}},
                        {"regime": "I", "init": {"c_pt": 1e-3, "lambda_pt": -1e-3, "gamma_ft": 0.3}}]}
    cfg = {"D": 20, "seeds": 2, "base_seed": 1, "alphas": [0.4], "t_min": 1e-3, "t_max": 1e4, "n_times": 8,
           "early_fractions": [0.03, 0.1], "t_early_rank": 1e-3}
    runs = S.run(cfg, source, tmp_path, progress=False)
    assert len(runs) == 4
    for c, r in runs:
        assert r["E"][0] == pytest.approx(1.0)  # merged: b0 = 0
        assert abs(r["E"][-1] - r["E_convex"]) < 1e-8
    summ = S.summarise(runs, cfg, [])
    assert {r["regime"] for r in summ["rows"]} == {"I", "III"}
    assert all(r["taylor_ok"] for r in summ["rows"])
    again = S.run(cfg, source, tmp_path, progress=False)  # cached: identical
    assert [r for _, r in again] == [r for _, r in runs]


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="PTFT_FULL=1: ~50 s CPU (8 stiff Radau runs to t = 1e7); the reduced study test covers the default run")
@settings(max_examples=8, deadline=None)
@given(log_c=st.floats(-3, 2), ratio=st.floats(-0.95, 1), gamma=st.floats(0, 1), seed=st.integers(0, 10**6),
       scheme=st.sampled_from(["merged", "readout"]))
def test_flow_over_the_levers_descends_and_ends_at_the_implicit_bias(log_c, ratio, gamma, seed, scheme):
    """Property over the levers (ratio >= -0.95: no frozen coordinate, so every task is feasible): the loss
    never increases along the flow (gradient flow; 1e-12 slack for the integrator), beta(0) = b0, and the
    end point is the solver's Bregman projection (another code path; 1e-6: the flow's residual at t = 1e7
    is <= 1e-9 and the projection's conditioning is moderate at these D, N)."""
    from ptft_theory.solver import implicit_bias_solution
    c = 10.0**log_c
    X, y, _, k, b0, P, M = _problem(seed=seed, init=Init(c, ratio * c, gamma), scheme=scheme)
    t = np.concatenate([[0.0], np.logspace(-3, 7, 30)])
    beta, info = F.flow_trajectory(t, X, y, P, M)
    loss = 0.5 * np.sum((beta @ X.T - y) ** 2, axis=1) / X.shape[0]
    np.testing.assert_allclose(beta[0], b0, rtol=1e-15, atol=1e-300)  # P - M: one rounding
    assert np.all(np.diff(loss) <= 1e-12 * max(1.0, loss[0]))
    assert info["residual"] < 1e-8
    np.testing.assert_allclose(beta[-1], implicit_bias_solution(X, y, k, b0), atol=1e-6)
