"""The sweep cache, `ptft figures`, the CLI's contract (--json round trips, exit code 2, examples) and
the Fig. 5 ordering (issue 5)."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ptft_theory import DEFAULT_SCHEME, Init, Task, ft_scales, regime
from ptft_theory import cli
from ptft_theory.experiments import error_curves, figures, sweep

FULL = os.environ.get("PTFT_FULL") == "1"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ptft_theory.cli", *args], capture_output=True, text=True)


from _cli import run_cli as _main  # noqa: E402  (tests/ is on sys.path under pytest)


# ------------------------------------------------------------------------------------ the cache
CALLS = []
FAIL_AT = [None]  # injected failure: raise on the call after this many (not part of any config)


def _square(cfg):
    if FAIL_AT[0] is not None and len(CALLS) >= FAIL_AT[0]:
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a sweep
    CALLS.append(cfg["x"])
    return {"y": cfg["x"] ** 2, "seed": sweep.derive_seed(cfg)}


def test_config_key_is_canonical_and_salted():
    a = {"x": 1.0, "task": {"rho_pt": 0.1, "rho_new": 0.05}}
    b = {"task": {"rho_new": 0.05, "rho_pt": 0.1}, "x": 1.0}
    assert sweep.config_key(a) == sweep.config_key(b)
    assert sweep.config_key(a) != sweep.config_key({**a, "x": 1.0 + 2**-52})  # every bit of a float counts
    assert sweep.config_key(a) != sweep.config_key(a, salt="other-code-version")
    assert sweep.derive_seed(a) == sweep.derive_seed(b) != sweep.derive_seed({**a, "x": 2.0})
    with pytest.raises(ValueError, match="not a JSON config"):
        sweep.config_key({"x": float("nan")})


def test_cache_is_atomic_and_rejects_corrupt_files(tmp_path):
    c = sweep.Cache(tmp_path)
    cfg = {"x": 3}
    p = c.put(cfg, {"y": 9})
    assert c.get(cfg) == {"y": 9}
    assert not list(tmp_path.rglob(".tmp-*"))  # the temporary file was renamed, not left behind
    p.write_text('{"config": {"x": 3}, "result": {"y": 9')  # a torn write (what os.replace prevents)
    assert c.get(cfg) is None


def test_sweep_kill_and_resume_recomputes_only_missing_points(tmp_path):
    configs = [{"x": i} for i in range(10)]
    CALLS.clear()
    FAIL_AT[0] = None
    reference = sweep.run_sweep(_square, configs, tmp_path / "ref", progress=False)
    assert CALLS == list(range(10))
    CALLS.clear()
    FAIL_AT[0] = 4
    try:
        with pytest.raises(KeyboardInterrupt):
            sweep.run_sweep(_square, configs, tmp_path / "c", progress=False)
    finally:
        FAIL_AT[0] = None
    assert CALLS == [0, 1, 2, 3]
    CALLS.clear()
    stats = []
    resumed = sweep.run_sweep(_square, configs, tmp_path / "c", progress=False, stats=stats)
    assert CALLS == [4, 5, 6, 7, 8, 9] and stats[0].cached == 4 and stats[0].computed == 6
    assert resumed == reference
    CALLS.clear()
    assert sweep.run_sweep(_square, configs, tmp_path / "c", progress=False) == reference and CALLS == []


@pytest.mark.parametrize("workers", [1, 2])
def test_sweep_resume_is_exact_and_workers_agree(tmp_path, workers):
    configs = [{"x": i} for i in range(8)]
    CALLS.clear()
    first = sweep.run_sweep(_square, configs[:5], tmp_path, progress=False)
    stats = []
    CALLS.clear()
    full = sweep.run_sweep(_square, configs + configs[:2], tmp_path, workers=workers, progress=False, stats=stats)
    assert stats[0].cached == 5 and stats[0].computed == 3
    if workers == 1:
        assert sorted(CALLS) == [5, 6, 7]  # only the missing points ran (workers' calls are not visible here)
    assert full[:5] == first and [r["y"] for r in full] == [x * x for x in list(range(8)) + [0, 1]]


def test_sweep_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="workers=0 is invalid"):
        sweep.run_sweep(_square, [{"x": 1}], tmp_path, workers=0)
    with pytest.raises(ValueError, match="backend='dask' is invalid"):
        sweep.run_sweep(_square, [{"x": 1}], tmp_path, backend="dask")


def test_ray_backend_matches_local(tmp_path):
    """The figures' own point kind on a local Ray instance gives the same results as local processes.

    Ray workers import functions by module, so the points run ``figures.evaluate_point`` (installed package),
    not a test-local function.  Seeds come from the configs, so results must be bit-identical."""
    pytest.importorskip("ray", reason="Ray is not installed (optional extra: pip install 'ptft-theory[ray]')")
    from ptft_theory.experiments import figures
    configs = figures.sim_configs(40, {"rho_pt": 0.1, "rho_shared": 0.05, "rho_new": 0.05},
                                   {"c_pt": 0.01, "lambda_pt": 0.0, "gamma_ft": 0.1}, "readout", [0.3, 0.6], 2, 0)
    local = sweep.run_sweep(figures.evaluate_point, configs, tmp_path / "a", progress=False)
    remote = sweep.run_sweep(figures.evaluate_point, configs, tmp_path / "b", backend="ray", progress=False)
    assert remote == local and len({r["E"] for r in local}) == 4


def test_ray_backend_missing_is_a_one_line_user_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError, installed or not
    rc, out, err = _main("figures", "--backend", "ray", "--out", str(tmp_path))
    assert rc == 2 and err.count("\n") == 1 and "pip install 'ptft-theory[ray]'" in err


# ----------------------------------------------------------------------------------- figures
EXPECTED = ["figures/fig2_regime_map.png", "figures/fig2_regime_map.pdf", "results/fig2_regime_map.csv",
            "figures/fig3_error_curves.png", "figures/fig3_error_curves.pdf", "results/fig3_simulation.csv",
            "results/fig3_gd_protocol.csv",
            "figures/fig5_regimes.png", "figures/fig5_regimes.pdf", "results/fig5_simulation.csv",
            "results/fig5_ordering.csv",
            "figures/fig5_readout_regimes.png", "figures/fig5_readout_regimes.pdf",
            "results/fig5_readout_simulation.csv", "results/fig5_readout_ordering.csv",
            "figures/advantage_map.png", "figures/advantage_map.pdf", "results/advantage_map.csv"]
EXPECTED_REPLICA = ["results/fig3_replica.csv", "results/fig5_replica.csv", "results/fig5_readout_replica.csv",
                    "figures/ft_dynamics_finite.png", "results/ft_dynamics_finite_summary.csv",
                    "results/ft_dynamics_finite_verdicts.csv"]


@pytest.mark.slow
def test_figures_quick_produces_every_file(tmp_path):
    # Default suite: --quick (seconds).  PTFT_FULL=1 runs the default sizes (minutes).
    args = ["figures", "--out", str(tmp_path), "--no-progress", "--json"] + ([] if FULL else ["--quick"])
    rc, out, err = _main(*args)
    assert rc == 0, err
    written = {str(Path(p).relative_to(tmp_path)) for p in json.loads(out)["files"]}
    expected = EXPECTED + (EXPECTED_REPLICA if figures.replica_available() else [])
    assert set(expected) <= written
    for rel in expected:
        assert (tmp_path / rel).stat().st_size > 0, rel
    with open(tmp_path / "results/fig3_simulation.csv") as f:
        rows = list(csv.DictReader(f))
    cfg = figures.load_config("fig3", quick=not FULL)
    n_curves = sum(len(p["curves"]) * len(p.get("tasks") or [None]) for p in cfg["panels"])
    assert len(rows) == n_curves * len(cfg["sim"]["alphas"])
    assert all(int(r["n_seeds"]) == cfg["sim"]["seeds"] for r in rows)
    assert all(0 <= float(r["E_mean"]) < 10 for r in rows)


def _count_sim_calls(monkeypatch, fail_after=None):
    # these tests are about the cache: leave the (slower) replica lines out
    monkeypatch.setattr(error_curves, "replica_available", lambda: False)
    calls = []
    real = figures.sim_error

    def counting(cfg):
        if fail_after is not None and len(calls) >= fail_after:
            raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a sweep
        calls.append(cfg)
        return real(cfg)

    monkeypatch.setitem(figures.POINT_KINDS, "sim_error", counting)
    return calls


def test_figure_kill_and_resume_gives_identical_csv(tmp_path, monkeypatch):
    opts = dict(progress=False, quick=True, workers=1)
    ref = figures.RunOptions(out=tmp_path / "ref", **opts)
    calls = _count_sim_calls(monkeypatch)
    figures.figure5(ref)
    n_total = len(calls)
    assert n_total > 10

    run = figures.RunOptions(out=tmp_path / "run", **opts)
    calls = _count_sim_calls(monkeypatch, fail_after=7)
    with pytest.raises(KeyboardInterrupt):
        figures.figure5(run)
    assert len(calls) == 7
    calls = _count_sim_calls(monkeypatch)
    figures.figure5(run)
    assert len(calls) == n_total - 7  # no recomputation of the 7 finished points
    for name in ("fig5_simulation.csv", "fig5_ordering.csv"):
        assert (tmp_path / "run/results" / name).read_text() == (tmp_path / "ref/results" / name).read_text()
    calls = _count_sim_calls(monkeypatch)
    figures.figure5(run)
    assert calls == []  # a finished sweep is read back entirely


def test_changed_config_recomputes_only_what_changed(tmp_path, monkeypatch):
    cfg_dir = tmp_path / "configs"
    cfg_dir.mkdir()
    text = (figures.CONFIG_DIR / "fig5.toml").read_text()
    (cfg_dir / "fig5.toml").write_text(text)
    opts = figures.RunOptions(out=tmp_path / "out", progress=False, quick=True)
    calls = _count_sim_calls(monkeypatch)
    figures.figure5(opts, config_dir=cfg_dir)
    cfg = figures.load_config("fig5", quick=True, config_dir=cfg_dir)
    n_curves = len(cfg["inits"]) * len(cfg["tasks"])
    assert len(calls) == n_curves * cfg["sim"]["seeds"] * len(cfg["sim"]["alphas"])
    # one more alpha in the quick run: only its points are new
    assert "alphas = [0.05, 0.1, 0.3]" in text  # the quick alphas this test extends
    (cfg_dir / "fig5.toml").write_text(text.replace("alphas = [0.05, 0.1, 0.3]", "alphas = [0.05, 0.1, 0.3, 0.4]"))
    calls = _count_sim_calls(monkeypatch)
    figures.figure5(opts, config_dir=cfg_dir)
    assert len(calls) == n_curves * cfg["sim"]["seeds"] and {c["alpha"] for c in calls} == {0.4}


def test_sim_point_matches_direct_computation():
    """A sweep point is exactly the documented computation (teachers, data, ft_scales, solver)."""
    from ptft_theory import implicit_bias_solution, make_teachers, relative_error, sample_data
    pts = figures.sim_configs(120, {"rho_pt": 0.1, "rho_shared": 0.05, "rho_new": 0.05},
                               {"c_pt": 1e-2, "lambda_pt": 0.0, "gamma_ft": 0.0}, "readout", [0.4], 2, 7)
    assert pts[0]["seed_teacher"] != pts[1]["seed_teacher"]
    p = pts[1]
    T = make_teachers(Task(0.1, 0.05, 0.05), 120, p["seed_teacher"])
    X, y = sample_data(48, T.beta_ft, seed=p["seed_data"])
    k, b0 = ft_scales(T.beta_pt, 1e-2, 0.0, 0.0, "readout")
    assert figures.sim_error(p)["E"] == relative_error(implicit_bias_solution(X, y, k, b0), T.beta_ft)


def test_fig5_inits_have_their_labels_on_every_task():
    for quick in (False, True):
        curves = figures.fig5_curves(figures.load_config("fig5", quick=quick))
        for c in curves:
            assert regime(Task(**c["task"]), Init(**c["init"]), c["scheme"]).regime.value == c["regime"]


def test_paper_figures_use_one_network_the_default_scheme():
    """Issue 11: Figs. 3 and 5 claim results for ONE network, so every curve of them uses the default
    scheme ("merged", the paper's network); Fig. 2 draws the default scheme's map first."""
    assert DEFAULT_SCHEME.value == "merged"
    for name in ("fig3", "fig5"):
        cfg = figures.load_config(name)
        assert cfg["scheme"] == DEFAULT_SCHEME.value
        assert "scheme" not in str(cfg.get("inits", "")) + str(cfg.get("panels", "")), name  # no per-curve override
    assert figures.load_config("fig2")["schemes"][0] == DEFAULT_SCHEME.value
    companion = figures.load_config("fig5_readout")
    assert companion["scheme"] == "readout" and [i["init"] for i in companion["inits"]] == \
        [i["init"] for i in figures.load_config("fig5")["inits"]]  # the same four inits, the other scheme


def test_recorded_fig5_and_fig3_csvs_hold_one_scheme():
    """The committed results (make figures) are on the default scheme, one per file, and the recorded
    Fig. 5 ordering matches the paper in both the replica and the simulations."""
    res = figures.ROOT / "validation" / "results"  # the checkout's committed results, whatever the cwd
    for name in ("fig3_replica.csv", "fig3_simulation.csv", "fig3_gd_protocol.csv", "fig5_replica.csv",
                 "fig5_simulation.csv", "fig5_ordering.csv"):
        with open(res / name) as f:
            assert {r["scheme"] for r in csv.DictReader(f)} == {DEFAULT_SCHEME.value}, name
    with open(res / "fig5_ordering.csv") as f:
        rows = list(csv.DictReader(f))
    assert {r["source"] for r in rows} == {"replica", "sim"}
    assert all(r["matches_paper"] == "True" for r in rows)


@pytest.mark.slow
def test_fig5_ordering_from_replica_numbers():
    """The paper's Fig. 5 claim, from the replica theory: I best without overlap, II best on the
    identical support, IV best on a subset of the PT features (mean error over the figure's alpha grid)."""
    if not figures.replica_available():
        pytest.skip("replica solver (ptft_theory/replica/) not merged into this checkout yet")
    from ptft_theory.replica import generalization_error
    cfg = figures.load_config("fig5")
    alphas = np.asarray(figures.alpha_grid(cfg["replica"]))
    if not FULL:
        alphas = alphas[::5]  # every 5th alpha of the figure's grid (10 of 50): same ranking, a fifth of the time
    curves = figures.fig5_curves(cfg)
    for c in curves:
        c["replica_E"] = list(np.asarray(generalization_error(Task(**c["task"]), Init(**c["init"]), alphas,
                                                               scheme=c["scheme"]).E, dtype=float))
    table = figures.fig5_ordering(curves)
    for t in cfg["tasks"]:
        vals = table[t["name"]]
        assert min(vals, key=vals.get) == t["expected_best"], (t["name"], vals)


# ------------------------------------------------------------------------------------ the CLI
def _subcommands():
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def test_every_subcommand_help_shows_an_example_and_numeric_ones_take_json():
    numeric = {"scales", "regime", "simulate", "figures", "validate", "bench", "curve", "boundary"}
    for name, p in _subcommands().items():
        assert f"example: ptft {name}" in p.format_help(), name
        if name in numeric:
            assert "--json" in p.format_help(), name


def test_figures_help_exits_0():
    r = _cli("figures", "--help")
    assert r.returncode == 0 and "example: ptft figures --quick" in r.stdout


@pytest.mark.parametrize("args, match", [
    (["figures", "--workers", "0"], "workers=0 is invalid"),
    (["figures", "--workers", "two"], "invalid int value: 'two'"),
    (["figures", "--only", "fig4"], "invalid choice: 'fig4'"),
    (["figures", "--backend", "dask"], "invalid choice: 'dask'"),
    (["validate", "--only", "nope"], "--only='nope' is invalid"),
    (["simulate", "--dim", "0", "--n-pt", "4", "--n-ft", "3", "--c-pt", "1", "--rho-pt", "0.5", "--rho-shared",
      "0.25", "--rho-new", "0.25"], "dim=0 is invalid"),
])
def test_bad_input_exit_2_one_line(args, match):
    rc, out, err = _main(*args)
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and match in lines[0], err
    assert "Traceback" not in err


def test_simulate_json_round_trip_matches_python_api():
    from ptft_theory import implicit_bias_solution, make_teachers, relative_error, sample_data
    rc, out, err = _main("simulate", "--dim", "8", "--n-pt", "6", "--n-ft", "4", "--c-pt", "0.1", "--rho-pt", "0.25",
                         "--rho-shared", "0.125", "--rho-new", "0.125", "--seed", "3", "--json")
    assert rc == 0, err
    got = json.loads(out)
    seeds = np.random.SeedSequence(3).spawn(3)
    task = Task(0.25, 0.125, 0.125)
    T = make_teachers(task, 8, seeds[0])
    Xf, yf = sample_data(4, T.beta_ft, seed=seeds[2])
    # the JSON's own theory end point must be the implicit-bias solution at the GF's beta_PT; the GF
    # end point agrees with it to the rung-2 tolerance (1e-6 relative, tests/simulate/test_gf_vs_implicit_bias.py)
    assert got["gf_vs_theory_relative_deviation"] < 1e-6
    assert got["error_theory"] == pytest.approx(float(relative_error(np.array(got["beta_theory"]), T.beta_ft)),
                                                rel=1e-12)
    assert np.allclose(Xf @ np.array(got["beta_theory"]), yf, rtol=0, atol=1e-8 * np.abs(yf).max())


def test_validate_and_bench_list_json():
    for cmd, folder, pattern in (("validate", "validation", "*.py"), ("bench", "benchmarks", "*_bench.py")):
        rc, out, err = _main(cmd, "--list", "--json")
        assert rc == 0, err
        want = sorted(p.name for p in (figures.ROOT / folder).glob(pattern) if not p.name.startswith("_"))
        assert json.loads(out)["scripts"] == want


def test_sweep_docstring_example():
    import doctest
    result = doctest.testmod(sweep, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.slow
def test_fig5_ordering_from_simulations(tmp_path, monkeypatch):
    """The paper's Fig. 5 claim from direct simulations of the one network (implicit-bias end points
    of FT, validated against gradient flow in rung 2), independent of the replica theory.  Default
    run: D = 400, 4 seeds, 3 alphas (about 150 solves); PTFT_FULL=1: the figure's own sizes."""
    monkeypatch.setattr(error_curves, "replica_available", lambda: False)  # simulations only
    cfg = figures.load_config("fig5")
    if not FULL:
        cfg["sim"].update(D=400, seeds=4, alphas=[0.05, 0.12, 0.3])
    monkeypatch.setattr(error_curves, "load_config", lambda name, quick=False, config_dir=None: cfg)
    figures.figure5(figures.RunOptions(out=tmp_path, progress=False))
    with open(tmp_path / "results" / "fig5_ordering.csv") as f:
        rows = [r for r in csv.DictReader(f) if r["source"] == "sim"]
    best = {r["task"]: (r["best"], r["expected_best"]) for r in rows}
    assert set(best) == {"no_overlap", "identical", "subset"}
    assert all(b == e for b, e in best.values()), best


def test_scripts_run_only_from_a_checkout(tmp_path):
    """``ptft validate|bench`` never look for scripts beside an installed package: a folder like
    site-packages (no pyproject.toml of ptft-theory) is refused with a one-line error, even when it has
    a validation/ folder of scripts."""
    from ptft_theory.errors import ParameterError
    from ptft_theory.experiments import runners
    (tmp_path / "validation").mkdir()
    (tmp_path / "validation" / "evil.py").write_text("raise SystemExit(3)\n")
    with pytest.raises(ParameterError, match="not a folder of a source checkout"):
        runners.validation_scripts(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    with pytest.raises(ParameterError, match="source checkout"):
        runners.validation_scripts(tmp_path)
    assert runners.is_checkout(runners.ROOT)  # the tests run from a checkout (editable install)
