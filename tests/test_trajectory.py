"""The exact whitened time course (ptft_theory.trajectory, issue 28) against outside truth:
an independent ODE integration of the four weights per coordinate (scipy, rtol 1e-12), the package's
gradient-flow simulator on whitened data (slow), closed-form limits, and sympy's own checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from ptft_theory import Init, ParameterError, ParameterTypeError, ft_scales
from ptft_theory import coordinate_trajectory, escape_time, ft_trajectory, pt_trajectory, time_to_reach
from ptft_theory.symbolic import trajectory as TR


def weights_flow(times, bstar, up, vp, um, vm, weights=False):
    """beta(t) from gradient flow on (u+, v+, u-, v-) of every coordinate, L = 1/2 sum (beta - beta*)^2
    (with ``weights``: also the four weights at the last time)."""
    D = len(bstar)

    def f(_, y):
        up, vp, um, vm = y.reshape(4, D)
        g = up * vp - um * vm - bstar
        return np.concatenate([-g * vp, -g * up, g * vm, g * um])

    sol = solve_ivp(f, (0, times[-1]), np.concatenate([up, vp, um, vm]), t_eval=times, rtol=1e-12, atol=1e-14,
                    method="LSODA")
    assert sol.success
    up, vp, um, vm = sol.y.reshape(4, D, -1)
    beta = (up * vp - um * vm).T
    return (beta, (up[:, -1], vp[:, -1], um[:, -1], vm[:, -1])) if weights else beta


def test_symbolic_derivation_checks():
    """Every derivation step raises unless sympy confirms it; the limits are the documented ones."""
    TR.solution(), TR.increment(), TR.stable_coefficients(), TR.beta_of_increment(), TR.time_to_reach()
    lim = TR.escape_time_limits()
    assert str(lim["lazy"]) == "log(2)/2" and lim["rich"] == 0


levers = st.tuples(st.floats(-3, 1.5), st.floats(-1, 1), st.floats(0, 1), st.sampled_from(["merged", "readout"]))
values = st.lists(st.sampled_from([0.0, 0.4, -0.4, 1.5, -1.5, 3.0, -3.0]), min_size=6, max_size=6)


@settings(max_examples=12)
@given(levers, values, values)
def test_pt_and_ft_match_the_weight_ode(lev, bpt, bft):
    """Both phases against the four-weight ODE at rtol 1e-12 along the whole trajectory.  Tolerance
    1e-8 absolute: LSODA's global error at rtol 1e-12 over <= ~1e3 time constants, measured <= 6e-9
    at c = 100 (rate 200) and <= 6e-10 elsewhere."""
    lc, r, g, scheme = lev
    c = 10.0**lc
    init = Init(c, r * c, g)
    bpt, bft = np.array(bpt), np.array(bft)
    tp = np.concatenate([[0.0], np.logspace(-3, 2, 60)])
    u0, v0 = np.sqrt((c + init.lambda_pt) / 2), np.sqrt((c - init.lambda_pt) / 2)
    ref = weights_flow(tp, bpt, *(np.full(6, x) for x in (u0, v0, u0, v0)))
    assert np.max(np.abs(pt_trajectory(bpt, init, tp) - ref)) < 1e-8
    # PT to convergence by the same ODE (t = 400: >= 50 time constants after the escape at these
    # levers), then the scheme's re-initialisation of its first layers
    _, (up, _, um, _) = weights_flow(np.array([0.0, 400.0]), bpt, *(np.full(6, x) for x in (u0, v0, u0, v0)),
                                     weights=True)
    ap, am = (up + um, up + um) if scheme == "merged" else (up, um)
    gg = np.full(6, init.gamma_ft)
    ref = weights_flow(tp, bft, ap, gg, am, gg)
    got = ft_trajectory(bpt, bft, init, tp, scheme)
    assert np.max(np.abs(got - ref)) < 1e-8
    # the end point is beta_ft on every coordinate with k > 0, after 60 time constants 1/(2A)
    k, _ = ft_scales(bpt, c, init.lambda_pt, init.gamma_ft, scheme)
    A = np.hypot(bft, k)
    if np.any(k > 0):
        late = ft_trajectory(bpt, bft, init, [60 / np.min(A[k > 0])], scheme)[0]
        assert np.allclose(late[k > 0], bft[k > 0], rtol=0, atol=1e-12)


def test_frozen_and_half_line_coordinates_are_exact():
    t = np.array([0.0, 1e-3, 1.0, 1e3, 1e300])
    out = coordinate_trajectory(t, [2.0, 0.0, 2.0, -2.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0],
                                [0.0, 0.0, 0.5, 0.5, -0.5])
    assert np.all(np.isfinite(out))
    assert np.all(out[:, 0] == 0) and np.all(out[:, 1] == 0)  # frozen: exactly 0 for every t
    # k = 0, beta* = 0: dbeta/dt = -2|beta| beta, beta = b0/(1 + 2|b0| t) (solved by hand; exact to rounding)
    assert np.allclose(out[:, 4], -0.5 / (1 + t), rtol=1e-14, atol=0)
    # k = 0, b0 > 0, beta* > 0: logistic from b0 (dbeta/dt = 2 beta (beta* - beta))
    logistic = 2.0 / (1 + (2.0 / 0.5 - 1) * np.exp(-4.0 * t))
    assert np.allclose(out[:, 2], logistic, rtol=1e-13, atol=0)
    # k = 0, b0 > 0 > beta*: the half-line decays to 0 and never crosses
    assert np.all(out[:, 3] >= 0) and out[-1, 3] == 0.0


def test_no_nan_at_extreme_levers_and_times():
    t = np.array([0.0, 1e-300, 1e-10, 1.0, 1e10, 1e300])
    bs = np.array([1e100, -1e100, 1e-300, 0.0, 3.0, -3.0, 1.0, -1e100])
    k = np.array([1e100, 1e-100, 1e-100, 1e100, 0.0, 1e-100, 1e-3, 0.0])
    b0 = np.array([-1e100, 1e100, 0.0, 1e100, -1e100, 1e-300, 0.5, 1e100])
    out = coordinate_trajectory(t, bs, k, b0)
    assert np.all(np.isfinite(out))
    assert np.array_equal(out[0], b0)
    # between b0 and beta* up to the documented absolute rounding ~eps max(|b0|, |beta*|, k)
    lo, hi = np.minimum(b0, bs), np.maximum(b0, bs)
    slack = 1e-14 * np.maximum.reduce([np.abs(b0), np.abs(bs), k])
    assert np.all((out >= lo - slack) & (out <= hi + slack))
    # k = 1e-100 from b0 = 1e100 to beta* = -1e100 crosses 0 and arrives (not a half-line)
    assert np.isclose(out[-1, 1], -1e100, rtol=1e-12) and np.isclose(out[-1, 0], 1e100, rtol=1e-12)


def test_lazy_limit_is_exponential_relaxation():
    """k >> |beta|: beta(t) = beta* + (b0 - beta*) e^{-2kt} up to O(|beta|/k) relative (here 1e-6)."""
    k, bs, b0 = 1e6, 1.0, -0.5
    t = np.linspace(0, 5 / k, 50)
    got = coordinate_trajectory(t, bs, k, b0)[:, 0]
    assert np.allclose(got, bs + (b0 - bs) * np.exp(-2 * k * t), rtol=0, atol=1e-5)


def test_rich_limit_is_a_logistic_escape():
    """k -> 0 from b0 = 0: beta(t_1/2 + theta) -> beta*/(1 + e^{-2 beta* theta}) with t_1/2 ~ log(2beta*/k)/(2beta*);
    the deviation is O(k) (measured 3e-10 at k = 1e-10)."""
    bs, k = 1.5, 1e-10
    th = escape_time(bs, k)[0]
    assert abs(th - np.log(2 * bs / k) / (2 * bs)) < 1e-9
    theta = np.linspace(-5, 5, 41)
    got = coordinate_trajectory(th + theta, bs, k)[:, 0]
    assert np.allclose(got, bs / (1 + np.exp(-2 * bs * theta)), rtol=0, atol=1e-8)
    assert abs(escape_time(1.0, 1e8)[0] * 1e8 - np.log(2) / 2) < 1e-7  # lazy: log 2/(2k)


@settings(max_examples=40)
@given(st.floats(-5, 5), st.floats(-4, 2), st.floats(-5, 5), st.floats(0.05, 0.95))
def test_time_to_reach_inverts_the_trajectory(bs, lk, b0, frac):
    k = 10.0**lk
    target = b0 + frac * (bs - b0)
    t = time_to_reach(target, bs, k, b0)[0]
    if np.isfinite(t):
        assert abs(coordinate_trajectory([t], bs, k, b0)[0, 0] - target) < 1e-9 * max(1.0, abs(bs), abs(b0))


def test_input_validation_names_the_parameter():
    with pytest.raises(ParameterError, match="times"):
        coordinate_trajectory([-1.0], 1.0, 1.0)
    with pytest.raises(ParameterError, match="times"):
        coordinate_trajectory([np.nan], 1.0, 1.0)
    with pytest.raises(ParameterError, match="k"):
        coordinate_trajectory([1.0], 1.0, -1.0)
    with pytest.raises(ParameterError, match="k"):
        coordinate_trajectory([1.0], 1.0, 1e-120)
    with pytest.raises(ParameterError, match="beta_ft"):
        ft_trajectory([1.0, 2.0], [1.0], Init(1.0), [1.0])
    with pytest.raises(ParameterTypeError, match="init"):
        pt_trajectory([1.0], {"c_pt": 1.0}, [1.0])
    with pytest.raises(ParameterError, match="scheme"):
        ft_trajectory([1.0], [1.0], Init(1.0), [1.0], scheme="nope")


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["merged", "readout"])
def test_matches_the_gradient_flow_simulator_on_whitened_data(scheme):
    """simulate_gradient_flow (Radau on all weights, rtol 1e-12) on X = sqrt(N) Q, N = D: X^T X / N = I.
    Tolerance 1e-9 (measured <= 5e-13 on three inits per scheme); ~1-2 min per scheme on a loaded CPU."""
    from ptft_theory import simulate_gradient_flow
    D = 6
    Q, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(D, D)))
    X = np.sqrt(D) * Q
    bpt = np.array([0, 2.0, -1.5, 0.7, 0, 1.0])
    bft = np.array([1.0, -2.0, 0, 0.4, 0, 1.5])
    init = Init(1e-2, -0.5e-2, 0.1)
    r = simulate_gradient_flow(X, X @ bpt, X, X @ bft, init.c_pt, init.lambda_pt, init.gamma_ft, scheme, rtol=1e-12,
                               atol=1e-14, residual_tol=1e-12, record_trajectory=True)
    for phase, theory in ((r.pt, lambda t: pt_trajectory(bpt, init, t)),
                          (r.ft, lambda t: ft_trajectory(bpt, bft, init, t, scheme))):
        keep = np.isfinite(phase.trajectory["t"])  # the last record is the exact finish (t = inf)
        t = phase.trajectory["t"][keep]
        assert np.max(np.abs(phase.trajectory["beta"][keep, 0, :] - theory(t))) < 1e-9
