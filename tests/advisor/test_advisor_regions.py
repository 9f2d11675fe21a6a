"""The advisor's per-regime regions by the calibrated delta_S label (advisor/regions.py).

Unit level (a few calibrated labels, ~2 s): the walk over candidates is checked against independent
``regime()`` calls; the whole advisor with these regions runs in tests/advisor/test_advisor*.py.
"""

from __future__ import annotations

import numpy as np

from ptft_theory import Task, regime
from ptft_theory.advisor.regions import Labeller, best_of_each_regime
from ptft_theory.advisor.space import search_space
from ptft_theory.regime import DEFAULT_THRESHOLDS

TASK = Task(0.1, 0.05, 0.05)
SPACE = search_space(None, None)
# (log10 c, lambda/c, gamma): the Fig. 2 plane at gamma = 0, with a made-up E ranking (lower first)
POINTS = [(-2.0, -0.9, 0.0), (-2.0, 0.5, 0.0), (1.5, 0.0, 0.0), (0.0, -0.95, 0.0), (-0.3, -0.45, 0.0),
          (-1.0, -0.6, 0.0), (1.0, -0.9, 0.0), (-3.0, 0.9, 0.0)]
CANDS = [(0.1 * (i + 1), np.array(p)) for i, p in enumerate(POINTS)]


def test_best_of_each_regime_is_the_lowest_e_point_of_each_calibrated_label():
    lab = Labeller(TASK, "merged", DEFAULT_THRESHOLDS, budget=40)
    got = best_of_each_regime(lab, SPACE, CANDS)
    truth = {}
    for E, x in CANDS:  # independent: regime()'s default (calibrated) label of every candidate
        truth.setdefault(regime(TASK, SPACE.init(x)).regime.value, (E, x))
    assert set(got) == set(truth)
    for R, (E, x, d) in got.items():
        assert d == "samples" and E == truth[R][0], (R, E, truth[R])
    assert lab.calibrated_used <= len(CANDS)  # every label cached: never one init twice


def test_zero_budget_labels_by_the_potential_ratio_and_says_so():
    lab = Labeller(TASK, "merged", DEFAULT_THRESHOLDS, budget=0)
    got = best_of_each_regime(lab, SPACE, CANDS)
    assert got and all(d == "potential" for _, _, d in got.values())
    for R, (E, x, d) in got.items():
        assert regime(TASK, SPACE.init(x), definition="potential").regime.value == R
    assert lab.calibrated_used == 0
