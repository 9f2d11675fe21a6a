"""``ptft resnet run|figure``: the Fig. 4 sweep from a TOML config, and its figure from the results CSV.

The sweep itself is :mod:`ptft_theory.experiments.resnet.sweep` on the engine
:mod:`ptft_theory.experiments.network_sweep`; this module holds the commands and the options every
``ptft <network> run|figure`` shares.  Nothing is written inside the installed package: ``--out``
defaults to ``./validation`` relative to the current directory and the cache to ``OUT/cache/resnet``.
``--config`` takes a path, or the name of a config shipped with the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ParameterError
from ..experiments.network_sweep import DEFAULT_OUT
from .common import examples


# ------------------------------------------------------------------------------------------ CLI
def register_resnet(sub):
    p = sub.add_parser("resnet", help="ResNet validation on real images (the paper's Fig. 4)",
                       description="Pretrain a scaled resnet18 on some classes, fine-tune on held-out classes; "
                                   "test error and regime probes vs n_FT per (c_PT, kappa, gamma_FT).",
                       epilog=examples("ptft resnet figure --csv validation/results/resnet/fig4_resnet_fashion_mnist.csv "
                                       "--out fig4",
                                       "ptft resnet run --config resnet_fig4_fashion_cpu --quick --out resnet-quick",
                                       note="needs torch and torchvision: pip install 'ptft-theory[networks]'"))
    rsub = p.add_subparsers(dest="resnet_command", required=True, parser_class=type(p))
    r = rsub.add_parser("run", help="run a sweep from a TOML config (cached, resumable), write CSV and figure",
                        epilog=examples("ptft resnet run --config resnet_fig4_fashion_cpu --quick --out resnet-quick",
                                        "ptft resnet run --config resnet_fig4_cifar100_gpu --data-root ~/data "
                                        "--device auto"))
    add_run_args(r, "resnet")
    r.add_argument("--data-root", default=None, help="data folder (CIFAR-100: holds cifar-100-python/; "
                                                      "Fashion-MNIST default /usr/share/datasets/fashion-mnist)")
    r.add_argument("--download", action="store_true", help="download CIFAR-100 into --data-root (needs internet)")
    r.set_defaults(func=_cmd_run)
    add_figure_parser(rsub, "ptft resnet figure --csv validation/results/resnet/fig4_resnet_fashion_mnist.csv --out fig4",
                      _cmd_figure)


def add_run_args(r, kind: str):
    """The options every ``ptft <kind> run`` shares (config, device, output, cache, processes, output format)."""
    from .common import device_arg  # noqa: PLC0415
    r.add_argument("--config", required=True,
                   help=f"TOML config: a path, or the name of a shipped one (ptft_theory/configs/{kind}_*.toml)")
    r.add_argument("--quick", action="store_true", help="merge the config's [quick] table (a smoke-size run)")
    r.add_argument("--device", type=device_arg, default="auto", help="auto (CUDA when present), cpu, cuda, cuda:N")
    r.add_argument("--out", default=str(DEFAULT_OUT),
                   help=f"folder receiving results/{kind}/ and figures/ (default: ./validation, relative to the "
                        "current directory)")
    r.add_argument("--cache-dir", default=None, help=f"run and PT cache (default OUT/cache/{kind})")
    r.add_argument("--workers", type=int, default=1, help="local processes (default 1)")
    r.add_argument("--threads", type=int, default=1,
                   help="torch intra-op threads per process (default 1; 0 = torch's default)")
    r.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    r.add_argument("--json", action="store_true", help="machine-readable summary (strict JSON)")


def add_figure_parser(rsub, example: str, func):
    """``ptft <kind> figure --csv ... [--out] [--title]``."""
    f = rsub.add_parser("figure", help="redraw the figure from a results CSV", epilog=examples(example))
    f.add_argument("--csv", required=True, help="the results CSV a `run` wrote")
    f.add_argument("--out", default=None, help="output stem: STEM.png and STEM.pdf (default "
                                               "./validation/figures/<csv name>)")
    f.add_argument("--title", default=None, help="figure title (default: none)")
    f.set_defaults(func=func)


def check_run_args(args, load):
    """Before any work of ``ptft <kind> run``: the config loads (``load(path, quick)``, naming the file
    when missing or malformed) and ``--out`` / ``--cache-dir`` are writable."""
    from .figures import writable_dir  # noqa: PLC0415
    load(args.config, args.quick)
    writable_dir("--out", args.out)
    if args.cache_dir:
        writable_dir("--cache-dir", args.cache_dir)


def _cmd_run(args):
    from ..experiments.resnet.sweep import load_config, run_sweep_from_config  # noqa: PLC0415
    check_run_args(args, load_config)
    try:
        res = run_sweep_from_config(args.config, quick=args.quick, data_root=args.data_root, download=args.download,
                                    device=args.device, out=args.out, cache_dir=args.cache_dir,
                                    workers=args.workers, progress=not args.no_progress,
                                    threads=args.threads or None)
    except FileNotFoundError as e:  # missing data: a user error (one line, exit 2)
        raise ParameterError(str(e)) from None
    print_run(res, args.json)


def print_run(res: dict, as_json: bool):
    """Report a sweep: strict JSON, or the CSV and figure paths on stdout and a summary on stderr."""
    if as_json:
        from .common import dump_json  # noqa: PLC0415
        print(dump_json(res))
    else:
        print(res["csv"])
        for p in res["figures"]:
            print(p)
        print(f"{res['runs']} runs ({res['computed']} computed, {res['cached']} cached) on {res['device']} "
              f"in {res['seconds']:.1f} s", file=sys.stderr)


def _cmd_figure(args):
    from ..experiments.resnet.figure import plot_fig4  # noqa: PLC0415
    redraw(args, plot_fig4)


def redraw(args, plot):
    """``ptft <kind> figure``: ``plot(csv, out_stem, title=)`` on ``--csv``, printing the paths written."""
    csv_path = Path(args.csv)
    if not csv_path.is_file():
        raise ParameterError(f"csv={str(csv_path)!r} does not exist")
    stem = Path(args.out) if args.out else DEFAULT_OUT / "figures" / csv_path.stem
    from .common import writable_folder  # noqa: PLC0415
    writable_folder("--out", stem, stem.parent)  # STEM.png and STEM.pdf go there
    for p in plot(csv_path, stem, title=args.title):
        print(p)
