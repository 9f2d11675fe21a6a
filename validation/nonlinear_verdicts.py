"""Verdicts of the nonlinear studies (issue 21) from their raw CSVs and the committed predictions.

Writes ``validation/results/nonlinear/<study>_verdicts.csv`` and ``<study>_regimes.csv`` (rules in
:mod:`ptft_theory.experiments.nonlinear.verdicts`) and prints the summary (agrees / disagrees /
unresolved among the signed comparisons; detectable effect = 2 x the median paired SE).

    python validation/nonlinear_verdicts.py [--study teacher fashion] [--out validation]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ptft_theory.experiments.nonlinear.verdicts import write_verdicts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", nargs="+", default=["teacher", "fashion"])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    args = ap.parse_args(argv)
    for s in args.study:
        res = write_verdicts(Path(args.out) / "results" / "nonlinear", s)
        print(json.dumps(res, allow_nan=False, default=str))


if __name__ == "__main__":
    main()
