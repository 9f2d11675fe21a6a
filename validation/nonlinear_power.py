"""Power of a nonlinear study's design from its measured runs: how many paired seeds resolve at least
half of its signed comparisons (method in :mod:`ptft_theory.experiments.nonlinear.power`).

Reads the committed raw runs ``validation/results/nonlinear/<study>.csv`` restricted to the seeds
``--seeds-from-csv`` (default: all in the file) and the pre-registered predictions; writes
``<study>_power.csv`` (one row per extra seed count) and ``<study>_power_comparisons.csv`` (each signed
comparison's measured mean, SD and plug-in seeds) and prints the chosen extension: the smallest extra
seed count whose probability of resolving at least half the signed comparisons is >= 0.9 (PROBABILITY).

    python validation/nonlinear_power.py [--study fashion] [--out validation] [--max-seed 9]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from ptft_theory.experiments.nonlinear.power import plan_extension, plug_in_seeds, signed_differences
from ptft_theory.experiments.verdicts import predicted_sign_lookup
from ptft_theory.fileio import read_csv_rows, write_csv_atomic

EXTRAS = (0, 2, 4, 6, 8, 10, 12, 15, 20, 30)
#: The plan asks for this probability of resolving at least half the signed comparisons: above the
#: median because the plug-in estimate takes the measured effects as true (module docstring of power.py).
PROBABILITY = 0.9
COMPARISON_COLUMNS = ("study", "task_type", "lever", "arm", "n_ft", "low", "high", "predicted_sign", "n_seeds",
                      "diff_mean", "diff_sd", "plug_in_seeds")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default="fashion")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--max-seed", type=int, default=None,
                    help="use only seeds <= this (the seeds the plan was made from; default all)")
    args = ap.parse_args(argv)
    folder = Path(args.out) / "results" / "nonlinear"
    rows = [r for r in read_csv_rows(folder / f"{args.study}.csv")
            if args.max_seed is None or int(r["seed"]) <= args.max_seed]
    keys, seeds, d = signed_differences(rows, predicted_sign_lookup(read_csv_rows(folder / "predictions.csv")))
    plan, chosen = plan_extension(d, EXTRAS, probability=PROBABILITY)
    nstar = plug_in_seeds(d)
    comp = [dict(zip(COMPARISON_COLUMNS, (*k[:8], len(seeds), float(x.mean()), float(x.std(ddof=1)),
                                          float(n) if math.isfinite(n) else None)))
            for k, x, n in zip(keys, d, nstar)]
    sfx = "" if args.max_seed is None else f"_seeds_le{args.max_seed}"
    write_csv_atomic(folder / f"{args.study}_power{sfx}.csv", tuple(plan[0]), plan)
    write_csv_atomic(folder / f"{args.study}_power_comparisons{sfx}.csv", COMPARISON_COLUMNS, comp)
    target = plan[0]["target"]
    print(json.dumps({"study": args.study, "seeds": len(seeds), "signed": len(keys), "target": target,
                      "resolved_now": int(plan[0]["median_resolved"]),
                      "plug_in_seeds_for_target": float(np.sort(nstar)[target - 1]),
                      "chosen_extra_seeds": chosen, "plan": plan}, indent=1))


if __name__ == "__main__":
    main()
