"""``ptft transformer run|figure``: the modular-arithmetic sweep from a TOML config, and its figure.

The sweep is :mod:`ptft_theory.experiments.transformer.sweep` on the engine shared with ``ptft resnet``
(:mod:`ptft_theory.experiments.network_sweep`); the options are those of :mod:`.resnet`.
"""

from __future__ import annotations

from ..errors import ParameterError
from .resnet import add_figure_parser, add_run_args, check_run_args, print_run, redraw


# ------------------------------------------------------------------------------------------ CLI
def register_transformer(sub):
    p = sub.add_parser("transformer", help="transformer validation on modular arithmetic (offline Fig. 4 analogue)",
                       description="Pretrain a scaled transformer on (a + b) mod p, fine-tune on a related and an "
                                   "unrelated operation; FT test accuracy and regime probes vs n_FT per "
                                   "(c_PT, kappa, gamma_FT).",
                       epilog="example: ptft transformer run --config ptft_theory/configs/transformer_modp_cpu.toml")
    tsub = p.add_subparsers(dest="transformer_command", required=True, parser_class=type(p))
    r = tsub.add_parser("run", help="run a sweep from a TOML config (cached, resumable), write CSV and figure",
                        epilog="example: ptft transformer run --config ptft_theory/configs/transformer_modp_gpu.toml "
                               "--device auto")
    add_run_args(r, "transformer")
    r.set_defaults(func=_cmd_run)
    add_figure_parser(tsub, "ptft transformer figure --csv validation/results/transformer/transformer_modp_cpu.csv",
                      _cmd_figure)


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


def _cmd_figure(args):
    from ..experiments.transformer.figure import plot_transformer  # noqa: PLC0415
    redraw(args, plot_transformer)
