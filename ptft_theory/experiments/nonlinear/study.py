"""A nonlinear study from a TOML config (``ptft nonlinear run --study teacher|fashion``).

A config (``ptft_theory/configs/nonlinear_<study>.toml``) names ``seeds``, ``n_ft``, ``task_types``,
the levers' ``[base]`` (``c``, ``kappa`` = 1, ``gamma``) and ``[vary]`` values, the ``kappa_arms``
(``init``: the first layer times kappa at PT initialisation; ``rebalance``: the function-preserving
rebalancing at FT start), the four ``[regimes]`` representatives (network levers, kappa in the
``init`` arm) run at ``regime_n_ft``, the ``[protocol]`` (:class:`~.protocol.Protocol`), and the
``[theory]`` mapping onto the diagonal model read by :mod:`.predict`; ``[quick]`` is merged over it.

Every run is cached by a hash of its full config and of the package's code (the engine of
:mod:`ptft_theory.experiments.sweep`), so a killed study resumes without redoing finished runs.
Outputs: ``<out>/results/nonlinear/<study>.csv`` (one row per (lever, value, arm, seed, task, n_ft);
the base run appears once under each lever, same ``run_key``) and ``<study>_regime_runs.csv``.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from ...errors import ParameterError
from ...fileio import write_csv_atomic
from ..hashing import config_key
from ..network_sweep import DEFAULT_OUT, read_sweep_config
from .design import LEVERS, REGIMES, lever_points, regime_point
from .protocol import ARMS, Protocol, code_hash, validate_point
from .tasks import TASK_TYPES

CACHE_SUBDIR = Path("cache") / "nonlinear"
RESULT_COLUMNS = ("test_error", "richness", "pt_dependence", "test_mse", "pt_rank", "chance_dependence", "ft_steps",
                  "ft_train_loss", "ft_converged", "ft_diverged", "ft_lr", "pt_steps", "pt_train_loss", "pt_converged")
COLUMNS = ("study", "task_type", "lever", "value", "arm", "seed", "n_ft") + RESULT_COLUMNS + (
    "c", "kappa_init", "kappa_rebalance", "gamma", "run_key")
REGIME_COLUMNS = ("study", "task_type", "regime", "seed", "n_ft") + RESULT_COLUMNS + (
    "c", "kappa_init", "kappa_rebalance", "gamma", "run_key")


def config_name(study: str) -> str:
    """The shipped config of a study."""
    return f"nonlinear_{study}"


def load_config(path, quick: bool = False) -> dict:
    """Read and validate a study config (module docstring)."""
    cfg = read_sweep_config(path, quick, ("study", "seeds", "n_ft", "base", "vary", "task_types", "regimes",
                                          "regime_n_ft", "kappa_arms", "theory"))
    proto = Protocol.from_dict({**cfg.get("protocol", {}), "study": cfg["study"]})
    base = cfg["base"]
    if sorted(base) != sorted(LEVERS) or sorted(set(cfg["vary"]) - set(LEVERS)):
        raise ParameterError(f"config {path}: [base] needs exactly, and [vary] may hold, {', '.join(LEVERS)}")
    if base["kappa"] != 1.0:
        raise ParameterError(f"config {path}: base kappa={base['kappa']!r} is invalid; valid: 1.0 (both arms start there)")
    for t in cfg["task_types"]:
        if t not in TASK_TYPES:
            raise ParameterError(f"config {path}: task_type={t!r} is invalid; valid: {', '.join(TASK_TYPES)}")
    if "mix" in cfg["task_types"] and cfg["study"] != "teacher":
        raise ParameterError(f"config {path}: task_type='mix' is invalid for study {cfg['study']!r}; valid: teacher only")
    for a in cfg["kappa_arms"]:
        if a not in ARMS:
            raise ParameterError(f"config {path}: kappa arm {a!r} is invalid; valid: {', '.join(ARMS)}")
    if sorted(cfg["regimes"]) != sorted(REGIMES):
        raise ParameterError(f"config {path}: [regimes] needs exactly {', '.join(REGIMES)}")
    for s in cfg["seeds"]:
        if not (isinstance(s, int) and s >= 0):
            raise ParameterError(f"config {path}: seed={s!r} is invalid; valid range: an integer >= 0")
    for n in list(cfg["n_ft"]) + list(cfg["regime_n_ft"]):
        validate_point(1.0, 1.0, 1.0, 0.0, n)
    for _, _, _, pt in lever_points(cfg) + [(r, 0, "init", regime_point(cfg, r)) for r in REGIMES]:
        validate_point(*pt, 2)
    return {**cfg, "protocol": proto}


def _run(cfg, seed, task, pt, n):
    c, ki, kr, g = pt
    return {"kind": "nonlinear_run", "code": code_hash(), "protocol": dataclasses.asdict(cfg["protocol"]),
            "seed": int(seed), "task_type": task, "c": c, "kappa_init": ki, "kappa_rebalance": kr, "gamma": g,
            "n_ft": int(n)}


def plan(cfg) -> tuple[list[dict], list[tuple], list[tuple]]:
    """(unique run configs in PT-sharing order, lever rows as (meta, run), regime rows as (meta, run))."""
    lever_rows, regime_rows = [], []
    for s in cfg["seeds"]:
        for t in cfg["task_types"]:
            for lever, value, arm, pt in lever_points(cfg):
                for n in cfg["n_ft"]:
                    lever_rows.append(({"lever": lever, "value": value, "arm": arm}, _run(cfg, s, t, pt, n)))
            for r in REGIMES:
                for n in cfg["regime_n_ft"]:
                    regime_rows.append(({"regime": r}, _run(cfg, s, t, regime_point(cfg, r), n)))
    uniq = {}
    for _, run in lever_rows + regime_rows:
        uniq.setdefault(config_key(run), run)
    runs = sorted(uniq.values(), key=lambda r: (r["seed"], r["c"], r["kappa_init"], r["task_type"], r["n_ft"],
                                                r["kappa_rebalance"], r["gamma"]))
    return runs, lever_rows, regime_rows


def run_point(config: dict, *, cache_dir=None, data_root=None, threads=1) -> dict:
    """The sweep function: one PT+FT run (``threads``: BLAS threads of this process; small matrices gain
    nothing from more, and a shared machine loses)."""
    from ..workers import limit_blas_threads  # noqa: PLC0415
    from .protocol import run_one  # noqa: PLC0415
    if threads:
        limit_blas_threads(threads)
    return run_one(Protocol(**config["protocol"]), config["seed"], config["task_type"], config["c"],
                   config["kappa_init"], config["kappa_rebalance"], config["gamma"], config["n_ft"],
                   config["n_ft"], cache_dir=cache_dir, data_root=data_root)


def result_rows(study, pairs, results, extra_cols):
    """Raw-CSV rows of ``(meta, run)`` pairs from the sweep results keyed by run."""
    rows = []
    for meta, run in pairs:
        res = results[config_key(run)]
        rows.append({"study": study, "task_type": run["task_type"], **meta, "seed": run["seed"], "n_ft": run["n_ft"],
                     **{k: res.get(k) for k in RESULT_COLUMNS}, "c": run["c"], "kappa_init": run["kappa_init"],
                     "kappa_rebalance": run["kappa_rebalance"], "gamma": run["gamma"],
                     "run_key": config_key(run)[:12]})
    return rows


def run_study(study: str = "teacher", *, config=None, quick=False, out=DEFAULT_OUT, cache_dir=None, data_root=None,
              workers=1, progress=True, threads=1) -> dict:
    """Run a study (cached, resumable); write its raw CSVs and figure; return paths and stats."""
    import time  # noqa: PLC0415

    from ..sweep import SweepStats, run_sweep  # noqa: PLC0415
    from .figure import plot_study  # noqa: PLC0415
    from .verdicts import write_verdicts  # noqa: PLC0415
    cfg = load_config(config or config_name(study), quick)
    study = cfg["study"]
    runs, lever_rows, regime_rows = plan(cfg)
    cache_dir = Path(cache_dir) if cache_dir is not None else Path(out) / CACHE_SUBDIR
    fn = functools.partial(run_point, cache_dir=str(cache_dir), data_root=data_root, threads=threads)
    stats: list[SweepStats] = []
    t0 = time.perf_counter()
    res = run_sweep(fn, runs, cache_dir / "runs", workers=workers, progress=progress, desc=f"nonlinear {study}",
                    stats=stats, blas_threads=None)
    wall = time.perf_counter() - t0
    results = {config_key(r): x for r, x in zip(runs, res)}
    name = study + ("_quick" if quick else "")
    folder = Path(out) / "results" / "nonlinear"
    csv = write_csv_atomic(folder / f"{name}.csv", COLUMNS, result_rows(study, lever_rows, results, COLUMNS))
    rcsv = write_csv_atomic(folder / f"{name}_regime_runs.csv", REGIME_COLUMNS,
                            result_rows(study, regime_rows, results, REGIME_COLUMNS))
    if not (folder / "predictions.csv").is_file():  # a fresh output folder: derive them there (same code)
        from .predict import write_predictions  # noqa: PLC0415
        write_predictions(folder, [cfg])
    ver = write_verdicts(folder, name)
    figs = plot_study(csv, Path(out) / "figures" / f"nonlinear_{name}", predictions=folder / "predictions.csv",
                      title=cfg.get("title"))
    return {"csv": str(csv), "regime_runs": str(rcsv), "verdicts": ver["verdicts"], "regimes": ver["regimes"],
            "summary": ver["summary"], "figures": [str(p) for p in figs], "runs": len(runs),
            "computed": stats[0].computed, "cached": stats[0].cached, "seconds": wall}

