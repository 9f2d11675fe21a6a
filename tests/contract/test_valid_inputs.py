"""Valid inputs that failed (issue 24): each is answered, or refused at once with the precise reason."""

import re
import time

import mpmath
import numpy as np
import pytest

from ptft_theory import Task, make_teachers, sample_data, simulate_gradient_flow
from ptft_theory.errors import InfeasibleError


def test_simulate_frozen_fine_tuning_is_infeasible_at_once():
    """merged, lambda_pt = -c_pt, gamma_ft = 0 freezes every FT coordinate (k = 0, b0 = 0: the solver and the
    replica raise InfeasibleError); the simulator now says so before fine-tuning.  Before: it ran FT into
    its limit and raised SimulationError (11 s in the probe, exit 1)."""
    T = make_teachers(Task(0.1, 0.05, 0.05), 20, 0)
    Xp, yp = sample_data(10, T.beta_pt, seed=1)
    Xf, yf = sample_data(6, T.beta_ft, seed=2)
    t0 = time.perf_counter()
    with pytest.raises(InfeasibleError, match="frozen"):
        simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, -0.1, 0.0, "merged")
    assert time.perf_counter() - t0 < 60  # the PT phase only (about 1 s on an idle core)


def test_two_stage_with_a_zero_pt_teacher_is_exact_pt():
    """rho_pt = 0 without PT noise: the PT labels are zero, gradient flow from b0 = 0 never moves, so PT
    learned its (zero) teacher exactly and the answer is the one-stage one (the documented limit of the
    two-stage replica).  Before: ReplicaError "tau=nan" (log(tau_pt) of tau_pt = 0)."""
    from ptft_theory import Init, generalization_error, implicit_bias_solution
    task, init = Task(0.0, 0.0, 0.05), Init(1e-3)
    two = generalization_error(task, init, [0.3, 0.5], alpha_pt=0.5)
    one = generalization_error(task, init, [0.3, 0.5])
    assert np.array_equal(two.E, one.E) and two.tau_pt == 0.0 and two.E_pt == 0.0
    # the fact used, checked by the solver: zero labels from b0 = 0 leave b = 0
    X = np.random.default_rng(0).standard_normal((5, 10))
    assert np.array_equal(implicit_bias_solution(X, np.zeros(5), init.c_pt, 0.0), np.zeros(10))


def test_dps30_at_fig5_regime_iv_init_answers():
    """``ptft curve --c-pt 1e-3 --lambda-pt -9e-4 ... --alpha 0.8 --dps 30`` (Fig. 5's regime-IV init).
    Before: "quadrature panels could not resolve the integrand" -- on tail panels holding ~1e-42 of the
    integral, whose float64 integrand is rounding noise at ~1e-12 relative.  Now E agrees with an
    independent 45-digit evaluation within its own error estimate, and with float64."""
    from ptft_theory import Init, generalization_error
    task, init = Task(0.1, 0.05, 0.05), Init(1e-3, -9e-4)
    r30 = generalization_error(task, init, 0.8, dps=30)
    r45 = generalization_error(task, init, 0.8, dps=45)
    r64 = generalization_error(task, init, 0.8)
    assert abs(r30.E[0] - r45.E[0]) <= r30.error[0] <= 1e-30 * r30.E[0]
    assert abs(float(r30.E[0]) - r64.E[0]) <= r64.quad_error[0]  # float64 within its own estimate (2e-7 relative)


# certify=True where the certified path failed: Fig. 5's regime-IV init (the float64 panel placement
# met rounding noise of (eta - beta*)^2 at 3e-12 > its 1e-12 target, at working_dps 40), alpha -> 1 and
# a sparse task rho = 1e-6 (the Krawczyk box of 10^-(dps+5) was narrower than K: no epsilon-inflation).
CERTIFY_CASES = [(0.8, Task(0.1, 0.05, 0.05), (1e-3, -9e-4)),
                 (0.999, Task(0.1, 0.05, 0.05), (1e-3,)),
                 (0.5, Task(1e-6, 1e-6, 1e-6), (1e-3,))]


@pytest.mark.slow
@pytest.mark.parametrize("case", range(len(CERTIFY_CASES)))
def test_certified_interval_where_it_failed_contains_a_50_digit_value(case, full):
    """The certified 30-digit interval exists and contains E from an independent 50-digit evaluation (the
    mpmath path at dps=50: its own error, also returned, is ~1e-50 relative, far inside the 1e-30 width).
    Before: ReplicaError "quadrature panels could not resolve the integrand" (cases 0 and 2 -- noise-limited
    panels; case 1 too) and CertificationError "Krawczyk test failed" once the panels were placed."""
    if case > 0 and not full:
        pytest.skip("PTFT_FULL=1 runs every setting")
    from ptft_theory import Init, generalization_error
    alpha, task, init = CERTIFY_CASES[case]
    cert = generalization_error(task, Init(*init), alpha, certify=True)
    ref = generalization_error(task, Init(*init), alpha, dps=50)
    E = cert.E  # a scalar alpha gives one CertifiedPoint
    assert ref.error[0] <= 1e-40 * ref.E[0]  # the reference is far sharper than the interval
    with mpmath.workdps(80):  # the comparison at more digits than either side carries
        assert E.lo + ref.error[0] <= ref.E[0] <= E.hi - ref.error[0]
        assert E.relative_width <= 1e-30


def _mp_z2_moments(members, tau, zeta, Z=9.0, digits=20):
    """E[eta'] and E[(eta - beta*)^2] summed over the sub-classes, each z2 integral by mpmath's tanh-sinh
    (``mpmath.quad``, 20 digits) in the mirror variable s (z = prox_residual(s)/tau, a monotone change of
    variables: every factor entire), over |z| <= Z (Gaussian mass beyond 9: 2e-19).  Independent of the
    package's Gauss-Hermite and Gauss-Legendre rules and of its float64 prox; the kernels are the generated
    mpmath ones."""
    from ptft_theory import kernels
    from ptft_theory.replica.panels import s_range
    K = kernels.mp
    d1 = mse = mpmath.mpf(0)
    with mpmath.workdps(digits):
        t, z = mpmath.mpf(tau), mpmath.mpf(zeta)
        for c in members:
            bs, m, b0 = (mpmath.mpf(v) for v in (c.beta_star, c.m, c.b0))
            lo, hi = s_range(c, tau, zeta, Z)

            def g(s):
                return mpmath.npdf(K.prox_residual(s, bs, z, m, b0) / t) * K.prox_residual_derivative(s, z, m, b0) / t

            pts = mpmath.linspace(lo, hi, 9 if digits > 15 else 5)
            d1 += c.weight * mpmath.quad(lambda s: g(s) * K.eta_prime(s, z, m, b0), pts)
            mse += c.weight * mpmath.quad(lambda s: g(s) * (K.beta_of_s_stable(s, m, b0) - bs) ** 2, pts)
    return d1, mse


@pytest.mark.slow
def test_two_stage_where_gauss_hermite_stalls_answers_on_z2_panels(full):
    """Readout, c = 0.01, lambda = -0.005, gamma = 0.1, sigma = 0.02, alpha = 0.95, alpha_pt = 0.4: the FT
    prox has a kink much narrower than tau in some sub-classes and Gauss-Hermite in z2 stalls (estimate
    3.8e-5 of E = 8.0e-3 at 124 nodes; its E, 0.0080051, is 5e-3 relative off).  Before: ReplicaError
    "two-stage quadrature not converged".  Now z2 is on panels in the mirror variable; checked against an
    independent evaluation of every sub-class's z2 integrals by mpmath's tanh-sinh at the returned
    (tau, zeta): the fixed-point equations hold there (residuals <= 1e-8: the solver's stop is 1e-10)
    and E agrees within the reported error (the sub-classes are the same z1 rule: the z1 part is the
    reported estimate's other half).  Default run: tanh-sinh at 15 digits on 4 pieces (~4x cheaper);
    PTFT_FULL=1: 20 digits on 8 pieces."""
    from ptft_theory import Init, generalization_error
    from ptft_theory.replica import two_stage as TS
    from ptft_theory.replica.fixed_point import fixed_point_equations
    task, init, alpha, sigma = Task(0.1, 0.05, 0.05), Init(0.01, -0.005, 0.1), 0.95, 0.02
    r = generalization_error(task, init, alpha, "readout", sigma, alpha_pt=0.4)
    assert r.rule[0] == "two_stage_panels"
    assert r.quad_error[0] <= TS.QUAD_ERROR_SAFETY * TS.QUAD_RTOL * r.E[0]
    cls = TS.ft_subclasses(task, init, "readout", TS.pt_state(0.4, task, init.c_pt), TS.Z1_NODES)
    d1, mse = _mp_z2_moments(cls.members(), r.tau[0], r.zeta[0], digits=20 if full else 15)
    F = fixed_point_equations(mpmath.mpf(r.tau[0]), d1, mse, mpmath.mpf(alpha), mpmath.mpf(sigma))
    assert max(abs(F[0]), abs(F[1])) <= 1e-8, F
    assert abs(mse / cls.signal_power - r.E[0]) <= r.quad_error[0], (mse / cls.signal_power, r.E[0])


def _lazy_weighted_l2_limit(alpha):
    """E of FT from a zero start with per-coordinate scale k_d proportional to |z_d| (z_d ~ N(0, 1), independent
    of the FT teacher), noiseless: the sigma_pt -> infinity limit of merged FT after least-squares PT (alpha_pt
    > 1: beta_hat_pt = beta*_pt + tau_pt z, k = c + sqrt(c^2 + beta_hat_pt^2) ~ tau_pt |z|, so Q_k(b) ~ b^2/(4k):
    the min-weighted-norm interpolator, prox eta = w x/(w + zeta) up to a scale absorbed in zeta).  Replica:
    alpha = E[w/(w+zeta)], E = B/(1 - A/alpha), A = E[w^2/(w+zeta)^2], B = E[zeta^2/(w+zeta)^2] (w = |z|).
    Derived here, with scipy's adaptive quadrature: no package code."""
    from scipy import integrate, optimize

    def mean(f):
        return integrate.quad(lambda w: f(w) * 2 * np.exp(-w * w / 2) / np.sqrt(2 * np.pi), 0, np.inf,
                              epsabs=0, epsrel=1e-13, limit=200)[0]
    z = optimize.brentq(lambda z: mean(lambda w: w / (w + z)) - alpha, 1e-9, 1e9, xtol=1e-15)
    A, B = mean(lambda w: (w / (w + z)) ** 2), mean(lambda w: (z / (w + z)) ** 2)
    return B / (1 - A / alpha)


def test_two_stage_with_huge_pt_noise_answers():
    """sigma_pt = 1e100 passed the range check and then failed ("two-stage quadrature not converged": one z1
    panel 118 wide in the PT mirror variable, where k = c cosh 2 s1 spans 1e100).  Now wide panels are split
    (at most 16 wide).  Least-squares PT (alpha_pt = 2) reaches its sigma_pt -> infinity limit, derived
    independently (:func:`_lazy_weighted_l2_limit`; the corrections are O(beta*_pt / tau_pt) = 1e-100): E agrees
    within the reported quad_error.  Interpolating PT (alpha_pt = 0.5) answers within the solver's acceptance (7e-5 relative at alpha = 0.6)."""
    from ptft_theory import Init, generalization_error
    from ptft_theory.replica import two_stage as TS
    task, init = Task(0.1, 0.05, 0.05), Init(1e-3)
    r = generalization_error(task, init, [0.3, 0.6], alpha_pt=2.0, sigma_pt=1e100)
    ref = np.array([_lazy_weighted_l2_limit(a) for a in (0.3, 0.6)])
    assert np.all(np.abs(r.E - ref) <= r.quad_error), (r.E - ref, r.quad_error)
    r = generalization_error(task, init, [0.3, 0.6], alpha_pt=0.5, sigma_pt=1e100)
    assert np.all(np.isfinite(r.E)) and np.all(r.quad_error <= TS.QUAD_ERROR_SAFETY * TS.QUAD_RTOL_MAX * r.E)


def test_stall_check_tells_a_stall_from_a_slow_escape():
    """The accurate mode's stall test (simulate.flow._stall_check) on the two phases of the c_pt = 1e-12 run
    (D = 20, N = 10, logged every 5000 evaluations): the escape from the tiny start (flow time +40% per 3000
    evaluations, residual flat) and the power-law approach (t x 3 per 5000) pass; Radau's collapse (t from
    4.95e4 to 5.16e4 in 6000 evaluations, residual -4%) raises, naming the reason and what to change; the
    same slow pace 1.3x from the stop, which that rate reaches within max_evals, passes."""
    from ptft_theory.simulate import flow
    escape = [(5000, 1.714, 26.0), (6000, 1.92, 26.0), (9000, 2.6, 25.9), (12000, 3.4, 25.1)]
    power_law = [(20000, 57.8, 20.5), (25000, 928.0, 18.0), (30000, 1.53e4, 15.4), (35000, 4.95e4, 14.3)]
    for phase in (escape, power_law):
        budget = {"history": [], "max_evals": 200_000}
        for e, t, p in phase:
            budget["evals"] = e
            flow._stall_check(budget, t, p)
    near_stop = {"history": [], "max_evals": 200_000}  # slow but the stop is within the budget at this rate
    for e, t, p in [(35000, 4.95e4, 0.3), (38000, 5.05e4, 0.28), (41000, 5.16e4, 0.26)]:
        near_stop["evals"] = e
        flow._stall_check(near_stop, t, p)
    budget = {"history": [], "max_evals": 200_000}
    with pytest.raises(flow._Stalled, match="stalled.*c_pt.*residual_tol"):
        for e, t, p in [(35000, 4.95e4, 14.3), (38000, 5.05e4, 14.27), (41000, 5.16e4, 14.26)]:
            budget["evals"] = e
            flow._stall_check(budget, t, p)


def _tiny_c_problem():
    """The issue's problem: D = 20, N_PT = 10, N_FT = 6 (merged, lambda_pt = gamma_ft = 0)."""
    T = make_teachers(Task(0.1, 0.05, 0.05), 20, 0)
    Xp, yp = sample_data(10, T.beta_pt, seed=1)
    Xf, yf = sample_data(6, T.beta_ft, seed=2)
    return Xp, yp, Xf, yf


def test_tiny_c_pt_accurate_mode_is_refused_before_the_flow_runs(monkeypatch):
    """``simulate_gradient_flow(..., c_pt=1e-12)`` in accurate mode.  Before: SimulationError "the flow stalled"
    after ~41 000 gradient evaluations (~90 s idle; 910 s measured on the loaded 2-core machine).  Now:
    ParameterError naming c_pt and its valid range for these data before a single evaluation (the PT limit's
    stiffness, 1.5e9, exceeds STIFFNESS_MAX: simulate/stiffness.py has the measurements), and the stated bound
    is where the check switches (to its 0.1-decade bisection)."""
    from ptft_theory.errors import ParameterError
    from ptft_theory.simulate import gradient_flow

    def no_ode(*args, **kwargs):
        raise AssertionError("the ODE ran")
    monkeypatch.setattr(gradient_flow, "run_accurate", no_ode)
    Xp, yp, Xf, yf = _tiny_c_problem()
    gradient_flow.torch_module()  # the import (seconds on a loaded machine) is not what is timed
    t0 = time.perf_counter()
    with pytest.raises(ParameterError, match=r"c_pt=1e-12 is too small for mode='accurate'.*valid range here: "
                                             r"c_pt >= ") as info:
        simulate_gradient_flow(Xp, yp, Xf, yf, 1e-12, 0.0, 0.0, "merged")
    assert time.perf_counter() - t0 < 10  # ~15 convex solves at D = 20: 0.2 s measured (loaded machine)
    from ptft_theory.simulate import stiffness
    c_min = float(re.search(r"c_pt >= ([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)", str(info.value)).group(1))
    stiffness.check_pt(Xp, yp, c_min, 1e-11, 1e-11)  # passes at the stated bound
    with pytest.raises(ParameterError):
        stiffness.check_pt(Xp, yp, c_min / 1.3, 1e-11, 1e-11)


def test_stiffness_check_lets_valid_runs_through():
    """No false alarm: c_pt = 1e-6 on the same problem (stiffness 3.1e5) converged in the measurements (~61 000
    evaluations) and passes; so do 40 problems drawn like the simulator's hypothesis tests (c_pt in [1e-3, 10],
    lambda_pt often within 1e-3 of +-c_pt, both schemes; their stiffness reached 3.6e4 in 392 draws), PT and
    FT; a stop the collapse comes after (residual_tol = 1e-4) is not checked at all."""
    from ptft_theory import ft_scales, implicit_bias_solution
    from ptft_theory.simulate import stiffness
    Xp, yp, _, _ = _tiny_c_problem()
    stiffness.check_pt(Xp, yp, 1e-6, 1e-11, 1e-11)
    stiffness.check_pt(Xp, yp, 1e-12, 1e-11, 1e-4)
    rng = np.random.default_rng(0)
    for i in range(40):
        c = 10 ** rng.uniform(-3, 1)
        lam = [c * rng.uniform(-1, 1), -c * (1 - rng.uniform(0, 1e-3)), c * (1 - rng.uniform(0, 1e-3)), -c][i % 4]
        gamma = 0.0 if i % 3 == 0 else rng.uniform(1e-3, 1.0)
        scheme = ["readout", "merged"][i % 2]
        if scheme == "merged" and lam == -c and gamma == 0:
            continue
        D, n_pt, n_ft = [(8, 6, 4), (10, 7, 5), (12, 8, 6)][i % 3]
        T = make_teachers(Task(0.3, 0.15, 0.15), D, i)
        Xp, yp = sample_data(n_pt, T.beta_pt, seed=2 * i)
        Xf, yf = sample_data(n_ft, T.beta_ft, seed=2 * i + 1)
        stiffness.check_pt(Xp, yp, c, 1e-11, 1e-11)
        k, b0 = ft_scales(implicit_bias_solution(Xp, yp, c, 0.0), c, lam, gamma, scheme)
        stiffness.check_ft(Xf, yf, k, b0, 1e-11, 1e-11)


@pytest.mark.slow
def test_tiny_c_pt_accurate_mode_stops_at_the_stall(full, monkeypatch):
    """The runtime stall test, the backstop behind the up-front check (switched off here): c_pt = 1e-12 in
    accurate mode raises SimulationError naming the stall once Radau's steps collapse (~41 000 evaluations).
    Before it existed: the generic "did not converge" only after max_evals.  Full run only (~1-2 min of CPU)."""
    if not full:
        pytest.skip("PTFT_FULL=1 runs the 1e-12 flow; the default run checks the stall test itself (above)")
    from ptft_theory.errors import SimulationError
    from ptft_theory.simulate import stiffness
    monkeypatch.setattr(stiffness, "STIFFNESS_MAX", float("inf"))
    Xp, yp, Xf, yf = _tiny_c_problem()
    with pytest.raises(SimulationError, match="stalled") as info:
        simulate_gradient_flow(Xp, yp, Xf, yf, 1e-12, 0.0, 0.0, "merged", max_evals=100_000)
    assert "max_evals" not in str(info.value)


# A PT teacher far above c_pt (amp_pt >> c_pt): PT recovers its support to tau_pt / amp_pt ~ (c_pt / amp_pt)^0.42
# (2e-44 at amp_pt = 1e100), far below float64's relative resolution.
HUGE_TASK, HUGE_INIT, HUGE_ALPHA_PT = (lambda amp: Task(0.1, 0.05, 0.05, amp_pt=amp)), (1e-3,), 0.5


@pytest.mark.parametrize("amp", [1e14, 1e100])
def test_pt_state_of_a_huge_pt_teacher_solves_independent_equations(amp):
    """The PT fixed point (tau_pt, zeta_pt) solves the PT replica equations evaluated independently
    (tests/_two_stage_reference.py: the on-support class at 130 digits, the off-support one on its own panels;
    its residual at the package's point is <= 1e-9: the package's solver stops at 1e-10 and the reference's
    quadrature is good to ~1e-13, checked by doubling its panels).  Before: the generic path formed eta - A_pt
    in float64; tau_pt was 2.6% off at amp_pt = 1e14 (residual 1e-2) and rounding noise (~1e-14 amp_pt
    instead of 2e-44 amp_pt) at 1e100."""
    import _two_stage_reference as R
    from ptft_theory.replica import two_stage as TS
    task = HUGE_TASK(amp)
    pt = TS.pt_state(HUGE_ALPHA_PT, task, HUGE_INIT[0])
    F, mse = R.residual(R.pt_moments(amp, HUGE_INIT[0], task.rho_pt), HUGE_ALPHA_PT, pt.tau, pt.zeta)
    assert max(abs(F[0]), abs(F[1])) <= 1e-9, F
    assert abs(mse / (task.rho_pt * amp**2) - pt.E) <= 1e-8 * pt.E


@pytest.mark.parametrize("amp", [1e20, 1e30, 1e50, 1e100])
def test_z1_rule_of_a_resolved_pt_coordinate_is_a_probability(amp):
    """The z1 average of an on-support coordinate has total weight 1.  Before: its panels in s1 were a few
    ulps wide and their Gauss-Legendre weights summed to 0.999997 (1e20), 0.75 (1e30), 0.067 (1e50) and 2.2
    (1e100): amp_pt = 1e30..1e80 answered silently wrong, 1e100 raised ReplicaError."""
    from ptft_theory.replica import two_stage as TS
    task = HUGE_TASK(amp)
    pt = TS.pt_state(HUGE_ALPHA_PT, task, HUGE_INIT[0])
    for n1 in (TS.Z1_NODES, 2 * TS.Z1_NODES):
        b, q = TS.z1_rule(task.a_pt, pt, HUGE_INIT[0], n1)
        assert abs(q.sum() - 1) <= 1e-12 and np.all(np.abs(b / task.a_pt - 1) <= 1e-8)


def test_point_mass_and_panels_agree_where_both_hold():
    """At amp_pt = 1e12 the on-support z1 spread is 3.4e-6 amp_pt: panels resolve it (their float64 noise, eps
    amp_pt / tau_pt ~ 5e-10) and a point mass is off by at most the spread (first order; second order after
    the symmetric z1 average).  With the point mass forced, E agrees with the panels within the quadrature
    error: the switch at RESOLVED_SPREAD does not jump."""
    from ptft_theory import Init, generalization_error
    from ptft_theory.replica import two_stage as TS, two_stage_pt as TP
    task, init = HUGE_TASK(1e12), Init(*HUGE_INIT)
    panels = generalization_error(task, init, [0.3, 0.6], alpha_pt=HUGE_ALPHA_PT)
    saved = TP.RESOLVED_SPREAD
    try:
        TP.RESOLVED_SPREAD = 1e-3
        TS._panel_edges.cache_clear()
        mass = generalization_error(task, init, [0.3, 0.6], alpha_pt=HUGE_ALPHA_PT)
    finally:
        TP.RESOLVED_SPREAD = saved
    assert np.all(np.abs(mass.E - panels.E) <= panels.quad_error + mass.quad_error), (mass.E - panels.E, panels.quad_error)


def _huge_amp_ft_check(r, amp, alphas):
    """The FT moments of the independent reference at the package's (tau, zeta), per alpha: (residuals, E)."""
    import _two_stage_reference as R
    c = HUGE_INIT[0]
    b_on = R.pt_on_support_value(amp, c, r.zeta_pt)
    mom, power = R.ft_moments(c, 0.1, 0.05, 0.05, r.tau_pt, r.zeta_pt, b_on)
    return [R.residual(mom, a, r.tau[i], r.zeta[i]) for i, a in enumerate(alphas)], power, mom


def test_two_stage_with_a_huge_pt_teacher_answers():
    """``generalization_error(Task(0.1, 0.05, 0.05, amp_pt=1e100), Init(1e-3), [0.3, 0.6], alpha_pt=0.5)``.
    Before: ReplicaError "two-stage quadrature not converged" (and 1e50 answered E(0.6) = 17.8 instead of 20.0).
    Now E = 1.246, 39.14 (E grows like log amp_pt at alpha = 0.6: the off-support PT estimates, hence the FT
    scales, spread over more decades).  At the returned FT point the FT replica equations evaluated by the
    independent reference hold to the package's own error (|F| <= 2 quad_error / E: E's relative error and F
    are of one order, the fixed point being well conditioned there) and its E agrees within quad_error."""
    from ptft_theory import Init, generalization_error
    amp, alphas = 1e100, [0.3, 0.6]
    r = generalization_error(HUGE_TASK(amp), Init(*HUGE_INIT), alphas, alpha_pt=HUGE_ALPHA_PT)
    checks, power, _ = _huge_amp_ft_check(r, amp, alphas)
    for i, (F, mse) in enumerate(checks):
        assert max(abs(F[0]), abs(F[1])) <= 2 * r.quad_error[i] / r.E[i], (F, r.quad_error[i] / r.E[i])
        assert abs(mse / power - r.E[i]) <= r.quad_error[i], (mse / power - r.E[i], r.quad_error[i])


@pytest.mark.slow
def test_two_stage_huge_pt_teacher_against_an_independent_solve(full):
    """The independent reference solves its own PT and FT fixed points (hybrd from the package's answer
    perturbed by +-30%) at amp_pt = 1e100: tau_pt agrees to 1e-9 and E within the package's quad_error plus the
    reference's own quadrature error (its 4- vs 6-point panel rules).  Measured: E 1.2459933301 vs 1.2459933326
    (2e-9 relative, quad_error 4e-9), 39.1443796 vs 39.1443837 (1.0e-7, quad_error 2.1e-7).  Default run: the
    PT solve only (the FT solves take ~20 s each); the non-slow test above checks the FT equations at the
    package's point."""
    import _two_stage_reference as R
    from ptft_theory import Init, generalization_error
    amp, alphas, c = 1e100, [0.3, 0.6] if full else [], HUGE_INIT[0]
    r = generalization_error(HUGE_TASK(amp), Init(*HUGE_INIT), alphas or [0.3], alpha_pt=HUGE_ALPHA_PT)
    tau_pt, zeta_pt = R.solve(R.pt_moments(amp, c, 0.1), HUGE_ALPHA_PT, (1.3 * r.tau_pt, 0.7 * r.zeta_pt))
    assert abs(tau_pt / r.tau_pt - 1) <= 1e-9 and abs(zeta_pt / r.zeta_pt - 1) <= 1e-9
    b_on = R.pt_on_support_value(amp, c, zeta_pt)
    for i, a in enumerate(alphas):
        E = []
        for n in (4, 6):
            mom, power = R.ft_moments(c, 0.1, 0.05, 0.05, tau_pt, zeta_pt, b_on, n)
            tau, zeta = R.solve(lambda t, z: mom(t, z), a, (1.3 * r.tau[i], 0.7 * r.zeta[i]))
            E.append(mom(tau, zeta)[1] / power)
        assert abs(E[1] - r.E[i]) <= r.quad_error[i] + abs(E[1] - E[0]), (E, r.E[i], r.quad_error[i])
