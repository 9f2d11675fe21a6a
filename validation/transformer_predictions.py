"""Pre-registered predictions of the clean transformer study, derived from the diagonal theory.

    python validation/transformer_predictions.py [--config ptft_theory/configs/transformer_clean_cpu.toml]

Writes ``validation/results/nonlinear/<study>_predictions.csv``: per FT task, lever, arm and n_FT the
replica FT error at the lever's lowest and highest value on the task statistics the config's
``[theory]`` table maps the design to (:mod:`ptft_theory.experiments.transformer.predictions` states the
mapping), the predicted sign of the difference and whether it survives base scales 4x either way.
Committed before the study's results file; ``ptft transformer clean`` reads it from there.
"""

import argparse
from pathlib import Path

from ptft_theory.experiments.transformer.predictions import PREDICTION_COLUMNS, predict
from ptft_theory.experiments.transformer.study import load_study_config
from ptft_theory.fileio import write_csv_atomic

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "ptft_theory" / "configs" / "transformer_clean_cpu.toml"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(DEFAULT))
    ap.add_argument("--out", default=str(HERE), help="folder receiving results/nonlinear/ (default: validation/)")
    args = ap.parse_args(argv)
    cfg = load_study_config(args.config)
    rows = predict(cfg)
    path = write_csv_atomic(Path(args.out) / "results" / "nonlinear" / f"{cfg['study']}_predictions.csv",
                            PREDICTION_COLUMNS, rows)
    print(path)
    for r in rows:
        print(f"{r['task_type']:7s} {r['lever']:6s} {r['arm']:10s} n_ft={r['n_ft']:4d}  E {r['E_low']:.4f} -> "
              f"{r['E_high']:.4f}  sign {r['predicted_sign']:+d}  robust {r['robust']}")


if __name__ == "__main__":
    main()
