"""The result contract: every result object of the package has

* ``success`` (bool) and ``message`` (str), scipy's ``OptimizeResult`` names; ``nit`` (iterations) or
  ``nfev`` (function evaluations) where the computation counts them;
* ``as_dict()``, which returns :func:`plain` values, ready for strict JSON
  (``json.dumps(..., allow_nan=False)``), ``success`` and ``message`` among them;
* a short ``repr``: a few values and the shapes of arrays, never a full array.

A computation that fails raises (:mod:`ptft_theory.errors`), so a returned result normally has
``success`` true; those that report partial failure as data (the simulator's non-converged runs, the
advisor's polish) say so in ``success`` and ``message``.
"""

from __future__ import annotations

import math

import numpy as np


def plain(x):
    """``x`` with numpy values made plain and every non-finite float replaced by None (JSON null);
    mpmath numbers, paths and other objects become their ``str``."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if x is None or isinstance(x, str):
        return x
    if hasattr(x, "value") and isinstance(x.value, str):  # a str enum (Scheme, Regime, Mode)
        return x.value
    return str(x)


def counts(values) -> str:
    """``"a: 2, b: 1"``: how often each value occurs, in first-seen order."""
    seen: dict = {}
    for v in np.ravel(values) if not isinstance(values, str) else [values]:
        seen[str(v)] = seen.get(str(v), 0) + 1
    return ", ".join(f"{k}: {n}" for k, n in seen.items())
