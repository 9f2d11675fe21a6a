"""The verdict rule of the pre-registered network studies (issues 21 and 22), from raw runs.

Raw rows carry ``study, task_type, lever, value, arm, seed, n_ft, test_error`` (and more).  For each
(study, task_type, lever, arm, n_ft) the lowest and the highest ``value`` of the lever are compared
paired by seed: ``diff = test_error(high) - test_error(low)`` per seed present at both, ``diff_mean``
their mean, ``diff_se`` their standard error (sample standard deviation / sqrt(n); None for one
pair).  ``verdict``: ``agrees`` if ``sign(diff_mean) = predicted_sign`` and ``|diff_mean| >= 2
diff_se``; ``disagrees`` if the sign is the opposite with ``|diff_mean| >= 2 diff_se``; else
``unresolved`` (also where the theory predicts nothing, ``predicted_sign = 0``, or fewer than two
pairs).
"""

from __future__ import annotations

import math
from collections import defaultdict

VERDICT_COLUMNS = ("study", "task_type", "lever", "arm", "n_ft", "low", "high", "predicted_sign", "diff_mean",
                   "diff_se", "n_pairs", "verdict")
#: A difference resolves at this many standard errors of the paired differences.
N_SE = 2.0


def verdict(diff_mean: float | None, diff_se: float | None, predicted_sign: int) -> str:
    """``agrees`` / ``disagrees`` / ``unresolved`` by the rule of the module docstring."""
    if diff_mean is None or diff_se is None or predicted_sign == 0 or diff_mean == 0:
        return "unresolved"
    if abs(diff_mean) < N_SE * diff_se:
        return "unresolved"
    return "agrees" if math.copysign(1, diff_mean) == predicted_sign else "disagrees"


def paired_difference(low: dict, high: dict) -> tuple[float | None, float | None, int]:
    """(mean, standard error, n) of ``high[seed] - low[seed]`` over the seeds in both."""
    d = [high[s] - low[s] for s in sorted(set(low) & set(high))]
    if not d:
        return None, None, 0
    m = sum(d) / len(d)
    if len(d) < 2:
        return m, None, len(d)
    var = sum((x - m) ** 2 for x in d) / (len(d) - 1)
    return m, math.sqrt(var / len(d)), len(d)


def verdict_rows(rows, predicted_sign) -> list[dict]:
    """One verdict row per (study, task_type, lever, arm, n_ft) of the raw ``rows``.

    ``predicted_sign(study, task_type, lever, arm, n_ft, low, high)`` returns +1, -1 or 0.  Rows
    whose ``test_error`` is None (a run that did not happen) are left out.
    """
    cells = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        if r.get("test_error") in (None, ""):  # a run that did not happen (None; an empty CSV cell)
            continue
        key = (r["study"], r["task_type"], r["lever"], r["arm"], int(r["n_ft"]))
        cells[key][float(r["value"])][int(r["seed"])] = float(r["test_error"])
    out = []
    for key in sorted(cells):
        by_value = cells[key]
        low, high = min(by_value), max(by_value)
        if low == high:
            continue
        m, se, n = paired_difference(by_value[low], by_value[high])
        sign = int(predicted_sign(*key, low, high))
        out.append(dict(zip(VERDICT_COLUMNS, (*key, low, high, sign, m, se, n, verdict(m, se, sign)))))
    return out
