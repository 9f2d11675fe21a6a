"""An error estimate must bound the error it estimates (issue 24), checked against an independent
higher-precision value: E at dps=30 against E at dps=50 (its own error ~1e-51, far below)."""

import pytest

from ptft_theory import Init, Task, generalization_error

TASK = Task(0.1, 0.05, 0.05)
# the settings where the old estimate (quad + root + 10^-42) fell ~10x short: E ~ 0.1-0.7
DEFAULT = [(Init(1e-3), 0.2), (Init(1.0), 0.5)]
FULL = DEFAULT + [(Init(1e-2, -5e-3, 0.1), 0.2), (Init(1.0), 0.2), (Init(1.0), 0.8), (Init(1e-3), 0.5)]


@pytest.mark.slow
@pytest.mark.parametrize("case", range(len(FULL)))
def test_high_precision_error_bounds_the_error(case, full):
    """|E(dps=30) - E(dps=50)| <= error(dps=30).  Before: the estimate (quadrature + root change +
    10^-wp) was 3e-42 where the error was 2e-41 (11 of 18 settings of the probe); the rounding part is
    now measured (the point solved again at 10 more digits)."""
    if case >= len(DEFAULT) and not full:
        pytest.skip("PTFT_FULL=1 runs every setting")
    init, alpha = FULL[case]
    r30 = generalization_error(TASK, init, alpha, dps=30)
    r50 = generalization_error(TASK, init, alpha, dps=50)
    assert abs(r30.E[0] - r50.E[0]) <= r30.error[0]
    assert r30.error[0] <= 1e-30 * max(r30.E[0], 1e-6)  # and it is still a 30-digit answer


# Two-stage settings: 2 schemes x 4 inits x 2 alpha_pt, each at alpha = 0.3 and 0.6 (32 points).
TWO_STAGE_INITS = [Init(1e-3), Init(1e-2, -5e-3, 0.1), Init(1.0), Init(1e-3, -9e-4)]
TWO_STAGE = [(s, i, ap) for s in ("merged", "readout") for i in range(4) for ap in (0.4, 0.7)]
TWO_STAGE_DEFAULT = [("merged", 0, 0.4), ("readout", 0, 0.4), ("merged", 2, 0.4), ("readout", 3, 0.7)]


@pytest.mark.slow
def test_two_stage_quad_error_bounds_the_error(monkeypatch, full):
    """|E - E_ref| <= quad_error for the two-stage replica, E_ref from 4x the z1 and z2 nodes (start and
    maximum) at a 1e-10 target (its own error ~1e-13, far below).  Before: the estimate |E(n) - E(2n)| fell
    1-3% short in 8 of the 32 points (e.g. merged, c = 1e-3, alpha_pt = 0.4, alpha = 0.3: 4.47e-6 against
    4.38e-6), as an estimate by the finer rule must where the finer rule's error is not negligible.
    Default run: 4 settings (3 of them under-estimated before); PTFT_FULL=1: all 16."""
    from ptft_theory.replica import two_stage as TS
    settings = TWO_STAGE if full else TWO_STAGE_DEFAULT
    base = [generalization_error(TASK, TWO_STAGE_INITS[i], [0.3, 0.6], s, alpha_pt=ap) for s, i, ap in settings]
    for name in ("Z1_NODES", "Z1_NODES_MAX", "Z2_NODES", "Z2_NODES_MAX"):
        monkeypatch.setattr(TS, name, 4 * getattr(TS, name))
    monkeypatch.setattr(TS, "QUAD_RTOL", 1e-10)
    for (s, i, ap), r in zip(settings, base):
        ref = generalization_error(TASK, TWO_STAGE_INITS[i], [0.3, 0.6], s, alpha_pt=ap)
        assert all(abs(ref.E - r.E) <= r.quad_error), (s, i, ap, abs(ref.E - r.E), r.quad_error)
