"""``ptft figures --only ft_dynamics_finite``: the finite-data FT time course of Fig. 5's four regimes
(config ``ft_dynamics_finite.toml``; runs and verdicts in :mod:`.ft_dynamics_finite_study`).

Writes ``figures/ft_dynamics_finite.{png,pdf}`` and in ``results/``: ``ft_dynamics_finite_predictions.csv``
(replica end points and rankings, computed before the runs), ``_runs.csv`` (raw E(t) per run),
``_summary.csv`` (per task, alpha, regime: end point vs replica, oracle early stopping, early-time
slopes), ``_rankings.csv`` (ranking over time) and ``_verdicts.csv`` (the config's claims 3 and 4).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..fileio import write_csv_atomic
from . import ft_dynamics_finite_study as S
from .style import REGIME_COLORS, mark_quick, new_figure, save_figure, tex

NAME = S.NAME
SUMMARY_KEYS = ["task", "alpha", "regime", "n", "E_end", "E_end_se", "E_replica", "z", "within_2se", "E_min",
                "E_min_se", "early_stop_gain", "early_stop_gain_se", "t_argmin", "end_vs_convex", "slope_taylor3",
                "slope_ntk", "slope_taylor3_rtol9", "slope_ntk_rtol9", "slope_taylor3_small", "taylor_ok", "ntk_ok", "E_ntk_end"]


def _csvs(res: Path, runs, preds, summ, ranks, verdicts):
    write_csv_atomic(res / f"{NAME}_predictions.csv", S.PREDICTION_HEADER, preds)
    rows = []
    for c, r in runs:
        for t, e, en in zip(c["times"], r["E"], r["E_ntk"]):
            rows.append([c["task_name"], c["alpha"], c["regime"], c["seed"], t, e, en])
    write_csv_atomic(res / f"{NAME}_runs.csv", ["task", "alpha", "regime", "seed", "time", "E", "E_ntk"], rows)
    write_csv_atomic(res / f"{NAME}_summary.csv", SUMMARY_KEYS, [[r[k] for k in SUMMARY_KEYS] for r in summ["rows"]])
    write_csv_atomic(res / f"{NAME}_rankings.csv", ["task", "alpha", "time", "ranking"], ranks)
    write_csv_atomic(res / f"{NAME}_verdicts.csv", S.VERDICT_HEADER, verdicts)


def draw(cfg, source, tgrid, summ, preds, *, quick=False, fig=None):
    """E(t) per (alpha, task): each regime's seed mean and seeds, the replica's end points, the oracle stop."""
    tasks = [t for t in source["tasks"]]
    alphas = sorted({r["alpha"] for r in summ["rows"]})
    rep = {(p[0], p[1], p[2]): p[3] for p in preds}
    fig = new_figure(fig, (4.7 * len(tasks), 3.9 * len(alphas)))
    axes = fig.subplots(len(alphas), len(tasks), squeeze=False)
    t = np.asarray(tgrid, dtype=float)
    x = np.where(t > 0, t, t[1] / 3)  # t = 0 drawn one third of a decade left of the first time
    floor = 1e-12
    for i, a in enumerate(alphas):
        for j, task in enumerate(tasks):
            ax = axes[i, j]
            lo, hi = 1.0, 1.0
            for reg in S.REGIMES:
                key = (task["name"], a, reg)
                if key not in summ["curves"]:
                    continue
                mean, _, _, per_seed = summ["curves"][key]
                col = REGIME_COLORS[reg]
                for e in per_seed:  # each paired seed, faint: on a log axis a +- SE band would cross 0
                    ax.plot(x, np.maximum(e, floor), color=col, lw=0.6, alpha=0.35)
                ax.plot(x, np.maximum(mean, floor), color=col, lw=2.2, label=f"regime {reg}")
                jm = S.first_minimum(mean)
                ax.plot(x[jm], max(mean[jm], floor), "o", color=col, ms=6, mfc="white", mew=1.8)
                lo, hi = min(lo, float(np.min(per_seed))), max(hi, float(np.max(per_seed)))
                if key in rep:
                    ax.axhline(max(rep[key], floor), color=col, ls="--", lw=1, alpha=0.9)
                    lo = min(lo, rep[key])
            ax.set_ylim(max(lo, floor) / 3, hi * 1.6)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.grid(True, which="major", alpha=0.3)
            ax.set_xlabel(r"flow time $t$")
            ax.set_ylabel(rf"FT error $E(t)$, $\alpha = {a:g}$")
            if i == 0:
                ax.set_title(tex(task["title"]), fontsize=10)
            if i == 0 and j == 0:
                ax.plot([], [], "k--", lw=1, label=r"replica $E(\alpha)$ ($D\to\infty$)")
                ax.plot([], [], "o", color="k", mfc="white", label="min over t (oracle stop)")
                ax.legend(fontsize=7, loc="lower left")
    D, n = cfg["D"], cfg["seeds"]
    fig.suptitle(tex(f"{cfg['title']}: D = {D}, {n} paired seeds, seed-mean (thick) and each seed (thin); exact "
                     f"gradient flow (scheme {source.get('scheme', 'merged')})"), fontsize=11)
    fig.tight_layout()
    if quick:
        mark_quick(fig)
    return fig


def figure(opts, config_dir=None) -> list[Path]:
    """Run (cached) and plot; returns the written paths."""
    from . import points as F
    cfg = F.load_config(NAME, opts.quick, config_dir)
    source = F.load_config(cfg["source"], opts.quick, config_dir)
    if "tasks" in cfg:  # a config may name a subset of the source's tasks (the quick test)
        source = dict(source, tasks=[t for t in source["tasks"] if t["name"] in cfg["tasks"]])
    cache = Path(opts.cache_dir) if opts.cache_dir is not None else Path(opts.out) / "cache"
    runs = S.run(cfg, source, cache, progress=opts.progress)
    preds = S.predictions(cfg, source)
    tgrid = S.times(cfg)
    summ = S.summarise(runs, cfg, preds)
    ranks = S.rankings_over_time(summ["curves"], tgrid)
    verdicts = S.lever_verdicts(summ, preds, cfg, tgrid)
    res = Path(opts.out) / "results"
    _csvs(res, runs, preds, summ, ranks, verdicts)
    paths = save_figure(draw(cfg, source, tgrid, summ, preds, quick=opts.quick), Path(opts.out) / "figures", NAME)
    return paths + [res / f"{NAME}_{s}.csv" for s in ("predictions", "runs", "summary", "rankings", "verdicts")]
