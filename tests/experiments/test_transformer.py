"""Transformer validation on modular arithmetic (issue 17): the task generator, the c_PT / kappa /
gamma_FT scaling and its LayerNorm fix, the model's last-position shortcut, a PT+FT run and the CLI."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ptft_theory.errors import ParameterError  # noqa: E402
from ptft_theory.experiments.sweep import run_sweep  # noqa: E402
from ptft_theory.experiments.transformer import sweep as tcli  # noqa: E402
from ptft_theory.experiments.transformer import tasks as T  # noqa: E402
from ptft_theory.experiments.transformer.model import (build_transformer, kappa_modules, module_norms,  # noqa: E402
                                           reset_readout, scale_network)
from ptft_theory.experiments.transformer.protocol import Protocol, pools, run_one, train  # noqa: E402

from _cli import run_cli as _main  # noqa: E402  (tests/ is on sys.path under pytest)

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "ptft_theory" / "configs"


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One intra-op thread (restored after): these models are tiny, and two OpenMP threads stall
    when another job holds a core of a 2-core machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


# --------------------------------------------------------------------------------------- tasks
@pytest.mark.parametrize("op, f", [("add", lambda a, b: a + b), ("sub", lambda a, b: a - b),
                                   ("add2", lambda a, b: a + 2 * b), ("mul", lambda a, b: a * b)])
def test_labels_are_the_operation_mod_p(op, f):
    p = 7
    pairs = T.all_pairs(p)
    assert sorted(map(tuple, pairs.tolist())) == [(a, b) for a in range(p) for b in range(p)]  # every pair once
    want = [f(a, b) % p for a, b in pairs.tolist()]  # Python's % is the residue in 0..p-1
    assert T.labels(pairs, op, p).tolist() == want
    tok = T.tokens(pairs, p)
    assert tok.shape == (p * p, 3) and (tok[:, 2] == p).all() and (tok[:, :2] == pairs).all()


@pytest.mark.parametrize("p, frac", [(11, 0.5), (31, 0.8), (5, 0.01)])
def test_split_is_a_seeded_partition(p, frac):
    tr, te = T.split(p, frac, seed=3)
    assert len(np.intersect1d(tr, te)) == 0 and sorted(np.concatenate([tr, te]).tolist()) == list(range(p * p))
    assert len(tr) == max(1, round(frac * p * p))
    assert np.array_equal(T.split(p, frac, seed=3)[0], tr) and not np.array_equal(T.split(p, frac, seed=4)[0], tr)


def test_no_train_test_leak_and_nested_ft_sets():
    proto = Protocol(p=13, train_frac=0.6)
    for seed in range(3):
        tr, order, te = pools(proto, seed)
        assert sorted(order.tolist()) == sorted(tr.tolist())  # FT draws only from the train pool
        assert len(np.intersect1d(tr, te)) == 0 and len(tr) + len(te) == 13 ** 2
    # n_test subsamples the test pool only
    _, _, te_small = pools(Protocol(p=13, train_frac=0.6, n_test=10), 0)
    assert len(te_small) == 10 and set(te_small.tolist()) <= set(pools(proto, 0)[2].tolist())


def test_swap_unseen_marks_pairs_whose_swap_was_not_trained():
    p = 7
    tr, te = T.split(p, 0.5, seed=1)
    pairs = T.all_pairs(p)
    trained = {tuple(pairs[i]) for i in tr}
    want = [(b, a) not in trained for a, b in pairs[te].tolist()]
    assert T.swap_unseen(tr, te, p).tolist() == want and 0 < sum(want) < len(want)


def test_bad_task_input_is_named():
    with pytest.raises(ParameterError, match=r"p=12 is invalid; valid range: a prime"):
        T.all_pairs(12)
    with pytest.raises(ParameterError, match=r"op='div' is invalid; valid: add, sub, add2, mul"):
        T.labels(T.all_pairs(5), "div", 5)
    with pytest.raises(ParameterError, match=r"train_frac=1.0 is invalid; valid range: 0 < train_frac < 1"):
        Protocol(train_frac=1.0)
    with pytest.raises(ParameterError, match=r"kappa_blocks=2 is invalid"):
        Protocol(n_layers=1, kappa_blocks=2)
    with pytest.raises(ParameterError, match=r"n_ft=1000 is invalid; valid range: 1 <= n_ft <= 60"):
        run_one(Protocol(p=11), 0, 1.0, 1.0, 1.0, "sub", 1000)


# ------------------------------------------------------------------------------------- model
def test_last_position_shortcut_equals_the_causal_forward():
    """features() computes the last block at the last position only; the full causal forward
    (every position, masked attention) must give the same readout input (float64: 1e-12)."""
    m = build_transformer(7, d_model=16, n_heads=4, d_mlp=32, n_layers=2, seed=0, dtype=torch.float64)
    x = torch.as_tensor(T.tokens(T.all_pairs(7), 7))
    h = m.embed(x)
    for blk in m.blocks:
        h = blk(h, last_only=False)
    assert torch.allclose(m.features(x), m.ln_f(h[:, -1]), rtol=0, atol=1e-12)
    # causality: the first position's output ignores the later tokens
    y = x.clone()
    y[:, 1] = (y[:, 1] + 1) % 7
    h1, h2 = m.embed(x), m.embed(y)
    assert torch.allclose(m.blocks[0](h1)[:, 0], m.blocks[0](h2)[:, 0], atol=1e-12)


@pytest.mark.parametrize("c, kappa, kb", [(0.5, 1.0, 1), (2.0, 0.25, 1), (1.0, 3.0, 2), (0.3, 0.5, 0)])
@pytest.mark.parametrize("norm", ["none", "layernorm"])
def test_scaling_multiplies_each_module_norm(c, kappa, kb, norm):
    m = build_transformer(11, d_model=16, n_heads=2, d_mlp=32, n_layers=2, norm=norm, seed=1, dtype=torch.float64)
    before = module_norms(m)
    after = module_norms(scale_network(m, c, kappa, kb))
    assert set(before) == {"embed", "blocks.0", "blocks.1", "ln_f", "unembed"} - ({"ln_f"} if norm == "none" else set())
    for name in before:
        want = c * (kappa if name in kappa_modules(m, kb) else 1.0)
        assert after[name] / before[name] == pytest.approx(want, rel=1e-12)  # float64 products


def test_reset_readout_scales_by_gamma_and_keeps_the_body():
    m = build_transformer(11, d_model=16, n_heads=2, d_mlp=32, seed=0)
    body = {n: q.detach().clone() for n, q in m.named_parameters() if not n.startswith("unembed")}
    w1 = reset_readout(m, 1.0, seed=7).unembed.weight.detach().clone()
    w3 = reset_readout(m, 3.0, seed=7).unembed.weight.detach().clone()
    assert w1.shape == (11, 16) and torch.allclose(w3, 3 * w1)
    m0 = reset_readout(m, 0.0, seed=7)
    assert float(m0.unembed.weight.detach().abs().sum() + m0.unembed.bias.detach().abs().sum()) == 0.0
    assert all(torch.equal(q, body[n]) for n, q in m0.named_parameters() if n in body)
    with pytest.raises(ParameterError, match="gamma_ft=-1.0 is invalid; valid range: gamma_ft >= 0"):
        reset_readout(m, -1.0, seed=7)


def test_layernorm_fix_in_float64():
    """A LayerNorm divides out its input's scale: without the fix the first LayerNorm (fed by the
    embeddings) and the readout's input do not see c_pt or kappa at all; scaling the LayerNorms'
    affine parameters with their module makes them carry exactly that module's factor.

    Exact identities (LayerNorm eps set to 1e-30 so normalisation is exact up to rounding): with
    weight 1 and bias 0 (the init), each row of a LayerNorm's output has norm sqrt(d) times its
    affine factor, whatever its input."""
    c, kappa, d = 3.0, 0.4, 16
    x = torch.as_tensor(T.tokens(T.all_pairs(7), 7))

    def run(fix):
        m = build_transformer(7, d_model=d, n_heads=2, d_mlp=32, n_layers=2, norm="layernorm", seed=3,
                              dtype=torch.float64)
        for mod in m.modules():
            if isinstance(mod, torch.nn.LayerNorm):
                mod.eps = 1e-30
        seen = {}
        m.blocks[0].ln1.register_forward_hook(lambda mod, i, o: seen.__setitem__("ln1", o.detach()))
        with torch.no_grad():
            ref = m.features(x), seen["ln1"]
            scale_network(m, c, kappa, kappa_blocks=1, scale_norms=fix)
            return ref, (m.features(x), seen["ln1"])

    def rel(a, b):
        return float((a - b).detach().norm() / b.detach().norm())

    # float64 rounding ~1e-16 per operation; 1e-10 leaves room and is far below the factors tested
    (f0, l0), (f1, l1) = run(fix=False)
    assert rel(l1, l0) < 1e-10  # the problem: the first attention's input ignores c_pt * kappa
    assert torch.allclose(f1.norm(dim=1), torch.full((len(x),), d ** 0.5, dtype=torch.float64), rtol=1e-10)
    (f0, l0), (f1, l1) = run(fix=True)
    assert rel(l1, c * kappa * l0) < 1e-10  # embeddings and block 0 carry c * kappa
    assert torch.allclose(f1.norm(dim=1), torch.full((len(x),), c * d ** 0.5, dtype=torch.float64), rtol=1e-10)
    assert rel(f1 / c, f0) > 1e-3  # and the scaled network is a different function, not a rescaled copy


def _kappa_rel_change(kappa):
    m = scale_network(build_transformer(11, d_model=16, n_heads=2, d_mlp=32, seed=4), 0.5, kappa, 1)
    x = torch.as_tensor(T.tokens(T.all_pairs(11), 11))
    y = torch.as_tensor(np.random.default_rng(0).integers(0, 11, len(x)))  # random labels: features must move
    names = [n for n, _ in m.named_parameters() if not n.startswith("unembed")]
    before = {n: q.detach().clone() for n, q in m.named_parameters()}
    train(m, x, y, steps=20, lr=1e-3, loss_threshold=0.0)
    now = dict(m.named_parameters())
    num = sum(float((now[n].detach() - before[n]).pow(2).sum()) for n in names)
    return (num / sum(float(before[n].pow(2).sum()) for n in names)) ** 0.5


def test_smaller_kappa_moves_the_early_layers_relatively_more():
    # Adam's step has a size ~lr per coordinate whatever the gradient's scale, so the relative change
    # of parameters scaled by kappa goes as 1/kappa: a ratio ~4 between kappa = 0.5 and 2; require 2
    assert _kappa_rel_change(0.5) > 2 * _kappa_rel_change(2.0)


# ------------------------------------------------------------------------------- run and CLI
def test_pt_learns_and_a_run_reports_finite_probes(tmp_path):
    proto = Protocol(p=11, train_frac=0.7, d_model=32, n_heads=2, d_mlp=64, pt_steps=400, ft_steps=50,
                     lr_pt=1e-2, lr_ft=3e-3, pt_loss_threshold=0.01, n_probe=30)
    r = run_one(proto, 0, 0.5, 1.0, 1.0, "sub", 40, cache_dir=tmp_path)
    assert r["pt_steps"] < 400 and r["pt_train_loss"] < 0.01  # PT fits its 85 pairs (~210 steps)
    assert 0 <= r["pt_test_accuracy"] <= 1 and 0 <= r["test_accuracy"] <= 1
    assert r["richness"] > 0 and 0 < r["pt_dependence"] <= 1 + 1e-12
    assert list((tmp_path / "pt").glob("*.pt"))  # the PT network is cached ...
    again = run_one(proto, 0, 0.5, 1.0, 1.0, "sub", 40, cache_dir=tmp_path)
    assert {k: v for k, v in again.items() if k != "seconds"} == {k: v for k, v in r.items() if k != "seconds"}


@pytest.mark.parametrize("config", ["transformer_modp_cpu.toml", "transformer_modp_gpu.toml"])
def test_cli_quick_run(tmp_path, config):
    """Both configs run end to end in their --quick mode on the CPU; the CPU one also resumes from
    its cache and redraws (each figure takes a few seconds: done once per config)."""
    args = ["transformer", "run", "--config", str(CONFIGS / config), "--quick", "--device", "cpu", "--out",
            str(tmp_path), "--cache-dir", str(tmp_path / "cache"), "--no-progress", "--json"]
    rc, out, err = _main(*args)
    assert rc == 0, err
    res = json.loads(out)
    assert res["computed"] == res["runs"] > 0 and Path(res["csv"]).is_file()
    assert all(Path(p).stat().st_size > 0 for p in res["figures"])
    with open(res["csv"]) as f:
        rows = list(csv.DictReader(f))
    cfg = tcli.load_config(CONFIGS / config, quick=True)
    n_base = len(cfg["seeds"]) * len(cfg["ft_ops"]) * len(cfg["n_ft"])
    assert sum(r["pretrained"] == "False" for r in rows) == n_base  # one no-PT baseline per seed, op, n_ft
    if "gpu" in config:
        return
    again = run_sweep(tcli.run_point, tcli.run_configs(cfg), tmp_path / "cache" / "runs", progress=False, stats=(st := []))
    assert st[0].computed == 0 and st[0].cached == res["runs"]  # a rerun reads everything back from the cache
    with open(res["csv"]) as f:  # the CSV keeps 10 significant digits
        assert [r["test_accuracy"] for r in again] == pytest.approx([float(r["test_accuracy"]) for r in csv.DictReader(f)],
                                                                    rel=1e-9)


def test_cli_figure_redraws(tmp_path):
    rc, out, err = _main("transformer", "figure", "--csv", ROOT / "validation" / "results" / "transformer" /
                         "transformer_modp_cpu.csv", "--out", tmp_path / "again")
    assert rc == 0 and (tmp_path / "again.png").stat().st_size > 0, err


def test_cli_user_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(Path(CONFIGS / "transformer_modp_cpu.toml").read_text().replace('ft_ops = ["sub", "mul"]',
                                                                                      'ft_ops = ["div"]'))
    for args, msg in ((["--config", str(bad)], "ft_ops='div' is invalid"),
                      (["--config", str(tmp_path / "none.toml")], "not found")):
        rc, out, err = _main(*["transformer", "run", *args, "--out", str(tmp_path), "--no-progress"])
        assert rc == 2 and msg in err and len(err.strip().splitlines()) == 1, err


def test_evidence_table_finds_constructed_effects():
    """Rows built with known effects: test accuracy rises with c_pt by 0.1 per unit (seed noise
    0.01: resolved in every cell), richness does not depend on anything but the seed (resolved in
    none: paired differences are exactly 0, SE 0).  20 seeds: a noise-only cell is then resolved
    with probability ~5%, so at most one of the four kappa / gamma_ft accuracy cells (P(>= 2) ~1%)."""
    from ptft_theory.experiments.transformer.evidence import paired_effects, summary, versus_scratch
    rng = np.random.default_rng(0)
    rows = []
    base = {"c_pt": 1.0, "kappa": 1.0, "gamma_ft": 1.0}
    points = [base] + [{**base, lev: v} for lev, vs in (("c_pt", (0.5, 2.0)), ("kappa", (0.5, 2.0)),
                                                         ("gamma_ft", (0.0, 4.0))) for v in vs]
    for seed in range(20):
        for pt in points:
            for n in (10, 100):
                rows.append({**{k: str(v) for k, v in pt.items()}, "seed": str(seed), "n_ft": str(n), "ft_op": "sub",
                             "test_accuracy": str(0.1 * pt["c_pt"] + 0.01 * rng.normal()),
                             "richness": str(seed), "pt_dependence": str(0.5)})
        for n in (10, 100):  # the no-PT baseline: accuracy 0.05
            rows.append({**{k: str(v) for k, v in base.items()}, "seed": str(seed), "n_ft": str(n), "ft_op": "sub",
                         "pretrained": "False", "test_accuracy": "0.05", "richness": "", "pt_dependence": ""})
    s = {(x["lever"], x["metric"]): x for x in summary(paired_effects(rows))}
    # the baseline is not part of the lever effects; PT minus baseline is 0.05 + noise (SD 0.01) at
    # the base point and 0.15 + noise at c_pt = 2
    vs = {(v["c_pt"], v["n_ft"]): v for v in versus_scratch(rows)}
    assert vs[(1.0, 10)]["diff"] == pytest.approx(0.05, abs=0.01) and vs[(1.0, 10)]["resolved"]
    assert vs[(2.0, 10)]["diff"] == pytest.approx(0.15, abs=0.01)
    assert s[("c_pt", "test_accuracy")]["direction"] == "+" and s[("c_pt", "test_accuracy")]["resolved"] == 2
    assert s[("kappa", "test_accuracy")]["resolved"] + s[("gamma_ft", "test_accuracy")]["resolved"] <= 1
    assert s[("c_pt", "richness")]["direction"] == "none" and s[("gamma_ft", "pt_dependence")]["resolved"] == 0
