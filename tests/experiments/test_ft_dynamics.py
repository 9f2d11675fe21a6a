"""The ft_dynamics figure's numbers (issue 28) against closed-form limits, and the figure itself."""

import numpy as np
import pytest
from conftest import FULL

from ptft_theory import Init, Task
from ptft_theory.experiments.ft_dynamics import error_curve, rankings, time_to_error


def test_error_curve_starts_at_one_and_falls_to_zero():
    task, init = Task(0.1, 0.05, 0.05), Init(1e-3, -0.9e-3, 0.0)
    E = error_curve(np.array([0.0, 0.1, 1.0, 10.0, 1e3]), task, init)
    assert E[0] == 1.0  # merged: b0 = 0 on every coordinate, E(0) = sum w beta*^2 / sum w beta*^2
    assert np.all(np.diff(E) <= 0) and E[-1] < 1e-20


def test_lazy_time_to_error_is_exponential_relaxation():
    """c_pt = 1e6: k ~ 2e6 >> A_FT on every class, E(t) ~ exp(-4kt), so t(E) ~ log(1/E)/(4k) (to O(A/k))."""
    task, init = Task(0.1, 0.0, 0.1), Init(1e6, 0.0, 0.0)
    k = 2e6 + 0.0  # merged, unused coordinate: (1 + lam/c)(c + c) = 2c
    t = time_to_error(1e-4, task, init)
    assert abs(t * 4 * k / np.log(1e4) - 1) < 1e-5


def test_rankings_count_ties_below_the_floor():
    curves = {"I": np.array([1.0, 1e-20]), "II": np.array([0.5, 1e-30])}
    assert rankings(None, curves) == ["II<I", "I=II"]


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="PTFT_FULL=1: ~18 s CPU: 48 bisections of time_to_error and two figures' worth of matplotlib")
def test_readout_figure_builds_and_reaches_the_teacher(tmp_path):
    """The readout companion (config ft_dynamics_readout.toml, quick grid): files written; Fig. 5's readout
    inits fit every coordinate of these tasks (no frozen one with a nonzero target: every time finite)."""
    import csv

    from ptft_theory.experiments.figures import RunOptions, make_figures
    paths = make_figures(RunOptions(out=tmp_path, progress=False, quick=True), ["ft_dynamics_readout"])
    names = {p.name for p in paths}
    assert {"ft_dynamics_readout.png", "ft_dynamics_readout_times.csv"} <= names
    rows = list(csv.DictReader(open(tmp_path / "results" / "ft_dynamics_readout_times.csv")))
    assert len(rows) == 3 * 4 * 4 and all(float(r["time"]) < float("inf") for r in rows)
