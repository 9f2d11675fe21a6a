"""Extend a finished nonlinear study by the seeds its config lists and its raw CSVs lack.

The runs of the seeds already in ``<out>/results/nonlinear/<study>.csv`` are kept as they are (not
recomputed: their cache may be gone); the missing seeds are run seed by seed through the same cached,
resumable engine as :func:`~.study.run_study` (the same run function, configs and cache keys), and,
once every requested seed is complete, the raw CSVs are rewritten (atomically) as the kept rows
followed by the new seeds' rows in the study's own order, and the verdicts and figure are redone from
them.  A killed extension leaves the raw CSVs untouched (the unit of a paired comparison is a whole
seed): rerunning resumes from the cache, and ``until_seed`` assembles only the seeds up to it.

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
from .study import CACHE_SUBDIR, COLUMNS, REGIME_COLUMNS, _rows, config_name, load_config, plan, run_point


def extend_study(study: str = "fashion", *, config=None, out=DEFAULT_OUT, cache_dir=None, data_root=None,
                 until_seed: int | None = None, progress: bool = True, log=print) -> dict:
    """Run the config's seeds missing from the raw CSVs (module docstring); return paths, seeds, timings."""
    from ..sweep import run_sweep  # noqa: PLC0415
    from .figure import plot_study  # noqa: PLC0415
    from .verdicts import write_verdicts  # noqa: PLC0415
    cfg = load_config(config or config_name(study))
    study = cfg["study"]
    folder = Path(out) / "results" / "nonlinear"
    raw, reg = folder / f"{study}.csv", folder / f"{study}_regime_runs.csv"
    kept, kept_reg = read_csv_rows(raw), read_csv_rows(reg)
    if not kept:
        raise ParameterError(f"{raw} does not exist or is empty (run the study first: ptft nonlinear run)")
    have = {int(r["seed"]) for r in kept}
    if have != {int(r["seed"]) for r in kept_reg} or not have <= set(cfg["seeds"]):
        raise ParameterError(f"{raw}: its seeds {sorted(have)} are not a subset of the config's seeds or differ "
                             f"from {reg.name}'s")
    new = [s for s in cfg["seeds"] if s not in have and (until_seed is None or s <= until_seed)]
    runs, lever_rows, regime_rows = plan({**cfg, "seeds": new})
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
        log(f"seed {s}: {len(mine)} runs in {times[s]:.0f} s ({len(times)} of {len(new)} new seeds done)")
    if not new:
        return {"new_seeds": [], "csv": str(raw)}
    csv = write_csv_atomic(raw, COLUMNS, kept + _rows(study, lever_rows, results, COLUMNS))
    write_csv_atomic(reg, REGIME_COLUMNS, kept_reg + _rows(study, regime_rows, results, REGIME_COLUMNS))
    ver = write_verdicts(folder, study)
    figs = plot_study(csv, Path(out) / "figures" / f"nonlinear_{study}", predictions=folder / "predictions.csv",
                      title=cfg.get("title"))
    return {"new_seeds": new, "csv": str(csv), "seconds_per_seed": times, "summary": ver["summary"],
            "figures": [str(p) for p in figs]}
