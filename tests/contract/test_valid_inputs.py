"""Valid inputs that failed (issue 24): each is answered, or refused at once with the precise reason."""

import time

import numpy as np
import pytest

from ptft_theory import Task, make_teachers, sample_data, simulate_gradient_flow
from ptft_theory.errors import InfeasibleError


def test_simulate_frozen_fine_tuning_is_infeasible_at_once():
    """merged, lambda_pt = -c_pt, gamma_ft = 0 freezes every FT coordinate (k = 0, b0 = 0: the solver and the
    replica raise InfeasibleError); the simulator now says so before fine-tuning.  Before: it ran FT into
    its limit and raised SimulationError (11 s in the probe, exit 1)."""
    T = make_teachers(20, Task(0.1, 0.05, 0.05), 0)
    Xp, yp = sample_data(10, T.beta_pt, seed=1)
    Xf, yf = sample_data(6, T.beta_ft, seed=2)
    t0 = time.perf_counter()
    with pytest.raises(InfeasibleError, match="frozen"):
        simulate_gradient_flow(Xp, yp, Xf, yf, 0.1, -0.1, 0.0, "merged")
    assert time.perf_counter() - t0 < 60  # the PT phase only (about 1 s on an idle core)
