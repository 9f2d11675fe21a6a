"""Verdicts of a nonlinear study, computed from its raw CSVs and the pre-registered predictions.

Lever verdicts (``<study>_verdicts.csv``): :func:`ptft_theory.experiments.verdicts.verdict_rows`, the
rule and the pairing every network study shares: per (task type, lever, arm, n_FT) the lowest against
the highest value of the lever, paired by seed; the predicted sign is ``predictions.csv``'s, whose
pre-registered rows name adjacent value pairs: the (lowest, highest) sign is their common sign where
both adjacent steps carry the same non-zero sign, 0 (no prediction) otherwise
(:func:`~ptft_theory.experiments.verdicts.predicted_sign_lookup`).  ``resolved`` says whether
``|diff_mean| >= 2 diff_se`` whatever the prediction.

Regime comparison (``<study>_regimes.csv``): per (task type, n_FT) the four representatives' mean
error and SE, their observed rank, the theory's predicted best (``regime_predictions.csv``: the regime
best at every c0 of the grid, empty when that depends on c0) and, per regime, the paired difference
``error(regime) - error(predicted best)``: ``agrees`` when > 0 at 2 SE (the predicted best is better),
``disagrees`` when < 0 at 2 SE, ``unresolved`` otherwise; ``no_prediction`` without a predicted best.
The same against the paper's Fig. 5 winners (``paper_best``: subset IV, same II, new I, read from the
recorded ``fig5.toml``), whose tasks and alpha range differ from these studies'.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from ..verdicts import N_SE, VERDICT_COLUMNS, paired_difference, predicted_sign_lookup, verdict, verdict_rows

REGIME_VERDICT_COLUMNS = ("study", "task_type", "n_ft", "regime", "mean_error", "se", "n", "observed_rank",
                          "observed_best", "predicted_best", "diff_vs_predicted_best", "diff_se", "n_pairs", "verdict",
                          "paper_best", "diff_vs_paper_best", "paper_diff_se", "paper_verdict")
#: The paper's Fig. 5 tasks (ptft_theory/configs/fig5.toml) named as this study's task types.
FIG5_TASKS = {"subset": "subset", "identical": "same", "no_overlap": "new"}


def paper_best() -> dict:
    """{task type: the regime the paper's Fig. 5 finds best} from the recorded config fig5.toml."""
    from ..network_sweep import CONFIG_DIR  # noqa: PLC0415
    from ...fileio import read_toml_config  # noqa: PLC0415
    return {FIG5_TASKS[t["name"]]: t["expected_best"] for t in read_toml_config(CONFIG_DIR / "fig5.toml")["tasks"]
            if t["name"] in FIG5_TASKS}
def _f(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


#: Resolution threshold: |paired mean difference| >= Z * its standard error (the shared rule's).
Z = N_SE


def paired(a: dict, b: dict) -> tuple[float, float, int]:
    """(mean, SE, n) of ``b[s] - a[s]`` over the seeds with finite values in both (NaN where undefined)."""
    fa = {s: v for s, v in a.items() if math.isfinite(v)}
    fb = {s: v for s, v in b.items() if math.isfinite(v)}
    m, se, n = paired_difference(fa, fb)
    return (math.nan if m is None else m), (math.nan if se is None else se), n


def rule(diff_mean: float, diff_se: float, predicted_sign: int) -> str:
    """The issue's verdict rule (:func:`ptft_theory.experiments.verdicts.verdict`; NaN = undefined)."""
    finite = math.isfinite(diff_mean) and math.isfinite(diff_se)
    return verdict(diff_mean if finite else None, diff_se if finite else None, predicted_sign)


def lever_verdicts(rows: list[dict], predictions: list[dict]) -> list[dict]:
    """Verdict rows (module docstring) from raw rows and prediction rows (as read from the CSVs)."""
    return verdict_rows(rows, predicted_sign_lookup(predictions))


def regime_verdicts(rows: list[dict], regime_predictions: list[dict]) -> list[dict]:
    """Regime-comparison rows (module docstring) from the regime runs and ``regime_predictions.csv`` rows."""
    best = {(r["study"], r["task_type"]): r["predicted_best"] for r in regime_predictions}
    paper = paper_best()
    err: dict[tuple, dict] = defaultdict(dict)
    for r in rows:
        err[(r["study"], r["task_type"], int(r["n_ft"]))].setdefault(r["regime"], {})[int(r["seed"])] = \
            _f(r["test_error"])
    out = []
    for (st, t, n), by in sorted(err.items()):
        stats = {}
        for g, e in by.items():
            v = np.array([x for x in e.values() if math.isfinite(x)])
            stats[g] = (float(v.mean()) if len(v) else math.nan,
                        float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else math.nan, len(v))
        order = sorted(stats, key=lambda g: stats[g][0])
        pb = best.get((st, t), "")
        for g in sorted(by):
            if pb and g != pb and pb in by:
                m, se, k = paired(by[pb], by[g])
                verdict = rule(m, se, 1)
            else:
                m, se, k = math.nan, math.nan, 0
                verdict = "predicted_best" if pb and g == pb else "no_prediction"
            qb = paper.get(t, "")
            if qb and g != qb and qb in by:
                pm, pse, _ = paired(by[qb], by[g])
                pv = rule(pm, pse, 1)
            else:
                pm, pse, pv = math.nan, math.nan, "paper_best" if g == qb else "no_prediction"
            out.append({"study": st, "task_type": t, "n_ft": n, "regime": g, "mean_error": stats[g][0], "se": stats[g][1],
                        "n": stats[g][2], "observed_rank": order.index(g) + 1, "observed_best": order[0],
                        "predicted_best": pb, "diff_vs_predicted_best": m, "diff_se": se, "n_pairs": k,
                        "verdict": verdict, "paper_best": qb, "diff_vs_paper_best": pm, "paper_diff_se": pse,
                        "paper_verdict": pv})
    return out


def summary(verdicts: list[dict]) -> dict:
    """Counts of verdicts among the signed predictions, the resolved share and the detectable effect
    (``Z`` times the median paired SE)."""
    signed = [v for v in verdicts if int(v["predicted_sign"]) != 0]
    ses = [_f(v["diff_se"]) for v in verdicts if math.isfinite(_f(v["diff_se"]))]
    count = {k: sum(v["verdict"] == k for v in signed) for k in ("agrees", "disagrees", "unresolved")}
    return {"comparisons": len(verdicts), "signed": len(signed), **count,
            "resolved_share": (count["agrees"] + count["disagrees"]) / len(signed) if signed else math.nan,
            "detectable_effect": Z * float(np.median(ses)) if ses else math.nan,
            "unsigned_resolved": sum(bool(v["resolved"]) and int(v["predicted_sign"]) == 0 for v in verdicts)}


def write_verdicts(folder, name: str, predictions=None) -> dict:
    """Read ``<folder>/<name>.csv``, ``<name>_regime_runs.csv`` and the predictions (default
    ``<folder>/predictions.csv`` and ``regime_predictions.csv``); write ``<name>_verdicts.csv`` and
    ``<name>_regimes.csv``; return their paths and :func:`summary`."""
    from pathlib import Path  # noqa: PLC0415

    from ...errors import ParameterError  # noqa: PLC0415
    from ...fileio import read_csv_rows, write_csv_atomic  # noqa: PLC0415
    folder = Path(folder)
    pred = Path(predictions) if predictions is not None else folder / "predictions.csv"
    for f in (folder / f"{name}.csv", pred):
        if not f.is_file():
            raise ParameterError(f"{f} does not exist (run the study / validation/nonlinear_predictions.py first)")
    v = lever_verdicts(read_csv_rows(folder / f"{name}.csv"), read_csv_rows(pred))
    reg = regime_verdicts(read_csv_rows(folder / f"{name}_regime_runs.csv"),
                          read_csv_rows(pred.with_name("regime_predictions.csv")))
    return {"verdicts": str(write_csv_atomic(folder / f"{name}_verdicts.csv", VERDICT_COLUMNS, v)),
            "regimes": str(write_csv_atomic(folder / f"{name}_regimes.csv", REGIME_VERDICT_COLUMNS, reg)),
            "summary": summary(v)}
