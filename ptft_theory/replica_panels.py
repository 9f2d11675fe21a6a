"""Float64 replica point on Gauss-Legendre panels in the mirror variable: the fallback of
:func:`ptft_theory.replica.generalization_error` where Gauss-Hermite in z does not converge.

Gauss-Hermite in ``z`` converges slowly when the prox has a kink much narrower than ``tau``
(``zeta / tau`` small with tiny ``k``, e.g. noisy points near ``alpha -> 1``): there the integrand
is analytic only in a thin strip around the real z-axis.  The change of variables of
:mod:`ptft_theory.replica_mp` (``z = prox_residual(s) / tau``, ``dz = prox_residual_derivative(s)
ds / tau``) makes every factor entire in the mirror variable ``s`` and removes the inner prox
solve; its float64 panel partition (12- and 24-point Gauss-Legendre agree to ``PANEL_RTOL`` on every
panel) is reused here with numpy arithmetic instead of mpmath.

The fixed point is solved by MINPACK hybrd in (log tau, log zeta) on the 24-point rule, the panels
rebuilt at the solution when it moved from where they were placed; the error estimate is the change
of E when the fixed point is solved again on the 12-point rule (the fixed point's move included).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .replica_mp import _integrands64, _leggauss64, _z_max, panels

#: Gauss-Legendre nodes per panel of the solve; the error estimate uses half as many.
NODES = 24
#: |z| <= Z covers the Gaussian to phi(Z) Z^2 < 1e-28 (far below float64 resolution of E).
Z_MAX = _z_max(16)


@dataclasses.dataclass(frozen=True)
class _Class64:
    """One coordinate class in the attribute names of :func:`ptft_theory.replica_mp.panels`."""

    weight: float
    bstar64: float
    m64: float
    b064: float


class _PanelMoments64:
    """E[eta'] and E[(eta - beta*)^2] at (tau, zeta) on fixed s-panels, ``n`` nodes per panel."""

    def __init__(self, classes, panel_sets, n):
        x, w = _leggauss64(n)
        self.parts = []
        for c, pans in zip(classes, panel_sets):
            a, b = np.array(pans).T
            h, mid = 0.5 * (b - a), 0.5 * (b + a)
            self.parts.append((c, (mid[:, None] + h[:, None] * x).ravel(), (h[:, None] * w).ravel()))

    def __call__(self, tau, zeta):
        d1 = mse = 0.0
        for c, s, ws in self.parts:
            f = _integrands64(s, tau, zeta, c) @ ws
            d1 += c.weight * f[0]
            mse += c.weight * f[1]
        return d1, mse


def solve_point(cls, alpha, sigma, hint):
    """(tau, zeta, mse, mse error estimate) at ``alpha`` for the float64 classes ``cls``
    (:func:`ptft_theory.replica.coordinate_classes`), from ``hint`` = (tau, zeta) near the solution
    (a not-converged Gauss-Hermite solution is close enough).  Raises ReplicaError when the panels
    or the fixed point cannot be resolved."""
    from .replica import ReplicaError, _hybr_point
    classes = [_Class64(float(w), float(bs), float(m), float(b0))
               for w, bs, m, b0 in zip(cls.weight, cls.beta_star, cls.m, cls.b0)]
    tau, zeta = hint
    for _ in range(3):  # panels placed at (tau, zeta); placed again if the solution moved from there
        pans = [panels(c, tau, zeta, Z_MAX) for c in classes]
        out = _hybr_point(_PanelMoments64(classes, pans, NODES), alpha, sigma, (tau, zeta))
        if out is None:
            raise ReplicaError(f"panel quadrature: the fixed point did not converge at alpha={alpha:.6g}")
        moved = abs(out[0] / tau - 1) > 1e-3 or abs(out[1] / zeta - 1) > 1e-3
        tau, zeta, mse = out
        if not moved:
            break
    coarse = _hybr_point(_PanelMoments64(classes, pans, NODES // 2), alpha, sigma, (tau, zeta))
    if coarse is None:
        raise ReplicaError(f"panel quadrature: the error-estimate solve did not converge at alpha={alpha:.6g}")
    return tau, zeta, mse, abs(coarse[2] - mse)
