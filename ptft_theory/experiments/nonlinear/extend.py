"""Extend a finished nonlinear study by the (seed, task type) units its config lists and its raw CSVs lack.

The units already in ``<out>/results/nonlinear/<study>.csv`` are kept as they are (not recomputed:
their cache may be gone); the missing ones (new seeds, or a task type added to the config) are run
seed by seed through the same cached,
resumable engine as :func:`~.study.run_study` (the same run function, configs and cache keys), and,
once every requested seed is complete, the raw CSVs are rewritten (atomically) as the kept rows
followed by the new units' rows in the study's own order, and the verdicts and figure are redone from
them.  A killed extension leaves the raw CSVs untouched (the unit of a paired comparison is a whole
seed of a task type): rerunning resumes from the cache, and ``until_seed`` assembles only the seeds up to it.

The kept rows must come from the same protocol and code as the new ones; the caller checks that (a
committed seed recomputed with the current code reproduces its rows: docs/networks.md).
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

from ...errors import ParameterError
from ...fileio import read_csv_rows, write_csv_atomic
from ..hashing import config_key
from ..network_sweep import DEFAULT_OUT
from .study import CACHE_SUBDIR, COLUMNS, REGIME_COLUMNS, result_rows, config_name, load_config, plan, run_point


def extend_study(study: str = "fashion", *, config=None, out=DEFAULT_OUT, cache_dir=None, data_root=None,
                 until_seed: int | None = None, quick: bool = False, progress: bool = True, log=print) -> dict:
    """Run the config's (seed, task type) units missing from the raw CSVs (module docstring); return paths,
    the new units, timings."""
    from ..sweep import run_sweep  # noqa: PLC0415
    from .figure import plot_study  # noqa: PLC0415
    from .verdicts import write_verdicts  # noqa: PLC0415
    cfg = load_config(config or config_name(study), quick)
    study = cfg["study"]
    name = study + ("_quick" if quick else "")
    folder = Path(out) / "results" / "nonlinear"
    raw, reg = folder / f"{name}.csv", folder / f"{name}_regime_runs.csv"
    kept, kept_reg = read_csv_rows(raw), read_csv_rows(reg)
    if not kept:
        raise ParameterError(f"{raw} does not exist or is empty (run the study first: ptft nonlinear run)")
    have = {(int(r["seed"]), r["task_type"]) for r in kept}
    if have != {(int(r["seed"]), r["task_type"]) for r in kept_reg} or \
            not have <= {(s, t) for s in cfg["seeds"] for t in cfg["task_types"]}:
        raise ParameterError(f"{raw}: its (seed, task type) units are not the config's or differ from {reg.name}'s")
    units = {(s, t) for s in cfg["seeds"] for t in cfg["task_types"]
             if (s, t) not in have and (until_seed is None or s <= until_seed)}
    new = sorted({s for s, _ in units})
    runs, lever_rows, regime_rows = plan({**cfg, "seeds": new})
    runs = [r for r in runs if (r["seed"], r["task_type"]) in units]
    lever_rows = [x for x in lever_rows if (x[1]["seed"], x[1]["task_type"]) in units]
    regime_rows = [x for x in regime_rows if (x[1]["seed"], x[1]["task_type"]) in units]
    cache_dir = Path(cache_dir) if cache_dir is not None else Path(out) / CACHE_SUBDIR
    fn = functools.partial(run_point, cache_dir=str(cache_dir), data_root=data_root, threads=1)
    results, times = {}, {}
    for s in new:
        t0 = time.perf_counter()
        mine = [r for r in runs if r["seed"] == s]
        for r, x in zip(mine, run_sweep(fn, mine, cache_dir / "runs", progress=progress,
                                        desc=f"nonlinear {study} seed {s}", blas_threads=None)):
            results[config_key(r)] = x
        times[s] = time.perf_counter() - t0
        log(f"seed {s}: {len(mine)} runs in {times[s]:.0f} s ({len(times)} of {len(new)} seeds done)")
    if not new:
        return {"new_units": [], "csv": str(raw)}
    csv = write_csv_atomic(raw, COLUMNS, kept + result_rows(study, lever_rows, results, COLUMNS))
    write_csv_atomic(reg, REGIME_COLUMNS, kept_reg + result_rows(study, regime_rows, results, REGIME_COLUMNS))
    ver = write_verdicts(folder, name)
    figs = plot_study(csv, Path(out) / "figures" / f"nonlinear_{name}", predictions=folder / "predictions.csv",
                      title=cfg.get("title"))
    return {"new_units": sorted(units), "csv": str(csv), "seconds_per_seed": times, "summary": ver["summary"],
            "figures": [str(p) for p in figs]}
