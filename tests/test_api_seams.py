"""Additive API seams: an Init wherever the levers are taken, scipy's result names, short reprs."""

import types

import numpy as np
import pytest

from ptft_theory import GFResult, Init, ParameterError, Scheme, ft_scales, implicit_bias_solve, simulate_gradient_flow


def test_ft_scales_takes_an_init_or_three_floats():
    bp = [0.0, 0.5, 3.0]
    for scheme in ("merged", "readout"):
        a = ft_scales(bp, 1e-2, -5e-3, 0.1, scheme)
        b = ft_scales(bp, Init(1e-2, -5e-3, 0.1), scheme)
        c = ft_scales(bp, Init(1e-2, -5e-3, 0.1), scheme=scheme)
        for x, y, z in zip(a, b, c):
            assert np.array_equal(x, y) and np.array_equal(x, z)


@pytest.mark.parametrize("call, match", [
    (lambda: ft_scales([0.0], Init(1e-2), 0.0, 0.0), "given with an Init"),
    (lambda: ft_scales([0.0], 1e-2), "lambda_pt and gamma_ft missing"),
    (lambda: ft_scales([0.0], 1e-2, 0.0), "gamma_ft missing"),
    (lambda: simulate_gradient_flow(np.eye(2), np.ones(2), np.eye(2), np.ones(2), 1.0), "lambda_pt and gamma_ft"),
    (lambda: simulate_gradient_flow(np.eye(2), np.ones(2), np.eye(2), np.ones(2), Init(1.0), 0.0, 0.0),
     "given with an Init"),
])
def test_levers_mixed_or_missing_are_named(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_solver_result_has_scipy_names_and_a_short_repr():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((5, 40)), rng.standard_normal(5)
    r = implicit_bias_solve(X, y, np.full(40, 0.1), np.zeros(40))
    assert r.success is r.converged is True and r.nit == r.iterations > 0 and r.message
    assert len(repr(r)) < 200 and "<array (40,)>" in repr(r)


def test_gf_result_repr_is_short():
    phase = types.SimpleNamespace(beta=np.zeros((1, 1000)), converged=np.array([True]), steps=12, seconds=0.5)
    r = GFResult(pt=phase, ft=phase, scheme=Scheme("merged"), squeeze=True)
    assert r.success and len(repr(r)) < 200 and "(1000,)" in repr(r)


def test_advisor_plot_composes_and_saves_only_when_asked(tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ptft_theory import Task, best_init
    from ptft_theory.advisor import plot
    monkeypatch.setattr(plot, "PLOT_GRID", (3, 3))
    monkeypatch.setattr(plot.error_surface, "__defaults__", (3, 3, plot.DEFAULT_THRESHOLDS))
    adv = best_init(Task(0.1, 0.1, 0.0), 0.3, fix={"gamma_ft": 0.0}, grid={"log10_c_pt": 3, "lambda_ratio": 3})
    monkeypatch.chdir(tmp_path)
    fig, axes = plt.subplots(1, 2)
    assert plot.draw_advice(adv, ax=axes[1]) is fig and axes[1].collections  # drawn into the given axes
    assert not list(tmp_path.iterdir())  # nothing written
    path = plot.plot_advice(adv, tmp_path / "advice.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plt.close(fig)


def test_fig4_draws_into_a_given_figure_without_saving(tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from pathlib import Path

    from ptft_theory.experiments.resnet.figure import draw_fig4, plot_fig4
    csv = Path(__file__).resolve().parents[1] / "validation" / "results" / "resnet" / "fig4_resnet_fashion_mnist.csv"
    monkeypatch.chdir(tmp_path)
    fig = Figure(figsize=(12, 10))
    assert draw_fig4(csv, fig=fig) is fig and len(fig.axes) == 9 and not list(tmp_path.iterdir())
    paths = plot_fig4(csv, tmp_path / "fig4")
    assert [p.suffix for p in paths] == [".png", ".pdf"] and all(p.stat().st_size > 0 for p in paths)


def test_replica_results_have_short_reprs():
    from ptft_theory import Init, Task, generalization_error
    task, init = Task(0.1, 0.05, 0.05), Init(0.01)
    r = generalization_error(task, init, np.linspace(0.2, 0.8, 40))
    assert len(repr(r)) < 200 and "(40 values)" in repr(r) and f"{float(r.E[0]):.6g}" in repr(r)
    hp = generalization_error(task, init, 0.3, dps=20)
    assert repr(hp).startswith("HighPrecisionResult(dps=20, alpha=[0.3], E=[0.33880716385") and len(repr(hp)) < 200
