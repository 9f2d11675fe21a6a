"""Verdicts of the network studies (nonlinear and transformer) from their raw CSVs and the committed predictions.

Writes ``validation/results/nonlinear/<study>_verdicts.csv`` (every study: one rule and one pairing,
:func:`ptft_theory.experiments.verdicts.verdict_rows`, lowest vs highest lever value) and, for the
nonlinear studies, ``<study>_regimes.csv`` (:mod:`ptft_theory.experiments.nonlinear.verdicts`), and
prints the summary (agrees / disagrees / unresolved among the signed comparisons; detectable effect =
2 x the median paired SE).  The transformer study's predictions are ``transformer_predictions.csv``.

    python validation/nonlinear_verdicts.py [--study teacher fashion transformer] [--out validation] [--docs | --markdown]

``--docs`` rewrites docs/networks.md's generated verdict block (counts per study, each nonlinear
study's lever and regime comparisons; :mod:`ptft_theory.experiments.nonlinear.report`) from the CSVs
just written; ``--markdown`` prints that block instead.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ptft_theory.experiments.nonlinear.report import docs_section, update_docs
from ptft_theory.experiments.nonlinear.verdicts import summary, write_verdicts
from ptft_theory.experiments.verdicts import VERDICT_COLUMNS, predicted_sign_lookup, verdict_rows
from ptft_theory.fileio import read_csv_rows, write_csv_atomic

#: Studies whose predictions live in ``<study>_predictions.csv`` and that have no regime comparison.
LEVER_ONLY = ("transformer",)


def write_lever_only(folder: Path, study: str) -> dict:
    """``<study>_verdicts.csv`` of a study without a regime comparison (the transformer's)."""
    v = verdict_rows(read_csv_rows(folder / f"{study}.csv"),
                     predicted_sign_lookup(read_csv_rows(folder / f"{study}_predictions.csv")))
    return {"verdicts": str(write_csv_atomic(folder / f"{study}_verdicts.csv", VERDICT_COLUMNS, v)),
            "summary": summary(v)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", nargs="+", default=["teacher", "fashion", "transformer"])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--markdown", action="store_true", help="print docs/networks.md's generated verdict block")
    ap.add_argument("--docs", action="store_true", help="rewrite that block in docs/networks.md")
    args = ap.parse_args(argv)
    folder = Path(args.out) / "results" / "nonlinear"
    for s in args.study:
        res = write_lever_only(folder, s) if s in LEVER_ONLY else write_verdicts(folder, s)
        if not args.markdown:
            print(json.dumps(res, allow_nan=False, default=str))
    if args.markdown:
        print(docs_section(folder))
    if args.docs:
        doc = Path(__file__).resolve().parents[1] / "docs" / "networks.md"
        print(f"{doc}: {'rewritten' if update_docs(doc, folder) else 'unchanged'}")


if __name__ == "__main__":
    main()
