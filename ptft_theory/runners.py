"""``ptft validate`` and ``ptft bench``: run the checkout's validation scripts and benchmarks.

Both live outside the package (``validation/*.py``, ``benchmarks/*_bench.py`` of a source checkout),
so these subcommands need one; each script runs in its own Python process and the command's exit
code is non-zero when any script fails.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from .errors import ParameterError

ROOT = Path(__file__).resolve().parent.parent


def _scripts(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        raise ParameterError(f"folder={str(folder)!r} does not exist; these subcommands need a source checkout "
                         "of ptft-theory (git clone, then pip install -e .)")
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith("_"))


def validation_scripts(root: Path = ROOT) -> list[Path]:
    """The validation scripts of the checkout (``validation/*.py``)."""
    return _scripts(root / "validation", "*.py")


def benchmark_scripts(root: Path = ROOT) -> list[Path]:
    """The benchmarks of the checkout (``benchmarks/*_bench.py``)."""
    return _scripts(root / "benchmarks", "*_bench.py")


def _select(scripts: list[Path], only) -> list[Path]:
    if not only:
        return scripts
    names = {p.stem: p for p in scripts}
    bad = [o for o in only if o not in names]
    if bad:
        raise ParameterError(f"--only={bad[0]!r} is invalid; valid: {', '.join(names) or '(none found)'}")
    return [names[o] for o in only]


def run_scripts(scripts: list[Path], extra=(), cwd: Path = ROOT) -> list[dict]:
    """Run each script with ``extra`` arguments; returns name, exit code and seconds per script."""
    out = []
    for s in scripts:
        print(f"== {s.name}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(s), *extra], cwd=cwd, stdout=sys.stderr)
        out.append({"script": s.name, "returncode": rc, "seconds": time.perf_counter() - t0})
    return out


def _report(args, runs):
    if args.json:
        from .cli import dump_json
        print(dump_json({"runs": runs, "ok": all(r["returncode"] == 0 for r in runs)}))
    else:
        for r in runs:
            print(f"{r['script']}: {'ok' if r['returncode'] == 0 else 'FAILED (exit %d)' % r['returncode']} "
                  f"in {r['seconds']:.1f} s")
    if any(r["returncode"] != 0 for r in runs):
        raise SystemExit(1)


def _add_common(p):
    p.add_argument("--list", action="store_true", help="list the scripts and exit")
    p.add_argument("--only", nargs="+", default=None, help="run only these scripts (names without .py)")
    p.add_argument("--json", action="store_true", help="machine-readable summary on stdout")
    p.add_argument("extra", nargs="*", help="arguments passed to every script (after --)")


def register_validate(sub):
    """``ptft validate``: run ``validation/*.py`` of the checkout."""
    p = sub.add_parser("validate", help="run the validation scripts (validation/*.py) of the checkout",
                       description="Run the validation scripts one after another (each writes its CSV to "
                                   "validation/results/ and resumes from it); script output goes to stderr.",
                       epilog="example: ptft validate --only gf_vs_theory -- --cases 4")
    _add_common(p)
    p.set_defaults(func=lambda a: _cmd(a, validation_scripts()))


def register_bench(sub):
    """``ptft bench``: run ``benchmarks/*_bench.py`` of the checkout."""
    p = sub.add_parser("bench", help="run the benchmarks (benchmarks/*_bench.py) of the checkout",
                       description="Run the benchmarks one after another; script output goes to stderr.",
                       epilog="example: ptft bench --list")
    _add_common(p)
    p.set_defaults(func=lambda a: _cmd(a, benchmark_scripts()))


def _cmd(args, scripts):
    scripts = _select(scripts, args.only)
    if args.list:
        if args.json:
            from .cli import dump_json
            print(dump_json({"scripts": [s.name for s in scripts]}))
        else:
            print("\n".join(s.name for s in scripts))
        return
    _report(args, run_scripts(scripts, args.extra))
