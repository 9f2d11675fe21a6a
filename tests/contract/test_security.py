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


# ------------------------------------------------------------------- CIFAR-100 pickles are data only
class _WritesAFile:
    """Unpickling this with pickle.load would call pathlib.Path.touch on the marker (code from data)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def _cifar_root(tmp_path, n=4):
    import numpy as np

    from ptft_theory.experiments.resnet.data import write_cifar100_like
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(n, 3, 32, 32), dtype=np.uint8)
    y = np.arange(n) % 2
    return write_cifar100_like(tmp_path / "data", x, y, x[:2], y[:2], ["a", "b"]), x, y


@pytest.mark.parametrize("where", ["train", "meta"])
def test_crafted_cifar_pickle_runs_nothing(tmp_path, where):
    """A batch whose pickle would run code (here: create a file) is refused with an error naming the file
    and the global, and the file is never created.  Before: pickle.load ran it."""
    import pickle

    from ptft_theory.errors import ParameterError
    from ptft_theory.experiments.resnet.data import load_cifar100
    folder, _, _ = _cifar_root(tmp_path)
    marker = tmp_path / "pwned"
    with open(folder / where, "wb") as f:
        pickle.dump({"data": _WritesAFile(marker), "fine_labels": [0], "fine_label_names": ["a"]}, f)
    with pytest.raises(ParameterError, match=rf"{where}: refused to unpickle: global pathlib.*Path.*not allowed"):
        load_cifar100(folder.parent)
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_restricted_unpickler_reads_the_cifar_format(tmp_path, protocol):
    """Honest batches (numpy arrays at protocols 2, 4, 5, numpy 1's module spelling) read back exactly."""
    import pickle

    import numpy as np

    from ptft_theory.experiments.resnet import safe_pickle
    a = np.arange(24, dtype=np.uint8).reshape(2, 12)
    rec = {"data": a, "fine_labels": [1, 0], "batch_label": "train", "f": np.float64(0.5), "b": b"xy"}
    blob = pickle.dumps(rec, protocol=protocol)
    # protocol 2 names globals as text lines, so numpy 1's spelling (the real CIFAR-100 files') is a replace
    numpy1 = [blob.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")] if protocol == 2 else []
    for blob_ in [blob, *numpy1]:
        got = safe_pickle.loads(blob_)
        assert type(got["data"]) is np.ndarray and got["data"].dtype == np.uint8
        np.testing.assert_array_equal(got["data"], a)
        assert got["fine_labels"] == [1, 0] and got["b"] == b"xy" and got["batch_label"] == "train"


@pytest.mark.parametrize("payload", ["object_array", "os_system", "ndarray_call"])
def test_restricted_unpickler_refuses_objects(payload):
    import pickle

    import numpy as np

    from ptft_theory.errors import ParameterError
    from ptft_theory.experiments.resnet import safe_pickle
    if payload == "object_array":
        blob = pickle.dumps(np.array([1, "x"], dtype=object), protocol=2)
    elif payload == "os_system":
        blob = b"cos\nsystem\n(S'true'\ntR."
    else:
        blob = b"cnumpy\nndarray\n((I3\ntS'O'\ntR."
    with pytest.raises(ParameterError, match="refused to unpickle|not a readable data pickle"):
        safe_pickle.loads(blob)


def test_cifar_loader_reads_what_the_writer_wrote(tmp_path):
    from ptft_theory.experiments.resnet.data import load_cifar100
    folder, x, y = _cifar_root(tmp_path)
    train, test = load_cifar100(folder.parent)
    assert (train.images == x).all() and list(train.labels) == list(y) and train.class_names == ("a", "b")
