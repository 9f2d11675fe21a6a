"""Verdicts of the network studies (nonlinear and transformer) from their raw CSVs and the committed predictions.

Writes ``validation/results/nonlinear/<study>_verdicts.csv`` (every study: one rule and one pairing,
:func:`ptft_theory.experiments.verdicts.verdict_rows`, lowest vs highest lever value) and, for the
nonlinear studies, ``<study>_regimes.csv`` (:mod:`ptft_theory.experiments.nonlinear.verdicts`), and
prints the summary (agrees / disagrees / unresolved among the signed comparisons; detectable effect =
2 x the median paired SE).  The transformer study's predictions are ``transformer_predictions.csv``.

    python validation/nonlinear_verdicts.py [--study teacher fashion transformer] [--out validation] [--markdown]

``--markdown`` prints the tables docs/networks.md shows (verdict counts per lever, the signed
comparisons with their paired differences, the regime comparison), computed from the CSVs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

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


def markdown(folder: Path, study: str) -> str:
    """docs/networks.md's tables for one study, from its verdict and regime CSVs."""
    v = read_csv_rows(folder / f"{study}_verdicts.csv")
    lines = [f"**{study}**: verdicts per task type and lever (agrees / disagrees / unresolved among signed "
             "comparisons; `n.p.` = comparisons without a predicted sign, of which resolved)", "",
             "| task | lever (arm) | pairs | predicted | agrees | disagrees | unresolved | n.p. (resolved) |",
             "|---|---|---|---|---|---|---|---|"]
    keys = sorted({(r["task_type"], r["lever"], r["arm"]) for r in v}, key=lambda k: (["subset", "same", "new"].index(k[0]), k[1], k[2]))
    for t, lev, arm in keys:
        rows = [r for r in v if (r["task_type"], r["lever"], r["arm"]) == (t, lev, arm)]
        pairs = sorted({(r["low"], r["high"]) for r in rows}, key=lambda p: float(p[0]))
        pred = " ".join({"1": "+", "-1": "-", "0": "0"}[next(r["predicted_sign"] for r in rows if (r["low"], r["high"]) == p)]
                        for p in pairs)
        signed = [r for r in rows if r["predicted_sign"] != "0"]
        uns = [r for r in rows if r["predicted_sign"] == "0"]
        c = {k: sum(r["verdict"] == k for r in signed) for k in ("agrees", "disagrees", "unresolved")}
        lines.append(f"| {t} | {lev} ({arm}) | {', '.join(f'{float(a):g}->{float(b):g}' for a, b in pairs)} | {pred} | "
                     f"{c['agrees']} | {c['disagrees']} | {c['unresolved']} | {len(uns)} ({sum(r['resolved'] == 'True' for r in uns)}) |")
    reg = read_csv_rows(folder / f"{study}_regimes.csv")
    lines += ["", f"**{study}**: regime representatives (FT test error, mean +- SE over seeds; paired difference to the "
              "predicted best)", "", "| task | n_FT | I | II | III | IV | observed best | predicted best | vs predicted best | "
              "paper's Fig. 5 best | vs paper's best |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for t in ["subset", "same", "new"]:
        rs = {r["regime"]: r for r in reg if r["task_type"] == t}
        if not rs:
            continue
        r0 = next(iter(rs.values()))
        cells = [f"{float(rs[g]['mean_error']):.3f} +- {float(rs[g]['se']):.3f}" for g in ("I", "II", "III", "IV")]
        ver = ", ".join(f"{g}: {rs[g]['verdict']}" for g in ("I", "II", "III", "IV")
                        if rs[g]["verdict"] not in ("predicted_best", "no_prediction")) or "no robust prediction"
        pver = ", ".join(f"{g}: {rs[g]['paper_verdict']}" for g in ("I", "II", "III", "IV")
                         if rs[g]["paper_verdict"] not in ("paper_best", "no_prediction"))
        lines.append(f"| {t} | {r0['n_ft']} | {' | '.join(cells)} | {r0['observed_best']} | {r0['predicted_best'] or '-'} "
                     f"| {ver} | {r0['paper_best']} | {pver} |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", nargs="+", default=["teacher", "fashion", "transformer"])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--markdown", action="store_true", help="print docs/networks.md's tables")
    args = ap.parse_args(argv)
    folder = Path(args.out) / "results" / "nonlinear"
    for s in args.study:
        res = write_lever_only(folder, s) if s in LEVER_ONLY else write_verdicts(folder, s)
        if args.markdown and s not in LEVER_ONLY:
            print(markdown(folder, s) + "\n")
        elif not args.markdown:
            print(json.dumps(res, allow_nan=False, default=str))


if __name__ == "__main__":
    main()
