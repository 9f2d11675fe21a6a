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
