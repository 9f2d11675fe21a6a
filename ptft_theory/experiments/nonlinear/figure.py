"""The figure of a nonlinear study, from its raw CSVs (``ptft nonlinear figure``).

Rows: FT task types.  Columns: the levers (c; kappa, arm ``init``; kappa, arm ``rebalance``; gamma):
FT test error (mean over seeds, +-1 SE) against n_FT, one line per lever value (darker = larger);
each panel's title carries the pre-registered prediction (``predictions.csv``): for each adjacent
value pair, ``+`` (error grows with the lever), ``-`` (it falls) or ``0`` (no robust prediction).
Last column: the four regime representatives at ``regime_n_ft`` (mean +-1 SE; regime colours of
:mod:`ptft_theory.experiments.style`), the theory's predicted best outlined.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...fileio import read_csv_rows, savefig_atomic
from ..style import DPI, REGIME_COLORS, new_figure

PANELS = (("c", "init"), ("kappa", "init"), ("kappa", "rebalance"), ("gamma", "ft"))
SYMBOL = {1: "+", -1: "-", 0: "0"}


def _mean_se(v):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return np.nan, np.nan
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0


def plot_study(csv, stem, *, predictions=None, title=None) -> list[Path]:
    """Draw the study figure (:func:`draw_study`) and write ``<stem>.png``; returns the paths."""
    fig = draw_study(csv, predictions=predictions, title=title)
    return [savefig_atomic(fig, Path(stem).with_suffix(".png"), dpi=DPI)]


def draw_study(csv, *, predictions=None, title=None, fig=None):
    """The study figure from ``csv`` (and ``<csv stem>_regime_runs.csv`` beside it) on ``fig`` (new if
    None); returns it, saving nothing."""
    from matplotlib import colormaps  # noqa: PLC0415
    csv = Path(csv)
    rows = read_csv_rows(csv)
    regime_rows = read_csv_rows(csv.with_name(csv.stem + "_regime_runs.csv"))
    preds = read_csv_rows(predictions) if predictions is not None else []
    reg_preds = read_csv_rows(Path(predictions).with_name("regime_predictions.csv")) if predictions is not None else []
    study = rows[0]["study"] if rows else ""
    tasks = list(dict.fromkeys(r["task_type"] for r in rows))
    fig = new_figure(fig, (3.3 * (len(PANELS) + 1), 2.8 * len(tasks)))
    axes = fig.subplots(len(tasks), len(PANELS) + 1, squeeze=False)
    for i, t in enumerate(tasks):
        for j, (lever, arm) in enumerate(PANELS):
            ax = axes[i, j]
            sub = [r for r in rows if r["task_type"] == t and r["lever"] == lever and r["arm"] == arm]
            values = sorted({float(r["value"]) for r in sub})
            cmap = colormaps["viridis"]
            for k, v in enumerate(values):
                pts = sorted({int(r["n_ft"]) for r in sub})
                ms = [_mean_se([r["test_error"] for r in sub if float(r["value"]) == v and int(r["n_ft"]) == n])
                      for n in pts]
                m, s = np.array(ms).T if ms else ([], [])
                ax.errorbar(pts, m, yerr=s, marker="o", ms=3, capsize=2, color=cmap(k / max(1, len(values) - 1)),
                            label=f"{lever}={v:g}")
            p = [r for r in preds if r["study"] == study and r["task_type"] == t and r["lever"] == lever
                 and r["arm"] == arm]
            pred = " ".join(SYMBOL[int(float(r["predicted_sign"]))] for r in sorted(p, key=lambda r: float(r["low"])))
            ax.set_title(f"{t}: {lever} ({arm})" + (f"  pred. {pred}" if pred else ""), fontsize=9)
            ax.set_xscale("log", base=2)
            ns = sorted({int(r["n_ft"]) for r in sub})
            ax.set_xticks(ns, [str(n) for n in ns])
            ax.minorticks_off()
            if values:
                ax.legend(fontsize=6)
            if i == len(tasks) - 1:
                ax.set_xlabel("n_FT")
            if j == 0:
                ax.set_ylabel("FT test error")
        ax = axes[i, -1]
        sub = [r for r in regime_rows if r["task_type"] == t]
        names = ["I", "II", "III", "IV"]
        ms = [_mean_se([r["test_error"] for r in sub if r["regime"] == g]) for g in names]
        best = {r["predicted_best"] for r in reg_preds if r["study"] == study and r["task_type"] == t} - {""}
        for k, (g, (m, s)) in enumerate(zip(names, ms)):
            ax.bar(k, m, yerr=s, color=REGIME_COLORS[g], capsize=3,
                   edgecolor="k" if g in best else "none", linewidth=2)
        ax.set_xticks(range(4), names)
        n = sorted({r["n_ft"] for r in sub})
        ax.set_title(f"{t}: regimes, n_FT={','.join(n)}\npred. best: " + ('/'.join(best) if best else "none robust"),
                     fontsize=9)
        if i == len(tasks) - 1:
            ax.set_xlabel("regime representative")
    fig.suptitle((title or f"nonlinear study {study}") + "\nFT test error, mean +-1 SE over seeds (the verdicts use paired "
                 "SEs); bars: regime representatives, predicted best outlined\n'pred.': the theory's sign of the error "
                 "change per adjacent value pair (+ grows, - falls, 0 none robust); the verdicts compare the lowest "
                 "with the highest value", fontsize=10)
    fig.tight_layout()
    return fig
