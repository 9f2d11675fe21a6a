"""The clean transformer test (issue 22): swap-closed split, FT tasks, key frequencies, the
function-preserving levers, the probes, the verdict rule, the predictions and the quick study."""

import csv
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ptft_theory.errors import ParameterError  # noqa: E402
from ptft_theory.experiments.transformer import clean as C  # noqa: E402
from ptft_theory.experiments.transformer import pairs as P  # noqa: E402
from ptft_theory.experiments.transformer.levers import new_readout, rebalance_blocks, rescale_stream  # noqa: E402
from ptft_theory.experiments.transformer.model import build_transformer  # noqa: E402
from ptft_theory.experiments.transformer.predictions import predict, task_statistics, theory_init  # noqa: E402
from ptft_theory.experiments.transformer.study import RAW_COLUMNS, load_study_config, run_study  # noqa: E402
from ptft_theory.experiments.verdicts import VERDICT_COLUMNS, paired_difference, verdict, verdict_rows  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CPU = ROOT / "ptft_theory" / "configs" / "transformer_clean_cpu.toml"
GPU = ROOT / "ptft_theory" / "configs" / "transformer_clean_gpu.toml"
STEP50 = ROOT / "ptft_theory" / "configs" / "transformer_clean_50step_cpu.toml"
LONGPT = ROOT / "ptft_theory" / "configs" / "transformer_clean_longpt_cpu.toml"


# ------------------------------------------------------------------------------------ pairs, tasks
@pytest.mark.parametrize("p,frac,seed", [(7, 0.5, 0), (31, 0.8, 3), (13, 0.2, 1)])
def test_swap_closed_split(p, frac, seed):
    tr, ho = P.swap_closed_split(p, frac, seed)
    s_tr, s_ho = {tuple(x) for x in tr}, {tuple(x) for x in ho}
    assert not s_tr & s_ho and len(s_tr | s_ho) == p * p  # a partition of every ordered pair
    assert all((b, a) in s_tr for a, b in s_tr) and all((b, a) in s_ho for a, b in s_ho)  # closed under swap
    assert len({frozenset(x) for x in s_tr}) == round(frac * p * (p + 1) / 2)
    assert np.array_equal(tr, P.swap_closed_split(p, frac, seed)[0])


def test_ft_labels_against_python():
    p, k1 = 11, 3
    pairs = np.array([(a, b) for a in range(p) for b in range(p)])
    for (a, b), s, d, n in zip(pairs, P.ft_labels(pairs, "subset", p, k1), P.ft_labels(pairs, "same", p, k1),
                               P.ft_labels(pairs, "new", p, k1)):
        assert s == int(4 * ((k1 * (a + b)) % p) / p) and d == (a - b) % p and n == int(4 * ((a * b) % p) / p)
    with pytest.raises(ParameterError, match="task"):
        P.ft_labels(pairs, "div", p, 1)


def test_key_frequencies_find_planted_ones():
    p, rng = 31, np.random.default_rng(0)
    a = np.arange(p)[:, None]
    emb = (3 * np.cos(2 * np.pi * 5 * a / p) @ rng.normal(size=(1, 8)) + 2 * np.sin(2 * np.pi * 11 * a / p)
           @ rng.normal(size=(1, 8)) + 0.01 * rng.normal(size=(p, 8)))
    assert set(P.key_frequencies(emb, p, 0.9)) == {5, 11}
    assert P.key_frequencies(emb, p, 0.01) in ((5,), (11,))


def test_fourier_share_of_a_sum_label_is_closed_form():
    # one-hot of (a + b) mod p has its energy equally on the p diagonal modes (k, k); centring removes
    # k = 0, so frequencies K hold 2|K| / (p - 1) of it exactly (tolerance: float64 FFT rounding)
    p = 13
    pairs = np.array([(a, b) for a in range(p) for b in range(p)])
    lab = np.mod(pairs.sum(1), p)
    assert P.fourier_share(lab, p, p, [2, 5]) == pytest.approx(4 / 12, abs=1e-12)
    assert P.fourier_share(lab, p, p, range(1, 7)) == pytest.approx(1.0, abs=1e-12)


# ------------------------------------------------------------------------------------ levers
def _model(n_layers=1, norm="none"):
    torch.manual_seed(0)
    return build_transformer(11, d_model=16, n_heads=4, d_mlp=32, n_layers=n_layers, norm=norm, seed=3,
                             dtype=torch.float64)


@pytest.mark.parametrize("n_layers", [1, 2])
@pytest.mark.parametrize("c,kappa", [(0.5, 2.0), (3.0, 0.3), (1.0, 1.7)])
def test_levers_preserve_the_function_exactly(n_layers, c, kappa):
    m = _model(n_layers)
    x = torch.as_tensor(np.concatenate([np.array([(a, b) for a in range(11) for b in range(11)]),
                                        np.full((121, 1), 11)], 1))
    before, norms = m(x), {n: q.norm().item() for n, q in m.named_parameters()}
    rebalance_blocks(rescale_stream(m, c), kappa)
    # float64, O(1) logits: exact up to rounding (observed ~1e-15)
    assert torch.allclose(m(x), before, rtol=0, atol=1e-12)
    got = {n: q.norm().item() for n, q in m.named_parameters()}
    assert got["embed.tok.weight"] == pytest.approx(c * norms["embed.tok.weight"])
    assert got["blocks.0.mlp_out.weight"] == pytest.approx(norms["blocks.0.mlp_out.weight"] / kappa)
    assert got["unembed.weight"] == pytest.approx(norms["unembed.weight"] / c)


def test_rebalance_is_exact_with_layernorm_and_stream_rescale_refuses_it():
    m = _model(1, "layernorm")
    x = torch.tensor([[1, 2, 11], [4, 0, 11]])
    before = m(x)
    assert torch.allclose(rebalance_blocks(m, 2.5)(x), before, rtol=0, atol=1e-12)
    with pytest.raises(ParameterError, match="norm"):
        rescale_stream(m, 2.0)


def test_scaling_the_embeddings_alone_is_not_function_preserving():
    m = _model()
    x = torch.tensor([[1, 2, 11], [4, 0, 11], [7, 7, 11]])
    before = m(x)
    with torch.no_grad():
        m.embed.tok.weight.mul_(2.0)
        m.embed.pos.mul_(2.0)
        m.unembed.weight.div_(2.0)
    assert (m(x) - before).abs().max() > 1e-3  # what rescale_stream's q, k and bias factors repair


@pytest.mark.filterwarnings("error")
def test_new_readout():
    m = _model()
    body = m.blocks[0].mlp_in.weight.clone()
    new_readout(m, 4, 0.5, seed=1)
    ref = torch.nn.Linear(16, 4)
    torch.manual_seed(1)
    ref = torch.nn.Linear(16, 4).double()
    assert m.unembed.out_features == 4 and torch.allclose(m.unembed.weight, 0.5 * ref.weight)
    assert torch.equal(m.blocks[0].mlp_in.weight, body)
    assert float(new_readout(m, 4, 0.0, seed=1).unembed.weight.detach().abs().sum()) == 0.0


# ------------------------------------------------------------------------------------ probes
def test_probe_helpers():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 6))
    assert C.linear_cka(x, 3.0 * x) == pytest.approx(1.0, abs=1e-12)  # scale-invariant
    assert C.linear_cka(x, rng.normal(size=(50, 6))) < 0.6
    b = C.key_basis(31, [3, 7])
    assert np.allclose(b.T @ b, np.eye(4), atol=1e-12)
    assert C.subspace_share(b @ rng.normal(size=(4, 5)), b) == pytest.approx(1.0, abs=1e-12)
    other = C.key_basis(31, [4])
    assert C.subspace_share(other @ rng.normal(size=(2, 5)), b) == pytest.approx(0.0, abs=1e-12)
    lab = rng.integers(0, 3, size=50)
    assert C.linear_probe_accuracy(np.eye(3)[lab], lab, 3) == 1.0


def test_pt_redraws_and_counts_a_failing_seed():
    proto = C.CleanProtocol(p=7, d_model=8, n_heads=2, d_mlp=16, pt_steps=5, pt_check_every=5, pt_target=1.0,
                            max_draws=2)
    data = C.seed_data(proto, 0)
    model, rec = C.pretrain(proto, data, 0)
    assert model is None and rec["draws"] == 2 and rec["failed_draws"] == 2 and len(rec["failed_accuracies"]) == 2


def test_fine_tune_run_reports_bounded_probes():
    proto = C.CleanProtocol(p=7, d_model=8, n_heads=2, d_mlp=16, pt_steps=20, pt_target=0.0, ft_steps=20)
    data = C.seed_data(proto, 0)
    model, _ = C.pretrain(proto, data, 0)
    keys = C.pt_summary(proto, model, ["subset"])["key_frequencies"]
    r = C.fine_tune_run(proto, model, data, keys, "same", 20, arm="rebalance", c=2.0, kappa=0.5, gamma=1.0, seed=0)
    assert 0 <= r["test_error"] <= 1 and 0 <= r["pt_dependence"] <= 1 + 1e-12 and -1e-12 <= r["richness"] <= 1
    with pytest.raises(ParameterError, match="n_ft"):
        C.fine_tune_run(proto, model, data, keys, "same", 10 ** 6, arm="rebalance", c=1, kappa=1, gamma=1, seed=0)


def test_fine_tune_stops_at_threshold_plateau_or_cap():
    """The stop rule against the loss trajectory read from capped runs (GD is deterministic: the run capped
    at k steps reports the loss after k steps): the plateau stop is the first step t >= w whose best loss so
    far is above (1 - rtol) times the best loss w steps before."""
    import dataclasses
    proto = C.CleanProtocol(p=7, d_model=8, n_heads=2, d_mlp=16, pt_steps=20, pt_target=0.0, ft_steps=30,
                            ft_loss_threshold=0.0)
    data = C.seed_data(proto, 0)
    model, _ = C.pretrain(proto, data, 0)
    keys = C.pt_summary(proto, model, ["subset"])["key_frequencies"]

    def run(**kw):
        return C.fine_tune_run(dataclasses.replace(proto, **kw), model, data, keys, "same", 20, arm="rebalance", c=1.0,
                               kappa=1.0, gamma=1.0, seed=0)
    first = run(ft_loss_threshold=1e9)  # stops before any step: the initial loss
    assert (first["ft_stop"], first["ft_steps"]) == ("threshold", 0)
    losses = [first["ft_loss"]] + [run(ft_steps=k)["ft_loss"] for k in range(1, 31)]
    assert run()["ft_stop"] == "cap" and run()["ft_steps"] == 30
    w, rtol = 4, 0.2
    best = np.minimum.accumulate(losses)
    expect = next((t for t in range(w, 31) if best[t] > (1 - rtol) * best[t - w]), None)
    assert expect is not None and expect < 30  # the tiny network's loss flattens within the cap
    r = run(ft_plateau_window=w, ft_plateau_rtol=rtol)
    assert (r["ft_stop"], r["ft_steps"], r["ft_loss"]) == ("plateau", expect, losses[expect])
    r = run(ft_loss_threshold=losses[5] * (1 + 1e-9))
    assert r["ft_stop"] == "threshold" and r["ft_steps"] == next(t for t in range(31)
                                                                 if losses[t] < losses[5] * (1 + 1e-9))
    for bad in ({"ft_plateau_window": -1}, {"ft_plateau_window": 1.5}, {"ft_plateau_rtol": 1.0}):
        with pytest.raises(ParameterError, match=next(iter(bad))):
            dataclasses.replace(proto, **bad)


# ------------------------------------------------------------------------------------ verdicts
def test_verdict_rule():
    assert verdict(0.3, 0.1, +1) == "agrees" and verdict(0.2, 0.1, +1) == "agrees"
    assert verdict(-0.3, 0.1, +1) == "disagrees" and verdict(0.19, 0.1, -1) == "unresolved"
    assert verdict(0.3, 0.1, 0) == "unresolved" and verdict(0.3, None, 1) == "unresolved"
    m, se, n = paired_difference({0: 1.0, 1: 2.0, 2: 0.0}, {0: 2.0, 1: 2.5, 3: 9.0})
    assert (m, n) == (0.75, 2) and se == pytest.approx(np.std([1.0, 0.5], ddof=1) / math.sqrt(2))


def test_verdict_rows_from_planted_effects():
    rng = np.random.default_rng(1)
    rows = [{"study": "s", "task_type": t, "lever": "c", "value": v, "arm": "rebalance", "seed": s, "n_ft": 8,
             "test_error": 0.5 + (0.2 * v if t == "subset" else 0.0) + 0.01 * rng.normal()}
            for t in ("subset", "new") for v in (0.5, 1.0, 2.0) for s in range(10)]
    out = {r["task_type"]: r for r in verdict_rows(rows, lambda *k: +1)}
    assert out["subset"]["verdict"] == "agrees" and out["subset"]["diff_mean"] == pytest.approx(0.3, abs=0.02)
    assert out["new"]["verdict"] == "unresolved" and set(out["new"]) == set(VERDICT_COLUMNS)


# ------------------------------------------------------------------------------------ predictions
def test_init_arm_correlations_from_planted_rows():
    """FT error planted as 2 (1 - PT accuracy): r = -1 exactly, and each lever effect is then -2 times the
    PT accuracy difference: r = -1 too; without init rows beyond the base there is nothing to correlate."""
    from ptft_theory.experiments.transformer.clean_evidence import init_arm_correlations
    rows = []
    for seed in range(4):
        for lever, values in (("c", (0.5, 1.0, 2.0)), ("kappa", (0.5, 1.0, 2.0))):
            for v in values:
                acc = 0.95 + 0.01 * seed + (0 if v == 1 else 0.003 * v * (1 if lever == "c" else -1))
                rows.append({"arm": "init", "n_ft": "192", "task_type": "subset", "seed": str(seed), "lever": lever,
                             "value": str(v), "pt_heldout_accuracy": str(acc), "test_error": str(2 * (1 - acc))})
    out = init_arm_correlations(rows, 192)
    # 4 seeds x (4 init networks + the base network, written under both levers but counted once)
    assert out[0]["r"] == pytest.approx(-1.0, abs=1e-12) and out[0]["n"] == 20
    assert out[1]["r"] == pytest.approx(-1.0, abs=1e-12) and out[1]["n"] == 8
    assert init_arm_correlations([r for r in rows if r["value"] == "1.0"], 192) == []


def test_pt_success_by_point_counts_and_clopper_pearson_limits():
    """Planted PT rows: counts per init point; the 95 % interval at 0 of n and n of n successes against the
    closed forms 1 - 0.025^(1/n) and 0.025^(1/n) (Clopper-Pearson's one-sided ends there)."""
    from ptft_theory.experiments.transformer.clean_evidence import pt_success_by_point, pt_success_markdown

    def row(seed, arm, lever, value, used, draws):
        return {"seed": str(seed), "arm": arm, "lever": lever, "value": str(value), "used": str(used),
                "draws": str(draws), "failed_draws": str(draws - used)}
    rows = [row(0, "base", "", 0, True, 2), row(1, "base", "", 0, False, 3), row(0, "init", "c", 0.5, False, 3),
            row(0, "init", "kappa", 2.0, True, 1), row(1, "init", "kappa", 2.0, True, 1),
            row(2, "init", "kappa", 2.0, True, 1)]
    st = {s["point"]: s for s in pt_success_by_point(rows)}
    assert list(st)[0] == "base" and set(st) == {"base", "init c = 0.5", "init kappa = 2"}
    assert (st["base"]["successes"], st["base"]["draws"], st["base"]["seeds_used"]) == (1, 5, [0])
    assert st["init c = 0.5"]["rate"] == 0 and st["init c = 0.5"]["rate_hi"] == pytest.approx(1 - 0.025 ** (1 / 3))
    assert st["init kappa = 2"]["rate"] == 1 and st["init kappa = 2"]["rate_lo"] == pytest.approx(0.025 ** (1 / 3))
    assert st["base"]["rate_lo"] < 0.2 < st["base"]["rate_hi"]
    assert "| init c = 0.5 | 1 | 0 (none) | 3 | 0/3 = 0.00 (0.00-0.71) |" in pt_success_markdown(st.values())


def test_k1_retention_splits_init_networks_by_whether_they_kept_the_seeds_k1():
    """Planted rows: seed 0's base network has k1 = 3; its init network at c = 2 keeps 3 among its key
    frequencies, the one at kappa = 0.5 does not; a failed network and a seed without a base network are
    left out; errors are read at the largest n_FT only."""
    from ptft_theory.experiments.transformer.clean_evidence import k1_retention

    def pt(seed, arm, lever, value, keys, used=True):
        return {"seed": str(seed), "arm": arm, "lever": lever, "value": str(value), "used": str(used),
                "key_frequencies": keys}

    def run(seed, arm, lever, value, n, err):
        return {"seed": str(seed), "arm": arm, "lever": lever, "value": str(value), "task_type": "subset",
                "n_ft": str(n), "test_error": str(err)}
    pts = [pt(0, "base", "", 0, "3 7"), pt(0, "init", "c", 2.0, "5 3"), pt(0, "init", "kappa", 0.5, "9"),
           pt(0, "init", "c", 0.5, "", used=False), pt(1, "init", "c", 2.0, "3")]
    rows = [run(0, "rebalance", "c", 1.0, 192, 0.05), run(0, "init", "c", 2.0, 192, 0.1),
            run(0, "init", "kappa", 0.5, 192, 0.6), run(0, "init", "kappa", 0.5, 48, 0.9),
            run(1, "init", "c", 2.0, 192, 0.3)]
    got = k1_retention(pts, rows)
    assert got == {"kept": [(0, "c", 2.0, 0.1)], "lost": [(0, "kappa", 0.5, 0.6)], "base_errors": [0.05], "n_ft": 192}
    assert k1_retention(pts, [])["kept"] == []


def test_verdict_markdown_says_when_a_row_has_no_se():
    from ptft_theory.experiments.transformer.clean_evidence import verdict_markdown
    base = {"task_type": "new", "lever": "c", "arm": "init", "n_ft": "48", "low": "0.5", "high": "2",
            "predicted_sign": "-1", "diff_mean": "-0.05", "verdict": "unresolved"}
    md = verdict_markdown([{**base, "diff_se": "", "n_pairs": "1"}, {**base, "diff_se": "0.02", "n_pairs": "4"}])
    assert "-0.050 (no SE: 1 pair) | 1 |" in md and "-0.050 (0.020) | 4 |" in md and "(0.000)" not in md


def test_prediction_mapping_and_the_lazy_limit():
    assert theory_init("kappa", 1.0, {"c": 1, "kappa": 1, "gamma": 1}, 2.0, 1.0).lambda_pt == 0
    i = theory_init("kappa", 0.5, {"c": 1, "kappa": 1, "gamma": 1}, 1.0, 1.0)
    assert i.lambda_pt < 0 and i.c_pt == pytest.approx((0.25 + 4) / 2)
    t = task_statistics("subset", 31, 4)
    assert (t.rho_pt, t.rho_shared, t.rho_new) == (4 / 15, 1 / 15, 0.0)
    cfg = {"study": "s", "p": 31, "tasks": ["subset", "new"], "n_ft": [48, 192], "base": {"c": 1, "kappa": 1,
           "gamma": 1}, "vary": {"c": [0.5, 1, 2], "gamma": [0.25, 1, 4]},
           "theory": {"c0": 1e8, "g0": 1.0, "n_key": 4, "scheme": "merged", "min_effect": 1e-3}}
    rows = predict(cfg)
    assert len(rows) == 2 * 2 * (2 + 1)  # tasks x n_ft x (c: two arms, gamma: one)
    # lazy limit (c_pt -> infinity): E = 1 - alpha whatever the levers, so no sign is predicted
    for r in rows:
        assert r["E_low"] == pytest.approx(1 - r["n_ft"] / 31 ** 2, abs=1e-3) and r["predicted_sign"] == 0


# ------------------------------------------------------------------------------------ the study
@pytest.mark.filterwarnings("error")  # no warning from the run or the figure (e.g. an empty legend)
def test_quick_study_end_to_end_resume_and_workers(tmp_path):
    from _cli import run_cli  # tests/ is on sys.path under pytest
    rc, out, err = run_cli("transformer", "clean", "--config", CPU, "--quick", "--out", tmp_path, "--json",
                           "--no-progress")
    assert rc == 0, err
    res = json.loads(out)
    with open(res["raw"]) as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0])[:len(RAW_COLUMNS)] == RAW_COLUMNS
    assert {r["task_type"] for r in rows} == {"subset", "same", "new"} and {r["arm"] for r in rows} == {"rebalance",
                                                                                                       "init"}
    with open(res["verdicts"]) as f:
        ver = list(csv.DictReader(f))
    assert tuple(ver[0]) == VERDICT_COLUMNS
    assert Path(res["figures"][0]).stat().st_size > 10_000
    raw = Path(res["raw"]).read_bytes()
    # from the (seed, phase) cache alone: the same raw file, nothing computed
    rc2, out2, _ = run_cli("transformer", "clean", "--config", CPU, "--quick", "--out", tmp_path / "again", "--json",
                           "--no-progress", "--cached-only", "--cache-dir", tmp_path / "cache" / "transformer_clean")
    res2 = json.loads(out2)
    assert rc2 == 0 and Path(res2["raw"]).read_bytes() == raw and res2["missing"] == []
    rc3, out3, _ = run_cli("transformer", "clean", "--config", CPU, "--quick", "--out", tmp_path / "empty", "--json",
                           "--no-progress", "--cached-only")
    assert rc3 == 0 and json.loads(out3)["n_runs"] == 0 and len(json.loads(out3)["missing"]) == 2  # two seeds
    # --workers 2: the seeds in two spawned processes; every CSV is the one-process run's cell for cell but
    # the wall-clock ``seconds`` (each seed is the same code on one thread); a bad worker count: one line, exit 2
    rc4, out4, err4 = run_cli("transformer", "clean", "--config", CPU, "--quick", "--out", tmp_path / "w2", "--json",
                              "--no-progress", "--workers", 2)
    assert rc4 == 0, err4
    res4 = json.loads(out4)

    def table(path):
        with open(path) as f:
            return [{k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(f)]
    for key in ("raw", "pt", "verdicts"):
        assert table(res4[key]) == table(res[key]), key
    assert res4["missing"] == [] and res4["n_runs"] == res["n_runs"] > 0
    rc5, _, err5 = run_cli("transformer", "clean", "--config", CPU, "--quick", "--out", tmp_path / "w0", "--workers", 0)
    assert rc5 == 2 and "workers=0" in err5 and len(err5.strip().splitlines()) == 1, err5


def test_both_arms_batched_together_give_each_arms_own_batch_numbers(tmp_path, monkeypatch):
    """:func:`seed_runs` batches a seed's rebalance and init runs together (one batch per n_FT); the phases'
    rows then read from its cache must equal, cell for cell but ``seconds``, those of phases that batch each
    arm alone: exact, since a run's arithmetic does not involve its batch's other runs (a mix-up of runs,
    networks or k1 between the arms changes them far beyond rounding).  And the phases compute nothing more,
    and the init runs get the seed's k1 both ways (at this toy size every network's own first key frequency is
    the seed's too, so that is checked on what the batch is given, not only on the numbers)."""
    import torch
    from ptft_theory.experiments.transformer import clean_batched as CB
    from ptft_theory.experiments.transformer import clean_cache as K
    from ptft_theory.experiments.transformer import study as S
    cfg = load_study_config(CPU, quick=True)
    batches, init_k1 = [], set()
    real = CB.fine_tune_batch

    def spy(*a, **k):
        batches.append(len(a[4]))
        init_k1.update(src[2] for spec, src in zip(a[4], k["sources"]) if spec["arm"] == "init")
        return real(*a, **k)
    monkeypatch.setattr(CB, "fine_tune_batch", spy)

    def rows(cache, together):
        if together:
            S.seed_runs(cfg, 0, cache=cache)
            batches.append("phases")
        r1 = S.rebalance_rows(cfg, 0, cache=cache)
        r2 = S.init_rows(cfg, 0, r1["k1"], cache=cache)
        return r1["k1"], [{k: v for k, v in r.items() if k != "seconds"} for r in r1["rows"] + r2["rows"]]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the study's setting (a worker computes on one thread)
    try:
        k1, joint = rows(K.open_cache(tmp_path / "joint"), True)
        assert batches[batches.index("phases") + 1:] == [0] * 2 * len(cfg["n_ft"])  # the phases find every run
        _, per_arm = rows(K.open_cache(tmp_path / "per_arm"), False)
    finally:
        torch.set_num_threads(threads)
    assert joint == per_arm and {r["arm"] for r in joint} == {"rebalance", "init"}
    assert batches[:len(cfg["n_ft"])] == [batches[-1] + batches[-1 - len(cfg["n_ft"])]] * len(cfg["n_ft"])
    assert init_k1 == {k1}


def test_a_finished_seed_is_not_batched_again_on_resume_even_if_its_pt_failed(tmp_path, monkeypatch):
    """``_run_seed`` goes to :func:`seed_runs` only while a due phase is not cached: a finished seed, and a seed
    whose base PT failed (its init phase is never due), are read from the cache alone on a resume."""
    import dataclasses
    from ptft_theory.experiments.transformer import clean_cache as K
    from ptft_theory.experiments.transformer import study as S
    cfg = load_study_config(CPU, quick=True)
    failing = {**cfg, "protocol": dataclasses.replace(cfg["protocol"], pt_target=1.0)}  # 30 PT steps: never 100 %
    cache = K.open_cache(tmp_path)
    for c in (cfg, failing):
        S._run_seed(c, cache, 0, None, "cpu")
    phase = {name: K.cached(cache, K.phase_key(c, 0, "rebalance"), lambda: None, cached_only=True)
             for name, c in (("ok", cfg), ("failed", failing))}
    assert phase["ok"]["k1"] is not None and phase["failed"]["k1"] is None and phase["failed"]["rows"] == []
    calls = []
    monkeypatch.setattr(S, "seed_runs", lambda *a, **k: calls.append(a[1]))
    for c in (cfg, failing):
        S._run_seed(c, cache, 0, None, "cpu")
    assert calls == []


def test_gpu_config_loads_runs_quick_and_bad_configs_are_named(tmp_path):
    cfg = load_study_config(GPU)
    assert cfg["protocol"].n_layers == 2 and cfg["p"] > 31 and len(cfg["seeds"]) >= 10
    res = run_study(GPU, quick=True, out=tmp_path, progress=False)  # the 2-layer pipeline at toy size, on the CPU
    assert res["n_runs"] > 0 and Path(res["verdicts"]).is_file()
    bad = tmp_path / "bad.toml"
    bad.write_text(CPU.read_text().replace('name = "transformer_clean_cpu"', 'name = "../x"'))
    with pytest.raises(ParameterError, match="name"):
        load_study_config(bad)
    dup = tmp_path / "dup.toml"  # two workers would compute one seed at once, and the CSVs would hold it twice
    dup.write_text(re.sub(r"^seeds = \[.*$", "seeds = [0, 1, 0]", CPU.read_text(), count=1, flags=re.M))
    with pytest.raises(ParameterError, match="distinct seeds"):
        load_study_config(dup)
    from _cli import run_cli
    rc, _, err = run_cli("transformer", "clean", "--config", tmp_path / "missing.toml")
    assert rc == 2 and len(err.strip().splitlines()) == 1


def test_edited_or_corrupt_cache_entries_are_recomputed_not_served(tmp_path):
    """Every entry of the study's cache is the sweep cache's (config, result, digest): an edited, truncated
    or non-object entry is recomputed, never served (the trust model of docs/security.md); a PT network
    read back from the cache is the one trained (its logits bit for bit)."""
    from ptft_theory.experiments.transformer import clean_cache as K
    from ptft_theory.experiments.sweep import Cache
    proto = C.CleanProtocol(p=7, d_model=8, n_heads=2, d_mlp=16, pt_steps=20, pt_check_every=10, pt_target=0.0,
                            max_draws=1, ft_steps=3)
    data = C.seed_data(proto, 0)
    cache = K.open_cache(tmp_path)
    assert isinstance(cache, Cache)
    model, acc, steps, _ = K.pt_draw_fn(cache, proto, data, 0, 1.0, 1.0)(0)
    again, acc2, steps2, _ = K.pt_draw_fn(cache, proto, data, 0, 1.0, 1.0)(0)  # read back
    x = C._tensors(data["heldout"], np.zeros(len(data["heldout"])), 7)[0]
    with torch.no_grad():
        assert torch.equal(model(x), again(x)) and (acc, steps) == (acc2, steps2)
    key = {"kind": "probe", "x": 1}
    assert K.cached(cache, key, lambda: {"y": 1.0, "z": float("nan")}) == {"y": 1.0, "z": None}  # strict JSON
    entry = cache.path({**key, "code": K._code()})
    record = json.loads(entry.read_text())
    assert '"y": 1.0' in entry.read_text()
    for text in (entry.read_text().replace('"y": 1.0', '"y": 2.0'), '{"salt": 1', '[1, 2]'):
        entry.write_text(text)
        assert K.cached(cache, key, lambda: None, cached_only=True) is None  # not served
        assert K.cached(cache, key, lambda: {"y": 3.0}) == {"y": 3.0}  # recomputed
    assert record["result"] == {"y": 1.0, "z": None}


def test_gather_rows_equals_torch_gather_bit_for_bit_with_its_gradient():
    """The batched FT's row gather (one ``index_select`` of the flattened table) against ``torch.gather``, an
    independent implementation: values and the table's gradient (index_add vs scatter_add, each summing a row's
    repeated indices in index order) must be identical, not close: the study's committed runs were computed with
    gather and are reproduced only if no bit changes.  32 rows drawn 576 times per run: every row repeats."""
    import torch
    from ptft_theory.experiments.transformer.clean_batched import _gather_rows
    with torch.random.fork_rng():
        torch.manual_seed(0)
        table = torch.randn(5, 32, 16, requires_grad=True)
        idx = torch.randint(0, 32, (5, 576))
        up = torch.randn(5, 576, 16) * torch.logspace(-6, 6, 16)  # magnitudes where the summation order shows
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the study's setting (a worker's FT runs on one thread)
    try:
        ref = torch.gather(table, 1, idx[..., None].expand(5, 576, 16))
        (g_ref,) = torch.autograd.grad(ref, table, up)
        out = _gather_rows(table, idx)
        (g_out,) = torch.autograd.grad(out, table, up)
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(out, ref)
    assert torch.equal(g_out, g_ref)
    # the same contributions summed in the reverse order differ: the test sees a change of order
    flipped = torch.gather(table, 1, idx.flip(1)[..., None].expand(5, 576, 16))
    assert not torch.equal(g_ref, torch.autograd.grad(flipped, table, up.flip(1))[0])


@pytest.mark.parametrize("n_layers", [1, 2])
def test_batched_fine_tuning_equals_the_per_run_reference(n_layers):
    """The batched FT (runs stacked, n_FT padded with a sample mask, readouts with different class counts
    padded, a stopped run taken out of the batch) against :func:`fine_tune_run`, run by run, over the three
    tasks, two n_FT, every lever and both arms, with all four stop kinds present.  The discrete outcomes
    (stop step and reason, held-out and train error, step size) must be identical.  The losses and probes
    may differ by float32 rounding only: the batched products and the masked mean sum in another order
    (each step's gradient differs by ~1e-7 relative), which <= 30 GD steps carry to ~1e-5 (measured: loss
    5e-5 relative at its largest, the gamma = 4 runs' loss ~35; probes 2e-5 absolute); the tolerances allow
    ~5x that, while a batching error (a run's data, step size or class mask mixed up, a stopped run still
    updated) moves them by > 1e-2."""
    import collections
    from ptft_theory.experiments.transformer.clean_batched import fine_tune_batch
    proto = C.CleanProtocol(p=7, d_model=8, n_heads=2, d_mlp=16, n_layers=n_layers, pt_steps=20, pt_target=0.0,
                            ft_steps=30, ft_loss_threshold=0.8, ft_plateau_window=8, ft_plateau_rtol=0.005, lr_ft=0.3)
    data = C.seed_data(proto, 0)
    model, _ = C.pretrain(proto, data, 0)
    keys = C.pt_summary(proto, model, ["subset"])["key_frequencies"]
    points = [(1, 1, 1), (0.5, 1, 1), (2, 1, 1), (1, 2, 1), (1, 1, 0.25), (1, 1, 4)]
    specs = [{"task": t, "n_ft": n, "arm": "rebalance", "c": c, "kappa": k, "gamma": g}
             for t in ("subset", "same", "new") for n in (6, 16) for c, k, g in points]
    specs = (specs if n_layers == 1 else specs[::3]) + [{"task": "same", "n_ft": 9, "arm": "init", "c": 3.0,
                                                          "kappa": 1.0, "gamma": 1.0}]
    ref = [C.fine_tune_run(proto, model, data, keys, seed=0, **s) for s in specs]
    bat = fine_tune_batch(proto, model, data, keys, specs, seed=0)
    if n_layers == 1:
        assert set(collections.Counter(r["ft_stop"] for r in ref)) == {"threshold", "plateau", "cap", "diverged"}
    for s, a, b in zip(specs, ref, bat):
        for k in ("ft_stop", "ft_steps", "ft_diverged", "test_error", "train_error", "ft_lr"):
            assert a[k] == b[k], (s, k, a[k], b[k])
        if not a["ft_diverged"]:
            assert b["ft_loss"] == pytest.approx(a["ft_loss"], rel=3e-4), s
            for k in ("richness", "pt_dependence"):
                assert b[k] == pytest.approx(a[k], abs=1e-4), (s, k)
    assert fine_tune_batch(proto, model, data, keys, [], seed=0) == []


def test_batched_fine_tuning_from_several_pt_networks_equals_each_networks_own_batch():
    """``fine_tune_batch(sources=...)`` (the init arm: runs from several PT networks of a seed in one batch, each
    with its own key frequencies and subset frequency) against one batch per network: every record identical.
    Exact equality is required: a run's arithmetic does not involve the other runs of its batch (the batched
    products act run by run, the summed loss's gradient is each run's own), so its numbers do not depend on the
    batch's composition where the padded sizes (n_FT, classes) agree, as here; a network's runs given another
    network's parameters, keys or k1 change them by far more than rounding."""
    from ptft_theory.experiments.transformer.clean_batched import fine_tune_batch
    proto = C.CleanProtocol(p=7, d_model=8, n_heads=2, d_mlp=16, pt_steps=20, pt_target=0.0, ft_steps=25,
                            ft_loss_threshold=0.5, ft_plateau_window=8, ft_plateau_rtol=0.005, lr_ft=0.3)
    data = C.seed_data(proto, 0)
    nets = []
    for c, kappa, k1 in ((1.0, 1.0, None), (0.5, 1.0, 2), (1.0, 2.0, 3)):
        model, _ = C.pretrain(proto, data, 0, c=c, kappa=kappa)
        nets.append((model, C.pt_summary(proto, model, ["subset"])["key_frequencies"], k1))
    specs = [{"task": t, "n_ft": 12, "arm": "init", "c": 1.0, "kappa": 1.0, "gamma": g}
             for t in ("subset", "same", "new") for g in (0.25, 1.0)]
    own = [fine_tune_batch(proto, m, data, keys, specs, seed=0, task_k1=k1) for m, keys, k1 in nets]
    joint = fine_tune_batch(proto, None, data, None, specs * 3, seed=0,
                            sources=[net for net in nets for _ in specs])
    assert [{k: v for k, v in r.items() if k != "seconds"} for r in joint] == \
        [{k: v for k, v in r.items() if k != "seconds"} for rs in own for r in rs]
    assert [r["ft_loss"] for r in own[0]] != [r["ft_loss"] for r in own[1]]  # the networks' runs differ
    with pytest.raises(ParameterError, match="sources"):
        fine_tune_batch(proto, None, data, None, specs, seed=0, sources=nets)


def test_longpt_config_differs_from_the_cpu_config_in_pt_steps_seeds_and_outputs_only():
    """The pre-registered longpt study changes PT's step cap (1000 -> 4000), the seeds and the output stem, and
    nothing else: the FT rule, tasks, levers, n_FT and theory mapping (hence the shared predictions) are the
    CPU config's."""
    import dataclasses
    new, old = load_study_config(LONGPT), load_study_config(CPU)
    differ = {k for k, v in dataclasses.asdict(old["protocol"]).items() if getattr(new["protocol"], k) != v}
    assert differ == {"pt_steps"} and (old["protocol"].pt_steps, new["protocol"].pt_steps) == (1000, 4000)
    assert (new["outputs"], new["seeds"]) == ("transformer_longpt", list(range(12)))
    same = ("study", "n_ft", "tasks", "base", "vary", "theory", "phases", "ft_batched")
    assert {k: new[k] for k in same} == {k: old[k] for k in same}


def test_50step_config_is_the_first_protocol_and_writes_its_own_files(tmp_path):
    """The 50-step config keeps the first FT protocol (50 steps, no plateau stop), one run at a time, phase 1
    only, under its own file names; the current config differs from it in the FT stopping rule only."""
    old, new = load_study_config(STEP50), load_study_config(CPU)
    assert (old["outputs"], old["ft_batched"], old["phases"]) == ("transformer_50step", False, ["rebalance"])
    assert (new["outputs"], new["ft_batched"], new["phases"]) == ("transformer", True, ["rebalance", "init"])
    assert old["protocol"].ft_steps == 50 and old["protocol"].ft_plateau_window == 0
    import dataclasses
    differ = {k for k, v in dataclasses.asdict(old["protocol"]).items() if getattr(new["protocol"], k) != v}
    assert differ == {"ft_steps", "ft_plateau_window", "ft_plateau_rtol"}
    assert {k: old[k] for k in ("study", "seeds", "n_ft", "tasks", "base", "vary", "theory")} == {
        k: new[k] for k in ("study", "seeds", "n_ft", "tasks", "base", "vary", "theory")}
    res = run_study(STEP50, quick=True, out=tmp_path, progress=False)
    assert Path(res["raw"]).name == "transformer_50step_quick.csv" and Path(res["predictions"]).name == \
        "transformer_quick_predictions.csv"
    with open(res["pt"]) as f:
        assert {r["arm"] for r in csv.DictReader(f)} == {"base"}  # phase 2 (the init arm's PT) not run
    bad = tmp_path / "bad.toml"
    for line in ('phases = ["init"]', "ft_batched = 1", 'outputs = "../x"'):
        bad.write_text(CPU.read_text().replace('study = "transformer"', f'study = "transformer"\n{line}'))
        with pytest.raises(ParameterError, match=line.split()[0]):
            load_study_config(bad)
