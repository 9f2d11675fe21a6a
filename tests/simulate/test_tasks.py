"""Teachers, data, configs and the package boundary: every bad input names parameter and range."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptft_theory import Init, Task, ft_scales, make_teachers, regime, sample_data, simulate_gradient_flow
from ptft_theory.errors import ParameterError
from ptft_theory.simulate import NEW, PT_ONLY, SHARED, UNUSED, class_counts
from ptft_theory.testing import tasks


def test_teacher_counts_amplitudes_and_seed():
    task = Task(rho_pt=0.1, rho_shared=0.04, rho_new=0.06)
    T = make_teachers(task, 1000, seed=3)
    counts = class_counts(1000, task)
    for cls in (UNUSED, PT_ONLY, SHARED, NEW):
        assert np.sum(T.classes == cls) == counts[cls]
    assert counts == {PT_ONLY: 60, SHARED: 40, NEW: 60, UNUSED: 840}
    assert np.allclose(np.abs(T.beta_pt[T.beta_pt != 0]), 1 / np.sqrt(0.1))
    assert np.allclose(np.abs(T.beta_ft[T.beta_ft != 0]), 1 / np.sqrt(0.1))
    assert set(np.flatnonzero(T.beta_ft)) == set(np.flatnonzero((T.classes == SHARED) | (T.classes == NEW)))
    # unit mean square per coordinate (docs/design.md section 1)
    assert np.mean(T.beta_pt**2) * 1000 / 100 == pytest.approx(1 / 0.1 * 0.1 * 10)
    T2 = make_teachers(task, 1000, seed=3)
    assert np.array_equal(T.beta_ft, T2.beta_ft) and not np.array_equal(T.beta_ft, make_teachers(task, 1000, 4).beta_ft)


@pytest.mark.parametrize("signs, relation", [("equal", 1), ("opposite", -1)])
def test_shared_sign_relation(signs, relation):
    T = make_teachers(Task(0.2, 0.1, 0.05, shared_signs=signs), 500, seed=0)
    sh = T.classes == SHARED
    assert np.all(np.sign(T.beta_ft[sh]) == relation * np.sign(T.beta_pt[sh]))


def test_independent_signs_are_mixed():
    T = make_teachers(Task(0.2, 0.2, 0.0), 2000, seed=1)
    sh = T.classes == SHARED
    frac = np.mean(np.sign(T.beta_ft[sh]) == np.sign(T.beta_pt[sh]))
    assert 0.4 < frac < 0.6  # 400 fair coins: 5 standard deviations is 0.125


# ------------------------------------------------------- class counts: a largest-remainder allocation

@pytest.mark.parametrize("task", [Task(1e-12, 1e-12, 1e-12), Task(0.1, 0.05, 0.05)])
def test_make_teachers_too_small_D_is_one_error(task):
    """D = 8 is too small for either task: one error naming D, the requested classes left without a
    coordinate, and a D that suffices.  Before: Task(0.1, 0.05, 0.05) gave an all-zero beta_ft
    (rho_shared * 8 = 0.4 and rho_new * 8 = 0.4 both rounded to 0), and Task(1e-12, 1e-12, 1e-12) all-zero
    teachers (its classes fell under the rounding threshold meant for 1 - rho_pt - rho_new)."""
    with pytest.raises(ParameterError, match=r"^D=8 is invalid for this task: .*(shared|new).* get no coordinate "
                                             r".*D >= \d+ suffices"):
        make_teachers(task, 8, 0)


def test_make_teachers_keeps_tiny_requested_classes():
    """A tiny but requested class gets its coordinate once D is large enough (never silently dropped)."""
    T = make_teachers(Task(1e-6, 1e-6, 1e-6), 2_000_000, 0)
    assert np.count_nonzero(T.beta_pt) == 2 and np.count_nonzero(T.beta_ft) == 4


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
    # requested: shared and new whenever positive (the user's own numbers: Task(1e-12, 1e-12, 1e-12)
    # once gave all-zero teachers); pt_only and unused, computed by subtraction, above their rounding
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


def test_data_noise_scale():
    beta = np.zeros(50)
    X, y = sample_data(20000, beta, sigma=0.3, seed=2)
    assert np.std(y) == pytest.approx(0.3, rel=0.02)  # SE of a std over 2e4 samples ~0.5%
    assert X.shape == (20000, 50)


@pytest.mark.parametrize("make, match", [
    (lambda: Init(0.0), r"c_pt=0.0 is invalid; valid range: c_pt > 0"),
    (lambda: Init(1.0, 1.5), r"lambda_pt=1.5 is invalid; valid range: \|lambda_pt\| <= c_pt = 1.0"),
    (lambda: Init(1.0, 0.0, -0.1), r"gamma_ft=-0.1 is invalid; valid range: gamma_ft >= 0"),
    (lambda: Init(float("nan")), r"c_pt=nan is invalid; valid range: a finite real number"),
    (lambda: Task(1.2, 0.0, 0.1), r"rho_pt=1.2 is invalid; valid range: 0 <= rho_pt <= 1"),
    (lambda: Task(0.1, 0.2, 0.1), r"rho_shared=0.2 is invalid; valid range: 0 <= rho_shared <= rho_pt"),
    (lambda: Task(0.6, 0.1, 0.5), r"rho_new=0.5 is invalid; valid range: 0 <= rho_new <= 1 - rho_pt"),
    (lambda: Task(0.1, 0.0, 0.0), r"FT teacher is empty"),
    (lambda: Task(0.1, 0.05, 0.05, shared_signs="same"), r"shared_signs='same' is invalid"),
    (lambda: ft_scales([1.0], 1.0, 0.0, 0.0, scheme="both"), r"scheme='both'.*'merged', 'readout'"),
    (lambda: ft_scales([1.0, np.inf], 1.0, 0.0, 0.0), r"beta_pt contains a non-finite value"),
    (lambda: ft_scales([1.0], 1.0, -2.0, 0.0), r"\|lambda_pt\| <= c_pt"),
    (lambda: make_teachers(Task(0.1, 0.05, 0.05), 0, 0), r"D=0 is invalid; valid range: an integer >= 1"),
    (lambda: sample_data(5, [1.0, 2.0], sigma=-1.0), r"sigma=-1.0 is invalid; valid range: sigma >= 0"),
    (lambda: regime(Task(0.1, 0.05, 0.05), Init(1.0, -1.0), "merged"), r"every coordinate is frozen"),
])
def test_bad_input_names_parameter_and_range(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_simulator_bad_input():
    X = np.ones((3, 4))
    y = np.ones(3)
    with pytest.raises(ValueError, match=r"lambda_pt=2.0 is invalid; valid range: \|lambda_pt\| <= c_pt"):
        simulate_gradient_flow(X, y, X, y, 1.0, 2.0, 0.0)
    with pytest.raises(ValueError, match=r"X_ft must have shape"):
        simulate_gradient_flow(X, y, X, np.ones(4), 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match=r"mode='euler' is invalid"):
        simulate_gradient_flow(X, y, X, y, 1.0, 0.0, 0.0, mode="euler")
    with pytest.raises(ValueError, match=r"c_pt must be a scalar or have shape \(B,\) = \(1,\)"):
        simulate_gradient_flow(X, y, X, y, [1.0, 2.0], 0.0, 0.0)
