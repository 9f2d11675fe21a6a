"""The result contract: every result object of the package has ``as_dict()``, which returns
:func:`plain` values, ready for strict JSON (``json.dumps(..., allow_nan=False)``)."""

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
