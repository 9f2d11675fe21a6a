"""The explorer's state-to-figure functions (ptft_theory.explore.state/sources/export), checked against the
public API called directly and against closed-form limits; the export checked by running it.

Truth from outside the explorer: the lazy limit E = 1 - alpha (c_PT -> infinity, docs/methods.md), its level
crossing alpha = 1 - level, and generalization_error / regime / level_crossing_alpha evaluated here on a
Task and Init built by the test from the state's numbers.
"""

from __future__ import annotations

import contextlib
import io
import json
import shlex
import sys

import numpy as np
import pytest

from ptft_theory import Init, PTFTError, Task, generalization_error, level_crossing_alpha, regime
from _cli import run_cli
from ptft_theory.experiments.style import REGIME_COLORS
from ptft_theory.explore import export, sources, state as S


def st(**kw):
    return dict(S.DEFAULT_STATE, **kw)


def test_curve_is_generalization_error_of_the_state():
    s = st(log10_c_pt=-2.5, lambda_ratio=-0.4, gamma_ft=0.05, rho_pt=0.2, rho_shared=0.1, rho_new=0.05,
           alpha_min=0.02, alpha_max=0.6, n_alpha=25, sigma=0.1)
    c = 10 ** -2.5
    want = generalization_error(Task(0.2, 0.1, 0.05), Init(c, -0.4 * c, 0.05), np.linspace(0.02, 0.6, 25),
                                "merged", 0.1)
    got = S.curve(s)
    np.testing.assert_array_equal(got["alpha"], np.linspace(0.02, 0.6, 25))
    np.testing.assert_array_equal(got["E"], np.asarray(want))  # the same call: bit for bit
    src = sources.curve_source(S.view(s))
    assert src == {"alpha": got["alpha"], "E": got["E"]}


def test_lazy_limit_and_its_crossing():
    # c_PT = 1e8: every coordinate lazy, E = 1 - alpha (closed form); the crossing of E = 0.3 is alpha = 0.7.
    # Tolerance 1e-6: the finite-c correction is O(1/c) (measured 1e-9 at c = 1e8).
    s = st(log10_c_pt=8.0, lambda_ratio=0.0, alpha_min=0.05, alpha_max=0.95, n_alpha=10, level=0.3)
    got = S.curve(s)
    np.testing.assert_allclose(got["E"], 1 - np.asarray(got["alpha"]), atol=1e-6)
    assert S.crossing(s) == pytest.approx(0.7, abs=1e-6)
    assert S.descriptors(s)["regime"] == "III"


def test_descriptors_and_crossing_are_the_public_functions():
    s = st(log10_c_pt=-3.0, lambda_ratio=-0.9, gamma_ft=0.0, level=0.5)
    c = 10.0 ** -3.0  # the state's map: c_pt = 10**log10_c_pt, lambda_pt = ratio * c_pt
    task, init = Task(0.1, 0.05, 0.05), Init(c, -0.9 * c, 0.0)
    r = regime(task, init, "merged", definition=S.FAST_DEFINITION)
    d = S.descriptors(s)
    assert (d["l_order"], d["pt_dependence"], d["k_pt"], d["k_new"], d["regime"]) == \
        (r.l_order, r.pt_dependence, r.k_pt, r.k_new, r.regime.value)
    # after the curve, the panel gets the calibrated label (regime()'s default definition, delta_S)
    full = S.add_crossing(s, S.view(s, with_crossing=False))
    rc = regime(task, init, "merged")
    assert (full["descriptors"]["calibrated_regime"], full["descriptors"]["pt_dependence_samples"]) == \
        (rc.regime.value, rc.pt_dependence_samples)
    assert f"regime {rc.regime.value}" in sources.info_html(s, full)
    want = float(level_crossing_alpha(task, init, 0.5, "merged", bracket=(0.01, 0.5)).alpha)
    assert S.crossing(s) == want
    # the page's bracket, narrowed to the curve points around the crossing: the same root (both solved by
    # level_crossing_alpha to float64; 1e-10 leaves room for the root finder's stopping point)
    assert S.crossing(s, S.curve(s)) == pytest.approx(want, abs=1e-10)
    assert S.view(s)["crossing"] == S.crossing(s, S.curve(s))
    html = sources.info_html(s, S.view(s))
    assert f"regime {r.regime.value}" in html and REGIME_COLORS[r.regime.value] in html


def test_bad_input_becomes_the_packages_message():
    frozen = st(lambda_ratio=-1.0, gamma_ft=0.0)  # merged, lambda = -c, gamma = 0: every coordinate frozen
    v = S.view(frozen)
    assert v["curve"] is None and v["descriptors"] is None
    with pytest.raises(PTFTError) as e:
        regime(Task(0.1, 0.05, 0.05), Init(1e-3, -1e-3, 0.0))
    assert v["errors"]["descriptors"] == " ".join(str(e.value).split())
    assert "frozen" in v["errors"]["curve"]
    bad_task = st(rho_pt=0.05, rho_shared=0.2)
    v = S.view(bad_task)
    assert v["curve"] is None and "rho_shared" in v["errors"]["curve"]
    assert "rho_shared" in sources.info_html(bad_task, v)
    assert sources.curve_source(v) == {"alpha": [], "E": []}
    assert "rho_shared" in sources.export_texts(bad_task)[0]  # the export box says why, never raises
    assert "alpha" in S.view(st(alpha_min=0.5, alpha_max=0.2))["errors"]["curve"]


def test_reference_curves_are_fig5_inits_other_than_the_current_regime():
    s = st(n_alpha=6)  # the default init is regime IV
    refs = S.reference_curves(s)
    assert set(refs) == {"I", "II", "III"}
    reps = S.representative_inits()
    for lab, ref in refs.items():
        assert regime(S.task_of(s), reps[lab], definition=S.FAST_DEFINITION).regime.value == lab  # Fig. 5's label
        np.testing.assert_array_equal(ref["E"], np.asarray(generalization_error(S.task_of(s), reps[lab], ref["alpha"])))
    srcs = sources.reference_sources(refs)
    assert srcs["IV"] == {"alpha": [], "E": []} and srcs["I"]["E"] == refs["I"]["E"]


def test_regime_map_cells_are_regime_at_their_centre():
    s = st(gamma_ft=0.1, rho_pt=0.2, rho_shared=0.1, rho_new=0.1)
    m = S.regime_map(s)
    n_c, n_r = S.MAP_SHAPE
    assert len(m["x"]) == n_c * n_r
    rng = np.random.default_rng(0)
    task = Task(0.2, 0.1, 0.1)
    for j in rng.choice(n_c * n_r, 40, replace=False):
        c = 10 ** m["x"][j]
        assert m["label"][j] == regime(task, Init(c, m["y"][j] * c, 0.1), definition=S.FAST_DEFINITION).regime.value
        assert m["color"][j] == REGIME_COLORS[m["label"][j]]
    assert -1 < min(m["y"]) and max(m["y"]) < 1  # cell-centred: the frozen corner is never evaluated
    assert S.regime_map(s) is m  # cached per (task, gamma, scheme)
    order = [S.REGIMES.index(lab) for lab in m["label"]]
    assert order == sorted(order)  # legend order I, II, III, IV
    assert sources.marker_source(s) == {"x": [-3.0], "y": [-0.9]}


@pytest.mark.parametrize("extra", [{}, {"amp_pt": 2.0, "amp_ft": 1.5, "sigma": 0.05, "scheme": "readout"},
                                   {"alpha_pt": 0.7}])
def test_export_command_and_python_reproduce_the_view(extra):
    s = st(log10_c_pt=-2.2, lambda_ratio=-0.55, gamma_ft=0.03, alpha_min=0.03, alpha_max=0.45, n_alpha=7, **extra)
    want = S.curve(s)["E"]
    ns = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(export.python(s), ns)  # noqa: S102  -- our own generated snippet
    np.testing.assert_array_equal(ns["E"], want)
    args = shlex.split(export.command(s))
    assert args[:2] == ["ptft", "curve"]
    rc, out, err = run_cli(*args[1:])
    assert rc == 0, err
    np.testing.assert_array_equal(json.loads(out)["E"], want)


def test_explore_cli_errors_are_one_line_exit_2(monkeypatch):
    rc, out, err = run_cli("explore", "--port", "70000", "--no-browser")
    assert rc == 2 and "--port" in err and len(err.strip().splitlines()) == 1
    rc, out, err = run_cli("explore", "--host", "203.0.113.1", "--port", "0", "--no-browser")  # TEST-NET-3: not ours
    assert rc == 2 and "--host" in err and len(err.strip().splitlines()) == 1
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        rc, out, err = run_cli("explore", "--port", busy.getsockname()[1], "--no-browser")
    assert rc == 2 and "in use" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setitem(sys.modules, "bokeh", None)  # as if bokeh were not installed
    rc, out, err = run_cli("explore", "--no-browser")
    assert rc == 2 and "ptft-theory[explore]" in err and len(err.strip().splitlines()) == 1


def test_no_control_value_breaks_the_view():
    """Any value a control can send (out of range, NaN, +-inf) gives a view with the package's message, never an
    exception: the page's promise that bad input never breaks it."""
    from hypothesis import given, settings, strategies as hs
    wild = hs.one_of(hs.floats(allow_nan=True, allow_infinity=True), hs.sampled_from([0.0, -1.0, 1.0, 1e-300, 2.0]))
    keys = ["log10_c_pt", "lambda_ratio", "gamma_ft", "rho_pt", "rho_shared", "rho_new", "alpha_min", "alpha_max",
            "sigma", "level"]

    @settings(max_examples=30)
    @given(key=hs.sampled_from(keys + ["amp_pt", "amp_ft", "alpha_pt", "scheme"]), value=wild,
           finite_pt=hs.booleans())
    def check(key, value, finite_pt):
        s = st(n_alpha=5, alpha_pt=0.5 if finite_pt else None)
        s[key] = "bogus" if key == "scheme" and value == 0 else value
        v = S.view(s)
        assert v["curve"] is not None or v["errors"]
        assert isinstance(sources.info_html(s, v), str)
        assert all(isinstance(t, str) for t in sources.export_texts(s))
        if v["curve"] is not None:
            assert np.all(np.isfinite(v["curve"]["E"]))

    check()
