"""How many paired seeds a study needs to resolve a share of its signed comparisons, from its measured runs.

A comparison (the shared rule of :mod:`ptft_theory.experiments.verdicts`: lowest vs highest lever
value, paired by seed) is resolved when ``|mean(d)| >= 2 SE(d)``, ``d`` its per-seed differences.
Two estimates, both from the MEASURED per-seed differences of the committed seeds:

* **plug-in seeds** ``n* = (2 sd / |mean|)^2``: the number of seeds at which the comparison would sit
  at exactly 2 SE if its mean and SD were what was measured (infinite for a zero mean);
* **seed bootstrap, conditional on the committed seeds**: the committed seeds are kept, ``m`` extra
  seeds are drawn by resampling whole committed seeds (every comparison of a drawn seed together, so
  the dependence between comparisons that share a PT network is kept) and the rule is applied to all
  ``n0 + m`` seeds; repeated ``draws`` times: the distribution of the number resolved.  Like every
  plug-in power estimate it takes the measured effects as the true ones (an unresolved comparison's
  measured mean is noisy) and resampling 10 seeds understates the tails, so the planned size has a
  margin (:func:`plan_extension` asks for a probability of reaching the target, not its median).

The detectable effect at ``n`` seeds is ``2 x median sd / sqrt(n)`` (an effect of that size sits at
the resolution threshold; ``(2 + 0.84) x median sd / sqrt(n)`` is resolved with 80 % probability).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from ..verdicts import N_SE

#: z of one-sided 80 % power (the detectable effect with 80 % probability: (N_SE + Z80) sd / sqrt(n)).
Z80 = 0.8416


def signed_differences(rows, predicted_sign) -> tuple[list[tuple], list[int], np.ndarray]:
    """(comparison keys with their predicted sign, the seeds, per-seed differences ``comparisons x
    seeds``) of the comparisons with a non-zero predicted sign, lowest vs highest value, over the seeds
    every such comparison has (a seed missing from one is dropped from all: the bootstrap draws whole
    seeds)."""
    cells = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        e = float(r["test_error"]) if r.get("test_error") not in (None, "") else math.nan
        if math.isfinite(e):
            cells[(r["study"], r["task_type"], r["lever"], r["arm"], int(r["n_ft"]))][float(r["value"])][int(r["seed"])] = e
    keys, per = [], []
    for key in sorted(cells):
        bv = cells[key]
        lo, hi = min(bv), max(bv)
        g = int(predicted_sign(*key, lo, hi))
        if lo == hi or g == 0:
            continue
        keys.append((*key, lo, hi, g))
        per.append({s: bv[hi][s] - bv[lo][s] for s in set(bv[lo]) & set(bv[hi])})
    seeds = sorted(set.intersection(*(set(p) for p in per))) if per else []
    return keys, seeds, np.array([[p[s] for s in seeds] for p in per], dtype=float).reshape(len(per), len(seeds))


def resolved_count(d: np.ndarray) -> np.ndarray:
    """Number of rows of ``d`` (comparisons x seeds, or draws x comparisons x seeds) resolved by the rule."""
    n = d.shape[-1]
    m = d.mean(-1)
    se = d.std(-1, ddof=1) / math.sqrt(n)
    return np.sum((np.abs(m) >= N_SE * se) & (m != 0), axis=-1)


def plug_in_seeds(d: np.ndarray) -> np.ndarray:
    """``(2 sd / |mean|)^2`` per comparison (inf for a zero mean)."""
    m, sd = np.abs(d.mean(1)), d.std(1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m > 0, (N_SE * sd / np.where(m > 0, m, 1.0)) ** 2, math.inf)


def bootstrap_extension(d: np.ndarray, extra: int, *, draws: int = 2000, seed: int = 0) -> np.ndarray:
    """Resolved counts of ``draws`` bootstrap extensions by ``extra`` seeds (module docstring)."""
    if extra == 0:
        return np.full(draws, int(resolved_count(d)))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, d.shape[1], size=(draws, extra))
    ext = np.concatenate([np.broadcast_to(d, (draws, *d.shape)), np.moveaxis(d[:, idx], 1, 0)], axis=2)
    return resolved_count(ext)


def detectable_effect(d: np.ndarray, n: int, z: float = 0.0) -> float:
    """``(2 + z) x median per-comparison sd / sqrt(n)`` (z = 0: the resolution threshold)."""
    return float((N_SE + z) * np.median(d.std(1, ddof=1)) / math.sqrt(n))


def plan_extension(d: np.ndarray, extras, *, share: float = 0.5, probability: float = 0.8, draws: int = 2000,
                   seed: int = 0) -> tuple[list[dict], int | None]:
    """One row per extra seed count (median, 10th and 90th percentile of the resolved count, the
    probability of resolving at least ``share`` of the comparisons, detectable effects) and the
    smallest extra count reaching that ``probability`` (None if none of ``extras`` does)."""
    k, n0 = d.shape
    target = math.ceil(share * k)
    rows, chosen = [], None
    for m in extras:
        c = bootstrap_extension(d, int(m), draws=draws, seed=seed)
        p = float(np.mean(c >= target))
        rows.append({"extra_seeds": int(m), "seeds": n0 + int(m), "signed": k, "target": target,
                     "median_resolved": float(np.median(c)), "p10_resolved": float(np.percentile(c, 10)),
                     "p90_resolved": float(np.percentile(c, 90)), "p_reach_target": p,
                     "detectable_effect": detectable_effect(d, n0 + int(m)),
                     "detectable_effect_80": detectable_effect(d, n0 + int(m), Z80)})
        if chosen is None and p >= probability:
            chosen = int(m)
    return rows, chosen
