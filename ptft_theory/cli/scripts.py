"""``ptft validate|bench``: run the checkout's validation scripts and benchmarks."""

from __future__ import annotations

from ..experiments.runners import benchmark_scripts, run_scripts, select_scripts, validation_scripts
from .common import dump_json, examples


def _report(args, runs):
    if args.json:
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
                       epilog=examples("ptft validate --list"))
    _add_common(p)
    p.set_defaults(func=lambda a: _cmd(a, validation_scripts()))


def register_bench(sub):
    """``ptft bench``: run ``benchmarks/*_bench.py`` of the checkout."""
    p = sub.add_parser("bench", help="run the benchmarks (benchmarks/*_bench.py) of the checkout",
                       description="Run the benchmarks one after another; script output goes to stderr.",
                       epilog=examples("ptft bench --list"))
    _add_common(p)
    p.set_defaults(func=lambda a: _cmd(a, benchmark_scripts()))


def _cmd(args, scripts):
    scripts = select_scripts(scripts, args.only)
    if args.list:
        if args.json:
                print(dump_json({"scripts": [s.name for s in scripts]}))
        else:
            print("\n".join(s.name for s in scripts))
        return
    _report(args, run_scripts(scripts, args.extra))
