"""The verdict rule of the pre-registered network studies (nonlinear and transformer), from raw runs.

Raw rows carry ``study, task_type, lever, value, arm, seed, n_ft, test_error`` (and more).

Pairing (one choice for every study): per (study, task_type, lever, arm, n_ft) the LOWEST and the
HIGHEST ``value`` of the lever are compared, paired by seed: ``diff = test_error(high) -
test_error(low)`` per seed present at both with a finite error, ``diff_mean`` their mean, ``diff_se``
their standard error (sample standard deviation / sqrt(n); None for one pair).  Why lowest vs highest
and not adjacent values: (i) the output contract's ``low, high`` columns name a lever's effect, the
response across the range the design varies; (ii) one comparison per cell, so the comparisons of a
cell do not share runs (adjacent pairs share the middle value's runs, their verdicts are correlated
and counting them separately overstates the evidence); (iii) it is the only pairing every study's
committed predictions define without predicting anything after the runs: a study that predicted the
(lowest, highest) pair directly uses that sign, a study that predicted adjacent pairs implies the
(lowest, highest) sign where every adjacent step between them has the same non-zero sign (the error
then moves the same way at every point of the theory's grid, so it does end to end), and predicts
nothing otherwise (:func:`predicted_sign_lookup`).

``verdict``: ``agrees`` if ``sign(diff_mean) = predicted_sign`` and ``|diff_mean| >= 2 diff_se``;
``disagrees`` if the sign is the opposite with ``|diff_mean| >= 2 diff_se``; else ``unresolved``
(also where the theory predicts nothing, ``predicted_sign = 0``, or fewer than two pairs).
``resolved`` says whether ``|diff_mean| >= 2 diff_se`` whatever the prediction.
"""

from __future__ import annotations

import math
from collections import defaultdict

VERDICT_COLUMNS = ("study", "task_type", "lever", "arm", "n_ft", "low", "high", "predicted_sign", "diff_mean",
                   "diff_se", "n_pairs", "verdict", "resolved")
#: A difference resolves at this many standard errors of the paired differences.
N_SE = 2.0


def verdict(diff_mean: float | None, diff_se: float | None, predicted_sign: int) -> str:
    """``agrees`` / ``disagrees`` / ``unresolved`` by the rule of the module docstring."""
    if diff_mean is None or diff_se is None or predicted_sign == 0 or diff_mean == 0:
        return "unresolved"
    if abs(diff_mean) < N_SE * diff_se:
        return "unresolved"
    return "agrees" if math.copysign(1, diff_mean) == predicted_sign else "disagrees"


def is_resolved(diff_mean: float | None, diff_se: float | None) -> bool:
    """``|diff_mean| >= 2 diff_se`` with a defined, non-zero mean (the sign of a difference is known)."""
    return diff_mean is not None and diff_se is not None and diff_mean != 0 and abs(diff_mean) >= N_SE * diff_se


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


def _error(x) -> float | None:
    """A run's test error as a float, None for a run that did not happen or did not give a finite error."""
    if x in (None, ""):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def verdict_rows(rows, predicted_sign) -> list[dict]:
    """One verdict row (lowest vs highest value, module docstring) per (study, task_type, lever, arm, n_ft).

    ``predicted_sign(study, task_type, lever, arm, n_ft, low, high)`` returns +1, -1 or 0 (for example
    :func:`predicted_sign_lookup`).  Rows without a finite ``test_error`` are left out.
    """
    cells = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        e = _error(r.get("test_error"))
        if e is None:
            continue
        key = (r["study"], r["task_type"], r["lever"], r["arm"], int(r["n_ft"]))
        cells[key][float(r["value"])][int(r["seed"])] = e
    out = []
    for key in sorted(cells):
        by_value = cells[key]
        low, high = min(by_value), max(by_value)
        if low == high:
            continue
        m, se, n = paired_difference(by_value[low], by_value[high])
        sign = int(predicted_sign(*key, low, high))
        out.append(dict(zip(VERDICT_COLUMNS, (*key, low, high, sign, m, se, n, verdict(m, se, sign),
                                              is_resolved(m, se)))))
    return out


def predicted_sign_lookup(predictions):
    """``predicted_sign(study, task_type, lever, arm, n_ft, low, high)`` from prediction rows (as read from
    a predictions CSV: ``study, task_type, lever, arm, low, high, predicted_sign`` and optionally
    ``n_ft``; a row without ``n_ft`` holds for every n_FT).  The sign of ``(low, high)`` is the row's
    when one names that pair, else the common sign of a chain of predicted pairs ``low -> v1 -> ... ->
    high`` when every link has that same non-zero sign (module docstring), else 0."""
    table: dict[tuple, dict] = defaultdict(dict)
    for r in predictions:
        n = r.get("n_ft")
        n = None if n in (None, "") else int(float(n))
        table[(r["study"], r["task_type"], r["lever"], r["arm"], n)][(float(r["low"]), float(r["high"]))] = \
            int(float(r["predicted_sign"]))

    def sign(study, task_type, lever, arm, n_ft, low, high) -> int:
        pairs = table.get((study, task_type, lever, arm, int(n_ft))) or table.get((study, task_type, lever, arm, None))
        if not pairs:
            return 0
        if (low, high) in pairs:
            return pairs[(low, high)]
        s, v = 0, low
        while v < high:
            links = [(h, g) for (lo, h), g in pairs.items() if lo == v and h <= high]
            if len(links) != 1 or links[0][1] == 0 or (s and links[0][1] != s):
                return 0
            v, s = links[0]
        return s if v == high else 0
    return sign
