"""Silent or misleading answers (issue 24): each now raises, naming the parameter, or answers."""

import numpy as np
import pytest

from ptft_theory import (Init, Task, equal_error_alpha, error_sweep, generalization_error, implicit_bias_solve,
                         level_crossing_alpha, make_teachers, rich_limit_threshold, simulate_gradient_flow)
from ptft_theory.errors import ParameterError, ParameterTypeError

TASK, INIT = Task(0.1, 0.05, 0.05), Init(1e-3)


@pytest.mark.parametrize("bad", ["no", "False", 0, 1, None, 1.0])
@pytest.mark.parametrize("call", ["generalization_error", "equal_error_alpha", "level_crossing_alpha",
                                  "rich_limit_threshold", "implicit_bias_solve", "simulate_gradient_flow"])
def test_booleans_are_booleans(call, bad):
    """A flag takes True or False only.  Before: certify="no" was taken as True (a 1 s proof ran), and
    certify=0 or None as False, silently."""
    X = np.eye(2)
    calls = {
        "generalization_error": lambda: generalization_error(TASK, INIT, 0.5, certify=bad),
        "equal_error_alpha": lambda: equal_error_alpha(TASK, INIT, Init(1.0), certify=bad),
        "level_crossing_alpha": lambda: level_crossing_alpha(TASK, INIT, 0.5, certify=bad),
        "rich_limit_threshold": lambda: rich_limit_threshold(0.1, certify=bad),
        "implicit_bias_solve": lambda: implicit_bias_solve(X, np.ones(2), 1.0, raise_on_failure=bad),
        "simulate_gradient_flow": lambda: simulate_gradient_flow(X, np.ones(2), X, np.ones(2), 1.0, 0.0, 1.0,
                                                                 raise_on_failure=bad),
    }
    name = "raise_on_failure" if call in ("implicit_bias_solve", "simulate_gradient_flow") else "certify"
    with pytest.raises(ParameterTypeError, match=rf"^{name}=.* not a bool; valid: True or False"):
        calls[call]()


@pytest.mark.parametrize("call", ["one_stage", "two_stage", "error_sweep", "alpha_pt_sweep"])
def test_empty_alpha_grid_is_an_error(call):
    """alpha=[] is a ParameterError naming alpha.  Before: empty results came back (one-stage,
    error_sweep, two-stage), as if there were nothing to compute."""
    calls = {"one_stage": lambda: generalization_error(TASK, INIT, []),
             "two_stage": lambda: generalization_error(TASK, INIT, [], alpha_pt=0.5),
             "error_sweep": lambda: error_sweep(TASK, INIT, "gamma_ft", [0.1, 0.2], []),
             "alpha_pt_sweep": lambda: error_sweep(TASK, INIT, "alpha_pt", [0.5], [])}
    with pytest.raises(ParameterError, match=r"^alpha=\[\] is invalid; valid range: .*non-empty"):
        calls[call]()


@pytest.mark.parametrize("task", [Task(1e-12, 1e-12, 1e-12), Task(0.1, 0.05, 0.05)])
def test_make_teachers_too_small_D_is_one_error(task):
    """D = 8 is too small for either task: the same error, naming D and a D that suffices.  Before:
    Task(1e-12, 1e-12, 1e-12) returned all-zero teachers (its classes fell under the rounding
    threshold meant for 1 - rho_pt - rho_new)."""
    with pytest.raises(ParameterError, match=r"^D=8 is invalid for this task: .* get no coordinate .*D >= \d+ suffices"):
        make_teachers(task, 8, 0)


def test_make_teachers_keeps_tiny_requested_classes():
    """A tiny but requested class gets its coordinate once D is large enough (never silently dropped)."""
    T = make_teachers(Task(1e-6, 1e-6, 1e-6), 2_000_000, 0)
    assert np.count_nonzero(T.beta_pt) == 2 and np.count_nonzero(T.beta_ft) == 4
