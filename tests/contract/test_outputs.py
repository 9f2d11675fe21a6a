"""What the package writes, where, and with which processes: cache keys computed from all of its code
(a stale cache is never served), defaults and installs that never write inside the package, atomic
writes under unique temporary names with the umask's mode, concurrent runs into one folder, workers
that die with their parent.

The slow end-to-end checks (stale cache, wheel install, concurrent runs, killed parent) run in the
default suite at reduced size: one small figure (Fig. 2, or Fig. 5 with ``--quick``).
"""

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest
from _cli import assert_one_line_error, run_cli, scratch_cwd  # noqa: F401  (scratch_cwd: a fixture)

from ptft_theory import cli, fileio
from ptft_theory.errors import ParameterError
from ptft_theory.experiments import figures, sweep
from ptft_theory.experiments import network_sweep as rcli
from ptft_theory.replica import compiled as _cmoments

pytestmark = pytest.mark.usefixtures("scratch_cwd")

REPO = Path(__file__).resolve().parents[2]
PKG = Path(fileio.__file__).resolve().parent  # the package root


def _env(tmp_path, tree=None):
    env = {**os.environ, "PTFT_CACHE_DIR": str(tmp_path / "ccache")}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def _copy_tree(dst: Path) -> Path:
    """A copy of the package (its configs included) under ``dst``."""
    shutil.copytree(PKG, dst / "ptft_theory", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


# ------------------------------------------------------------------------------ cache keys
def test_code_fingerprint_covers_every_source_file(tmp_path):
    """Editing any *.py, *.c or *.h file of the package changes the key; other files do not count."""
    tree = _copy_tree(tmp_path)
    pkg = tree / "ptft_theory"
    base = sweep.code_fingerprint(pkg)
    files = sweep.code_files(pkg)
    assert {f.suffix for f in files} == {".py", ".c", ".h"}
    for must in ("_csrc/replica_moments.c", "kernels/_generated/kernels_c.h", "replica/panels.py", "replica/mp.py",
                 "replica/compiled.py", "solver.py", "replica/curve.py", "experiments/figures.py", "constants.py"):
        assert pkg / must in files, must  # files a hand-written list once missed
    for f in files:
        text = f.read_bytes()
        f.write_bytes(text + b"\n")
        assert sweep.code_fingerprint(pkg) != base, f
        f.write_bytes(text)
    assert sweep.code_fingerprint(pkg) == base
    (pkg / "notes.txt").write_text("not code")
    assert sweep.code_fingerprint(pkg) == base
    assert sweep.code_fingerprint(pkg, extra=("c-library=x",)) != base


def test_code_hash_of_replica_points_includes_the_compiled_library(monkeypatch):
    figures.code_hash.cache_clear()
    try:
        a = figures.code_hash("replica_curve")
        monkeypatch.setattr(_cmoments, "library_fingerprint", lambda: "c-library=rebuilt")
        figures.code_hash.cache_clear()
        assert figures.code_hash("replica_curve") != a
        assert figures.code_hash("sim_error") == sweep.code_fingerprint(PKG)
    finally:
        figures.code_hash.cache_clear()
    with pytest.raises(ParameterError, match="kind='nope' is invalid"):
        figures.code_hash("nope")


def test_resnet_runs_are_keyed_by_the_whole_package():
    """The ResNet run/PT-network key was a hand-written list (protocol, model, data): now computed."""
    from ptft_theory.experiments.resnet import protocol
    assert protocol.code_hash() == sweep.code_fingerprint(PKG, distributions=("torch", "torchvision", "numpy"))


def test_stale_cache_reproducer_editing_the_c_moments_changes_the_csv(tmp_path):
    """The stale-cache reproducer (with the quick Fig. 5, which also has replica lines): edit ``out[1] = mse;``
    in the C moments of a copy of the package, rerun into the same --out: the replica CSV must change."""
    tree = _copy_tree(tmp_path / "tree")
    env = _env(tmp_path, tree)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "ptft_theory.cli", "figures", "--quick", "--only", "fig5", "--out", str(out),
           "--no-progress"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr
    before = (out / "results" / "fig5_replica.csv").read_text()
    assert before.count("\n") > 10
    c = tree / "ptft_theory" / "_csrc" / "replica_moments.c"
    text = c.read_text()
    assert text.count("out[1] = mse;") == 1
    c.write_text(text.replace("out[1] = mse;", "out[1] = mse * (1 + 1e-3);"))
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (out / "results" / "fig5_replica.csv").read_text() != before


# --------------------------------------------------------------- defaults and installs
def test_defaults_never_point_inside_the_package():
    p = cli.build_parser()
    fig = p.parse_args(["figures"])
    res = p.parse_args(["resnet", "run", "--config", "x.toml"])
    for path in (fig.out, res.out):
        assert not Path(path).is_absolute()  # relative to the current directory
    assert not Path(rcli.DEFAULT_OUT).is_absolute()
    assert figures.CONFIG_DIR.parent == PKG and (figures.CONFIG_DIR / "fig2.toml").is_file()


def test_resnet_config_by_shipped_name():
    assert rcli.resolve_config("resnet_fig4_fashion_cpu") == rcli.CONFIG_DIR / "resnet_fig4_fashion_cpu.toml"
    assert rcli.resolve_config("resnet_fig4_fashion_cpu.toml").is_file()
    assert rcli.resolve_config("dir/nope.toml") == Path("dir/nope.toml")


def _site_listing(site: Path) -> set:
    return {str(q.relative_to(site)) for q in site.rglob("*") if "__pycache__" not in q.parts}


@pytest.mark.slow
def test_wheel_install_runs_figures_from_elsewhere_and_writes_nothing_inside(tmp_path):
    """Build a wheel, install it (no deps, no network) into a venv that reuses this interpreter's packages,
    run `ptft figures --quick --only fig2` from another folder, with and without --out."""
    src = tmp_path / "pkgsrc"
    _copy_tree(src)
    for f in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / f, src / f)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                        "-w", str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("ptft_theory-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    site = next(venv.glob("lib/python*/site-packages"))
    # the dependencies (numpy, scipy, matplotlib, ...) come from this interpreter's site-packages, appended
    # after the venv's own: the wheel's ptft_theory is found first, no second torch install, no network
    (site / "_ptft_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                        "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    before = _site_listing(site)
    assert "ptft_theory/configs/fig2.toml" in before
    env = {k: v for k, v in _env(tmp_path).items() if k != "PYTHONPATH"}
    work = tmp_path / "elsewhere"
    work.mkdir()
    ptft = str(venv / "bin" / "ptft")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import ptft_theory; print(ptft_theory.__file__)"],
                           capture_output=True, text=True, env=env, cwd=work, timeout=120)
    assert where.stdout.strip().startswith(str(site)), where  # the wheel's copy runs, not the checkout
    r = subprocess.run([ptft, "figures", "--quick", "--only", "fig2", "--out", str(work / "figs"), "--no-progress"],
                       capture_output=True, text=True, env=env, cwd=work, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (work / "figs" / "results" / "fig2_regime_map.csv").stat().st_size > 0
    assert (work / "figs" / "figures" / "fig2_regime_map.pdf").stat().st_size > 0
    r = subprocess.run([ptft, "resnet", "run", "--config", "resnet_fig4_fashion_cpu", "--quick", "--data-root",
                        str(work / "no-data")], capture_output=True, text=True, env=env, cwd=work, timeout=600)
    assert_one_line_error(r.returncode, r.stderr, (2,), names=("no-data",))  # a shipped config found by name
    assert (work / "validation").is_dir()  # the default --out, checked writable before the data: ./validation
    # nothing written inside the installation (__pycache__ aside: Python's own byte-code cache, which pip
    # fills at install time anyway)
    assert _site_listing(site) == before


# ------------------------------------------------------------------------- atomic writes
def test_csv_writer_uses_unique_temporary_names(tmp_path):
    errors = []

    def writer(i):
        for _ in range(150):
            try:
                fileio.write_csv_atomic(tmp_path / "t.csv", ["a"], [[i]] * 20)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert (tmp_path / "t.csv").read_bytes() in {b"a\r\n" + f"{i}\r\n".encode() * 20 for i in range(3)}
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary file left behind


def test_interrupted_savefig_leaves_no_torn_figure(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure()
    target = tmp_path / "figures" / "x.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF previous complete file")

    def torn(fname, *a, **kw):
        Path(fname).write_bytes(b"%PDF-torn")
        raise KeyboardInterrupt

    fig.savefig = torn
    with pytest.raises(KeyboardInterrupt):
        figures._save(fig, tmp_path, "x")
    plt.close(fig)
    assert target.read_bytes() == b"%PDF previous complete file"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.pdf"]
    fig = plt.figure()
    paths = figures._save(fig, tmp_path, "y")
    plt.close(fig)
    assert [p.read_bytes()[:4] for p in paths] == [b"\x89PNG", b"%PDF"]


def test_atomic_writes_get_the_umask_mode_not_mkstemp_0600(tmp_path):
    """Atomic writes go through a mkstemp file (0600); the result must have the mode a plain open()
    gives under the umask (review finding: every CSV, figure and cache file was owner-only)."""
    umask = os.umask(0o022)
    os.umask(umask)
    want = 0o666 & ~umask
    p = fileio.write_csv_atomic(tmp_path / "x.csv", ["a"], [[1]])
    c = sweep.Cache(tmp_path / "cache", "salt").put({"x": 1}, {"y": 2})
    assert (p.stat().st_mode & 0o777, c.stat().st_mode & 0o777) == (want, want)


# --------------------------------------------------------------- processes, concurrency
def _children(pid):
    kids = []
    for t in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids += [int(x) for x in (t / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _running(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the workers")
def test_workers_die_with_a_killed_parent(tmp_path):
    """SIGKILL of the process driving a ``workers=2`` sweep: its workers (busy for 60 s) end within seconds."""
    (tmp_path / "slowpt.py").write_text("import time\n\ndef f(cfg):\n    time.sleep(60)\n    return {}\n")
    code = ("import sys; sys.path.insert(0, sys.argv[2]); import slowpt; from ptft_theory.experiments.sweep import run_sweep; "
            "run_sweep(slowpt.f, [{'x': i} for i in range(4)], sys.argv[1], workers=2, progress=False)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "cache"), str(tmp_path)], env=_env(tmp_path))
    kids = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(kids) < 2:
            time.sleep(0.1)
            kids = _children(proc.pid)
        assert len(kids) >= 2, "the workers did not start"
        time.sleep(0.5)  # let them pick up a point
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(k) for k in kids):
        time.sleep(0.1)
    alive = [k for k in kids if _running(k)]
    for k in alive:
        os.kill(k, signal.SIGKILL)
    assert alive == [], "workers outlived their parent"


@pytest.mark.slow
def test_concurrent_figure_runs_into_one_out(tmp_path):
    """Two `ptft figures --quick --only fig2` into one --out at once: both succeed, and the CSV is
    byte-identical to a single run's."""
    env = _env(tmp_path)
    cmd = [sys.executable, "-m", "ptft_theory.cli", "figures", "--quick", "--only", "fig2", "--no-progress", "--out"]
    rc, out, err = run_cli(*cmd[3:], tmp_path / "single")  # the single run, in this process
    assert rc == 0, err
    rounds = 3 if os.environ.get("PTFT_FULL") == "1" else 1
    for i in range(rounds):
        out = tmp_path / f"shared{i}"
        procs = [subprocess.Popen(cmd + [str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env) for _ in range(2)]
        results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert [rc for rc, _ in results] == [0, 0], results
        for rel in ("results/fig2_regime_map.csv",):
            assert (out / rel).read_bytes() == (tmp_path / "single" / rel).read_bytes()
        for rel in ("figures/fig2_regime_map.png", "figures/fig2_regime_map.pdf"):
            assert (out / rel).stat().st_size > 0
        assert not [p for p in out.rglob(".tmp-*")]
