"""Security contract (issue 24): no writes outside ``--out``, no code from data, no unverified native
code, sizes bounded before allocating, cache entries checked before they are served."""

import pathlib

import pytest
from _cli import run_cli

TRANSFORMER_CFG = """
name = {name}
seeds = {seeds}
n_ft = {n_ft}
ft_ops = ["sub"]
[base]
c_pt = 0.25
kappa = 1.0
gamma_ft = 1.0
[protocol]
p = {p}
d_model = 8
n_heads = 2
d_mlp = 8
pt_steps = 2
ft_steps = 2
n_probe = 4
"""


def _transformer_config(tmp_path, name='"ok"', seeds="[0]", n_ft="[5]", p=5):
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(TRANSFORMER_CFG.format(name=name, seeds=seeds, n_ft=n_ft, p=p))
    return cfg


def _files_under(root: pathlib.Path) -> set:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("kind", ["transformer", "resnet"])
@pytest.mark.parametrize("name", ['"../../escaped"', '"/tmp/ptft-pwned-by-config"', '"a/b"', '".."', '""', "3"])
def test_config_name_cannot_escape_out(tmp_path, kind, name):
    """A config's name is one safe path component: the run stops before writing anything (exit 2, the
    message names the key).  Before: the name was joined to --out as given."""
    if kind == "transformer":
        cfg = _transformer_config(tmp_path, name=name)
    else:
        cfg = tmp_path / "cfg.toml"
        cfg.write_text(f'name = {name}\ndataset = "cifar100"\nseeds = [0]\nn_ft = [4]\n'
                       "[base]\nc_pt = 1.0\nkappa = 1.0\ngamma_ft = 1.0\n")
    before = _files_under(tmp_path)
    rc, out, err = run_cli(kind, "run", "--config", cfg, "--quick", "--out", tmp_path / "out", "--no-progress",
                           "--device", "cpu")
    assert rc == 2, err
    assert "name=" in err and "invalid" in err and len(err.strip().splitlines()) == 1
    assert _files_under(tmp_path) == before
    assert not pathlib.Path("/tmp/ptft-pwned-by-config_quick.csv").exists()


@pytest.mark.parametrize("key,value", [("n_ft", "100"), ("seeds", "0"), ("n_ft", "[]")])
def test_config_scalar_where_array_expected_names_the_key(tmp_path, key, value):
    """``n_ft = 100`` or ``seeds = 0`` (a scalar where an array is expected): exit 2 naming the key.
    Before: "internal error: TypeError" (exit 1)."""
    cfg = _transformer_config(tmp_path, **{key: value})
    rc, out, err = run_cli("transformer", "run", "--config", cfg, "--out", tmp_path / "out", "--no-progress",
                           "--device", "cpu")
    assert rc == 2, err
    assert f"{key}=" in err and "array" in err and "internal error" not in err
