"""Which init wins in the lazy limits: the Fig. 5 ordering as statements with conditions
(docs/limits.md, "Orderings"), property-tested against the replica (few examples: it stays fast).

S1  lazy, PT-independent (every z -> 0, r -> 1): E -> 1 - alpha on every task.
S2  lazy, PT-dependent (r = k_pt/k_new > 1, every z small): on a task inside the PT support
    (rho_new = 0) E < 1 - alpha; on a task of new features only (rho_shared = 0) E > 1 - alpha.
    So on subset tasks regime II beats III, on new-feature tasks III beats II (the paper's Fig. 5:
    II never wins on new features).
S3  new features frozen (readout, lambda = -c, gamma = 0, lazy PT features), alpha < rho_pt:
    rho_new = 0 gives E = 1 - alpha/rho_pt < 1 - alpha (beats III); rho_shared = 0 gives E = 1/(1 - alpha/rho_pt) > 1.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ptft_theory import Init, Task, generalization_error, kernels
from ptft_theory.replica.lazy_limits import lazy_limit_error

N = 8  # examples per property: each is 2-4 replica solves (milliseconds)
GAP = 1e-4  # the lazy gap at z_max <= 0.05 is <= ~5e-6 (docs/limits.md); a margin 20x that


@settings(max_examples=N)
@given(rho_pt=st.floats(0.05, 0.5), frac=st.floats(0.2, 1.0), alpha=st.floats(0.05, 0.9), c=st.sampled_from([100.0, 1000.0]))
def test_s1_lazy_pt_independent_is_one_minus_alpha_on_every_task(rho_pt, frac, alpha, c):
    rho_ft = frac * min(rho_pt, 1 - rho_pt)
    for task in (Task(rho_pt, rho_ft, 0.0), Task(rho_pt, 0.0, rho_ft), Task(rho_pt, rho_ft / 2, rho_ft / 2)):
        E = float(generalization_error(task, Init(c), alpha).E[0])
        # r - 1 ~ A_pt^2/(4c^2) and z^2 = A^2/c^2 bound the distance to 1 - alpha (measured: 3.8e-5 at
        # A = A_pt = 2, c = 100, where this bound is 8e-4)
        assert abs(E - (1 - alpha)) < (task.a_ft**2 + task.a_pt**2) / c**2
        lz = lazy_limit_error(alpha, task, Init(c))  # the weighted closed form is much closer: O(z^2)/100
        # the closed form's error is O(z_max^2) with a task-dependent coefficient: measured up to 0.022 z_max^2
        # (rho_pt 0.5, rho_shared 0.125, alpha 0.75, c 100); 0.05 leaves a margin of 2x over that
        assert abs(lz.E - E) < 0.05 * lz.z_max**2 + 1e-8


@settings(max_examples=N)
@given(rho_pt=st.floats(0.05, 0.5), frac=st.floats(0.2, 1.0), alpha=st.floats(0.05, 0.9), c=st.sampled_from([10.0, 30.0]))
def test_s2_lazy_pt_dependent_helps_subset_tasks_and_hurts_new_ones(rho_pt, frac, alpha, c):
    rho_ft = frac * min(rho_pt, 1 - rho_pt)
    amp_ft = 1.0
    amp_pt = 1000.0  # A_pt >> c >> A: r ~ A_pt/(2c) = 17-50, z_max = A/(2c) <= 0.05
    shared = Task(rho_pt, rho_ft, 0.0, amp_pt=amp_pt, amp_ft=amp_ft)
    new = Task(rho_pt, 0.0, rho_ft, amp_pt=amp_pt, amp_ft=amp_ft)
    init = Init(c)
    E_sh = float(generalization_error(shared, init, alpha).E[0])
    E_new = float(generalization_error(new, init, alpha).E[0])
    assert E_sh < 1 - alpha - GAP < 1 - alpha + GAP < E_new
    for task, E in ((shared, E_sh), (new, E_new)):  # and the closed form is what the replica gives
        assert abs(lazy_limit_error(alpha, task, init).E - E) < GAP


@settings(max_examples=N)
@given(rho_pt=st.floats(0.1, 0.5), frac=st.floats(0.2, 1.0), a=st.floats(0.05, 0.9))
def test_s3_frozen_new_features(rho_pt, frac, a):
    alpha = a * rho_pt
    rho_ft = frac * min(rho_pt, 1 - rho_pt)
    init = Init(1.0, -1.0)  # readout: new features frozen; A_pt = 1e4: k_pt ~ 5000 >> A = 1
    shared = Task(rho_pt, rho_ft, 0.0, amp_pt=1e4, amp_ft=1.0)
    new = Task(rho_pt, 0.0, rho_ft, amp_pt=1e4, amp_ft=1.0)
    E_sh = float(generalization_error(shared, init, alpha, "readout").E[0])
    E_new = float(generalization_error(new, init, alpha, "readout").E[0])
    assert abs(E_sh - (1 - alpha / rho_pt)) < GAP and E_sh < 1 - alpha
    assert abs(E_new - 1 / (1 - alpha / rho_pt)) < GAP * E_new and E_new > 1
    assert abs(float(kernels.np.lazy_frozen_error(alpha, rho_pt, 0.0, rho_ft)) - 1 / (1 - alpha / rho_pt)) < 1e-12
