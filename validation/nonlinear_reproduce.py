"""Recompute one seed of a committed nonlinear study with the current code and compare it with the
committed raw rows: the check that kept rows and new runs of an extension come from the same protocol
(the run fingerprint changes with any edit of the run's modules, so the cache cannot say it).

    nice -n 19 python validation/nonlinear_reproduce.py --study teacher --seed 3

Prints, per compared column, the largest relative difference (the CSV keeps 10 significant digits, so
anything below ~1e-9 is rounding) and exits 1 if it exceeds ``--rtol`` (default 1e-8).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
from pathlib import Path

from ptft_theory.experiments.nonlinear.study import CACHE_SUBDIR, COLUMNS, result_rows, config_name, load_config, plan, run_point
from ptft_theory.experiments.hashing import config_key
from ptft_theory.experiments.sweep import run_sweep
from ptft_theory.fileio import read_csv_rows

COMPARED = ("test_error", "richness", "pt_dependence", "ft_steps", "pt_steps")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default="teacher", choices=("teacher", "fashion"))
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--rtol", type=float, default=1e-8)
    args = ap.parse_args(argv)
    cfg = load_config(config_name(args.study))
    committed = [r for r in read_csv_rows(Path(args.out) / "results" / "nonlinear" / f"{args.study}.csv")
                 if int(r["seed"]) == args.seed]
    tasks = sorted({r["task_type"] for r in committed})
    runs, lever_rows, _ = plan({**cfg, "seeds": [args.seed], "task_types": tasks})
    cache = Path(args.out) / CACHE_SUBDIR
    fn = functools.partial(run_point, cache_dir=str(cache), threads=1)
    res = {config_key(r): x for r, x in zip(runs, run_sweep(fn, runs, cache / "runs", desc=f"reproduce {args.study} "
                                                                                            f"seed {args.seed}", blas_threads=None))}
    new = result_rows(cfg["study"], lever_rows, res, COLUMNS)
    key = lambda r: (r["task_type"], r["lever"], r["arm"], float(r["value"]), int(r["n_ft"]))  # noqa: E731
    old = {key(r): r for r in committed}
    worst = {c: 0.0 for c in COMPARED}
    for r in new:
        o = old[key(r)]
        for c in COMPARED:
            a, b = float(r[c]), float(o[c])
            worst[c] = max(worst[c], 0.0 if a == b else abs(a - b) / max(abs(a), abs(b), 1e-300))
    ok = len(new) == len(committed) and all(v <= args.rtol for v in worst.values())
    print(json.dumps({"study": args.study, "seed": args.seed, "rows": len(new), "committed_rows": len(committed),
                      "max_rel_diff": worst, "reproduced": ok}))
    sys.exit(0 if ok and not any(math.isnan(v) for v in worst.values()) else 1)


if __name__ == "__main__":
    main()
