"""``ptft nonlinear run|figure|verdicts``: the pre-registered nonlinear studies.

``run --study teacher|fashion`` runs a study from its shipped config (or ``--config``), cached and
resumable, and writes ``OUT/results/nonlinear/<study>.csv``, ``<study>_regime_runs.csv``,
``<study>_verdicts.csv``, ``<study>_regimes.csv`` and ``OUT/figures/nonlinear_<study>.png``.  The
verdicts use ``OUT/results/nonlinear/predictions.csv`` (the committed, pre-registered predictions;
derived there by the same code when the folder has none).  ``figure`` and ``verdicts`` redo those
from the CSVs.  Nothing is written inside the installed package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ParameterError
from ..experiments.network_sweep import DEFAULT_OUT

STUDIES = ("teacher", "fashion")


def register_nonlinear(sub):
    p = sub.add_parser("nonlinear", help="pre-registered nonlinear studies of the three levers (teacher, fashion)",
                       description="Two-layer / three-layer ReLU MLPs, FT task types subset / same / new, levers c, "
                                   "kappa (init and rebalance arms), gamma; verdicts against predictions derived "
                                   "from the diagonal theory.",
                       epilog="example: ptft nonlinear run --study teacher --quick")
    nsub = p.add_subparsers(dest="nonlinear_command", required=True, parser_class=type(p))
    r = nsub.add_parser("run", help="run a study (cached, resumable): raw CSVs, verdicts, figure",
                        epilog="example: ptft nonlinear run --study fashion")
    _common(r)
    r.add_argument("--config", default=None, help="TOML config (default: the shipped nonlinear_<study>.toml)")
    r.add_argument("--quick", action="store_true", help="merge the config's [quick] table (a smoke-size run)")
    r.add_argument("--cache-dir", default=None, help="run and PT cache (default OUT/cache/nonlinear)")
    r.add_argument("--data-root", default=None, help="Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist)")
    r.add_argument("--workers", type=int, default=1, help="local processes (default 1)")
    r.add_argument("--no-progress", action="store_true")
    r.add_argument("--json", action="store_true", help="machine-readable summary (strict JSON)")
    r.set_defaults(func=_cmd_run)
    f = nsub.add_parser("figure", help="redraw a study's figure from its CSVs",
                        epilog="example: ptft nonlinear figure --study teacher")
    _common(f)
    f.add_argument("--quick", action="store_true", help="the --quick run's CSVs")
    f.set_defaults(func=_cmd_figure)
    v = nsub.add_parser("verdicts", help="recompute a study's verdicts and regime comparison from its CSVs",
                        epilog="example: ptft nonlinear verdicts --study teacher --json")
    _common(v)
    v.add_argument("--quick", action="store_true", help="the --quick run's CSVs")
    v.add_argument("--json", action="store_true", help="machine-readable summary (strict JSON)")
    v.set_defaults(func=_cmd_verdicts)


def _common(p):
    p.add_argument("--study", choices=STUDIES, required=True)
    p.add_argument("--out", default=str(DEFAULT_OUT),
                   help="folder holding results/nonlinear/ and figures/ (default ./validation)")


def _cmd_run(args):
    from ..experiments.nonlinear.study import config_name, load_config, run_study  # noqa: PLC0415
    from .figures import writable_dir  # noqa: PLC0415
    load_config(args.config or config_name(args.study), args.quick)  # fail early, naming the file or key
    writable_dir("--out", args.out)
    if args.cache_dir:
        writable_dir("--cache-dir", args.cache_dir)
    try:
        res = run_study(args.study, config=args.config, quick=args.quick, out=args.out, cache_dir=args.cache_dir,
                        data_root=args.data_root, workers=args.workers, progress=not args.no_progress)
    except FileNotFoundError as e:  # missing data: a user error (one line, exit 2)
        raise ParameterError(str(e)) from None
    _report(res, args.json)


def _report(res, as_json):
    if as_json:
        from .common import dump_json  # noqa: PLC0415
        print(dump_json(res))
        return
    for k in ("csv", "regime_runs", "verdicts", "regimes"):
        if k in res:
            print(res[k])
    for p in res.get("figures", []):
        print(p)
    s = res["summary"]
    line = (f"{s['signed']} signed comparisons: {s['agrees']} agree, {s['disagrees']} disagree, {s['unresolved']} "
            f"unresolved; detectable effect {s['detectable_effect']:.3g}")
    if "runs" in res:
        line = f"{res['runs']} runs ({res['computed']} computed, {res['cached']} cached) in {res['seconds']:.1f} s; " + line
    print(line, file=sys.stderr)


def _folder(args) -> tuple[Path, str]:
    name = args.study + ("_quick" if args.quick else "")
    folder = Path(args.out) / "results" / "nonlinear"
    if not (folder / f"{name}.csv").is_file():
        raise ParameterError(f"{folder / (name + '.csv')} does not exist; run `ptft nonlinear run --study {args.study}"
                             f"{' --quick' if args.quick else ''} --out {args.out}` first")
    return folder, name


def _cmd_figure(args):
    from ..experiments.nonlinear.figure import plot_study  # noqa: PLC0415
    from ..experiments.nonlinear.study import config_name, load_config  # noqa: PLC0415
    folder, name = _folder(args)
    from .common import writable_folder  # noqa: PLC0415
    writable_folder("--out", args.out, Path(args.out) / "figures")
    title = load_config(config_name(args.study), args.quick).get("title")  # the title `run` draws
    for p in plot_study(folder / f"{name}.csv", Path(args.out) / "figures" / f"nonlinear_{name}",
                        predictions=folder / "predictions.csv", title=title):
        print(p)


def _cmd_verdicts(args):
    from ..experiments.nonlinear.verdicts import write_verdicts  # noqa: PLC0415
    folder, name = _folder(args)
    from .common import writable_folder  # noqa: PLC0415
    writable_folder("--out", args.out, folder)  # the verdict CSVs are written beside the runs
    _report(write_verdicts(folder, name), args.json)
