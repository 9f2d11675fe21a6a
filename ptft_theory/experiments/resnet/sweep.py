"""The ResNet sweep (``ptft resnet run``): runs of a config, one PT+FT run, the CSV rows.

A config (``ptft_theory/configs/resnet_*.toml``) names the data set, the seeds, the ``n_ft`` grid, the
levers ``[base]`` / ``[vary]`` and the :class:`~.protocol.Protocol` in ``[protocol]``; the engine
(cache, resume, CSV, figure) is :mod:`ptft_theory.experiments.network_sweep`.  PT networks are cached
too (``<cache>/pt``).  The CSV has one row per run (:data:`COLUMNS`).  torch is imported only when a
run starts.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from ... import _validate as V
from ..network_sweep import DEFAULT_OUT, check_levers, design_points, read_sweep_config, sweep_to_csv

#: Default cache, under the output folder.
CACHE_SUBDIR = Path("cache") / "resnet"
#: Columns of the results CSV (one row per run).
COLUMNS = ("dataset", "device", "seed", "c_pt", "kappa", "gamma_ft", "n_ft", "task", "n_ft_classes",
           "test_error", "train_error", "richness", "richness_all", "pt_dependence",
           "ft_epochs", "ft_train_loss", "ft_converged", "ft_diverged",
           "pt_test_error", "pt_epochs", "pt_train_loss", "pt_diverged", "pt_classes", "ft_classes",
           "n_test", "stem", "width", "image_size", "n_pt_per_class", "seconds")


def load_config(path, quick: bool = False) -> dict:
    """Read and validate a sweep config (see the module docstring)."""
    from .protocol import Protocol, validate_levers  # noqa: PLC0415
    cfg = read_sweep_config(path, quick, ("name", "dataset", "seeds", "n_ft", "base"))
    proto = Protocol.from_dict({**cfg.get("protocol", {}), "dataset": cfg["dataset"]})
    vary = check_levers(cfg, path, lambda n, **lev: validate_levers(n_ft=n, **lev), n_min=2)
    return {**cfg, "protocol": proto, "vary": vary}


def run_configs(cfg: dict) -> list[dict]:
    """One JSON config per run, ordered so runs sharing a PT network are adjacent."""
    from .protocol import code_hash  # noqa: PLC0415
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
    from .protocol import Protocol  # noqa: PLC0415
    from .runs import run_one  # noqa: PLC0415
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
    from .figure import plot_fig4  # noqa: PLC0415
    from .splits import load_splits  # noqa: PLC0415
    from .training import resolve_device  # noqa: PLC0415
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
