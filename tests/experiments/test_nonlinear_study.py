"""Nonlinear studies (issue 21): networks and levers, the exact rebalancing, probes, tasks, the
predictions' mapping onto the diagonal model, the verdict rule, and both studies end to end (--quick)."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from ptft_theory import ft_scales
from ptft_theory.errors import ParameterError
from ptft_theory.experiments.nonlinear import net, tasks
from ptft_theory.experiments.nonlinear.predict import diagonal_init, lever_predictions, regime_predictions
from ptft_theory.experiments.nonlinear.protocol import PACKAGE, Protocol, import_closure
from ptft_theory.experiments.nonlinear.study import config_name, load_config
from ptft_theory.experiments.nonlinear.verdicts import VERDICT_COLUMNS, lever_verdicts, rule
from ptft_theory.experiments.verdicts import predicted_sign_lookup, verdict_rows

from _cli import run_cli  # noqa: E402  (tests/ is on sys.path under pytest)

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "validation" / "results" / "nonlinear"
FASHION = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")


def _net(sizes, seed=0, balanced=True):
    return net.init_network(sizes, np.random.default_rng(seed), balanced=balanced)


# ---------------------------------------------------------------------------------- networks
@pytest.mark.parametrize("sizes,balanced", [([5, 8, 1], True), ([7, 6, 4, 1], False), ([7, 6, 4, 3], False)])
def test_paired_init_is_the_zero_function_and_levers_scale_norms(sizes, balanced):
    ws = _net(sizes, balanced=balanced)
    x = np.random.default_rng(1).standard_normal((20, sizes[0]))
    assert np.max(np.abs(net.forward(ws, x))) < 1e-14  # pairs with opposite readouts cancel exactly
    scaled = net.apply_init_levers(ws, 0.3, 2.5)
    for i, (a, b) in enumerate(zip(ws, scaled)):
        assert np.linalg.norm(b) == pytest.approx(np.linalg.norm(a) * 0.3 * (2.5 if i == 0 else 1.0), rel=1e-14)


@pytest.mark.parametrize("sizes", [[5, 8, 1], [7, 6, 4, 2]])
@pytest.mark.parametrize("kappa", [0.1, 0.7, 1.41, 9.0])
def test_rebalancing_preserves_the_function(sizes, kappa):
    """Exact for a bias-free ReLU network (relu(k z) = k relu(z), k > 0): the outputs agree to float64
    rounding (a few ulps of the output scale), for trained-looking random weights."""
    rng = np.random.default_rng(3)
    ws = [rng.standard_normal(w.shape) for w in _net(sizes)]
    x = rng.standard_normal((50, sizes[0]))
    f0, f1 = net.forward(ws, x), net.forward(net.rebalance(ws, kappa), x)
    assert np.max(np.abs(f1 - f0)) <= 1e-12 * np.max(np.abs(f0))
    assert np.linalg.norm(net.rebalance(ws, kappa)[0]) == pytest.approx(kappa * np.linalg.norm(ws[0]), rel=1e-14)
    with pytest.raises(ValueError, match="kappa"):
        net.rebalance(ws, 0.0)


def test_backprop_matches_finite_differences():
    rng = np.random.default_rng(4)
    ws = [rng.standard_normal(s) for s in [(6, 3), (5, 6), (2, 5)]]
    x, y = rng.standard_normal((9, 3)), rng.standard_normal((9, 2))
    _, grads = net.loss_and_grads(ws, x, y)

    def loss(w):
        return 0.5 * np.sum((net.forward(w, x) - y) ** 2) / x.shape[0]

    h = 1e-6  # central differences: error O(h^2) ~ 1e-12, far below the 1e-7 tolerance (ReLU kinks are not hit)
    for i, w in enumerate(ws):
        for idx in [(0, 0), (1, 2), (w.shape[0] - 1, w.shape[1] - 1)]:
            wp = [v.copy() for v in ws]
            wm = [v.copy() for v in ws]
            wp[i][idx] += h
            wm[i][idx] -= h
            assert grads[i][idx] == pytest.approx((loss(wp) - loss(wm)) / (2 * h), abs=1e-7)


def test_gradient_descent_fits_and_reports_divergence():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((12, 4))
    y = np.maximum(x[:, :1], 0)
    res = net.train_gd(_net([4, 16, 1]), x, y, lr=0.05, max_steps=5000, tol=1e-4)
    assert res["converged"] and res["rel_loss"] < 1e-4 and not res["diverged"]
    bad = net.train_gd(_net([4, 16, 1]), x, 1e3 * y, lr=1e3, max_steps=50, tol=1e-12, max_halvings=2)
    assert bad["diverged"] and not bad["converged"]


def test_probes_do_not_move_with_a_weight_scale():
    """richness compares normalised feature kernels: rescaling a layer (what c and kappa do) gives
    exactly 0; rotating the features does not.  pt_dependence is a ratio of norms of one matrix."""
    rng = np.random.default_rng(6)
    ws = [rng.standard_normal((10, 6)), rng.standard_normal((1, 10))]
    x = rng.standard_normal((40, 6))
    proj, r = net.learned_subspace(rng.standard_normal((10, 2)) @ rng.standard_normal((2, 6)))
    assert r == 2 and np.allclose(proj @ proj, proj)
    for s in (1e-3, 0.5, 40.0):
        assert net.probes(ws, [ws[0] * s, ws[1]], x, proj)["richness"] == pytest.approx(0.0, abs=1e-12)
    end = [ws[0] + rng.standard_normal(ws[0].shape), ws[1]]
    a = net.probes(ws, end, x, proj)
    b = net.probes([w * 3 for w in ws], [ws[0] * 3 + 3 * (end[0] - ws[0]), ws[1] * 3], x, proj)
    assert a["richness"] > 0.01
    assert a["richness"] == pytest.approx(b["richness"], rel=1e-10)
    assert a["pt_dependence"] == pytest.approx(b["pt_dependence"], rel=1e-10)


# ------------------------------------------------------------------------------------- tasks
def test_teacher_task_types_have_the_stated_overlap():
    p = Protocol(d=12, n_pt_features=4, n_subset=2, n_new=3, n_pt=50, n_test=30)
    e, s_pt, rest = tasks.teacher_frame(p, 7)
    assert np.allclose(e.T @ e, np.eye(12), atol=1e-12)
    sub, same, new, mix = (set(tasks.teacher_ft_features(p, 7, t)) for t in ("subset", "same", "new", "mix"))
    assert sub < set(s_pt) and len(sub) == 2 and same == set(s_pt) and not new & set(s_pt) and len(new) == 3
    assert mix & set(s_pt) == sub and len(mix - set(s_pt)) == 2 and mix - set(s_pt) < set(rest)  # 2 shared, 2 new
    small, _ = tasks.teacher_ft(p, 7, "new", 5)
    big, test = tasks.teacher_ft(p, 7, "new", 20)
    assert np.array_equal(small.x, big.x[:5])  # nested in n_FT: the pairing across n_FT and levers
    idx = tasks.teacher_ft_features(p, 7, "new")
    coef = np.linalg.lstsq(np.maximum(test.x @ e[:, idx], 0), test.y[:, 0], rcond=None)[0]
    assert np.allclose(np.abs(coef), 1 / np.sqrt(3))  # the target is exactly those features, +-1/sqrt(n)
    with pytest.raises(ParameterError, match="task_type"):
        tasks.teacher_ft_features(p, 7, "other")
    with pytest.raises(ParameterError, match="n_subset"):
        tasks.teacher_ft_features(Protocol(d=6, n_pt_features=4, n_subset=3, n_new=2), 7, "mix")
    with pytest.raises(ParameterError, match="fashion"):
        tasks.fashion_groups(Protocol(study="fashion"), 7, "mix")


def test_bad_protocol_and_config_values_name_the_parameter(tmp_path):
    with pytest.raises(ParameterError, match="n_subset"):
        Protocol(n_subset=9, n_pt_features=4)
    with pytest.raises(ParameterError, match="depth"):
        Protocol(depth=4)
    bad = tmp_path / "bad.toml"
    text = (PACKAGE / "configs" / "nonlinear_teacher.toml").read_text()
    bad.write_text(text.replace('kappa_arms = ["init", "rebalance"]', 'kappa_arms = ["later"]'))
    with pytest.raises(ParameterError, match="kappa arm"):
        load_config(bad)
    text = (PACKAGE / "configs" / "nonlinear_fashion.toml").read_text()
    bad.write_text(text.replace('task_types = ["subset", "same", "new"]', 'task_types = ["subset", "mix"]'))
    with pytest.raises(ParameterError, match="mix"):
        load_config(bad)


# ------------------------------------------------------------------------- the theory's mapping
@pytest.mark.parametrize("kappa,gamma", [(0.5, 0.0), (1.41, 0.3), (0.8, 1.0)])
def test_rebalance_maps_to_the_merged_scale_it_claims(kappa, gamma):
    """Rebalancing at FT start (u_m -> kappa u_m, readout gamma -> gamma / kappa) gives the merged FT
    scale k' = kappa^2 (k - gamma^2) + gamma^2 / kappa^2; diagonal_init's Init must have exactly that k
    (checked with the package's generated ft_scales)."""
    beta = np.array([0.0, 0.3, 2.0, -5.0])
    c0 = 0.2
    base = diagonal_init(c0, 1.0, 1.0, 1.0, gamma)
    reb = diagonal_init(c0, 1.0, 1.0, kappa, gamma)
    k, _ = ft_scales(beta, base.c_pt, base.lambda_pt, base.gamma_ft)
    k2, _ = ft_scales(beta, reb.c_pt, reb.lambda_pt, reb.gamma_ft)
    g2 = base.gamma_ft ** 2
    assert np.allclose(k2, kappa ** 2 * (k - g2) + g2 / kappa ** 2, rtol=1e-12)


def test_init_arm_maps_u_times_kappa():
    i = diagonal_init(0.4, 2.0, 0.5, 1.0, 0.0)  # u^2 = v^2 = c/2 at the base, then c^2, u times kappa
    u2, v2 = (i.c_pt + i.lambda_pt) / 2, (i.c_pt - i.lambda_pt) / 2
    assert u2 == pytest.approx(0.4 * 4 / 2 * 0.25) and v2 == pytest.approx(0.4 * 4 / 2)


def test_committed_predictions_are_what_the_code_derives(full):
    """predictions.csv was derived by code, not typed: re-deriving gives the same signs (teacher; both
    studies with PTFT_FULL=1: ~6 s of replica solves each)."""
    rows = list(csv.DictReader(open(RESULTS / "predictions.csv")))
    for study in ("teacher", "fashion") if full else ("teacher",):
        cfg = load_config(config_name(study))
        got = {(r["task_type"], r["lever"], r["arm"], r["low"], r["high"]): r["predicted_sign"]
               for r in lever_predictions(cfg)}
        want = {(r["task_type"], r["lever"], r["arm"], float(r["low"]), float(r["high"])): int(r["predicted_sign"])
                for r in rows if r["study"] == study}
        assert got == want
    assert {r["predicted_best"] for r in regime_predictions(load_config(config_name("teacher")))} >= {"III"}


# --------------------------------------------------------------------------------- verdicts
def test_the_verdict_rule_on_planted_effects():
    assert rule(0.1, 0.02, 1) == "agrees" and rule(0.1, 0.02, -1) == "disagrees"
    assert rule(0.1, 0.06, 1) == "unresolved" and rule(0.1, 0.02, 0) == "unresolved"
    rng = np.random.default_rng(8)
    rows, preds = [], []
    for t, eff in (("subset", 0.2), ("new", -0.2), ("same", 0.0)):
        preds.append({"study": "s", "task_type": t, "lever": "c", "arm": "init", "low": "1", "high": "2",
                      "predicted_sign": "1"})
        for seed in range(12):
            base = rng.uniform(0.2, 0.8)  # a per-seed offset: pairing removes it
            for v, e in ((1.0, base), (2.0, base + eff + 0.01 * rng.standard_normal())):
                rows.append({"study": "s", "task_type": t, "lever": "c", "arm": "init", "value": v, "seed": seed,
                             "n_ft": 8, "test_error": e})
    got = {v["task_type"]: v for v in lever_verdicts(rows, preds)}
    assert got["subset"]["verdict"] == "agrees" and got["new"]["verdict"] == "disagrees"
    assert got["same"]["verdict"] == "unresolved" and got["subset"]["n_pairs"] == 12
    assert got["subset"]["diff_se"] < 0.01  # paired: the SE is the noise's (0.01 / sqrt 12), not the offsets'


def test_run_code_hash_covers_the_run_and_not_the_reporting():
    files = {p.relative_to(PACKAGE).as_posix() for p in import_closure(PACKAGE / "experiments/nonlinear/protocol.py")}
    assert {"experiments/nonlinear/net.py", "experiments/nonlinear/tasks.py", "experiments/hashing.py"} <= files
    assert not files & {"experiments/nonlinear/figure.py", "experiments/nonlinear/verdicts.py",
                        "experiments/nonlinear/predict.py"}


# ------------------------------------------------------------------------------ end to end
STUDIES = ["teacher", pytest.param("fashion", marks=[pytest.mark.realdata, pytest.mark.skipif(
    not FASHION.exists(), reason="no Fashion-MNIST")])]


@pytest.mark.parametrize("study", STUDIES)
def test_quick_study_end_to_end(study, tmp_path):
    rc, out, err = run_cli("nonlinear", "run", "--study", study, "--quick", "--out", tmp_path, "--no-progress")
    assert rc == 0, err
    folder = tmp_path / "results" / "nonlinear"
    rows = list(csv.DictReader(open(folder / f"{study}_quick.csv")))
    for col in ("study", "task_type", "lever", "value", "arm", "seed", "n_ft", "test_error", "richness",
                "pt_dependence"):
        assert col in rows[0]
    assert {r["task_type"] for r in rows} == set(load_config(config_name(study), quick=True)["task_types"])
    assert {(r["lever"], r["arm"]) for r in rows} == {("c", "init"), ("kappa", "init"), ("kappa", "rebalance"),
                                                       ("gamma", "ft")}
    assert all(math.isfinite(float(r["test_error"])) for r in rows)
    ver = list(csv.DictReader(open(folder / f"{study}_quick_verdicts.csv")))
    assert tuple(ver[0])[:len(VERDICT_COLUMNS)] == VERDICT_COLUMNS
    assert {r["verdict"] for r in ver} <= {"agrees", "disagrees", "unresolved"}
    assert (tmp_path / "figures" / f"nonlinear_{study}_quick.png").stat().st_size > 10_000
    if study == "teacher":  # resume: nothing recomputed, identical rows
        rc, _, err = run_cli("nonlinear", "run", "--study", study, "--quick", "--out", tmp_path, "--no-progress")
        assert rc == 0 and "(0 computed" in err
        assert list(csv.DictReader(open(folder / f"{study}_quick.csv"))) == rows
    rc, _, err = run_cli("nonlinear", "figure", "--study", "fashion", "--out", tmp_path / "none")
    assert rc == 2 and "does not exist" in err and "\n" not in err.strip()


def test_committed_verdicts_are_recomputed_from_the_raw_runs():
    for study in ("teacher", "fashion"):
        if not (RESULTS / f"{study}_verdicts.csv").exists():
            pytest.skip(f"{study} results not committed")
        want = list(csv.DictReader(open(RESULTS / f"{study}_verdicts.csv")))
        raw = list(csv.DictReader(open(RESULTS / f"{study}.csv")))
        got = lever_verdicts(raw, list(csv.DictReader(open(RESULTS / "predictions.csv"))))
        assert [r["verdict"] for r in want] == [g["verdict"] for g in got]
        assert [float(r["diff_mean"]) for r in want] == pytest.approx([g["diff_mean"] for g in got], rel=1e-9)
        # task types x 4 lever arms x 3 n_FT, one lowest-vs-highest comparison each
        assert len(got) == 12 * len({r["task_type"] for r in raw}) and min(int(g["n_pairs"]) for g in got) >= 10
    signs = predicted_sign_lookup(list(csv.DictReader(open(RESULTS / "transformer_predictions.csv"))))
    for stem in ("transformer_50step", "transformer", "transformer_longpt"):  # the same function serves them
        if not (RESULTS / f"{stem}_verdicts.csv").exists():
            continue
        want = list(csv.DictReader(open(RESULTS / f"{stem}_verdicts.csv")))
        got = verdict_rows(list(csv.DictReader(open(RESULTS / f"{stem}.csv"))), signs)
        assert [(r["verdict"], int(r["predicted_sign"]), int(r["n_pairs"])) for r in want] == \
            [(g["verdict"], g["predicted_sign"], g["n_pairs"]) for g in got], stem
        assert [float(r["diff_mean"]) for r in want] == pytest.approx([g["diff_mean"] for g in got], rel=1e-9), stem


def test_predicted_sign_of_the_lowest_vs_highest_pair():
    """A pair predicted directly keeps its sign; adjacent predictions imply the end-to-end sign only
    when every step has the same non-zero sign; a row with n_FT applies to that n_FT only."""
    rows = [{"study": "s", "task_type": "t", "lever": "c", "arm": "init", "low": lo, "high": hi, "predicted_sign": g}
            for lo, hi, g in (("0.5", "1", "1"), ("1", "2", "1"))]
    rows += [{"study": "s", "task_type": "t", "lever": "kappa", "arm": "init", "low": lo, "high": hi,
              "predicted_sign": g} for lo, hi, g in (("0.5", "1", "0"), ("1", "1.41", "1"))]
    rows += [{"study": "s", "task_type": "t", "lever": "gamma", "arm": "ft", "low": lo, "high": hi,
              "predicted_sign": g} for lo, hi, g in (("0", "0.5", "-1"), ("0.5", "1", "1"))]
    rows += [{"study": "s", "task_type": "t", "lever": "c", "arm": "rebalance", "low": "0.5", "high": "2",
              "predicted_sign": "-1", "n_ft": "48"}]
    sign = predicted_sign_lookup(rows)
    assert sign("s", "t", "c", "init", 8, 0.5, 2.0) == 1 and sign("s", "t", "c", "init", 8, 0.5, 1.0) == 1
    assert sign("s", "t", "kappa", "init", 8, 0.5, 1.41) == 0 and sign("s", "t", "gamma", "ft", 8, 0.0, 1.0) == 0
    assert sign("s", "t", "c", "init", 8, 0.5, 4.0) == 0  # no predicted step reaches 4
    assert sign("s", "t", "c", "rebalance", 48, 0.5, 2.0) == -1 and sign("s", "t", "c", "rebalance", 96, 0.5, 2.0) == 0
    assert sign("s", "new", "c", "init", 8, 0.5, 2.0) == 0


def test_verdicts_compare_lowest_and_highest_and_skip_failed_runs():
    rows = [{"study": "s", "task_type": "t", "lever": "c", "arm": "init", "value": v, "seed": s, "n_ft": 8,
             "test_error": (0.1 * v + 0.001 * s * (v == 2.0)) if not (s == 0 and v == 2.0) else "nan"}
            for v in (0.5, 1.0, 2.0) for s in range(5)]
    (r,) = verdict_rows(rows, lambda *k: 1)
    assert (r["low"], r["high"], r["n_pairs"]) == (0.5, 2.0, 4)  # seed 0's non-finite run is left out
    assert r["diff_mean"] == pytest.approx(0.15 + 0.001 * 2.5) and r["verdict"] == "agrees" and r["resolved"]


def test_cifar100_authors_config_runs_tiny_on_a_cifar_format_fixture(tmp_path):
    """The CIFAR-100 config after the authors' protocol loads at full size (98 PT classes, SGD 1e-3,
    threshold 1e-2, 1000-epoch caps) and runs --quick on the CPU on 6 synthetic classes written in
    CIFAR-100's on-disk format (no download)."""
    pytest.importorskip("torch")
    from ptft_theory.experiments.resnet import data as D
    from ptft_theory.experiments.resnet.sweep import load_config as load_resnet
    cfg = load_resnet("resnet_cifar100_authors_gpu")
    p = cfg["protocol"]
    assert (p.n_pt_classes, p.n_ft_classes, p.lr_pt, p.momentum, p.pt_loss_threshold, p.pt_epochs) == \
        (98, 2, 1e-3, 0.9, 1e-2, 1000)
    rng = np.random.default_rng(0)
    colours = rng.integers(0, 256, size=(6, 3))

    def images(n):
        y = np.repeat(np.arange(6), n)
        x = np.clip(colours[y][:, :, None, None] + rng.normal(0, 20, (len(y), 3, 32, 32)), 0, 255)
        return x.astype(np.uint8), y

    (xtr, ytr), (xte, yte) = images(12), images(5)
    D.write_cifar100_like(tmp_path / "data", xtr, ytr, xte, yte, [f"c{i}" for i in range(6)])
    rc, out, err = run_cli("resnet", "run", "--config", "resnet_cifar100_authors_gpu", "--quick", "--data-root",
                           tmp_path / "data", "--out", tmp_path / "out", "--device", "cpu", "--no-progress")
    assert rc == 0, err
    rows = list(csv.DictReader(open(tmp_path / "out" / "results" / "resnet" / "resnet_cifar100_authors_quick.csv")))
    assert len(rows) == 2 and {r["dataset"] for r in rows} == {"cifar100"}
    assert all(0.0 <= float(r["test_error"]) <= 1.0 for r in rows)


# ------------------------------------------------------------------------------------ power
def test_power_plan_on_planted_paired_effects():
    """Plug-in seeds are (2 sd / |mean|)^2; the bootstrap keeps a resolved comparison resolved, gives a
    null comparison a small chance, and more seeds never lower the chance of reaching the target."""
    from ptft_theory.experiments.nonlinear.power import plan_extension, plug_in_seeds, resolved_count
    rng = np.random.default_rng(3)
    big = 0.5 + 0.1 * rng.standard_normal(10)       # mean ~0.5, sd ~0.1: resolved at 10 seeds
    small = 0.02 + 0.1 * rng.standard_normal(10)    # needs ~ (2 x 0.1 / 0.02)^2 = 100 seeds
    d = np.vstack([big, small])
    assert plug_in_seeds(d)[0] == pytest.approx((2 * big.std(ddof=1) / big.mean()) ** 2)
    assert plug_in_seeds(np.zeros((1, 4)))[0] == math.inf
    assert resolved_count(d) == 1
    rows, chosen = plan_extension(d, (0, 10, 40), share=1.0, probability=0.99, draws=400)
    p = [r["p_reach_target"] for r in rows]
    assert rows[0]["median_resolved"] == 1 and p[0] == 0 and chosen is None and p == sorted(p)
    assert rows[1]["detectable_effect"] == pytest.approx(2 * np.median(d.std(1, ddof=1)) / math.sqrt(20))


# ------------------------------------------------------------------------------------ docs
def test_docs_verdict_tables_are_the_ones_the_committed_csvs_give(tmp_path):
    """docs/networks.md's verdict block equals what the code renders from the committed verdict CSVs
    (stale docs fail here: regenerate with `python validation/nonlinear_verdicts.py --docs`), and the
    rendering follows the CSVs (a changed verdict changes the block)."""
    import shutil

    from ptft_theory.experiments.nonlinear.report import BEGIN, END, docs_section, replace_section
    doc = (REPO / "docs" / "networks.md").read_text()
    assert doc.count(BEGIN) == 1 and doc.count(END) == 1
    assert doc[doc.index(BEGIN):doc.index(END) + len(END)] == docs_section(RESULTS)
    for f in RESULTS.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    rows = list(csv.DictReader(open(tmp_path / "teacher_verdicts.csv")))
    i = next(k for k, r in enumerate(rows) if r["verdict"] == "agrees")
    rows[i]["verdict"] = "disagrees"
    with open(tmp_path / "teacher_verdicts.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert docs_section(tmp_path) != docs_section(RESULTS)
    with pytest.raises(ValueError, match="markers"):
        replace_section("no block here", docs_section(RESULTS))


@pytest.mark.slow  # ~11 s of CPU: three small study runs
def test_extension_adds_missing_units_and_equals_a_full_run(tmp_path):
    """Extending a finished study by a seed and a task type keeps its rows and gives the rows a full run
    of the extended config gives (same runs: the full run finds every one of them in the cache)."""
    from ptft_theory.experiments.nonlinear.extend import extend_study
    from ptft_theory.experiments.nonlinear.study import run_study
    text = (PACKAGE / "configs" / "nonlinear_teacher.toml").read_text()
    assert "seeds = [0, 1]\nn_ft = [8, 16]\nregime_n_ft = [16]" in text
    small, big = tmp_path / "small.toml", tmp_path / "big.toml"
    for f, seeds, types in ((small, "[0]", '["subset"]'), (big, "[0, 1]", '["subset", "mix"]')):
        f.write_text(text.replace("seeds = [0, 1]\nn_ft = [8, 16]", f"seeds = {seeds}\nn_ft = [8]\ntask_types = {types}"))
    cache = tmp_path / "cache"
    run_study(config=small, quick=True, out=tmp_path / "a", cache_dir=cache, progress=False)
    raw = tmp_path / "a" / "results" / "nonlinear" / "teacher_quick.csv"
    before = list(csv.DictReader(open(raw)))
    res = extend_study(config=big, quick=True, out=tmp_path / "a", cache_dir=cache, progress=False, log=lambda m: None)
    assert res["new_units"] == [(0, "mix"), (1, "mix"), (1, "subset")]
    after = list(csv.DictReader(open(raw)))
    assert after[:len(before)] == before
    assert run_study(config=big, quick=True, out=tmp_path / "b", cache_dir=cache, progress=False)["computed"] == 0
    full = list(csv.DictReader(open(tmp_path / "b" / "results" / "nonlinear" / "teacher_quick.csv")))
    key = lambda r: (r["seed"], r["task_type"], r["lever"], r["arm"], r["value"], r["n_ft"])  # noqa: E731
    assert sorted(map(key, after)) == sorted(map(key, full))
    assert {key(r): r["test_error"] for r in after} == {key(r): r["test_error"] for r in full}
    assert extend_study(config=big, quick=True, out=tmp_path / "a", cache_dir=cache, progress=False)["new_units"] == []
