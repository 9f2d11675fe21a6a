"""Sizes from configs, flags and arguments are bounded by this machine's memory before anything is
allocated (issue 24): one line naming the parameter, exit 2, never a MemoryError."""

import pytest
from _cli import run_cli
from _configs import transformer_config

from ptft_theory import Task, make_teachers, sample_data
from ptft_theory.errors import ParameterError


@pytest.mark.parametrize("protocol,name", [("p = 1000003", "p"), ("d_model = 1048576\nn_heads = 1", "d_model"),
                                           ("d_mlp = 1099511627776", "d_mlp"),
                                           ("n_layers = 1000000000\nkappa_blocks = 0", "n_layers")])
def test_transformer_sizes_are_bounded_before_allocating(tmp_path, protocol, name):
    """Before: p = 1000003 ran until "internal error: MemoryError" asking 7.28 TiB (exit 1)."""
    cfg = tmp_path / "huge.toml"
    cfg.write_text(transformer_config(name='"huge"', protocol=protocol + "\n"))
    rc, out, err = run_cli("transformer", "run", "--config", cfg, "--out", tmp_path / "out", "--no-progress",
                           "--device", "cpu")
    assert rc == 2 and f"error: {name}=" in err and "needs at least" in err and "memory" in err, err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("kw,name", [(dict(width=2**20), "width"), (dict(image_size=2**20), "image_size"),
                                     (dict(batch_size=2**40), "batch_size")])
def test_resnet_sizes_are_bounded_before_allocating(kw, name):
    from ptft_theory.experiments.resnet.protocol import Protocol
    with pytest.raises(ParameterError, match=rf"^{name}=.*needs at least .* memory"):
        Protocol(**kw)


def test_simulation_sizes_are_bounded_before_allocating():
    with pytest.raises(ParameterError, match=r"^D=1000000000000 .*needs at least"):
        make_teachers(Task(0.1, 0.05, 0.05), 10**12, 0)
    with pytest.raises(ParameterError, match=r"^N=10000000000 .*needs at least"):
        sample_data(10**10, [1.0] * 1000)
    rc, out, err = run_cli("simulate", "--dim", 10**7, "--n-pt", 10**6, "--n-ft", 10, "--c-pt", 1, "--rho-pt", 0.1,
                           "--rho-shared", 0.05, "--rho-new", 0.05)
    assert rc == 2 and "error: dim=10000000 " in err and "needs at least" in err, err


def test_shipped_network_configs_fit():
    """The bound is a lower bound: every shipped config (full and --quick) passes it."""
    from ptft_theory.experiments.network_sweep import CONFIG_DIR
    from ptft_theory.experiments.resnet.sweep import load_config as load_resnet
    from ptft_theory.experiments.nonlinear.study import load_config as load_nonlinear
    from ptft_theory.experiments.transformer.study import load_study_config as load_clean
    from ptft_theory.experiments.transformer.sweep import load_config as load_transformer
    for path in sorted(CONFIG_DIR.glob("*.toml")):
        load = (load_resnet if path.name.startswith("resnet") else load_clean if path.name.startswith(
            "transformer_clean") else load_transformer if path.name.startswith("transformer") else
            load_nonlinear if path.name.startswith("nonlinear") else None)
        if load is not None:
            for quick in (False, True):
                load(path, quick)


def test_clean_transformer_model_size_is_bounded_before_allocating():
    """The clean study's protocol bounds its model by this machine's memory (issue 24's rule for sizes)."""
    from ptft_theory.errors import ParameterError
    from ptft_theory.experiments.transformer.clean import CleanProtocol
    with pytest.raises(ParameterError, match="d_model"):
        CleanProtocol(d_model=2**20, n_heads=1)
