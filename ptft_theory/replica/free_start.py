"""Coordinate classes whose FT start is negligible: a huge FT scale ``k`` with ``|b0| << k``.

Readout with ``gamma_ft > 0`` and a PT teacher far above ``c_pt`` gives the PT-support classes
``k ~ A_pt / 2`` and ``b0 = 2 gamma v0 sinh(s) ~ gamma sqrt(2 v0^2 A_pt / c_pt)`` (``b0 / k ~ A_pt^-1/2``): FT
moves them freely (l2 with a vanishing penalty) from a start of 1e4 (amp_pt = 1e10) to 1e14 (amp_pt = 1e30) to
an O(1) target.  In the mirror variable the prox is ``b(s) = b0 e^{2s} + 2 m sinh 2s`` with ``s ~ -b0 / (4m)``:
the two terms cancel to O(1) from ``|b0|``, so every float64 quadrature of the class loses ``eps |b0|``
absolutely (2e-12 at amp_pt = 1e10, 2e-2 at 1e30): "not converged" at 1e10, "could not solve for tau" from 1e20.

The Bregman potential from ``b0`` differs from the one from 0 by a linear term, so exactly
``eta_{b0}(x) = eta_0(x + zeta t0)``, ``t0 = asinh(b0 / k) / 2``.  Where every ``b`` in play is ``<= u k`` with
``u`` small the prox is linear to ``zeta u^3 / 6`` (``asinh(v) = v - v^3 / 6 + ...``), ``eta = (2k x + zeta b0) /
(2k + zeta)``, and the class's MSE with the start dropped (``b0 -> 0``, ``m -> k / 2``: nothing cancels) differs
from the true one by ``w zeta^2 |b0 (b0 - 2 beta*)| / (2k + zeta)^2`` (E[eta'] not at all, to that order).
:func:`start_drop_bound` bounds the whole difference (that term plus twice the non-linearity of both
problems); the curve solver (:func:`ptft_theory.replica.curve.solve_curve`) solves with the starts dropped,
adds the bound to the error estimate and keeps the answer only where the bound is within the quadrature
target, else solves the original classes.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import kernels
from .classes import ClassModel

#: A class's start is dropped only when ``|b0| <= DROP_U_MAX k`` (and, at the solution, every b in play,
#: ``|b0| + |beta*| + DROP_Z tau + zeta |t0|``, is within that of k): the prox is then linear to
#: ``zeta DROP_U_MAX^3 / 6 = 1.7e-13 zeta``.
DROP_U_MAX = 1e-4
#: |z| range of the Gauss-Hermite nodes kept (weights > 1e-30 reach |z| ~ 11.5).
DROP_Z = 12.0


def minor_to_scale(m, b0):
    """``k`` from ``m = k^2 / (2 (sqrt(k^2 + b0^2) + |b0|))``: ``k = 2 sqrt(m (m + |b0|))``."""
    return 2 * np.sqrt(m * (m + np.abs(b0)))


def drop_negligible_starts(cls: ClassModel):
    """``(model with b0 -> 0 where |b0| <= DROP_U_MAX k, mask of those classes)``, or ``(None, None)`` when no
    class qualifies (every merged model; readout with gamma_ft = 0 or ordinary teachers)."""
    k = minor_to_scale(cls.m, cls.b0)
    mask = (cls.b0 != 0) & (k > 0) & (np.abs(cls.b0) <= DROP_U_MAX * k)
    if not mask.any():
        return None, None
    m = np.where(mask, 0.5 * k, cls.m)
    b0 = np.where(mask, 0.0, cls.b0)
    return dataclasses.replace(cls, m=m, b0=b0), mask


def start_drop_bound(cls: ClassModel, mask, tau: float, zeta: float):
    """``(bound on |MSE(starts) - MSE(dropped)|, bound on |E[eta'] difference|)`` at ``(tau, zeta)`` for the
    classes ``mask`` of the original model ``cls`` (module docstring); ``(inf, inf)`` where they are not
    linear there (``u > DROP_U_MAX``)."""
    w, bs, b0 = cls.weight[mask], np.abs(cls.beta_star[mask]), cls.b0[mask]
    k = minor_to_scale(cls.m[mask], b0)
    ab0 = np.abs(b0)
    t0 = np.abs(kernels.np.mirror_map(0.0, b0, k))  # asinh(b0 / k) / 2: the generated mirror map from b0 to 0
    u = (ab0 + bs + DROP_Z * tau + zeta * t0) / k
    if not np.all(u <= DROP_U_MAX):
        return np.inf, np.inf
    linear = zeta**2 * ab0 * np.abs(b0 - 2 * cls.beta_star[mask])
    linear = linear / (2 * k + zeta) ** 2
    eps = zeta * u**3 / 6  # |eta - its linearisation|, each problem
    rms = tau + zeta * (bs + ab0) / (2 * k)  # rms of (linear eta - beta*) over z, each problem
    mse = np.sum(w * (linear + 2 * (2 * rms * eps + eps**2)))
    # eta' = 1 / (1 + zeta / (2 sqrt(k^2 + b^2))) at b differing by at most u k between the problems
    d1 = np.sum(w * zeta / (2 * k) * u**2)
    return float(mse), float(d1)
