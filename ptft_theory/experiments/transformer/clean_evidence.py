"""Tables of the clean transformer study from its CSVs: the verdict table, PT statistics, and the
correlation of the FT outcome with PT quality under the old protocol (the first protocol's recorded CSV) and
the clean one.

* Old protocol: over the PT+FT rows of ``sub`` (a - b) at the largest ``n_ft``, Pearson's r between
  FT test accuracy and the PT network's accuracy on the test pairs whose swap was not trained
  (``pt_test_accuracy_unseen``).
* Clean protocol: per task at the largest ``n_ft``, r between FT held-out error at the base point
  (``rebalance`` arm) and ``pt_heldout_accuracy`` over seeds; and r between each seed's lever effect
  (``test_error(high) - test_error(low)``, rebalance arm) and its PT held-out accuracy, pooled over
  levers and tasks: whether PT quality explains the lever effects; for the ``init`` arm (a PT network per
  lever value) the same two with each value's own PT network (:func:`init_arm_correlations`).
"""

from __future__ import annotations

import math
from collections import defaultdict


def pearson(x, y) -> float | None:
    """Pearson's r, or None for fewer than 3 points or a constant variable."""
    n = len(x)
    if n < 3:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(sxx * syy)


def old_protocol_correlation(rows) -> dict:
    """r(FT accuracy on a - b, PT accuracy on swap-unseen test pairs) at the largest n_ft of the old CSV."""
    rows = [r for r in rows if r.get("pretrained") == "True" and r["ft_op"] == "sub"]
    n = max(int(r["n_ft"]) for r in rows)
    rows = [r for r in rows if int(r["n_ft"]) == n]
    x = [float(r["pt_test_accuracy_unseen"]) for r in rows]
    y = [float(r["test_accuracy"]) for r in rows]
    return {"n_ft": n, "n_runs": len(rows), "r": pearson(x, y)}


def unique_runs(rows) -> list[dict]:
    """The FT runs of a raw CSV, each once: a seed's base point (every lever at its base value) is one run,
    written under every lever and both arms; a lever value away from the base is its arm's own run."""
    seen = {}
    for r in rows:
        base = float(r["value"]) == 1.0  # the clean configs' base point: c = kappa = gamma = 1
        key = (r["seed"], r["task_type"], r["n_ft"]) + (("base",) if base else (r["arm"], r["lever"], r["value"]))
        seen.setdefault(key, r)
    return list(seen.values())


def is_base_copy(r) -> bool:
    """Whether a raw row is the one copy of a seed's base run that the seed-level tables read (``rebalance``
    arm, written under ``c``; the same run is also written under every other lever and arm)."""
    return r["arm"] == "rebalance" and r["lever"] == "c" and float(r["value"]) == 1.0


def lowest_highest_pairs(rows) -> list[tuple]:
    """Per (task, lever) cell and seed present at both ends: ``(lo, hi)``, each ``(PT held-out accuracy,
    FT test error)`` of the lowest and of the highest lever value."""
    cells = defaultdict(dict)
    for r in rows:
        cells[(r["task_type"], r["lever"])].setdefault(float(r["value"]), {})[int(r["seed"])] = (
            float(r["pt_heldout_accuracy"]), float(r["test_error"]))
    out = []
    for by_value in cells.values():
        lo, hi = by_value[min(by_value)], by_value[max(by_value)]
        out += [(lo[s], hi[s]) for s in set(lo) & set(hi)]
    return out


def clean_correlations(rows) -> list[dict]:
    """The clean study's correlations (module docstring), one dict per (what, task)."""
    rows = [r for r in rows if r["test_error"] not in ("", None)]
    n = max(int(r["n_ft"]) for r in rows)
    out = []
    for task in sorted({r["task_type"] for r in rows}):
        base = {int(r["seed"]): (float(r["pt_heldout_accuracy"]), float(r["test_error"])) for r in rows
                if r["task_type"] == task and is_base_copy(r) and int(r["n_ft"]) == n}
        out.append({"what": "base FT error vs PT held-out accuracy", "task_type": task, "n_ft": n,
                    "n": len(base), "r": pearson([a for a, _ in base.values()], [e for _, e in base.values()])})
    pairs = lowest_highest_pairs([r for r in rows if r["arm"] == "rebalance" and int(r["n_ft"]) == n])
    xs = [lo[0] for lo, _ in pairs]
    ys = [hi[1] - lo[1] for lo, hi in pairs]
    out.append({"what": "lever effect vs PT held-out accuracy (pooled)", "task_type": "all", "n_ft": n, "n": len(xs),
                "r": pearson(xs, ys)})
    return out + init_arm_correlations(rows, n)


def init_arm_correlations(rows, n: int) -> list[dict]:
    """The ``init`` arm: each lever value has its own PT network.  Per task, r between FT held-out error and
    that network's PT held-out accuracy over every (seed, lever, value) at ``n_ft = n`` (the base point,
    written under each lever, once); and, pooled, r
    between each seed's lever effect (high minus low) and the difference of the two PT networks'
    held-out accuracies (high minus low).  Empty without ``init`` rows beyond the base."""
    init = [r for r in rows if r["arm"] == "init" and int(r["n_ft"]) == n and r["test_error"] not in ("", None)]
    if not any(float(r["value"]) != 1.0 for r in init):
        return []
    out = []
    for task in sorted({r["task_type"] for r in init}):
        pts = [(float(r["pt_heldout_accuracy"]), float(r["test_error"]))
               for r in unique_runs(init) if r["task_type"] == task]  # the base run once, not once per lever
        out.append({"what": "init arm: FT error vs its PT network's held-out accuracy", "task_type": task, "n_ft": n,
                    "n": len(pts), "r": pearson([a for a, _ in pts], [e for _, e in pts])})
    pairs = lowest_highest_pairs(init)
    xs = [hi[0] - lo[0] for lo, hi in pairs]
    ys = [hi[1] - lo[1] for lo, hi in pairs]
    out.append({"what": "init arm: lever effect vs PT held-out accuracy difference (pooled)", "task_type": "all",
                "n_ft": n, "n": len(xs), "r": pearson(xs, ys)})
    return out


def pt_statistics(pt_rows) -> dict:
    """Success rate of PT draws, held-out accuracy range and the key frequencies of the used networks."""
    draws = sum(int(r["draws"]) for r in pt_rows)
    failed = sum(int(r["failed_draws"]) for r in pt_rows)
    used = [r for r in pt_rows if r["used"] == "True"]
    accs = [float(r["pt_heldout_accuracy"]) for r in used]
    return {"networks": len(pt_rows), "used": len(used), "draws": draws, "failed_draws": failed,
            "success_rate": (draws - failed) / draws if draws else None,
            "heldout_min": min(accs) if accs else None, "heldout_mean": sum(accs) / len(accs) if accs else None,
            "key_frequencies": {(r["seed"], r["arm"], r["lever"], r["value"]): r["key_frequencies"] for r in used}}


def pt_success_by_point(pt_rows) -> list[dict]:
    """Per PT init point (``base``, or ``init`` arm ``lever = value``): networks asked for, networks that
    generalised (used), draws, failed draws, and the per-draw success rate with its 95 % Clopper-Pearson
    interval.  Draws stop at the first success or at the cap, so successes / draws is the maximum-likelihood
    per-draw rate whatever the cap (the stopping rule does not enter the likelihood); the interval treats
    the draws as independent Bernoulli trials."""
    from scipy.stats import beta  # noqa: PLC0415
    groups = defaultdict(list)
    for r in pt_rows:
        point = "base" if r["arm"] == "base" else f"{r['arm']} {r['lever']} = {float(r['value']):g}"
        groups[point].append(r)
    def order(point):
        if point == "base":
            return (0, "", 0.0)
        head, value = point.rsplit(" = ", 1)
        return (1, head, float(value))
    out = []
    for point in sorted(groups, key=order):
        rs = groups[point]
        draws = sum(int(r["draws"]) for r in rs)
        k = draws - sum(int(r["failed_draws"]) for r in rs)
        lo = float(beta.ppf(0.025, k, draws - k + 1)) if k > 0 else 0.0
        hi = float(beta.ppf(0.975, k + 1, draws - k)) if k < draws else 1.0
        out.append({"point": point, "networks": len(rs), "used": sum(r["used"] == "True" for r in rs),
                    "seeds_used": [int(r["seed"]) for r in rs if r["used"] == "True"], "draws": draws,
                    "successes": k, "rate": k / draws if draws else None, "rate_lo": lo, "rate_hi": hi})
    return out


def pt_success_markdown(stats) -> str:
    """:func:`pt_success_by_point` as Markdown."""
    lines = ["| PT init | networks | generalised (seeds) | draws | per-draw success (95 % CI) |", "|---|---|---|---|---|"]
    for s in stats:
        if not s["draws"]:
            continue
        seeds = ", ".join(map(str, s["seeds_used"])) or "none"
        lines.append(f"| {s['point']} | {s['networks']} | {s['used']} ({seeds}) | {s['draws']} | "
                     f"{s['successes']}/{s['draws']} = {s['rate']:.2f} ({s['rate_lo']:.2f}-{s['rate_hi']:.2f}) |")
    return "\n".join(lines)


def verdict_markdown(verdicts) -> str:
    """The verdict table as Markdown (a row of one pair has no SE, and says so rather than print 0)."""
    lines = ["| task | lever | arm | n_FT | low -> high | predicted | diff (SE) | pairs | verdict |",
             "|---|---|---|---|---|---|---|---|---|"]
    for v in verdicts:
        se = "no SE: 1 pair" if v["diff_se"] in ("", None) else f"{float(v['diff_se']):.3f}"
        d = "" if v["diff_mean"] == "" else f"{float(v['diff_mean']):+.3f} ({se})"
        lines.append(f"| {v['task_type']} | {v['lever']} | {v['arm']} | {v['n_ft']} | {float(v['low']):g} -> "
                     f"{float(v['high']):g} | {int(v['predicted_sign']):+d} | {d} | {v['n_pairs']} | {v['verdict']} |")
    return "\n".join(lines)


def k1_retention(pt_rows, rows) -> dict:
    """Whether each used ``init``-arm PT network kept its seed's ``k1`` (the top key frequency of the seed's base
    network, the frequency its ``subset`` task is built on in both arms) among its own key frequencies, and the
    ``subset`` held-out error at the largest ``n_ft``: of the networks that kept it, of those that did not, and
    of the base networks (at the base point).  ``{"kept": [(seed, lever, value, error)], "lost": [...],
    "base_errors": [...], "n_ft": n}`` (a network without a ``subset`` run at ``n_ft`` is left out)."""
    base_k1 = {r["seed"]: int(r["key_frequencies"].split()[0]) for r in pt_rows
               if r["arm"] == "base" and r["used"] == "True"}
    sub = [r for r in rows if r["task_type"] == "subset"]
    if not sub:
        return {"kept": [], "lost": [], "base_errors": [], "n_ft": None}
    n = max(int(r["n_ft"]) for r in sub)
    sub = [r for r in sub if int(r["n_ft"]) == n and r["test_error"] not in ("", None)]
    err = {(r["seed"], r["arm"], r["lever"], float(r["value"])): float(r["test_error"]) for r in sub}
    out = {"kept": [], "lost": [], "n_ft": n, "base_errors": [float(r["test_error"]) for r in sub if is_base_copy(r)]}
    for r in pt_rows:
        if r["arm"] != "init" or r["used"] != "True" or r["seed"] not in base_k1:
            continue
        e = err.get((r["seed"], "init", r["lever"], float(r["value"])))
        if e is None:
            continue
        kept = base_k1[r["seed"]] in {int(k) for k in r["key_frequencies"].split()}
        out["kept" if kept else "lost"].append((int(r["seed"]), r["lever"], float(r["value"]), e))
    return out
