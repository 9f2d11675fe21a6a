"""Valid inputs that failed (issue 24): each is answered, or refused at once with the precise reason."""

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
