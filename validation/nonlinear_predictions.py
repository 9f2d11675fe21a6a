"""Pre-registered predictions of the nonlinear studies, derived from the diagonal theory.

Writes ``validation/results/nonlinear/predictions.csv`` (predicted sign of each lever's effect on FT
error, per study, task type, lever, arm and adjacent value pair) and ``regime_predictions.csv`` (the
four regime representatives' mean replica error per task type and c0).  The mapping network ->
diagonal model is in :mod:`ptft_theory.experiments.nonlinear.predict`; the grids of the quantities
the network does not identify (c0, alpha) are in each study's config (``[theory]``).

    python validation/nonlinear_predictions.py [--study teacher fashion] [--out validation]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ptft_theory.experiments.nonlinear.predict import write_predictions
from ptft_theory.experiments.nonlinear.study import config_name, load_config


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", nargs="+", default=["teacher", "fashion"])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    args = ap.parse_args(argv)
    for p in write_predictions(Path(args.out) / "results" / "nonlinear", [load_config(config_name(s)) for s in args.study]):
        print(p)


if __name__ == "__main__":
    main()
