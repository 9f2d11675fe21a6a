"""Extend a nonlinear study by the (seed, task type) units its config lists and its committed raw CSVs lack
(:mod:`ptft_theory.experiments.nonlinear.extend`): run seed by seed (cached, resumable), then rewrite
the raw CSVs (kept rows + new seeds), the verdicts and the figure.

    nice -n 19 python validation/nonlinear_extend.py --study fashion [--until-seed N] > extend.log 2>&1

``--until-seed N`` adds only the seeds <= N (from the cache when they ran already): how a run cut
short is assembled from its complete seeds.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ptft_theory.experiments.nonlinear.extend import extend_study


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default="fashion", choices=("teacher", "fashion"))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--until-seed", type=int, default=None)
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    res = extend_study(args.study, out=args.out, until_seed=args.until_seed, progress=not args.no_progress,
                       log=lambda m: print(m, flush=True))
    print(json.dumps(res, allow_nan=False, default=str))


if __name__ == "__main__":
    main()
