"""The FT scale and start ``(k, b0)`` of every coordinate (docs/design.md section 2.3).

Thin, validated wrappers around the generated kernels ``ft_scale_<scheme>`` / ``ft_start_<scheme>``
(derived in :mod:`ptft_theory.symbolic.ft_maps`).
"""

from __future__ import annotations

import mpmath
import numpy as np

from . import _validate as V
from . import kernels
from .config import DEFAULT_SCHEME, as_scheme
from .errors import ParameterError


def ft_scales(beta_pt, c_pt, lambda_pt, gamma_ft, scheme=DEFAULT_SCHEME, *, dps=None):
    """Effective FT scale ``k`` and start ``b0`` per coordinate.

    Parameters
    ----------
    beta_pt : array_like
        What PT learned on each coordinate (the PT end point).
    c_pt, lambda_pt, gamma_ft : float
        Initialisation levers; ``c_pt > 0``, ``|lambda_pt| <= c_pt``, ``gamma_ft >= 0``.
    scheme : {"readout", "merged"}
        FT re-initialisation scheme (default ``"merged"``, see docs/methods.md, *The two fine-tuning schemes*).
    dps : int, optional
        Evaluate with mpmath at this many digits; returns object arrays of ``mpf``.  ``beta_pt`` may
        then hold ``mpf`` values, used as they are (not rounded to float64).

    Returns
    -------
    k, b0 : ndarray
        Same shape as ``beta_pt``.  ``k >= 0``; ``k == 0`` marks a frozen coordinate.

    Raises
    ------
    ParameterError
        Invalid levers, or levers so large that ``k`` overflows float64 (``gamma_ft`` beyond ~1e154,
        ``c_pt`` or ``|beta_pt|`` beyond ~1e307; ``dps=`` evaluates them exactly).

    Examples
    --------
    Merged (the default): ``k = (1 + lambda/c)(c + sqrt(c^2 + beta_pt^2)) + gamma^2``, ``b0 = 0``:

    >>> k, b0 = ft_scales([0.0, 3.0], c_pt=1e-3, lambda_pt=-0.9e-3, gamma_ft=0.0)
    >>> [round(float(x), 4) for x in k], [float(x) for x in b0]
    ([0.0002, 0.3001], [0.0, 0.0])

    Readout at ``lambda_pt = -c_pt``: the unused coordinate is frozen, the PT feature keeps ``~|beta_pt|/2``:

    >>> k, b0 = ft_scales([0.0, 3.0], c_pt=1e-3, lambda_pt=-1e-3, gamma_ft=0.0, scheme="readout")
    >>> [round(float(x), 4) for x in k], [float(x) for x in b0]
    ([0.0, 1.4995], [0.0, 0.0])
    """
    c, lam, g = V.init_levers(c_pt, lambda_pt, gamma_ft)
    scheme = as_scheme(scheme)
    bp = V.finite_array("beta_pt", beta_pt)
    if dps is None:
        K = kernels.np
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                k = np.asarray(getattr(K, f"ft_scale_{scheme.value}")(bp, c, lam, g), dtype=float)
                b0 = np.asarray(getattr(K, f"ft_start_{scheme.value}")(bp, c, lam, g), dtype=float)
            except OverflowError:
                k = b0 = np.full(bp.shape, np.inf)
        if not (np.all(np.isfinite(k)) and np.all(np.isfinite(b0))):
            # k grows like gamma_ft^2, c_pt and |beta_pt|: beyond ~1e308 it is not a float64
            big = max((("gamma_ft", g * g), ("c_pt", c), ("beta_pt", float(np.max(np.abs(bp), initial=0.0)))),
                      key=lambda kv: kv[1])[0]
            raise ParameterError(
                f"{big} is too large: the FT scale k (~ gamma_ft^2 + c_pt + |beta_pt|) overflows float64 at "
                f"c_pt={c!r}, gamma_ft={g!r}, max |beta_pt|={float(np.max(np.abs(bp), initial=0.0))!r}; valid range: "
                "gamma_ft^2, c_pt and |beta_pt| below about 1e307 (or pass dps= for mpmath values)")
        return k, b0
    dps = V.dps("dps", dps)
    K = kernels.mp
    fk = getattr(K, f"ft_scale_{scheme.value}")
    fb = getattr(K, f"ft_start_{scheme.value}")
    with mpmath.workdps(dps):
        cm, lm, gm = mpmath.mpf(c), mpmath.mpf(lam), mpmath.mpf(g)
        flat = [mpmath.mpf(x) for x in np.asarray(beta_pt, dtype=object).ravel()]  # bp: validated floats
        k = np.array([fk(x, cm, lm, gm) for x in flat], dtype=object).reshape(bp.shape)
        b0 = np.array([fb(x, cm, lm, gm) for x in flat], dtype=object).reshape(bp.shape)
    return k, b0
