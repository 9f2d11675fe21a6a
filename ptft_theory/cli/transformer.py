"""``ptft transformer run|figure``: the modular-arithmetic sweep from a TOML config, and its figure.

A config (``validation/configs/transformer_*.toml``) holds ``name``, ``seeds``, ``n_ft`` (FT
training pairs), ``ft_ops`` (the FT operations, e.g. ``["sub", "mul"]``), ``[base]`` and ``[vary]``
(each lever varied with the other two at the base, as in ``ptft resnet``), the
:class:`~ptft_theory.experiments.transformer.protocol.Protocol` in ``[protocol]``, and an optional ``[quick]``
table merged over the rest by ``--quick``.  The sweep machinery (run cache keyed by each run's full
config, resumable; PT networks cached in ``<cache>/pt``; CSV and figure) is the ResNet sweep's.
Besides the PT+FT runs the sweep trains the no-PT baseline at the base levers (``pretrained =
False`` in the CSV) for each seed, FT operation and ``n_ft``.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from .. import _validate as V
from ..errors import ParameterError
from .resnet import (DEFAULT_OUT, add_figure_parser, add_run_args, check_levers, check_run_args, design_points,
                          print_run, read_sweep_config, redraw, sweep_to_csv)

#: Default cache, under the output folder (never inside the installed package).
CACHE_SUBDIR = Path("cache") / "transformer"
#: Columns of the results CSV (one row per run).
COLUMNS = ("device", "pretrained", "seed", "c_pt", "kappa", "gamma_ft", "ft_op", "n_ft",
           "test_accuracy", "test_accuracy_unseen", "train_accuracy", "richness", "richness_all", "pt_dependence",
           "ft_steps", "ft_train_loss", "ft_converged", "ft_diverged",
           "pt_op", "pt_test_accuracy", "pt_test_accuracy_unseen", "pt_steps", "pt_train_loss", "pt_diverged",
           "p", "train_frac", "n_layers", "d_model", "norm", "optimizer", "n_test", "seconds")


def load_config(path, quick: bool = False) -> dict:
    """Read and validate a sweep config (see the module docstring)."""
    from ..experiments.transformer.protocol import Protocol, validate_run  # noqa: PLC0415
    from ..experiments.transformer.tasks import check_op  # noqa: PLC0415
    cfg = read_sweep_config(path, quick, ("name", "seeds", "n_ft", "ft_ops", "base"))
    proto = Protocol.from_dict(cfg.get("protocol", {}))
    if not (isinstance(cfg["ft_ops"], list) and cfg["ft_ops"]):
        raise ParameterError(f"config {path}: ft_ops={cfg['ft_ops']!r} is invalid; valid: a non-empty list of ops")
    for op in cfg["ft_ops"]:
        check_op("ft_ops", op)
    vary = check_levers(cfg, path, lambda n, **lev: validate_run(proto, ft_op=cfg["ft_ops"][0], n_ft=n, **lev),
                        n_min=1)
    return {**cfg, "protocol": proto, "vary": vary}


def run_configs(cfg: dict) -> list[dict]:
    """One JSON config per run, ordered so runs sharing a PT network are adjacent; then the no-PT
    baselines (``kind = "transformer_scratch"``, at the base levers) per seed, FT op and n_ft."""
    from ..experiments.transformer.protocol import code_hash  # noqa: PLC0415
    proto = dataclasses.asdict(cfg["protocol"])
    runs = [{"kind": "transformer_run", "code": code_hash(), "protocol": proto, "seed": int(s), **pt,
             "ft_op": op, "n_ft": int(n)}
            for s in cfg["seeds"] for pt in design_points(cfg) for op in cfg["ft_ops"] for n in cfg["n_ft"]]
    base = design_points(cfg)[0]
    scratch = [{**r, "kind": "transformer_scratch", **base} for r in runs if r["c_pt"] == base["c_pt"]
               and r["kappa"] == base["kappa"] and r["gamma_ft"] == base["gamma_ft"]]
    return sorted(runs, key=lambda r: (r["seed"], r["c_pt"], r["kappa"], r["gamma_ft"], r["ft_op"], r["n_ft"])) + scratch


def run_point(config: dict, *, device="cpu", cache_dir=None, threads=None) -> dict:
    """The ``run_sweep`` function: one PT+FT run, or one baseline, of a config from :func:`run_configs`."""
    from ..experiments.transformer.protocol import Protocol, run_one, scratch_one  # noqa: PLC0415
    if threads is not None:
        import torch  # noqa: PLC0415
        torch.set_num_threads(threads)
    c = config
    if c["kind"] == "transformer_scratch":
        return scratch_one(Protocol(**c["protocol"]), c["seed"], c["c_pt"], c["kappa"], c["ft_op"], c["n_ft"],
                           device=device)
    return run_one(Protocol(**c["protocol"]), c["seed"], c["c_pt"], c["kappa"], c["gamma_ft"], c["ft_op"], c["n_ft"],
                   device=device, cache_dir=cache_dir)


def rows_of(configs: list[dict], results: list[dict]) -> list[dict]:
    rows = []
    for c, r in zip(configs, results):
        p = c["protocol"]
        rows.append({**{k: r.get(k) for k in COLUMNS}, **{k: c[k] for k in ("seed", "c_pt", "kappa", "gamma_ft",
                                                                              "ft_op", "n_ft")},
                     "pretrained": c["kind"] == "transformer_run",
                     **{k: p[k] for k in ("pt_op", "p", "train_frac", "n_layers", "d_model", "norm", "optimizer")}})
    return rows


def run_sweep_from_config(config_path, *, quick=False, device="auto", out=DEFAULT_OUT, cache_dir=None, workers=1,
                          progress=True, threads=1) -> dict:
    """Run a config's sweep; writes ``<out>/results/transformer/<name>.csv`` and the figure."""
    from ..experiments.resnet.protocol import resolve_device  # noqa: PLC0415
    from ..experiments.transformer.figure import plot_transformer  # noqa: PLC0415
    cfg = load_config(config_path, quick)
    device = resolve_device(device)
    if threads is not None:
        V.positive_int("threads", threads)
    cache_dir = Path(cache_dir) if cache_dir is not None else Path(out) / CACHE_SUBDIR
    fn = functools.partial(run_point, device=device, cache_dir=str(cache_dir), threads=threads)
    return sweep_to_csv("transformer", cfg, quick, run_configs(cfg), fn, COLUMNS, rows_of, plot_transformer,
                        device=device, out=out, cache_dir=cache_dir, workers=workers, progress=progress)


# ------------------------------------------------------------------------------------------ CLI
def register_transformer(sub):
    p = sub.add_parser("transformer", help="transformer validation on modular arithmetic (offline Fig. 4 analogue)",
                       description="Pretrain a scaled transformer on (a + b) mod p, fine-tune on a related and an "
                                   "unrelated operation; FT test accuracy and regime probes vs n_FT per "
                                   "(c_PT, kappa, gamma_FT).",
                       epilog="example: ptft transformer run --config validation/configs/transformer_modp_cpu.toml")
    tsub = p.add_subparsers(dest="transformer_command", required=True, parser_class=type(p))
    r = tsub.add_parser("run", help="run a sweep from a TOML config (cached, resumable), write CSV and figure",
                        epilog="example: ptft transformer run --config validation/configs/transformer_modp_gpu.toml "
                               "--device auto")
    add_run_args(r, "transformer")
    r.set_defaults(func=_cmd_run)
    add_figure_parser(tsub, "ptft transformer figure --csv validation/results/transformer/transformer_modp_cpu.csv",
                      _cmd_figure)


def _cmd_run(args):
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
