"""Security contract (issue 24): no writes outside ``--out``, no code from data, no unverified native
code, sizes bounded before allocating, cache entries checked before they are served."""

import pathlib

import pytest
from _cli import run_cli
from _configs import resnet_config, transformer_config


def _transformer_config(tmp_path, name='"ok"', seeds="[0]", n_ft="[5]", p=5):
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(transformer_config(name=name, seeds=seeds, n_ft=n_ft, p=p))
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
        cfg.write_text(resnet_config(name))
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


# --------------------------------------------------------- the compiled library: built here or not loaded
PLANTED_C = r"""
#include <stdio.h>
__attribute__((constructor)) static void planted(void) {
    FILE *f = fopen(MARKER, "w"); if (f) { fputs("loaded", f); fclose(f); }
}
"""

LOAD_IT = """
import hashlib, sys, warnings
from ptft_theory.replica import compiled as C
h = hashlib.sha256()
for p in C.SOURCES:
    h.update(p.read_bytes())
h.update(" ".join(C.CFLAGS).encode())
print(C.library_path(h.hexdigest()[:16]))
if sys.argv[1] == "load":
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        print(C.library() is not None, C.library_fingerprint(), "|".join(str(x.message) for x in w))
"""


def _in_fresh_process(cache, what):
    import os
    import subprocess
    import sys
    env = {**os.environ, "PTFT_CACHE_DIR": str(cache)}
    env.pop("PTFT_NO_C", None)
    r = subprocess.run([sys.executable, "-c", LOAD_IT, what], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


@pytest.mark.parametrize("folder_mode", [0o700, 0o777])
def test_planted_library_is_never_loaded(tmp_path, folder_mode):
    """A shared library planted at the predictable name (its constructor would write a marker file when
    loaded) is rebuilt from the sources, never loaded; in a folder others can write, no library is loaded
    at all (numpy path, with a warning).  Before: whatever sat at the name was dlopen'ed."""
    import os
    import shutil
    import subprocess
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    cache, marker = tmp_path / "cache", tmp_path / "marker"
    target = pathlib.Path(_in_fresh_process(cache, "path")[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(target.parent, folder_mode)
    (tmp_path / "planted.c").write_text(PLANTED_C)
    subprocess.run([cc, "-shared", "-fPIC", f'-DMARKER="{marker}"', "-o", str(target), str(tmp_path / "planted.c")],
                   check=True, timeout=120)
    planted = target.read_bytes()
    loaded, fingerprint, warned = (_in_fresh_process(cache, "load")[1].split(" ", 2) + [""])[:3]
    assert not marker.exists(), "the planted library was loaded"
    if folder_mode == 0o700:
        assert loaded == "True" and target.read_bytes() != planted  # rebuilt from the sources
        assert fingerprint == "c-library=" + __import__("hashlib").sha256(target.read_bytes()).hexdigest()[:16]
    else:
        assert loaded == "False" and "mode 777" in warned


# ------------------------------------------------------------------ the sweep cache serves only its own
def _tamper(cache_root, how):
    import json

    from ptft_theory.experiments import sweep
    cache = sweep.Cache(cache_root)
    cfg = {"x": 3}
    p = cache.path(cfg)
    rec = json.loads(p.read_text())
    if how == "edited_result":
        rec["result"]["y"] = 1e6
    elif how == "foreign_entry":  # another point's entry copied under this point's key
        other = json.loads(cache.put({"x": 4}, {"y": 16}).read_text())
        rec = other
    elif how == "wrong_salt":
        rec["salt"] = "ptft-sweep-0"
        rec["check"] = sweep.Cache(cache_root, "ptft-sweep-0").check(rec["config"], rec["result"])
    elif how == "not_a_dict":
        rec = [rec]
    elif how == "result_not_a_dict":
        rec["result"] = "9"
    elif how == "no_check":
        del rec["check"]
    elif how == "nan":
        p.write_text(json.dumps(rec).replace('"y": 9', '"y": NaN'))
        return p
    p.write_text(json.dumps(rec))
    return p


@pytest.mark.parametrize("how", ["edited_result", "foreign_entry", "wrong_salt", "not_a_dict",
                                 "result_not_a_dict", "no_check", "nan"])
def test_sweep_cache_recomputes_corrupt_or_foreign_entries(tmp_path, how):
    """A cache entry is served only when its schema, salt, config and digest all match: a corrupt,
    foreign or edited one is recomputed (and rewritten).  Before: a list crashed get(), and an edited
    result or an entry without the digest was served as it stood."""
    from ptft_theory.experiments import sweep
    calls = []

    def square(cfg):
        calls.append(cfg["x"])
        return {"y": cfg["x"] ** 2}
    assert sweep.run_sweep(square, [{"x": 3}], tmp_path, progress=False) == [{"y": 9}]
    _tamper(tmp_path, how)
    calls.clear()
    assert sweep.run_sweep(square, [{"x": 3}], tmp_path, progress=False) == [{"y": 9}]
    assert calls == [3]
    calls.clear()
    assert sweep.run_sweep(square, [{"x": 3}], tmp_path, progress=False) == [{"y": 9}] and calls == []
