"""Fig. 2 drawn from the regime boundaries (experiments/fig2_regimes.py).

The fill is checked against independent ``regime()`` calls at cells away from the boundaries, and the
geometry helpers against a synthetic boundary whose sides are known exactly.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from conftest import FULL

from ptft_theory import Init, Task, regime
from ptft_theory.experiments import fig2_regimes as F
from ptft_theory.experiments.figures import RunOptions
from ptft_theory.experiments.points import load_config


def test_side_map_of_a_circle_matches_the_exact_sides():
    """Boundary: the circle x^2 + y^2 = 0.5 (points from 'lines'), f = 0.5 - x^2 - y^2 sampled on a scan."""
    t = np.linspace(0, 2 * np.pi, 41)[:-1]
    pts = np.column_stack([np.sqrt(0.5) * np.cos(t), np.sqrt(0.5) * np.sin(t)])
    scale = np.array([2.0, 2.0])
    polys = F.chains(pts, scale, 0.1)
    assert len(polys) == 1 and len(polys[0]) == 41  # one closed chain through every point (spacing 0.055 scaled)
    g = np.linspace(-0.95, 0.95, 9)
    scan = [(x, y, 0.5 - x * x - y * y) for x in g for y in g]
    X, Y = np.meshgrid(np.linspace(-0.99, 0.99, 60), np.linspace(-0.99, 0.99, 60), indexing="ij")
    side = F.side_map(X, Y, scan, polys, scale)
    f = 0.5 - X**2 - Y**2
    far = np.abs(np.sqrt(X**2 + Y**2) - np.sqrt(0.5)) > 0.02  # the chord error of 40 segments is 0.002
    assert np.all(side[far] == np.sign(f[far]))


def test_extend_to_border_reaches_the_edge():
    pl = np.array([[0.0, 0.0], [0.5, 0.5], [0.9, 0.9]])
    ext = F.extend_to_border(pl, (-1, -1), (1, 1), np.array([2.0, 2.0]), 0.1)
    assert np.allclose(ext[-1], [1.0, 1.0]) and len(ext) == 4  # the far end (0, 0) is not near a border


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig2")
    opts = RunOptions(out=out, progress=False, quick=True)
    cfg = load_config("fig2", quick=True)
    return cfg, opts, F.compute(cfg, opts)


def test_quick_fill_agrees_with_independent_regime_calls(quick):
    """At 60 random cells farther than 0.08 (scaled) from every boundary point, the label the figure paints
    is regime()'s (the quick definition, 'potential').  Seeded draws."""
    cfg, _, (configs, results) = quick
    (c_lo, c_hi), (r_lo, r_hi), scale, _ = F.geometry(cfg)
    task = Task(**cfg["task"])
    rng = np.random.default_rng(7)
    checked = 0
    for scheme in cfg["schemes"]:
        for gam in cfg["grid"]["gamma_ft"]:
            X = rng.uniform(c_lo, c_hi, 40)
            Y = rng.uniform(r_lo + 0.02, r_hi, 40)
            lab, _, pts = F.panel_labels(cfg, configs, results, scheme, gam, X, Y)
            allp = np.array(pts["l_order"] + pts["pt_dependence"], float).reshape(-1, 2)
            for x, y, k in zip(X, Y, lab):
                if len(allp) and np.min(np.sqrt((((allp - [x, y]) / scale) ** 2).sum(axis=1))) < 0.08:
                    continue
                c = 10.0**x
                want = regime(task, Init(c, y * c, gam), scheme, definition=cfg["definition"]).regime.value
                assert F.LABELS[int(k)] == want, (scheme, gam, x, y)
                checked += 1
    assert checked >= 60


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="matplotlib, ~18 s at load 15: PTFT_FULL=1 (the plot also runs in tests/contract's fig2 --quick)")
def test_quick_figure_files_and_csv(quick):
    cfg, opts, _ = quick
    paths = F.figure(opts)  # the sweep is cached by the fixture: this is the plot alone
    names = {p.name for p in paths}
    assert {"fig2_regime_map.png", "fig2_regime_map.pdf", "fig2_regime_map.csv"} <= names
    with open(opts.out / "results" / "fig2_regime_map.csv") as f:
        rows = list(csv.DictReader(f))
    panels = {(r["scheme"], r["gamma_ft"], r["axis"]) for r in rows}
    assert len(panels) >= 10  # every (scheme, gamma) has an l-order boundary; all but readout gamma=1 a PT one
    assert all(r["below"] != r["above"] for r in rows) and all(float(r["error"]) < 1e-9 for r in rows)
