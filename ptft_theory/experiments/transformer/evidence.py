"""The evidence table of a transformer sweep, from its results CSV alone.

For each FT operation, lever (the other two at the base point), metric and ``n_ft``: the paired
difference ``metric(largest lever value) - metric(smallest)`` over the seeds (runs of one seed share
the split, the init and the FT subsample, so the pairing removes their variation), its mean and
standard error, and whether it is resolved beyond 2 SE.  :func:`summary` condenses the cells of one
(operation, lever, metric) into the direction of the effect of *increasing* the lever.
"""

from __future__ import annotations

import collections
import math

import numpy as np

from ..resnet.figure import as_float, base_point

LEVERS = ("c_pt", "kappa", "gamma_ft")
METRICS = ("test_accuracy", "test_accuracy_unseen", "richness", "pt_dependence")


def paired_effects(rows) -> list[dict]:
    """One dict per (ft_op, lever, metric, n_ft): lo, hi (lever values), n (seeds), diff (mean of
    hi - lo), se, resolved (|diff| > 2 se and se > 0 or a nonzero diff with zero spread), and the
    means at lo, the base and hi."""
    rows = [r for r in rows if r.get("pretrained") != "False"]
    base = base_point(rows)
    out = []
    for op in sorted({r["ft_op"] for r in rows}):
        for lever in LEVERS:
            sub = [r for r in rows if r["ft_op"] == op
                   and all(as_float(r[o]) == base[o] for o in LEVERS if o != lever)]
            values = sorted({as_float(r[lever]) for r in sub})
            if len(values) < 2:
                continue
            lo, hi = values[0], values[-1]
            for metric in METRICS:
                cell: dict = collections.defaultdict(dict)
                for r in sub:
                    cell[(int(r["n_ft"]), int(r["seed"]))][as_float(r[lever])] = as_float(r.get(metric))
                for n in sorted({k[0] for k in cell}):
                    seeds = [s for (m, s) in cell if m == n]
                    d = np.array([cell[(n, s)][hi] - cell[(n, s)][lo] for s in seeds
                                  if lo in cell[(n, s)] and hi in cell[(n, s)]])
                    d = d[np.isfinite(d)]
                    if not len(d):
                        continue
                    se = float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else math.nan
                    mean = float(d.mean())

                    def avg(v):
                        xs = [cell[(n, s)].get(v, math.nan) for s in seeds]
                        return float(np.nanmean(xs)) if any(math.isfinite(x) for x in xs) else math.nan

                    out.append({"ft_op": op, "lever": lever, "metric": metric, "n_ft": n, "lo": lo, "hi": hi,
                                "n": len(d), "diff": mean, "se": se,
                                "resolved": bool(math.isfinite(se) and abs(mean) > 2 * se),
                                "mean_lo": avg(lo), "mean_base": avg(base[lever]), "mean_hi": avg(hi)})
    return out


def summary(effects) -> list[dict]:
    """Per (ft_op, lever, metric): ``direction`` of increasing the lever ("+", "-" or "mixed", from the
    signs of the resolved cells; "none" when no cell is resolved), ``resolved`` cells / ``cells``."""
    groups = collections.defaultdict(list)
    for e in effects:
        groups[(e["ft_op"], e["lever"], e["metric"])].append(e)
    out = []
    for (op, lever, metric), es in groups.items():
        signs = {"+" if e["diff"] > 0 else "-" for e in es if e["resolved"]}
        direction = "none" if not signs else signs.pop() if len(signs) == 1 else "mixed"
        out.append({"ft_op": op, "lever": lever, "metric": metric, "direction": direction,
                    "resolved": sum(e["resolved"] for e in es), "cells": len(es),
                    "diffs": " / ".join(f"{e['diff']:+.3f}" for e in sorted(es, key=lambda e: e["n_ft"])),
                    "lo": es[0]["lo"], "hi": es[0]["hi"]})
    return out


def markdown(effects) -> str:
    """The :func:`summary` as a Markdown table (differences hi - lo per n_FT, ascending)."""
    lines = ["| FT op | lever (lo -> hi) | metric | direction of increasing the lever | resolved > 2 SE | "
             "mean diff hi - lo per n_FT |", "|---|---|---|---|---|---|"]
    for s in summary(effects):
        lines.append(f"| {s['ft_op']} | {s['lever']} ({s['lo']:g} -> {s['hi']:g}) | {s['metric']} | {s['direction']} "
                     f"| {s['resolved']}/{s['cells']} | {s['diffs']} |")
    return "\n".join(lines)


def versus_scratch(rows) -> list[dict]:
    """Per (ft_op, design point, n_ft): FT test accuracy minus the no-PT baseline's (same seed), mean,
    SE over seeds and resolved beyond 2 SE; positive = PT helped."""
    scratch = {(r["ft_op"], int(r["n_ft"]), int(r["seed"])): as_float(r["test_accuracy"])
               for r in rows if r.get("pretrained") == "False"}
    groups = collections.defaultdict(list)
    for r in rows:
        key = (r["ft_op"], int(r["n_ft"]), int(r["seed"]))
        if r.get("pretrained") != "False" and key in scratch:
            point = tuple(as_float(r[k]) for k in LEVERS)
            groups[(r["ft_op"], point, key[1])].append(as_float(r["test_accuracy"]) - scratch[key])
    out = []
    for (op, point, n), ds in sorted(groups.items()):
        d = np.array(ds)
        se = float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else math.nan
        out.append({"ft_op": op, **dict(zip(LEVERS, point)), "n_ft": n, "n": len(d), "diff": float(d.mean()),
                    "se": se, "resolved": bool(math.isfinite(se) and abs(d.mean()) > 2 * se)})
    return out


def markdown_versus_scratch(vs) -> str:
    """:func:`versus_scratch` as a Markdown table: one row per (ft_op, point), one column per n_FT
    (mean difference +- 2 SE, bold when resolved)."""
    ns = sorted({v["n_ft"] for v in vs})
    lines = ["| FT op | c_pt, kappa, gamma_ft | " + " | ".join(f"n_FT = {n}" for n in ns) + " |",
             "|---|---|" + "---|" * len(ns)]
    table = collections.defaultdict(dict)
    for v in vs:
        table[(v["ft_op"], (v["c_pt"], v["kappa"], v["gamma_ft"]))][v["n_ft"]] = v
    for (op, pt), by_n in table.items():
        cells = []
        for n in ns:
            v = by_n.get(n)
            txt = "" if v is None else f"{v['diff']:+.2f} +- {2 * v['se']:.2f}"
            cells.append(f"**{txt}**" if v is not None and v["resolved"] else txt)
        lines.append(f"| {op} | {pt[0]:g}, {pt[1]:g}, {pt[2]:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
