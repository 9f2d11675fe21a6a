"""``ptft resnet run|figure``: the Fig. 4 sweep from a TOML config, and its figure from the results CSV.

A config (``validation/configs/resnet_*.toml``) names the data set, the seeds, the ``n_ft`` grid,
a base point ``[base]`` (c_pt, kappa, gamma_ft) and the values ``[vary]`` each lever takes while the
other two stay at the base (the paper's Fig. 4 panels a, b, c), and the :class:`Protocol` in
``[protocol]``; an optional ``[quick]`` table is merged over it by ``--quick``.  Every run is cached
by a hash of its full config (``run_sweep``), so an interrupted sweep resumes; PT networks are
cached too (``<cache>/pt``).  The CSV has one row per run (:data:`COLUMNS`).

Nothing is written inside the installed package: ``--out`` defaults to ``./validation`` relative to
the current directory (in a checkout's root, the checkout's ``validation/``) and the cache to
``OUT/cache/resnet``.  ``--config`` takes a path, or the name of a config shipped with the package
(``resnet_fig4_fashion_cpu``, see ``ptft_theory/configs/``).
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import time
from pathlib import Path

from .. import _validate as V
from ..fileio import read_toml_config, write_csv_atomic
from ..errors import ParameterError

#: Configs shipped with the package (``--config NAME`` finds ``NAME`` or ``NAME.toml`` there).
CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"  # ptft_theory/configs
#: Default output folder, relative to the current directory (never inside the installed package).
DEFAULT_OUT = Path("validation")
#: Default cache, under the output folder.
CACHE_SUBDIR = Path("cache") / "resnet"
LEVERS = ("c_pt", "kappa", "gamma_ft")
#: Columns of the results CSV (one row per run).
COLUMNS = ("dataset", "device", "seed", "c_pt", "kappa", "gamma_ft", "n_ft", "task", "n_ft_classes",
           "test_error", "train_error", "richness", "richness_all", "pt_dependence",
           "ft_epochs", "ft_train_loss", "ft_converged", "ft_diverged",
           "pt_test_error", "pt_epochs", "pt_train_loss", "pt_diverged", "pt_classes", "ft_classes",
           "n_test", "stem", "width", "image_size", "n_pt_per_class", "seconds")


def load_config(path, quick: bool = False) -> dict:
    """Read and validate a sweep config (see the module docstring)."""
    from ..experiments.resnet.protocol import Protocol, validate_levers  # noqa: PLC0415
    cfg = read_sweep_config(path, quick, ("name", "dataset", "seeds", "n_ft", "base"))
    proto = Protocol.from_dict({**cfg.get("protocol", {}), "dataset": cfg["dataset"]})
    vary = check_levers(cfg, path, lambda n, **lev: validate_levers(n_ft=n, **lev), n_min=2)
    return {**cfg, "protocol": proto, "vary": vary}


def read_sweep_config(path, quick: bool, keys) -> dict:
    """A TOML sweep config (``[quick]`` merged with ``quick``) holding every one of ``keys``; ``path`` is a
    file or the name of a shipped config (:func:`resolve_config`)."""
    path = resolve_config(path)
    cfg = read_toml_config(path, quick)
    for key in keys:
        if key not in cfg:
            raise ParameterError(f"config {path}: key {key!r} is missing")
    return cfg


def check_levers(cfg: dict, path, validate, n_min: int) -> dict:
    """Check a config's ``[base]``, ``[vary]``, ``n_ft`` and ``seeds`` (``validate(n_ft, c_pt=, kappa=,
    gamma_ft=)`` raises for a bad point; ``n_min`` is a valid n_ft); returns ``[vary]`` (default {})."""
    base = cfg["base"]
    vary = cfg.get("vary", {})
    bad = sorted(set(base) ^ set(LEVERS)) or sorted(set(vary) - set(LEVERS))
    if bad:
        raise ParameterError(f"config {path}: lever {bad[0]!r} is invalid; [base] needs exactly, and [vary] "
                         f"may hold, {', '.join(LEVERS)}")
    for n in cfg["n_ft"]:
        validate(n, **base)
    for lever, values in vary.items():
        for v in values:
            validate(n_min, **{**base, lever: v})
    for s in cfg["seeds"]:
        if not (isinstance(s, int) and s >= 0):
            raise ParameterError(f"config {path}: seed={s!r} is invalid; valid range: an integer >= 0")
    return vary


def resolve_config(path) -> Path:
    """``path`` if it exists, else the shipped config of that name (``NAME`` or ``NAME.toml``)."""
    path = Path(path)
    if path.is_file() or path.parent != Path("."):
        return path
    for cand in (CONFIG_DIR / path.name, CONFIG_DIR / f"{path.name}.toml"):
        if cand.is_file():
            return cand
    return path


def design_points(cfg: dict) -> list[dict]:
    """The (c_pt, kappa, gamma_ft) points: the base, and each lever varied with the others at the base."""
    pts = [dict(cfg["base"])]
    for lever in LEVERS:
        for v in cfg["vary"].get(lever, []):
            pts.append({**cfg["base"], lever: v})
    out, seen = [], set()
    for p in pts:
        key = tuple(float(p[k]) for k in LEVERS)
        if key not in seen:
            seen.add(key)
            out.append({k: float(p[k]) for k in LEVERS})
    return out


def run_configs(cfg: dict) -> list[dict]:
    """One JSON config per run, ordered so runs sharing a PT network are adjacent."""
    from ..experiments.resnet.protocol import code_hash  # noqa: PLC0415
    proto = dataclasses.asdict(cfg["protocol"])
    runs = [{"kind": "resnet_run", "code": code_hash(), "protocol": proto, "seed": int(s), **p, "n_ft": int(n)}
            for s in cfg["seeds"] for p in design_points(cfg) for n in cfg["n_ft"]]
    return sorted(runs, key=lambda r: (r["seed"], r["c_pt"], r["kappa"], r["gamma_ft"], r["n_ft"]))


def run_point(config: dict, *, data_root=None, download=False, device="cpu", cache_dir=None, threads=None) -> dict:
    """The ``run_sweep`` function: one PT+FT run of a config from :func:`run_configs`.

    ``threads`` sets torch's intra-op threads in the process that runs it (None: torch's default).
    One thread per process is the CLI default: on a shared 2-core machine two OpenMP threads ran
    from 3,000 down to 13 images/s when another job took a core (measured); use ``--workers``.
    """
    from ..experiments.resnet.protocol import Protocol, run_one  # noqa: PLC0415
    if threads is not None:
        import torch  # noqa: PLC0415
        torch.set_num_threads(threads)
    return run_one(Protocol(**config["protocol"]), config["seed"], config["c_pt"], config["kappa"],
                   config["gamma_ft"], config["n_ft"], data_root=data_root, download=download,
                   device=device, cache_dir=cache_dir)


def rows_of(configs: list[dict], results: list[dict]) -> list[dict]:
    rows = []
    for c, r in zip(configs, results):
        p = c["protocol"]
        rows.append({**{k: r.get(k) for k in COLUMNS}, "dataset": p["dataset"], "seed": c["seed"],
                     "c_pt": c["c_pt"], "kappa": c["kappa"], "gamma_ft": c["gamma_ft"], "n_ft": c["n_ft"],
                     "task": p["task"], "n_ft_classes": p["n_ft_classes"], "stem": p["stem"], "width": p["width"],
                     "image_size": p["image_size"], "n_pt_per_class": p["n_pt_per_class"]})
    return rows


def run_sweep_from_config(config_path, *, quick=False, data_root=None, download=False, device="auto",
                          out=DEFAULT_OUT, cache_dir=None, workers=1, progress=True, threads=1) -> dict:
    """Run a config's sweep; writes ``<out>/results/resnet/<name>.csv`` and the figure; returns paths and stats."""
    from ..experiments.resnet.figure import plot_fig4  # noqa: PLC0415
    from ..experiments.resnet.protocol import load_splits, resolve_device  # noqa: PLC0415
    cfg = load_config(config_path, quick)
    device = resolve_device(device)
    if threads is not None:
        V.positive_int("threads", threads)
    proto = cfg["protocol"]
    load_splits(proto.dataset, None if data_root is None else str(data_root), download)  # fail early, naming the path
    cache_dir = Path(cache_dir) if cache_dir is not None else Path(out) / CACHE_SUBDIR
    fn = functools.partial(run_point, data_root=None if data_root is None else str(data_root), download=download,
                           device=device, cache_dir=str(cache_dir), threads=threads)
    return sweep_to_csv("resnet", cfg, quick, run_configs(cfg), fn, COLUMNS, rows_of, plot_fig4, device=device,
                        out=out, cache_dir=cache_dir, workers=workers, progress=progress)


def sweep_to_csv(kind: str, cfg: dict, quick: bool, configs: list[dict], fn, columns, rows_of, plot, *,
                 device: str, out, cache_dir: Path, workers: int, progress: bool) -> dict:
    """Run ``configs`` through ``fn`` (cached in ``<cache_dir>/runs``, resumable), write
    ``<out>/results/<kind>/<name>[_quick].csv`` (``rows_of(configs, results)``) and ``plot`` it;
    returns paths and stats.  Shared by ``ptft resnet run`` and ``ptft transformer run``."""
    from ..experiments.sweep import SweepStats, run_sweep  # noqa: PLC0415
    stats: list[SweepStats] = []
    t0 = time.perf_counter()
    results = run_sweep(fn, configs, Path(cache_dir) / "runs", workers=V.positive_int("workers", workers),
                        progress=progress, desc=f"{kind} {cfg['name']}", stats=stats, blas_threads=None)
    wall = time.perf_counter() - t0
    name = cfg["name"] + ("_quick" if quick else "")
    out = Path(out)
    csv_path = write_csv_atomic(out / "results" / kind / f"{name}.csv", columns, rows_of(configs, results))
    figs = plot(csv_path, out / "figures" / name, title=cfg.get("title"))
    return {"csv": str(csv_path), "figures": [str(p) for p in figs], "runs": len(configs),
            "computed": stats[0].computed, "cached": stats[0].cached, "seconds": wall, "device": device}


# ------------------------------------------------------------------------------------------ CLI
def register_resnet(sub):
    p = sub.add_parser("resnet", help="ResNet validation on real images (the paper's Fig. 4)",
                       description="Pretrain a scaled resnet18 on some classes, fine-tune on held-out classes; "
                                   "test error and regime probes vs n_FT per (c_PT, kappa, gamma_FT).",
                       epilog="example: ptft resnet run --config validation/configs/resnet_fig4_fashion_cpu.toml")
    rsub = p.add_subparsers(dest="resnet_command", required=True, parser_class=type(p))
    r = rsub.add_parser("run", help="run a sweep from a TOML config (cached, resumable), write CSV and figure",
                        epilog="example: ptft resnet run --config validation/configs/resnet_fig4_cifar100_gpu.toml "
                               "--data-root ~/data --device auto")
    add_run_args(r, "resnet")
    r.add_argument("--data-root", default=None, help="data folder (CIFAR-100: holds cifar-100-python/; "
                                                      "Fashion-MNIST default /usr/share/datasets/fashion-mnist)")
    r.add_argument("--download", action="store_true", help="download CIFAR-100 into --data-root (needs internet)")
    r.set_defaults(func=_cmd_run)
    add_figure_parser(rsub, "ptft resnet figure --csv validation/results/resnet/fig4_resnet_fashion_mnist.csv",
                      _cmd_figure)


def add_run_args(r, kind: str):
    """The options every ``ptft <kind> run`` shares (config, device, output, cache, processes, output format)."""
    from .common import device_arg  # noqa: PLC0415
    r.add_argument("--config", required=True,
                   help=f"TOML config: a path, or the name of a shipped one (validation/configs/{kind}_*.toml)")
    r.add_argument("--quick", action="store_true", help="merge the config's [quick] table (a smoke-size run)")
    r.add_argument("--device", type=device_arg, default="auto", help="auto (CUDA when present), cpu, cuda, cuda:N")
    r.add_argument("--out", default=str(DEFAULT_OUT),
                   help=f"folder receiving results/{kind}/ and figures/ (default: ./validation, relative to the "
                        "current directory)")
    r.add_argument("--cache-dir", default=None, help=f"run and PT cache (default OUT/cache/{kind})")
    r.add_argument("--workers", type=int, default=1, help="local processes (default 1)")
    r.add_argument("--threads", type=int, default=1,
                   help="torch intra-op threads per process (default 1; 0 = torch's default)")
    r.add_argument("--no-progress", action="store_true")
    r.add_argument("--json", action="store_true", help="machine-readable summary (strict JSON)")


def add_figure_parser(rsub, example: str, func):
    """``ptft <kind> figure --csv ... [--out] [--title]``."""
    f = rsub.add_parser("figure", help="redraw the figure from a results CSV", epilog=f"example: {example}")
    f.add_argument("--csv", required=True)
    f.add_argument("--out", default=None, help="output stem (default ./validation/figures/<csv name>)")
    f.add_argument("--title", default=None)
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
    for p in plot(csv_path, stem, title=args.title):
        print(p)
