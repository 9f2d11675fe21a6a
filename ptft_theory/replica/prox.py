"""The proximal map of the FT Bregman potential, float64 (a safeguarded Newton in the mirror variable).

``eta(x)`` solves ``zeta s + b(s) - x = 0`` (generated kernels ``prox_residual``,
``prox_residual_derivative``); ``eta = b(s)`` (``beta_of_s_stable``) and ``eta' = eta_prime``.
"""

from __future__ import annotations

import numpy as np

from .. import kernels
from ..constants import S_MAX
from ..errors import ReplicaError


def prox(x, zeta, m, b0, s0=None, max_iter=200):
    """Solve ``zeta s + b(s) - x = 0`` elementwise (bracketed Newton); returns (s, eta, eta')."""
    K = kernels.np
    ax = np.abs(x)
    # |s| <= 350 keeps exp(2s) finite.  Only a frozen coordinate (b(s) == 0) can have its root
    # beyond; its eta is b(s) = 0 wherever s ends up.
    lo = np.maximum(-(ax / zeta + 1.0), -S_MAX)
    hi = np.minimum(ax / zeta + 1.0, S_MAX)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(200):  # expand the bracket until it holds the root
            glo = K.prox_residual(lo, x, zeta, m, b0)
            ghi = K.prox_residual(hi, x, zeta, m, b0)
            bad_lo, bad_hi = ~(glo < 0), ~(ghi > 0)
            bad_lo &= lo > -S_MAX
            bad_hi &= hi < S_MAX
            if not (bad_lo.any() or bad_hi.any()):
                break
            lo = np.where(bad_lo, np.maximum(2 * lo - 1, -S_MAX), lo)
            hi = np.where(bad_hi, np.minimum(2 * hi + 1, S_MAX), hi)
        else:  # pragma: no cover - residual is strictly increasing and unbounded
            raise ReplicaError("could not bracket the proximal map")
        s = np.clip(np.zeros_like(x) if s0 is None else s0, lo, hi)
        prev_step = np.full_like(s, np.inf)
        for _ in range(max_iter):
            g = K.prox_residual(s, x, zeta, m, b0)
            lo = np.where(g < 0, s, lo)
            hi = np.where(g > 0, s, hi)
            dg = K.prox_residual_derivative(s, zeta, m, b0)
            s_new = s - g / dg
            width = hi - lo
            # Bisect when Newton leaves the bracket, or crawls (from the flat side of an exponential
            # Newton gains ~0.5 per step: steps that do not shrink) while the bracket is still wide.
            step = np.abs(s_new - s)
            crawl = (step > 0.5 * prev_step) & (step < 0.125 * width) & (width > 1e-3 * (1 + np.abs(s)))
            out = ~((s_new > lo) & (s_new < hi)) | ~np.isfinite(s_new) | crawl
            s_new = np.where(out, 0.5 * (lo + hi), s_new)
            prev_step = np.where(out, np.inf, step)
            # Converged: residual at rounding level of its terms, or the bracket has collapsed.
            scale = np.abs(x) + zeta * np.abs(s) + np.abs(x - zeta * s)
            done = (np.abs(g) <= 16 * np.finfo(float).eps * scale) | (hi - lo <= 8 * np.finfo(float).eps * (1 + np.abs(s)))
            s = np.where(done, s, s_new)
            if done.all():
                break
        else:
            raise ReplicaError(f"proximal Newton did not converge in {max_iter} iterations")
        eta = K.beta_of_s_stable(s, m, b0)
        d1 = K.eta_prime(s, zeta, m, b0)
    return s, eta, d1
