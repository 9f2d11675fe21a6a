"""``ptft transformer run|figure``: the modular-arithmetic sweep from a TOML config, and its figure.

The sweep is :mod:`ptft_theory.experiments.transformer.sweep` on the engine shared with ``ptft resnet``
(:mod:`ptft_theory.experiments.network_sweep`); the options are those of :mod:`.resnet`.
"""

from __future__ import annotations

from ..errors import ParameterError
from .common import examples
from .resnet import add_figure_parser, add_run_args, check_run_args, print_run, redraw


# ------------------------------------------------------------------------------------------ CLI
def register_transformer(sub):
    p = sub.add_parser("transformer", help="transformer validation on modular arithmetic (offline Fig. 4 analogue)",
                       description="Pretrain a scaled transformer on (a + b) mod p, fine-tune on a related and an "
                                   "unrelated operation; FT test accuracy and regime probes vs n_FT per "
                                   "(c_PT, kappa, gamma_FT).",
                       epilog=examples("ptft transformer figure --csv validation/results/transformer/"
                                       "transformer_modp_cpu.csv --out transformer",
                                       "ptft transformer run --config transformer_modp_gpu --quick --out tf-quick",
                                       note="needs torch: pip install 'ptft-theory[networks]'"))
    tsub = p.add_subparsers(dest="transformer_command", required=True, parser_class=type(p))
    r = tsub.add_parser("run", help="run a sweep from a TOML config (cached, resumable), write CSV and figure",
                        epilog=examples("ptft transformer run --config transformer_modp_gpu --quick --out tf-quick",
                                        "ptft transformer run --config transformer_modp_gpu --device auto"))
    add_run_args(r, "transformer")
    r.set_defaults(func=_cmd_run)
    add_figure_parser(tsub, "ptft transformer figure --csv validation/results/transformer/transformer_modp_cpu.csv "
                            "--out transformer",
                      _cmd_figure)
    c = tsub.add_parser("clean", help="the clean test: generalising PT, levers at a fixed PT function, "
                                      "subset/same/new FT tasks; raw runs, verdicts, figure",
                        epilog="example: ptft transformer clean --config ptft_theory/configs/transformer_clean_cpu.toml")
    c.add_argument("--config", required=True, help="TOML config: a path, or the name of a shipped one "
                                                   "(ptft_theory/configs/transformer_clean_*.toml)")
    c.add_argument("--quick", action="store_true", help="merge the config's [quick] table (a smoke-size run)")
    c.add_argument("--out", default="validation", help="folder receiving results/nonlinear/ and figures/ "
                                                       "(default: ./validation)")
    c.add_argument("--cache-dir", default=None, help="per-seed cache (default OUT/cache/transformer_clean)")
    from .common import device_arg  # noqa: PLC0415
    c.add_argument("--device", type=device_arg, default="cpu", help="cpu (default), auto (CUDA when present), cuda")
    c.add_argument("--cached-only", action="store_true",
                   help="compute nothing: write the CSVs and figure from the runs already cached (partial results)")
    c.add_argument("--workers", type=int, default=1, help="local processes, one seed each at a time (default 1; "
                                                           "CPU only; the outputs do not depend on it)")
    c.add_argument("--no-progress", action="store_true")
    c.add_argument("--json", action="store_true", help="machine-readable summary (strict JSON)")
    c.set_defaults(func=_cmd_clean)


def _cmd_run(args):
    from ..experiments.transformer.sweep import load_config, run_sweep_from_config  # noqa: PLC0415
    check_run_args(args, load_config)
    try:
        res = run_sweep_from_config(args.config, quick=args.quick, device=args.device, out=args.out,
                                    cache_dir=args.cache_dir, workers=args.workers, progress=not args.no_progress,
                                    threads=args.threads or None)
    except FileNotFoundError as e:  # a missing config: a user error (one line, exit 2)
        raise ParameterError(str(e)) from None
    print_run(res, args.json)


def _cmd_clean(args):
    import sys  # noqa: PLC0415
    from ..experiments.transformer.study import load_study_config, run_study  # noqa: PLC0415
    from .figures import writable_dir  # noqa: PLC0415
    load_study_config(args.config, args.quick)
    writable_dir("--out", args.out)
    if args.cache_dir is not None:
        writable_dir("--cache-dir", args.cache_dir)
    from ..experiments.resnet.training import resolve_device  # noqa: PLC0415
    res = run_study(args.config, quick=args.quick, out=args.out, cache_dir=args.cache_dir,
                    progress=not args.no_progress, device=resolve_device(args.device),
                    cached_only=args.cached_only, workers=args.workers)
    if args.json:
        from .common import dump_json  # noqa: PLC0415
        print(dump_json(res))
    else:
        for key in ("raw", "verdicts", "pt", "predictions"):
            print(res[key])
        for p in res["figures"]:
            print(p)
        print(f"{res['n_runs']} rows; verdicts {res['verdict_counts']}"
              + (f"; not computed: {', '.join(res['missing'])}" if res["missing"] else ""), file=sys.stderr)


def _cmd_figure(args):
    from ..experiments.transformer.figure import plot_transformer  # noqa: PLC0415
    redraw(args, plot_transformer)
