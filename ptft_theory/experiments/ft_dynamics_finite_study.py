"""The finite-data FT time course study (config ``ft_dynamics_finite.toml``): points, predictions,
verdicts.  The runs are :func:`ptft_theory.experiments.ft_dynamics_finite.run_point`, cached by
:func:`~ptft_theory.experiments.sweep.run_sweep` under a key that holds the run's code hash; the figure
is :mod:`ptft_theory.experiments.ft_dynamics_finite_figure` (``ptft figures --only ft_dynamics_finite``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..config import Init, Task
from . import ft_dynamics_finite as F
from .ft_dynamics_finite_early import DIAGNOSTIC_FRACTIONS, early_code_hash, early_point

NAME = "ft_dynamics_finite"
REGIMES = ("I", "II", "III", "IV")


def times(cfg: dict) -> list[float]:
    """``[0] + logspace(t_min, t_max, n_times)``."""
    return [0.0] + [float(t) for t in np.logspace(math.log10(cfg["t_min"]), math.log10(cfg["t_max"]), int(cfg["n_times"]))]


def points(cfg: dict, source: dict) -> list[dict]:
    """One run config per (task, alpha, seed, init): paired draws (the seed and alpha fix the data).  Seed
    first: an interrupted sweep has every (task, alpha, init) at the seeds it finished."""
    out = []
    for s in range(int(cfg["seeds"])):
        for t in source["tasks"]:
            for a in cfg["alphas"]:
                for i in source["inits"]:
                    out.append({"kind": NAME, "code": F.code_hash(), "task_name": t["name"], "regime": i["regime"],
                                "task": t["task"], "init": i["init"], "scheme": source.get("scheme", "merged"),
                                "D": int(cfg["D"]), "alpha": float(a), "seed": s, "base_seed": int(cfg["base_seed"]),
                                "times": times(cfg), "early_fractions": [float(f) for f in cfg["early_fractions"]]})
    return out


def run(cfg: dict, source: dict, cache_dir, progress=True) -> list[tuple[dict, dict]]:
    """(config, result) of every run, computing only what the cache lacks; each result carries the
    tight-tolerance early-time check (:func:`early_point`) under ``"early"``."""
    from .sweep import run_sweep
    pts = points(cfg, source)
    res = run_sweep(F.run_point, pts, Path(cache_dir), progress=progress, desc=NAME)
    early = [dict(p, kind=NAME + "_early", code=early_code_hash()) for p in pts]
    for p in early:
        del p["times"]
    res_e = run_sweep(early_point, early, Path(cache_dir), progress=progress, desc=NAME + " early")
    return [(p, dict(r, early=e)) for p, r, e in zip(pts, res, res_e)]


# ----------------------------------------------------------------------------------------- predictions
def ranking(values: dict) -> str:
    """'IV<I<II<III' (best = lowest first; '=' between equal values, e.g. every E(0) = 1 from b0 = 0)."""
    order = sorted(values, key=lambda r: values[r])
    return "".join(("" if i == 0 else "=" if values[r] == values[order[i - 1]] else "<") + r
                   for i, r in enumerate(order))


def predictions(cfg: dict, source: dict) -> list[list]:
    """Rows (task, alpha, regime, E_replica, whitened E at t_early_rank, early ranking (whitened),
    end ranking (replica)): what the runs are compared with, computed before them."""
    from ..replica import generalization_error
    from .ft_dynamics import error_curve
    scheme = source.get("scheme", "merged")
    rows = []
    for t in source["tasks"]:
        task = Task(**t["task"])
        for a in cfg["alphas"]:
            rep, pop = {}, {}
            for i in source["inits"]:
                init = Init(**i["init"])
                rep[i["regime"]] = float(np.ravel(generalization_error(task, init, np.array([float(a)]), scheme=scheme).E)[0])
                pop[i["regime"]] = float(error_curve([float(cfg["t_early_rank"])], task, init, scheme)[0])
            for r in rep:
                rows.append([t["name"], float(a), r, rep[r], pop[r], ranking(pop), ranking(rep)])
    return rows


PREDICTION_HEADER = ["task", "alpha", "regime", "E_replica", "E_whitened_early", "ranking_early_whitened",
                     "ranking_end_replica"]


# ----------------------------------------------------------------------------------------- verdicts
def _mean_se(x):
    x = np.asarray(x, dtype=float)
    return float(np.mean(x)), float(np.std(x, ddof=1) / math.sqrt(x.size)) if x.size > 1 else float("nan")


def first_minimum(E, rel=1e-6) -> int:
    """Index of the first time E(t) comes within ``rel`` (relative) of its minimum: on a converged plateau
    (flat to rounding) the minimum is where the plateau starts, not a rounding wiggle along it."""
    E = np.asarray(E, dtype=float)
    return int(np.argmax(E <= E.min() * (1 + rel) + 1e-300))


def summarise(runs, cfg: dict, preds: list[list]) -> dict:
    """Per (task, alpha, regime): seed mean and SE of E(t) on the grid, of the end point, of min_t E(t),
    the early-time slopes; per (task, alpha): rankings over time and the verdicts of the config's claims."""
    fr = np.asarray(cfg["early_fractions"], dtype=float)
    lr = math.log(fr[1] / fr[0])
    groups: dict = {}
    for c, r in runs:
        groups.setdefault((c["task_name"], c["alpha"], c["regime"]), []).append((c, r))
    pred = {(p[0], p[1], p[2]): p for p in preds}
    rows, curves = [], {}
    for key, lst in sorted(groups.items()):
        E = np.array([r["E"] for _, r in lst])
        end = E[:, -1]
        mins = E.min(axis=1)
        m_end, se_end = _mean_se(end)
        rep = pred[key][3] if key in pred else float("nan")
        # absolute remainder = relative remainder x distance moved ~ t: its slope is the relative slope + 1
        def slope(rows, lr=lr):
            rows = np.asarray(rows, dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.median(np.log(rows[:, 1] / rows[:, 0]) / lr)) + 1.0
        s3_runs = slope([r["beta_err_taylor"][2] for _, r in lst])
        sn_runs = slope([r["beta_err_ntk"] for _, r in lst])
        tight = all("early" in r for _, r in lst)
        s3 = slope([r["early"]["beta_err_taylor"][2] for _, r in lst]) if tight else s3_runs
        s3_small = (slope([r["early"]["beta_err_taylor3_small"] for _, r in lst],
                          math.log(DIAGNOSTIC_FRACTIONS[1] / DIAGNOSTIC_FRACTIONS[0])) if tight else float("nan"))
        sn = slope([r["early"]["beta_err_ntk"] for _, r in lst]) if tight else sn_runs
        m_min, se_min = _mean_se(mins)
        gain, gain_se = _mean_se(end - mins)
        rows.append(dict(task=key[0], alpha=key[1], regime=key[2], n=len(lst), E_end=m_end, E_end_se=se_end,
                         E_replica=rep, z=(m_end - rep) / se_end if se_end > 0 else float("nan"),
                         within_2se=bool(abs(m_end - rep) <= 2 * se_end), E_min=m_min, E_min_se=se_min,
                         early_stop_gain=gain, early_stop_gain_se=gain_se,
                         t_argmin=float(np.median([c["times"][first_minimum(r["E"])] for c, r in lst])),
                         end_vs_convex=float(max(abs(r["E"][-1] - r["E_convex"]) for _, r in lst)),
                         slope_taylor3=s3, slope_ntk=sn, slope_taylor3_rtol9=s3_runs, slope_ntk_rtol9=sn_runs,
                         slope_taylor3_small=s3_small,
                         taylor_ok=bool(s3 >= 3.7),
                         ntk_ok=bool(sn >= 2.7), E_ntk_end=float(np.mean([r["E_ntk"][-1] for _, r in lst]))))
        curves[key] = (E.mean(axis=0), E.std(axis=0, ddof=1) / math.sqrt(E.shape[0]) if E.shape[0] > 1 else 0 * E[0],
                       np.mean([r["E_ntk"] for _, r in lst], axis=0), E)
    return {"rows": rows, "curves": curves}


def rankings_over_time(curves: dict, tgrid) -> list[list]:
    """Rows (task, alpha, time, ranking by seed-mean E(t))."""
    out = []
    keys = sorted({(k[0], k[1]) for k in curves})
    for tn, a in keys:
        regs = [r for r in REGIMES if (tn, a, r) in curves]
        for j, t in enumerate(tgrid):
            out.append([tn, a, t, ranking({r: curves[(tn, a, r)][0][j] for r in regs})])
    return out


#: Early-stopping gains below this are rounding of a converged E(t), not a gain (see lever_verdicts).
GAIN_FLOOR = 1e-6


def lever_verdicts(summary: dict, preds: list[list], cfg: dict, tgrid) -> list[list]:
    """Per (task, alpha): best at the end, best under oracle early stopping, whether early stopping is a
    lever (config claim 4), early ranking vs the whitened one (claim 3), end ranking vs the replica's."""
    out = []
    rows = summary["rows"]
    pred = {(p[0], p[1]): p for p in preds}
    j0 = int(np.argmin(np.abs(np.asarray(tgrid) - float(cfg["t_early_rank"]))))
    for tn, a in sorted({(r["task"], r["alpha"]) for r in rows}):
        sel = [r for r in rows if r["task"] == tn and r["alpha"] == a]
        best_end = min(sel, key=lambda r: r["E_end"])["regime"]
        best_es = min(sel, key=lambda r: r["E_min"])["regime"]
        # a gain must also exceed the runs' integration accuracy (E converges to ~1e-9 relative at rtol 1e-9)
        gains = [r["regime"] for r in sel if r["early_stop_gain"] > max(2 * r["early_stop_gain_se"], GAIN_FLOOR)]
        early = ranking({r["regime"]: summary["curves"][(tn, a, r["regime"])][0][j0] for r in sel})
        end = ranking({r["regime"]: r["E_end"] for r in sel})
        p = pred.get((tn, a))
        out.append([tn, a, best_end, best_es, "yes" if (best_es != best_end or gains) else "no", " ".join(gains),
                    early, p[5] if p else "", early == (p[5] if p else None), end, p[6] if p else "",
                    end == (p[6] if p else None)])
    return out


VERDICT_HEADER = ["task", "alpha", "best_end", "best_early_stopped", "early_stopping_lever", "regimes_gaining",
                  "ranking_early", "ranking_early_whitened", "early_agrees", "ranking_end", "ranking_end_replica",
                  "end_agrees"]
