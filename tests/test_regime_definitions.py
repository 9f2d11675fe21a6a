"""Regime definitions (issue 23, items 1-2): PT dependence in sample units (delta_S, the default
labels) and the authors' descriptors (``definition="paper"``).

Truths from outside the code under test:
* the lazy limit E = 1 - alpha (design.md section 3): alpha* = 1 - E* on both tasks, delta_S -> 0;
* k = gamma^2 on every coordinate (lambda = -c): the two tasks are the same problem, delta_S = 0;
* the paper's Fig. 5 labels of its four inits;
* the authors' definitions evaluated independently here, from their file's formulas as stated in
  the docstring of ptft_theory.symbolic.paper_descriptors, with a central difference as they do
  (repository Nico31415/MTL_FT, multi-task/lorder_fd_plots.py, commit eece38c).
"""

import json
import math

import numpy as np
import pytest

from ptft_theory import Init, ParameterError, Task, regime
from ptft_theory.regime import Thresholds
from ptft_theory.regime_samples import delta_from_ratio
from ptft_theory.replica import pair_tasks

FIG5_INITS = {"I": Init(1e-3, -1e-3, 0.1), "II": Init(1e-3, 1e-3, 0.0), "III": Init(100.0), "IV": Init(1e-3, -0.9e-3, 0.0)}
TASK = Task(0.1, 0.05, 0.05)


def test_lazy_limit_gives_one_minus_e_star_on_both_tasks():
    r = regime(TASK, Init(1e8))
    # E = 1 - alpha exactly in the lazy limit; k = 1e8 leaves O(A^2/k^2) ~ 1e-14 corrections
    assert r.samples.alpha_shared == pytest.approx(0.9, abs=1e-6)
    assert r.samples.alpha_new == pytest.approx(0.9, abs=1e-6)
    assert abs(r.pt_dependence_samples) < 1e-6 and r.regime.value == "III"


def test_uniform_scale_is_pt_independent():
    r = regime(TASK, Init(1e-2, -1e-2, 0.3))
    # same k on every coordinate: both tasks are one problem; the two roots agree to Brent's xtol
    assert r.samples.alpha_shared == pytest.approx(r.samples.alpha_new, abs=1e-9)
    assert abs(r.pt_dependence_samples) < 1e-8


def test_sample_ratio_and_threshold():
    r = regime(TASK, FIG5_INITS["II"])
    R = r.samples.alpha_new / r.samples.alpha_shared
    assert r.samples.sample_ratio == pytest.approx(R) and delta_from_ratio(R) == pytest.approx(r.pt_dependence_samples)
    assert Thresholds().pt_dependence_samples == pytest.approx(delta_from_ratio(2.0))  # "twice the data"
    shared, new = pair_tasks(TASK)
    assert (shared.rho_shared, shared.rho_new, new.rho_shared, new.rho_new) == (0.1, 0.0, 0.0, 0.1)
    assert shared.a_ft == new.a_ft == TASK.a_ft and shared.a_pt == TASK.a_pt
    d = json.loads(json.dumps(r.as_dict(), allow_nan=False))
    assert d["definition"] == "samples" and d["samples"]["alpha_shared"] == r.samples.alpha_shared


@pytest.mark.parametrize("task", [Task(0.1, 0.0, 0.1), Task(0.1, 0.1, 0.0), Task(0.1, 0.01, 0.0)])
@pytest.mark.parametrize("definition", ["samples", "potential", "paper"])
def test_fig5_inits_get_the_papers_labels(task, definition):
    for lab, init in FIG5_INITS.items():
        assert regime(task, init, definition=definition).regime.value == lab, (lab, definition)


def _their_descriptors(init, task):
    """The authors' l-order and feature dependence, from their definitions (not from our code)."""
    def q(z):
        return 2 - math.sqrt(4 + z * z) + z * math.asinh(z / 2)

    def c_ft(b):
        return abs(b) * (init.lambda_pt / init.c_pt + 1) * (init.c_pt / abs(b) + math.sqrt((init.c_pt / b) ** 2 + 1)) \
            + init.gamma_ft ** 2
    A, B = task.a_ft, task.a_pt
    sk = 2 * c_ft(B)
    z = 2 * A / sk
    lo = z * math.asinh(z / 2) / q(z)
    h = 1e-6 * B
    dK = ((2 * c_ft(B + h)) ** 2 - (2 * c_ft(B - h)) ** 2) / (2 * h)
    fd = (0.5 - (A / sk) * math.asinh(z / 2) / q(z)) * (B / sk**2) * dK
    return lo, fd


@pytest.mark.parametrize("init", [*FIG5_INITS.values(), Init(0.05, 0.02, 0.0), Init(2.0, -1.5, 0.7)])
def test_paper_descriptors_match_their_definitions(init):
    task = Task(0.1, 0.02, 0.03)
    p = regime(task, init, definition="paper").paper
    lo, fd = _their_descriptors(init, task)
    # central difference of step 1e-6 B: truncation ~1e-12 relative, rounding ~1e-10
    assert p.l_order == pytest.approx(lo, rel=1e-12) and p.feature_dependence == pytest.approx(fd, rel=1e-7, abs=1e-10)


def test_paper_limits_where_their_guard_returns_zero():
    """Their np.isclose(q, 0) guard returns l-order 0 in the lazy limit; the limit is 2 (lazy)."""
    p = regime(TASK, Init(1e6), definition="paper").paper
    assert p.l_order == pytest.approx(2.0, abs=1e-9) and abs(p.feature_dependence) < 1e-6


def test_bad_definition_and_level_name_the_parameter():
    with pytest.raises(ParameterError, match="definition"):
        regime(TASK, Init(1.0), definition="mine")
    with pytest.raises(ParameterError, match="e_star"):
        regime(TASK, Init(1.0), e_star=1.5)
    with pytest.raises(ParameterError, match="feature_dependence"):
        Thresholds(feature_dependence=0.2)


@pytest.mark.parametrize("definition", ["samples", "potential", "paper"])
def test_cli_regime_definition(definition):
    from _cli import run_cli
    rc, text, err = run_cli("regime", "--c-pt", "1e-3", "--lambda-pt", "-0.9e-3", "--rho-pt", "0.1", "--rho-shared",
                            "0.05", "--rho-new", "0.05", "--definition", definition, "--json")
    assert rc == 0, err
    d = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert d["regime"] == "IV" and d["definition"] == definition
    assert (d["pt_dependence_samples"] is not None) == (definition == "samples")
    assert (d["paper"] is not None) == (definition == "paper")
