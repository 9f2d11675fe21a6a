"""The figure builders' drawing half: ``draw_*(data, fig=...)`` returns a Figure and saves nothing; a
given ``fig`` is reused; nothing is left open in pyplot; ``quick=True`` puts the QUICK mark on it; the
advantage map's compared panels share one colour scale.  Data are small synthetic inputs of the shapes
the builders compute (the builders themselves run in tests/cli/test_cli_figures.py)."""

import os
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ptft_theory.experiments import advantage_map, error_curves, ft_dynamics  # noqa: E402
from ptft_theory.experiments.style import QUICK_TEXT, tex  # noqa: E402
from ptft_theory.experiments.nonlinear.figure import draw_study  # noqa: E402
from ptft_theory.experiments.transformer.clean_figure import draw_clean  # noqa: E402
from ptft_theory.experiments.transformer.figure import draw_transformer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
REGIMES = ("I", "II", "III", "IV")


def _curve(panel, regime, label, color=0):
    a = [0.1, 0.2, 0.3]
    return {"panel": panel, "label": label, "regime": regime, "color": color, "style": 0, "replica_alpha": a,
            "replica_E": [0.9, 0.5, 0.2], "sim": [(x, e, 0.01) for x, e in zip(a, [0.88, 0.52, 0.21])]}


def _fig5():
    cfg = {"title": "Fig. 5: four inits", "scheme": "merged", "sim": {"D": 10, "seeds": 2},
           "tasks": [{"name": n, "title": f"({n}) task: rho_shared = 0", "expected_best": "I"} for n in "abc"]}
    curves = [_curve(p, r, f"{r}: c=1e-3, lambda=-c") for p in range(3) for r in REGIMES]
    return (cfg, curves), {}


def _fig3():
    cfg = {"title": "Fig. 3: FT error vs alpha_FT", "scheme": "merged", "sim": {"D": 10, "seeds": 2}, "replica": {},
           "panels": [{"title": "(a) absolute PT scale c_PT"}, {"title": "(b) lambda_PT"}],
           "baseline": {"init": {"c_pt": 1e-3, "lambda_pt": 0.0, "gamma_ft": 0.0},
                        "task": {"rho_pt": 0.1, "rho_shared": 0.1, "rho_new": 0.0}}}
    curves = [_curve(p, None, f"c_PT = {c}", i) for p in range(2) for i, c in enumerate((1e-3, 1.0))]
    return (cfg, curves), {}


def _advantage():
    cfg = {"title": "Regime-advantage map", "overlap": [0.0, 1.0], "alphas": [0.1, 0.3], "recovery_E": 1e-3,
           "rho_pt": 0.1, "rho_ft": 0.1, "scheme": "merged"}
    rows = []
    for best, E in (("I", [0.1, 0.2, 0.5, 0.15]), ("I", [0.05, 0.3, 0.6, 0.06]), ("II", [0.4, 0.01, 0.6, 0.02]),
                    ("II", [0.5, 1e-4, 0.6, 1e-3])):
        rows.append([0, 0.1, 0, 0, 0, "merged", best, min(E), *E, 1.5, "IV", 1e-3, -5e-4, 0.1, 10, 0, True])
    return (cfg, rows), {}


def _dynamics():
    task = {"rho_pt": 0.1, "rho_shared": 0.0, "rho_new": 0.1}
    inits = {"I": {"c_pt": 1e-3, "lambda_pt": -1e-3, "gamma_ft": 0.1}, "II": {"c_pt": 1e-3, "lambda_pt": 1e-3, "gamma_ft": 0.0},
             "III": {"c_pt": 100.0, "lambda_pt": 0.0, "gamma_ft": 0.0}, "IV": {"c_pt": 1e-3, "lambda_pt": -0.9e-3, "gamma_ft": 0.0}}
    source = {"scheme": "merged", "tasks": [{"name": "a", "title": "(a) no overlap: rho_new = 0.1", "task": task}],
              "inits": [{"regime": r, "init": i} for r, i in inits.items()]}
    times = np.logspace(-3, 2, 20)
    curves = {"a": {r: np.exp(-times * (k + 1)) for k, r in enumerate(REGIMES)}}
    return ({"title": "FT time course"}, source, times, curves), {}


def _transformer():
    csv = ROOT / "validation" / "results" / "transformer" / "transformer_modp_cpu.csv"
    if not csv.exists():
        pytest.skip("the committed transformer CSV is not in this checkout")
    return (csv,), {}


def _nonlinear():
    csv = ROOT / "validation" / "results" / "nonlinear" / "teacher.csv"
    if not csv.exists():
        pytest.skip("the committed nonlinear CSV is not in this checkout")
    return (csv,), {"predictions": csv.with_name("predictions.csv")}


def _clean():
    folder = ROOT / "validation" / "results" / "nonlinear"
    if not (folder / "transformer_50step.csv").exists():
        pytest.skip("the committed clean transformer CSVs are not in this checkout")
    return (folder / "transformer_50step.csv", folder / "transformer_50step_verdicts.csv"), {}


DRAWERS = {"nonlinear": (draw_study, _nonlinear), "transformer_clean": (draw_clean, _clean),
           "fig5": (error_curves.draw_fig5, _fig5), "fig3": (error_curves.draw_fig3, _fig3),
           "advantage_map": (advantage_map.draw, _advantage), "ft_dynamics": (ft_dynamics.draw, _dynamics),
           "transformer": (draw_transformer, _transformer)}


def _texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.mark.parametrize("name", sorted(DRAWERS))
def test_draw_returns_a_figure_saves_nothing_and_reuses_fig(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    draw, data = DRAWERS[name]
    args, kw = data()
    open_before = plt.get_fignums()
    fig = draw(*args, **kw)
    assert isinstance(fig, Figure) and fig.axes
    assert os.listdir(tmp_path) == []                     # drawing writes no file
    assert plt.get_fignums() == open_before               # and leaves no pyplot figure open
    mine = Figure()
    assert draw(*args, **kw, fig=mine) is mine and mine.axes
    if name in ("fig3", "fig5", "advantage_map", "ft_dynamics"):   # figures of `ptft figures --quick`
        assert QUICK_TEXT not in _texts(fig)
        assert QUICK_TEXT in _texts(draw(*args, **kw, quick=True))


def test_the_figures_use_mathtext_not_plain_parameter_names():
    args, kw = _fig5()
    texts = " ".join(_texts(error_curves.draw_fig5(*args, **kw)))
    for plain in ("rho_shared", "lambda=", "alpha_FT", "+-"):
        assert plain not in texts, plain
    assert r"$\rho_{\mathrm{shared}}$" in texts and r"$\pm$" in texts


def test_tex_leaves_mathtext_and_ordinary_words_alone():
    assert tex(r"$\lambda$ already") == r"$\lambda$ already"
    assert tex("c_PT = 1, lambda_PT = -c") == r"$c_{\mathrm{PT}}$ = 1, $\lambda_{\mathrm{PT}}$ = -c"
    assert tex("a cat named lambdas") == "a cat named lambdas"


def test_advantage_map_compared_panels_share_one_colour_scale():
    """Panels (b)-(e) compare the regimes' losses: one norm, one colour bar (was one scale per panel,
    e.g. 0-50 dB beside 0-2.4 dB)."""
    args, kw = _advantage()
    fig = advantage_map.draw(*args, **kw)
    meshes = [m for ax in fig.axes if ax.get_title()[:3] in ("(b)", "(c)", "(d)", "(e)") for m in ax.collections
              if isinstance(m, QuadMesh)]
    assert len(meshes) == 4
    assert len({(m.norm.vmin, m.norm.vmax) for m in meshes}) == 1
    losses = [10 * np.log10(r[8 + j] / r[7]) for r in args[1] for j in range(4)]
    assert meshes[0].norm.vmax >= np.percentile(losses, 98) - 1e-9   # the scale holds the largest compared loss


def test_fig5_fits_a_slide():
    """Landscape near 16:9 (was a 3.7:1 strip), with a legend font of at least 10 pt."""
    args, kw = _fig5()
    fig = error_curves.draw_fig5(*args, **kw)
    w, h = fig.get_size_inches()
    assert 1.6 <= w / h <= 2.1
    assert min(t.get_fontsize() for t in fig.legends[0].get_texts()) >= 10


def test_transformer_figure_is_landscape():
    args, kw = _transformer()
    w, h = draw_transformer(*args, **kw).get_size_inches()
    assert w > h


def test_clean_figure_says_which_arms_it_draws(tmp_path):
    """The title names the init arm's dashed lines only when the CSV has init rows beyond the base point
    (the committed runs have none: the title said "dashed: init arm" over a figure without one)."""
    from ptft_theory.fileio import read_csv_rows, write_csv_atomic
    raw, ver = _clean()[0]
    rows = read_csv_rows(raw)
    title = " ".join(_texts(draw_clean(raw, ver)))
    assert "the init arm was not run" in title and "dashed" not in title
    varied = [{**r, "arm": "init"} for r in rows if r["arm"] == "rebalance" and r["lever"] == "c"]
    write_csv_atomic(tmp_path / "raw.csv", list(rows[0]), rows + varied)
    title = " ".join(_texts(draw_clean(tmp_path / "raw.csv", ver)))
    assert "dashed: init arm" in title
    # the init arm's values have their own PT networks, so their seed counts differ: the legend gives each
    seeds = sorted({r["seed"] for r in varied})
    top = max(float(r["value"]) for r in varied)
    fewer = [r for r in varied if not (float(r["value"]) == top and r["seed"] == seeds[0])]
    write_csv_atomic(tmp_path / "raw2.csv", list(rows[0]), rows + fewer)
    fig = draw_clean(tmp_path / "raw2.csv", ver)
    labels = [t for ax in fig.axes for t in ax.get_legend_handles_labels()[1]]
    assert f"c = {top:g} (init, {len(seeds) - 1} seeds)" in labels, labels
    assert f"c = {top:g} (rebalance)" in labels


def test_clean_figure_counts_each_ft_run_once():
    """A seed's base run is written under every lever and both arms: the title's stop counts count it once."""
    from ptft_theory.experiments.transformer.clean_evidence import unique_runs
    from ptft_theory.experiments.transformer.clean_figure import _ft_summary

    def row(arm, lever, value, stop):
        return {"seed": "0", "task_type": "subset", "n_ft": "48", "arm": arm, "lever": lever, "value": value,
                "ft_stop": stop, "ft_steps": "10"}
    rows = [row(a, lv, "1", "cap") for a, lv in (("rebalance", "c"), ("rebalance", "kappa"), ("rebalance", "gamma"),
                                                  ("init", "c"), ("init", "kappa"))]
    rows += [row("rebalance", "c", "2", "threshold"), row("init", "c", "2", "plateau")]
    assert len(unique_runs(rows)) == 3
    assert "(3 runs: 1 cap, 1 plateau, 1 threshold; at most 10 steps)" in _ft_summary(rows)

