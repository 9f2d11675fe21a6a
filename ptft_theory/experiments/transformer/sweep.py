"""The transformer sweep (``ptft transformer run``): runs of a config, one PT+FT run or no-PT baseline, rows.

A config (``ptft_theory/configs/transformer_*.toml``) holds ``name``, ``seeds``, ``n_ft`` (FT
training pairs), ``ft_ops`` (the FT operations, e.g. ``["sub", "mul"]``), ``[base]`` and ``[vary]``
(each lever varied with the other two at the base, as in the ResNet sweep), the
:class:`~.protocol.Protocol` in ``[protocol]``, and an optional ``[quick]`` table merged over the rest.
The engine (run cache keyed by each run's full config, resumable; CSV and figure) is
:mod:`ptft_theory.experiments.network_sweep`; PT networks are cached in ``<cache>/pt``.  Besides the
PT+FT runs the sweep trains the no-PT baseline at the base levers (``pretrained = False`` in the CSV)
for each seed, FT operation and ``n_ft``.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from ... import _validate as V
from ...errors import ParameterError
from ..network_sweep import DEFAULT_OUT, check_levers, design_points, read_sweep_config, sweep_to_csv

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
    from .protocol import Protocol, validate_run  # noqa: PLC0415
    from .tasks import check_op  # noqa: PLC0415
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
    from .protocol import code_hash  # noqa: PLC0415
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
    from .protocol import Protocol, run_one, scratch_one  # noqa: PLC0415
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
    from ..resnet.training import resolve_device  # noqa: PLC0415
    from .figure import plot_transformer  # noqa: PLC0415
    cfg = load_config(config_path, quick)
    device = resolve_device(device)
    if threads is not None:
        V.positive_int("threads", threads)
    cache_dir = Path(cache_dir) if cache_dir is not None else Path(out) / CACHE_SUBDIR
    fn = functools.partial(run_point, device=device, cache_dir=str(cache_dir), threads=threads)
    return sweep_to_csv("transformer", cfg, quick, run_configs(cfg), fn, COLUMNS, rows_of, plot_transformer,
                        device=device, out=out, cache_dir=cache_dir, workers=workers, progress=progress)
