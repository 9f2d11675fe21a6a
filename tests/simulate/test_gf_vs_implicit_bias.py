"""Rung 2 of the validation ladder: gradient flow of the network vs the implicit-bias solution.

The simulator trains the weights with torch autograd (it shares no formula with the theory); the
theory side is ``ft_scales`` (derived k, b0) + ``implicit_bias_solution``.  Agreement is required
to 1e-6 relative: the ODE is integrated with Radau at rtol 1e-9 and stopped at a relative residual
of 1e-10, whose combined error on beta we measured at ~1e-8 on these sizes (1e-11 at rtol 1e-11),
so 1e-6 leaves two orders of magnitude of margin while any error in k or b0 of 1e-6 or more fails.
"""

import os

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from ptft_theory import Task, ft_scales, implicit_bias_solution, make_teachers, sample_data, simulate_gradient_flow
from ptft_theory import kernels

FULL = os.environ.get("PTFT_FULL") == "1"

GF_OPTS = dict(rtol=1e-9, residual_tol=1e-10)
AGREEMENT = 1e-6


@st.composite
def levers(draw):
    """(c, lam, gamma) over the ranges of the issue, with lam often within 1e-3 (relative) of +-c."""
    c = 10 ** draw(st.floats(-3, 1))
    where = draw(st.sampled_from(["interior", "near_minus", "near_plus", "exact_minus", "exact_plus"]))
    if where == "interior":
        lam = c * draw(st.floats(-1, 1))
    elif where == "near_minus":
        lam = -c * (1 - draw(st.floats(0, 1e-3)))
    elif where == "near_plus":
        lam = c * (1 - draw(st.floats(0, 1e-3)))
    else:
        lam = -c if where == "exact_minus" else c
    gamma = draw(st.one_of(st.just(0.0), st.floats(1e-3, 1.0)))
    return c, lam, gamma


def _problem(seed, D, n_pt, n_ft):
    task = Task(rho_pt=0.3, rho_shared=0.15, rho_new=0.15)
    T = make_teachers(task, D, seed)
    ss = np.random.SeedSequence(seed).spawn(2)
    Xp, yp = sample_data(n_pt, T.beta_pt, seed=ss[0])
    Xf, yf = sample_data(n_ft, T.beta_ft, seed=ss[1])
    return Xp, yp, Xf, yf


def _theory(r, Xp, yp, Xf, yf, c, lam, gamma, scheme):
    beta_pt = implicit_bias_solution(Xp, yp, c, 0.0)
    k, b0 = ft_scales(r.beta_pt, c, lam, gamma, scheme)
    return beta_pt, implicit_bias_solution(Xf, yf, k, b0), k, b0


def _rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.mark.slow
@settings(max_examples=60 if FULL else 6, deadline=None)
@given(lev=levers(), scheme=st.sampled_from(["readout", "merged"]), seed=st.integers(0, 2**16),
       dims=st.sampled_from([(8, 6, 4), (10, 7, 5), (12, 8, 6)]))
@example(lev=(1e-3, -1e-3, 0.3), scheme="readout", seed=1, dims=(10, 7, 5))  # smaller first layer, rich
@example(lev=(10.0, 10.0, 0.0), scheme="merged", seed=2, dims=(8, 6, 4))      # lazy
@example(lev=(1.0, -0.9995, 1.0), scheme="readout", seed=3, dims=(12, 8, 6))  # first layer crosses zero
def test_gf_end_points_match_implicit_bias(lev, scheme, seed, dims):
    c, lam, gamma = lev
    if scheme == "merged" and lam == -c and gamma == 0:
        return  # every coordinate frozen: covered by test_frozen_saddle_is_reported
    Xp, yp, Xf, yf = _problem(seed, *dims)
    r = simulate_gradient_flow(Xp, yp, Xf, yf, c, lam, gamma, scheme, **GF_OPTS)
    beta_pt, beta_ft, k, b0 = _theory(r, Xp, yp, Xf, yf, c, lam, gamma, scheme)
    assert _rel(r.beta_pt, beta_pt) < AGREEMENT
    assert _rel(r.beta_ft, beta_ft) < AGREEMENT
    # b0 is the FT start the network actually has.
    np.testing.assert_allclose(r.ft.weights_init["u_plus"][0] * gamma - r.ft.weights_init["u_minus"][0] * gamma,
                               b0, rtol=1e-9, atol=1e-12)


def test_derived_maps_match_the_weights_the_simulator_ends_pt_with():
    """First layers and readouts after PT (kernels pt_first_layer_*, pt_readout_*) vs the simulated weights,
    with lambda < 0 so that a first layer crosses zero; then the FT trajectory obeys beta(s; k, b0)."""
    Xp, yp, Xf, yf = _problem(7, 10, 7, 5)
    c, lam, gamma = 0.5, -0.45, 0.4
    r = simulate_gradient_flow(Xp, yp, Xf, yf, c, lam, gamma, "readout", record_trajectory=True, **GF_OPTS)
    bp = r.pt.beta[0]
    K = kernels.np
    w = r.pt.weights
    tol = dict(rtol=1e-7, atol=1e-9)  # ODE error ~1e-9 on weights of size ~1
    np.testing.assert_allclose(w["u_plus"][0], K.pt_first_layer_plus(bp, c, lam), **tol)
    np.testing.assert_allclose(w["u_minus"][0], K.pt_first_layer_minus(bp, c, lam), **tol)
    np.testing.assert_allclose(w["v_plus"][0], K.pt_readout_plus(bp, c, lam), **tol)
    np.testing.assert_allclose(w["v_minus"][0], K.pt_readout_minus(bp, c, lam), **tol)
    assert (w["u_minus"][0] < 0).any() or (w["u_plus"][0] < 0).any(), "test should cover a sign crossing"
    # PT mirror map along the run: beta(s) = c sinh 2s with the simulator's integrated gradient.
    np.testing.assert_allclose(bp, K.pt_beta_of_s(r.pt.integrated_gradient[0], c), **tol)
    # FT: every recorded point satisfies beta = b(s; k, b0) with the derived (k, b0).
    k, b0 = ft_scales(bp, c, lam, gamma, "readout")
    traj = r.ft.trajectory
    pred = K.beta_of_s(traj["s"][:, 0], k, b0)
    np.testing.assert_allclose(traj["beta"][:, 0], pred, rtol=1e-6, atol=1e-8)


def test_merged_scheme_trajectory_follows_mirror_map():
    Xp, yp, Xf, yf = _problem(11, 8, 6, 4)
    c, lam, gamma = 0.05, 0.02, 0.1
    r = simulate_gradient_flow(Xp, yp, Xf, yf, c, lam, gamma, "merged", record_trajectory=True, **GF_OPTS)
    k, b0 = ft_scales(r.pt.beta[0], c, lam, gamma, "merged")
    assert np.all(b0 == 0)
    traj = r.ft.trajectory
    np.testing.assert_allclose(traj["beta"][:, 0], kernels.np.beta_of_s(traj["s"][:, 0], k, b0), rtol=1e-6, atol=1e-8)


def test_batched_simulation_equals_one_by_one():
    probs = [_problem(s, 8, 6, 4) for s in (21, 22)]
    Xp, yp, Xf, yf = (np.stack([p[i] for p in probs]) for i in range(4))
    c = np.array([0.01, 1.0])
    lam = np.array([0.0, -0.5])
    g = np.array([0.0, 0.2])
    rb = simulate_gradient_flow(Xp, yp, Xf, yf, c, lam, g, "readout", **GF_OPTS)
    for i in range(2):
        ri = simulate_gradient_flow(*probs[i], c[i], lam[i], g[i], "readout", **GF_OPTS)
        assert _rel(rb.ft.beta[i], ri.beta_ft) < AGREEMENT


def test_paper_protocol_gd_converges_and_agrees_to_finite_step_accuracy():
    """Full-batch GD (float32 allowed) stops at MSE < 1e-10; the finite step size biases the end point
    by O(lr), measured here at ~1e-3 relative, so we require 2e-2: GD must track the flow, not equal it."""
    Xp, yp, Xf, yf = _problem(5, 10, 7, 5)
    c, lam, gamma = 0.1, 0.0, 0.1
    r = simulate_gradient_flow(Xp, yp, Xf, yf, c, lam, gamma, "readout", mode="gd")
    assert r.converged.all() and r.ft.final_mse[0] < 1e-10
    _, beta_ft, _, _ = _theory(r, Xp, yp, Xf, yf, c, lam, gamma, "readout")
    assert _rel(r.beta_ft, beta_ft) < 2e-2


def test_gd_step_cap_reports_non_convergence():
    from ptft_theory import SimulationError
    Xp, yp, Xf, yf = _problem(5, 10, 7, 5)
    with pytest.raises(SimulationError, match="PT did not converge.*max_steps"):
        simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, mode="gd", max_steps=50)
    r = simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, mode="gd", max_steps=50, raise_on_failure=False)
    assert not r.converged.any()


def test_option_records_run_as_the_keywords():
    """``options=GDOptions(...)`` / ``AccurateOptions(...)`` are the mode keywords grouped: the same run
    bit for bit (same code path, same arithmetic); a ``mode`` that contradicts them is a ParameterError,
    and the enum ``Mode.GD`` works where ``"gd"`` does."""
    from ptft_theory import AccurateOptions, GDOptions, Mode, ParameterError
    Xp, yp, Xf, yf = _problem(5, 10, 7, 5)
    kw = simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, mode="gd", max_steps=50, raise_on_failure=False)
    rec = simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, options=GDOptions(max_steps=50), raise_on_failure=False)
    enum = simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, mode=Mode.GD, max_steps=50, raise_on_failure=False)
    assert np.array_equal(kw.ft.beta, rec.ft.beta) and np.array_equal(kw.ft.beta, enum.ft.beta)
    assert (kw.ft.steps, rec.ft.steps) == (50, 50)
    with pytest.raises(ParameterError, match="mode='accurate' contradicts options"):
        simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, mode="accurate", options=GDOptions())
    with pytest.raises(ParameterError, match="residual_tol"):
        simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, options=AccurateOptions(residual_tol=2.0))


def test_frozen_saddle_is_reported():
    from ptft_theory import InfeasibleError
    Xp, yp, Xf, yf = _problem(5, 8, 6, 4)
    beta_pt = implicit_bias_solution(Xp, yp, 1.0, 0.0)
    k, b0 = ft_scales(beta_pt, 1.0, -1.0, 0.0, "merged")
    assert np.all(k == 0)
    with pytest.raises(InfeasibleError, match="frozen.*gamma_ft > 0"):
        implicit_bias_solution(Xf, yf, k, b0)


def test_accurate_mode_budget_reports_non_convergence():
    from ptft_theory import SimulationError
    Xp, yp, Xf, yf = _problem(5, 10, 7, 5)
    with pytest.raises(SimulationError, match="PT did not converge.*max_evals"):
        simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, 0.0, 0.1, max_evals=30)
