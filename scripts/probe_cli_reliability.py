"""Probe the CLI contract on a source tree: cache keys (item 1), strict JSON (3), installs (6), concurrency (7),
error lines (9), security (24); items numbered as in the table this prints.

    python scripts/probe_cli_reliability.py [TREE]        # TREE: a checkout (default: this one)

Runs every case in a fresh process with ``PYTHONPATH=TREE`` (so an old tree exported with ``git archive``
is probed with the same dependencies), from a scratch directory, and classifies it:

* ``ok``      the right answer, or a one-line error on stderr naming the parameter/file, exit 1 or 2;
* ``unclear`` a one-line error that does not name the parameter or file;
* ``silent``  exit 0 with a wrong or invalid result (invalid JSON, a stale cache, a torn file, ...);
* ``crash``   a traceback, a hang, an exit code outside {0, 1, 2}, or a crash of a concurrent run.

Prints one line per case and a summary table (JSON with ``--json``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "tests"))
from _configs import resnet_config, transformer_config  # noqa: E402  (the tests' shared configs)
TASK = ["--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new", "0.05"]


def _strict(s):
    def bad(c):
        raise ValueError(c)
    return json.loads(s, parse_constant=bad)


class Probe:
    def __init__(self, tree: Path, scratch: Path):
        self.tree, self.scratch = tree, scratch
        self.env = {**os.environ, "PYTHONPATH": str(tree), "PTFT_CACHE_DIR": str(scratch / "ccache"),
                    "MPLCONFIGDIR": str(scratch / "mpl")}
        self.rows = []

    def py(self, code, timeout=120, **kw):
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=self.env,
                              cwd=self.scratch, timeout=timeout, **kw)

    def ptft(self, *args, timeout=120):
        t0 = time.perf_counter()
        try:
            r = subprocess.run([sys.executable, "-m", "ptft_theory.cli", *map(str, args)], capture_output=True,
                               text=True, env=self.env, cwd=self.scratch, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, time.perf_counter() - t0
        return r, time.perf_counter() - t0

    def record(self, item, case, verdict, detail=""):
        self.rows.append({"item": item, "case": case, "verdict": verdict, "detail": detail[:160]})
        print(f"[{item}] {verdict:8s} {case}: {detail[:160]}", flush=True)

    def cli_case(self, item, case, args, names=(), want_json=False, timeout=120, want_rc=None):
        """Run ``ptft args``; ok = exit 0 (strict JSON when asked) or a one-line error naming one of ``names``;
        with ``want_rc`` any other exit code is "silent" (e.g. exit 0 where an error is due)."""
        r, dt = self.ptft(*args, timeout=timeout)
        if r is None:
            return self.record(item, case, "crash", f"no answer in {timeout} s")
        err = r.stderr.strip()
        if "Traceback" in err or r.returncode not in (0, 1, 2):
            return self.record(item, case, "crash", f"rc {r.returncode}: {err.splitlines()[-1] if err else ''}")
        if want_rc is not None and r.returncode != want_rc:
            return self.record(item, case, "silent", f"rc {r.returncode} (want {want_rc}): {err[:120]}")
        if r.returncode == 0:
            if want_json:
                try:
                    _strict(r.stdout)
                except ValueError as e:
                    return self.record(item, case, "silent", f"exit 0, invalid JSON ({e})")
            return self.record(item, case, "ok", f"exit 0 in {dt:.1f} s")
        lines = err.splitlines()
        if len(lines) == 1 and (not names or any(n in lines[0] for n in names)):
            return self.record(item, case, "ok", f"rc {r.returncode}: {lines[0]}")
        return self.record(item, case, "unclear", f"rc {r.returncode}: {' | '.join(lines)[:150]}")


# ----------------------------------------------------------------------------------------- items
def item1_cache_key(p: Probe):
    """Edit each file the issue names in a copy of the package: do the fig3 point keys change?"""
    copy = p.scratch / "tree1"
    shutil.copytree(p.tree / "ptft_theory", copy / "ptft_theory", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    if (p.tree / "validation" / "configs").is_dir():
        shutil.copytree(p.tree / "validation" / "configs", copy / "validation" / "configs")
    code = """
import json, sys
from pathlib import Path
import ptft_theory.experiments.figures as F
from ptft_theory.experiments import sweep
keys = {}
class Stop(Exception):
    pass
def rec(fn, configs, cache, **kw):
    configs = list(configs)
    for c in configs:
        keys.setdefault(c["kind"], []).append(sweep.config_key(c))
    if configs and configs[0]["kind"] == "replica_curve":
        return [{"E": None, "error": "probe"} for _ in configs]
    raise Stop
F.run_sweep = rec
try:
    F.figure3(F.RunOptions(out=Path(sys.argv[1]), quick=True, progress=False))
except Stop:
    pass
print(json.dumps(keys))
"""
    env = {**p.env, "PYTHONPATH": str(copy)}

    def keys():
        r = subprocess.run([sys.executable, "-c", code, str(p.scratch / "o1")], capture_output=True, text=True,
                           env=env, cwd=p.scratch, timeout=300)
        if r.returncode:
            raise RuntimeError(r.stderr[-400:])
        return json.loads(r.stdout)

    base = keys()
    edits = [("_csrc/replica_moments.c", "out[1] = mse;", "out[1] = mse * (1 + 1e-3);"),
             ("kernels/_generated/kernels_c.h", None, "\n/* probe */\n"), ("replica/panels.py", None, "\n# probe\n"),
             ("replica/mp.py", None, "\n# probe\n"), ("replica/compiled.py", None, "\n# probe\n"),
             ("solver.py", None, "\n# probe\n"), ("tasks.py", None, "\n# probe\n")]
    for rel, old, new in edits:
        f = copy / "ptft_theory" / rel
        if not f.exists():
            p.record(1, f"edit {rel}", "ok", "file absent in this tree")
            continue
        text = f.read_text()
        f.write_text(text.replace(old, new) if old else text + new)
        got = keys()
        f.write_text(text)
        kind = "replica_curve" if rel != "tasks.py" else "sim_error"
        changed = set(got.get(kind, [])) != set(base.get(kind, []))
        p.record(1, f"edit {rel} -> {kind} keys", "ok" if changed else "silent",
                 "keys change" if changed else "same keys: old points (and old failures) reused")


def item3_json(p: Probe):
    p.cli_case(3, "curve --alpha 0.5 1.5 --json", ["curve", "--c-pt", "0.01", *TASK, "--alpha", "0.5", "1.5",
                                                   "--json"], names=("alpha",), want_json=True)
    p.cli_case(3, "regime --c-pt 1e300 --json", ["regime", "--c-pt", "1e300", *TASK, "--json"],
               names=("c_pt",), want_json=True)
    p.cli_case(3, "scales --gamma-ft 1e200 --json", ["scales", "--beta-pt", "0", "1", "--c-pt", "1e-3",
                                                     "--gamma-ft", "1e200", "--json"], names=("gamma_ft",),
               want_json=True)
    p.cli_case(3, "curve --dps 20 --alpha 0.5 1.5 --json", ["curve", "--c-pt", "0.01", *TASK, "--alpha", "0.5",
                                                            "1.5", "--dps", "20", "--json"], names=("alpha",),
               want_json=True)


def item6_installs(p: Probe):
    """Build a wheel of the tree, install it into a venv reusing this interpreter's packages, run from elsewhere."""
    src = p.scratch / "wsrc"
    shutil.copytree(p.tree / "ptft_theory", src / "ptft_theory", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for f in ("pyproject.toml", "README.md"):
        shutil.copy(p.tree / f, src / f)
    if (p.tree / "validation" / "configs").is_dir():
        shutil.copytree(p.tree / "validation" / "configs", src / "validation" / "configs")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(p.scratch / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    if r.returncode:
        return p.record(6, "build wheel", "crash", r.stderr[-200:])
    wheel = next((p.scratch / "dist").glob("*.whl"))
    venv = p.scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    import sysconfig
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    before = {q for q in site.rglob("*") if "__pycache__" not in q.parts}
    env = {k: v for k, v in p.env.items() if k != "PYTHONPATH"}
    work = p.scratch / "elsewhere"
    work.mkdir()
    ptft = str(venv / "bin" / "ptft")
    r = subprocess.run([ptft, "figures", "--quick", "--only", "fig2", "--out", str(work / "figs"), "--no-progress"],
                       capture_output=True, text=True, env=env, cwd=work, timeout=300)
    if r.returncode == 0 and (work / "figs" / "results" / "fig2_regime_map.csv").exists():
        p.record(6, "wheel: figures --quick --only fig2 --out DIR", "ok", "exit 0, CSV written")
    elif "Traceback" in r.stderr:
        p.record(6, "wheel: figures --quick --only fig2 --out DIR", "crash", r.stderr.strip().splitlines()[-1])
    else:
        p.record(6, "wheel: figures --quick --only fig2 --out DIR", "unclear", r.stderr.strip()[-150:])
    r = subprocess.run([ptft, "figures", "--quick", "--only", "fig2", "--no-progress"], capture_output=True,
                       text=True, env=env, cwd=work, timeout=300)
    after = {q for q in site.rglob("*") if "__pycache__" not in q.parts}
    new = sorted(str(q.relative_to(site)) for q in after - before)
    p.record(6, "wheel: figures with the default --out writes outside site-packages",
             "ok" if not new and r.returncode == 0 else ("silent" if new else "crash"),
             f"{len(new)} new paths in site-packages {new[:2]}" if new else r.stderr.strip()[-120:])
    # where would `ptft resnet run` write by default? (parse only: no data needed)
    code = ("import sys; from ptft_theory import cli; a = cli.build_parser().parse_args(['resnet', 'run', "
            "'--config', 'x.toml']); from ptft_theory.experiments import network_sweep as R; import inspect; "
            "print(a.out); print(a.cache_dir or getattr(R, 'DEFAULT_CACHE', ''))")
    r = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, env=env,
                       cwd=work, timeout=120)
    outs = [Path(x).resolve() if Path(x).is_absolute() else (work / x).resolve() for x in r.stdout.split()]
    inside = [str(o) for o in outs if str(o).startswith(str(site.resolve()))]
    p.record(6, "wheel: resnet run default --out / cache outside site-packages",
             "silent" if inside else ("ok" if r.returncode == 0 else "crash"), ", ".join(inside) or r.stdout.strip())


def item7_concurrency(p: Probe):
    code = """
import threading, sys
from pathlib import Path
from ptft_theory.fileio import write_csv_atomic
errs = []
def go(i):
    for j in range(300):
        try:
            write_csv_atomic(Path(sys.argv[1]) / "t.csv", ["a"], [[i]] * 50)
        except Exception as e:
            errs.append(type(e).__name__)
ts = [threading.Thread(target=go, args=(i,)) for i in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
print(len(errs))
"""
    d = p.scratch / "c7"
    d.mkdir()
    r = subprocess.run([sys.executable, "-c", code, str(d)], capture_output=True, text=True, env=p.env, timeout=120)
    n = int(r.stdout.strip() or -1)
    p.record(7, "two writers of one CSV (600 writes)", "ok" if n == 0 else "crash", f"{n} failed writes")
    # a failure in the middle of savefig must not leave a torn figure file
    code = """
import sys
from pathlib import Path
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
from ptft_theory.experiments import figures
fig = plt.figure()
real = fig.savefig
def torn(fname, *a, **kw):
    if hasattr(fname, "write"):
        fname.write(b"%PDF-torn"); raise KeyboardInterrupt
    Path(fname).write_bytes(b"%PDF-torn"); raise KeyboardInterrupt
fig.savefig = torn
try:
    figures._save(fig, Path(sys.argv[1]), "x")
except KeyboardInterrupt:
    pass
torn_files = [str(q) for q in Path(sys.argv[1]).rglob("*") if q.is_file() and q.read_bytes() == b"%PDF-torn"]
print(len(torn_files))
"""
    r = subprocess.run([sys.executable, "-c", code, str(p.scratch / "c7b")], capture_output=True, text=True,
                       env=p.env, timeout=120)
    n = int(r.stdout.strip() or -1)
    p.record(7, "savefig interrupted mid-write", "ok" if n == 0 else "silent", f"{n} torn figure files left")
    # SIGKILL of the parent of a --workers 2 sweep: are the workers gone?
    mod = p.scratch / "probe_mod"
    mod.mkdir()
    (mod / "slowpt.py").write_text("import time\ndef f(cfg):\n    time.sleep(60)\n    return {}\n")
    code = """
import sys
sys.path.insert(0, sys.argv[2])
import slowpt
from ptft_theory.experiments.sweep import run_sweep
run_sweep(slowpt.f, [{"x": i} for i in range(4)], sys.argv[1], workers=2, progress=False)
"""
    proc = subprocess.Popen([sys.executable, "-c", code, str(p.scratch / "c7c"), str(mod)], env=p.env)
    kids = []
    for _ in range(100):
        time.sleep(0.2)
        try:
            kids = [int(x) for t in Path(f"/proc/{proc.pid}/task").iterdir()
                    for x in (t / "children").read_text().split()]
        except OSError:
            kids = []
        if len(kids) >= 2:
            break
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(3.0)
    alive = [k for k in kids if Path(f"/proc/{k}").exists() and "Z" not in
             (Path(f"/proc/{k}/stat").read_text().split()[2] if Path(f"/proc/{k}/stat").exists() else "Z")]
    for k in alive:
        os.kill(k, signal.SIGKILL)
    p.record(7, "SIGKILL parent of --workers 2", "ok" if kids and not alive else "crash",
             f"{len(kids)} workers, {len(alive)} alive 3 s after")
    # two `ptft figures --quick --only fig2` into one --out at once, three times
    fails, same = 0, True
    ref = p.scratch / "c7ref"
    p.ptft("figures", "--quick", "--only", "fig2", "--out", ref, "--no-progress")
    for i in range(3):
        out = p.scratch / f"c7d{i}"
        procs = [subprocess.Popen([sys.executable, "-m", "ptft_theory.cli", "figures", "--quick", "--only", "fig2",
                                   "--out", str(out), "--no-progress"], env=p.env, cwd=p.scratch,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
        fails += sum(q.wait() != 0 for q in procs)
        same &= (out / "results/fig2_regime_map.csv").read_bytes() == (ref / "results/fig2_regime_map.csv").read_bytes()
    p.record(7, "2 concurrent figures --only fig2, x3", "ok" if fails == 0 and same else "crash",
             f"{fails} failed runs; CSV identical to a single run: {same}")


def item9_errors(p: Probe):
    f = p.scratch / "a_file"
    f.write_text("x")
    p.cli_case(9, "figures --out under a file", ["figures", "--quick", "--only", "fig2", "--out", f / "out"],
               names=("--out", "out="))
    p.cli_case(9, "figures --cache-dir under a file", ["figures", "--quick", "--only", "fig2", "--out",
                                                       p.scratch / "o9", "--cache-dir", f / "cache"],
               names=("--cache-dir", "cache_dir"))
    bad = p.scratch / "bad.toml"
    bad.write_text("name = 'x'\nseeds = [0,\n")
    p.cli_case(9, "resnet run --config malformed.toml", ["resnet", "run", "--config", bad], names=("bad.toml",))
    p.cli_case(9, "resnet run --config missing.toml", ["resnet", "run", "--config", p.scratch / "missing.toml"],
               names=("missing.toml",))
    p.cli_case(9, "simulate --device bogus", ["simulate", "--dim", "4", "--n-pt", "2", "--n-ft", "2", "--c-pt", "0.1",
                                              "--rho-pt", "0.5", "--rho-shared", "0.25", "--rho-new", "0.25",
                                              "--device", "bogus"], names=("device",))
    p.cli_case(9, "simulate --seed -1", ["simulate", "--dim", "4", "--n-pt", "2", "--n-ft", "2", "--c-pt", "0.1",
                                         "--rho-pt", "0.5", "--rho-shared", "0.25", "--rho-new", "0.25", "--seed",
                                         "-1"], names=("seed",))
    p.cli_case(9, "regime --c-pt 1e-300", ["regime", "--c-pt", "1e-300", *TASK], names=("c_pt",))
    p.cli_case(9, "curve --sigma 1e200", ["curve", "--c-pt", "0.01", *TASK, "--alpha", "0.5", "--sigma", "1e200"],
               names=("sigma",))
    p.cli_case(9, "boundary equal without --c-pt", ["boundary", "equal", *TASK, "--scheme-a", "merged"],
               names=("c_pt",))
    p.cli_case(9, "resnet figure --csv missing", ["resnet", "figure", "--csv", p.scratch / "none.csv"],
               names=("csv",))
    p.cli_case(9, "figures --workers 0", ["figures", "--workers", "0"], names=("workers",))


PLANT = r"""
import hashlib, pathlib, subprocess, sys
from ptft_theory.replica import compiled as C
h = hashlib.sha256()
for p in C.SOURCES:
    h.update(p.read_bytes())
h.update(" ".join(C.CFLAGS).encode())
target = C.library_path(h.hexdigest()[:16])
target.parent.mkdir(parents=True, exist_ok=True)
target.parent.chmod(0o700)
src = pathlib.Path(sys.argv[1]) / "planted.c"
src.write_text('#include <stdio.h>\n__attribute__((constructor)) static void f(void) '
               '{ FILE *o = fopen("' + sys.argv[1] + '/planted-loaded", "w"); if (o) fclose(o); }\n')
subprocess.run(["cc", "-shared", "-fPIC", "-o", str(target), str(src)], check=True)
C.library()
print(pathlib.Path(sys.argv[1], "planted-loaded").exists())
"""


def item24_security(p: Probe):
    """Writes outside --out, code from data, planted native code, unbounded sizes, failure paths."""
    def tcfg(fname, name='"tiny"', seeds="[0]", prime=5):
        f = p.scratch / fname
        f.write_text(transformer_config(name=name, seeds=seeds, p=prime))
        return f
    out = p.scratch / "o24"
    for name in ('"../../escaped"', '"/tmp/ptft-probe-escaped"'):
        p.cli_case(24, f"transformer run name={name}", ["transformer", "run", "--config", tcfg("n.toml", name),
                                                         "--quick", "--out", out, "--no-progress", "--device", "cpu"],
                   names=("name=",), want_rc=2)
    escaped = [q for q in p.scratch.rglob("escaped_quick*") if out not in q.parents]
    escaped += [q for q in Path("/tmp").glob("ptft-probe-escaped_quick*")]
    p.record(24, "no file written outside --out", "silent" if escaped else "ok", ", ".join(map(str, escaped)))
    p.cli_case(24, "transformer run seeds = 0", ["transformer", "run", "--config", tcfg("s.toml", seeds="0"), "--out",
                                                 out, "--no-progress", "--device", "cpu"], names=("seeds=",), want_rc=2)
    p.cli_case(24, "transformer run p = 1000003", ["transformer", "run", "--config", tcfg("p.toml", prime=1000003),
                                                   "--out", out, "--no-progress", "--device", "cpu"],
               names=("p=1000003",), want_rc=2)
    # a CIFAR-100 batch whose __reduce__ would create a file
    data = p.scratch / "data" / "cifar-100-python"
    data.mkdir(parents=True, exist_ok=True)
    marker = p.scratch / "pickle-ran"
    p.py(f"import pathlib, pickle\nclass E:\n    def __reduce__(self):\n        return (pathlib.Path.touch, "
         f"(pathlib.Path({str(marker)!r}),))\nfor n in ('train', 'test', 'meta'):\n    pickle.dump({{'data': E()}}, "
         f"open({str(data)!r} + '/' + n, 'wb'))\n")
    rcfg = p.scratch / "r.toml"
    rcfg.write_text(resnet_config())
    p.cli_case(24, "resnet run --data-root crafted pickle", ["resnet", "run", "--config", rcfg, "--data-root",
                                                             data.parent, "--out", out, "--no-progress", "--device",
                                                             "cpu"], names=("refused to unpickle",), want_rc=2,
               timeout=300)  # imports torch first: minutes on a loaded 2-core machine
    p.record(24, "crafted pickle ran nothing", "silent" if marker.exists() else "ok", str(marker))
    r = subprocess.run([sys.executable, "-c", PLANT, str(p.scratch)], capture_output=True, text=True, env=p.env,
                       cwd=p.scratch, timeout=300)
    p.record(24, "planted C library not loaded", "ok" if r.stdout.strip() == "False" else "silent",
             (r.stdout + r.stderr).strip()[-150:])
    p.cli_case(24, "advise --plot /proc/x.png", ["advise", *TASK, "--alpha", "0.3", "--plot", "/proc/x.png"],
               names=("--plot",), want_rc=2)
    csv_path = p.scratch / "junk.csv"
    csv_path.write_text("c_pt,kappa,gamma_ft,n_ft,test_accuracy,richness,pt_dependence,ft_op,p,pt_op,device,pretrained\n"
                        + "abc,abc,abc,abc,abc,abc,abc,sub,x,add,cpu,True\n" * 3)
    p.cli_case(24, "transformer figure on a non-numeric CSV", ["transformer", "figure", "--csv", csv_path, "--out",
                                                               out / "fig"], names=("column",), want_rc=2)
    p.cli_case(24, "simulate merged lambda=-c gamma=0", ["simulate", "--dim", "20", "--n-pt", "10", "--n-ft", "6",
                                                         "--c-pt", "0.1", "--lambda-pt", "-0.1", "--gamma-ft", "0",
                                                         "--scheme", "merged", *TASK], names=("frozen",), want_rc=2)
    p.cli_case(24, "curve amp_pt=1e100 alpha_pt=0.5", ["curve", "--c-pt", "1e-3", *TASK, "--amp-pt", "1e100", "--alpha",
                                                       "0.3", "0.6", "--alpha-pt", "0.5", "--json"], want_json=True,
               want_rc=0)
    p.cli_case(24, "simulate c_pt=1e-12 (stall)", ["simulate", "--dim", "20", "--n-pt", "10", "--n-ft", "6", "--c-pt",
                                                   "1e-12", *TASK], names=("c_pt",), timeout=60)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tree = Path(args[0]).resolve() if args else HERE
    only = os.environ.get("PROBE_ITEMS", "1,3,6,7,9,24").split(",")
    with tempfile.TemporaryDirectory(prefix="ptft-probe-") as d:
        p = Probe(tree, Path(d))
        for name, fn in (("1", item1_cache_key), ("3", item3_json), ("6", item6_installs), ("7", item7_concurrency),
                         ("9", item9_errors), ("24", item24_security)):
            if name in only:
                try:
                    fn(p)
                except Exception as e:  # a probe that cannot run counts as a crash of the tree
                    p.record(int(name), "probe", "crash", f"{type(e).__name__}: {e}")
    table = {}
    for r in p.rows:
        t = table.setdefault(r["item"], {"cases": 0, "ok": 0, "unclear": 0, "silent": 0, "crash": 0})
        t["cases"] += 1
        t[r["verdict"]] += 1
    if "--json" in sys.argv:
        print(json.dumps({"tree": str(tree), "rows": p.rows, "table": table}, indent=1))
    print(f"\n{'item':>4} {'cases':>5} {'ok':>4} {'unclear':>7} {'silent':>6} {'crash':>5}   ({tree})")
    for item, t in sorted(table.items()):
        print(f"{item:>4} {t['cases']:>5} {t['ok']:>4} {t['unclear']:>7} {t['silent']:>6} {t['crash']:>5}")
    tot = {k: sum(t[k] for t in table.values()) for k in ("cases", "ok", "unclear", "silent", "crash")}
    print(f"{'all':>4} {tot['cases']:>5} {tot['ok']:>4} {tot['unclear']:>7} {tot['silent']:>6} {tot['crash']:>5}")


if __name__ == "__main__":
    main()
