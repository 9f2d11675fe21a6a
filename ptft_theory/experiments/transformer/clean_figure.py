"""The clean transformer study's figure, from its raw and verdict CSVs alone.

Rows: the levers ``c``, ``kappa``, ``gamma``; columns: the FT tasks (subset, same, new).  Each panel
shows held-out FT error against ``n_ft``, mean over seeds +-2 SE, one colour per lever value, solid
for the ``rebalance`` arm (levers at a fixed PT function) and dashed for the ``init`` arm (the
paper's: at PT init; its legend counts the seeds whose PT generalised at that value).  Under each
n_FT the verdict of the low-vs-high comparison is written per arm (``+`` agrees, ``x`` disagrees,
``.`` unresolved; at the top of the panel) and the title gives the predicted direction.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path

from ...fileio import read_csv_rows, savefig_atomic
from ..style import DPI, new_figure
from .clean_evidence import unique_runs

TASKS = ("subset", "same", "new")
LEVERS = ("c", "kappa", "gamma")
MARK = {"agrees": "+", "disagrees": "x", "unresolved": "."}


def _mean_se(values):
    n = len(values)
    m = sum(values) / n
    se = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1) / n) if n > 1 else 0.0
    return m, se


def _ft_summary(rows) -> str:
    """How the FT runs stopped (each run once, :func:`~.clean_evidence.unique_runs`), from the raw CSV's ``ft_stop`` (when
    present) and ``ft_steps`` columns."""
    runs = unique_runs(rows)
    most = max((int(r["ft_steps"]) for r in runs), default=0)
    stops = Counter(r.get("ft_stop") or "" for r in runs)
    if set(stops) <= {""}:
        return f"FT: plain GD, at most {most} steps"
    counts = ", ".join(f"{n} {s}" for s, n in sorted(stops.items()) if s)
    return f"FT: plain GD until its stop rule ({len(runs)} runs: {counts}; at most {most} steps)"


def _arms_line(rows) -> str:
    """What the line styles mean, and whether the init arm was run (more than its base point, as drawn)."""
    if len({float(r["value"]) for r in rows if r["arm"] == "init"}) > 1:
        return "solid: rebalance arm, dashed: init arm"
    return "rebalance arm only (the init arm was not run)"


def plot_clean(raw_csv, verdict_csv, out_stem) -> list[Path]:
    """Draw the 3 x 3 figure (:func:`draw_clean`); writes ``<out_stem>.png`` and returns its path in a list."""
    return [savefig_atomic(draw_clean(raw_csv, verdict_csv), Path(f"{out_stem}.png"), dpi=DPI)]


def draw_clean(raw_csv, verdict_csv, fig=None):
    """The levers x tasks figure on ``fig`` (new if None); returns it, saving nothing."""
    from matplotlib import colormaps  # noqa: PLC0415
    rows = [r for r in read_csv_rows(raw_csv) if r["test_error"] != ""]
    verdicts = read_csv_rows(verdict_csv)
    tasks = [t for t in TASKS if any(r["task_type"] == t for r in rows)]
    levers = [lv for lv in LEVERS if any(r["lever"] == lv for r in rows)]
    fig = new_figure(fig, (4.2 * max(1, len(tasks)), 3.4 * max(1, len(levers))))
    axes = fig.subplots(max(1, len(levers)), max(1, len(tasks)), squeeze=False)
    cmap = colormaps["viridis"]
    for i, lever in enumerate(levers):
        for j, task in enumerate(tasks):
            ax = axes[i][j]
            cell = defaultdict(list)
            for r in rows:
                if r["lever"] == lever and r["task_type"] == task:
                    cell[(r["arm"], float(r["value"]), int(r["n_ft"]))].append(float(r["test_error"]))
            values = sorted({v for _, v, _ in cell})
            for arm, ls in (("rebalance", "-"), ("init", "--")):
                if len({vv for a, vv, _ in cell if a == arm}) < 2:  # an arm with only the base point (not run)
                    continue
                for t, v in enumerate(values):
                    ns = sorted(n for a, vv, n in cell if a == arm and vv == v)
                    if not ns:
                        continue
                    ms = [_mean_se(cell[(arm, v, n)]) for n in ns]
                    ax.errorbar(ns, [m for m, _ in ms], yerr=[2 * s for _, s in ms], ls=ls, marker="o", ms=3,
                                capsize=2, color=cmap(t / max(1, len(values) - 1)),
                                label=f"{lever} = {v:g} ({arm})" if arm == "rebalance" else
                                f"{lever} = {v:g} ({arm}, {max(len(cell[(arm, v, n)]) for n in ns)} seeds)")
            vs = [v for v in verdicts if v["task_type"] == task and v["lever"] == lever]
            for v in vs:
                y = 0.95 if v["arm"] == "rebalance" else 0.88
                ax.annotate(f"{v['arm'][0]}{MARK[v['verdict']]}", (int(v["n_ft"]), y),
                            xycoords=("data", "axes fraction"), ha="center", va="top", fontsize=8,
                            fontweight="bold", color={"agrees": "green", "disagrees": "red"}.get(v["verdict"], "grey"))
            pred = {int(v["predicted_sign"]) for v in vs}
            arrow = ", ".join({1: "higher -> more error", -1: "higher -> less error", 0: "no prediction"}[s]
                              for s in sorted(pred))
            ax.set_title(f"{task}: vary {lever}\npredicted: {arrow}", fontsize=9)
            ax.set_xscale("log")
            ns_all = sorted({n for *_, n in cell})
            if ns_all:
                ax.set_xticks(ns_all)
                ax.set_xticklabels([str(n) for n in ns_all])
                ax.minorticks_off()
            if j == 0:
                ax.set_ylabel("held-out FT error")
            if i == len(levers) - 1:
                ax.set_xlabel("n_FT (FT training sequences)")
        labelled = [ax for ax in axes[i] if ax.get_legend_handles_labels()[0]]
        if labelled:  # the row's legend on its last panel with lines (a row of unrun arms has none)
            labelled[-1].legend(fontsize=6, loc="best")
    n_seeds = len({r["seed"] for r in rows if r["arm"] == "rebalance"})
    init_note = " (init arm: the seeds whose PT at that value generalised, counted in the legend)" \
        if _arms_line(rows).endswith("init arm") else ""
    fig.suptitle(f"Transformer on modular arithmetic, PT a + b (held-out acc >= 0.95): FT error, mean +-2 SE over "
                 f"{n_seeds} seeds{init_note}\n{_ft_summary(rows)}\n"
                 f"{_arms_line(rows)}; at the top of each panel the verdict per n_FT (r/i: rebalance/init arm; "
                 "+ agrees, x disagrees, . unresolved)", fontsize=9)
    fig.tight_layout()
    return fig
