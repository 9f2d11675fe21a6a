"""Float64 Gauss-Legendre panels in the mirror variable: the fallback of the Gauss-Hermite rule, and
the panel placement of the mpmath path.

Gauss-Hermite in ``z`` converges slowly when the prox has a kink much narrower than ``tau``
(``zeta / tau`` small with tiny ``k``, e.g. noisy points near ``alpha -> 1``): there the integrand
is analytic only in a thin strip around the real z-axis.  The change of variables
``z = prox_residual(s) / tau``, ``dz = prox_residual_derivative(s) ds / tau`` (see
:mod:`ptft_theory.replica.mp`) makes every factor entire in the mirror variable ``s`` and removes
the inner prox solve.  Panels are bisected until a 12- and a 24-point Gauss-Legendre rule agree to
``PANEL_RTOL`` on every panel.

:func:`panel_solve_point` solves the fixed point by MINPACK hybrd in (log tau, log zeta) on the
24-point rule, the panels rebuilt at the solution when it moved from where they were placed; the
error estimate is the change of E when the fixed point is solved again on the 12-point rule.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np

from .. import kernels
from ..errors import ReplicaError
from .classes import ClassModel, CoordinateClass
from .fixed_point import hybr_point
from .prox import prox

#: float64 panel acceptance: 12- and 24-point rules agree to this relative tolerance.
PANEL_RTOL = 1e-12
#: A panel holding less than this share of the integral (invisible in float64) is accepted at the
#: rounding noise of its float64 integrand, which stalls at ~1e-12..3e-12 relative where z =
#: prox_residual / tau cancels (small tau: Fig. 5's regime-IV init, alpha -> 1).  The high-precision
#: path measures its own quadrature error on these panels (n against n + 8 nodes) and raises if short.
NEGLIGIBLE_SHARE = 1e-16
PANEL_NOISE_RTOL = 1e-9


# ----------------------------------------------------------------------------- float64 panels
def integrands64(s, tau, zeta, cls: CoordinateClass):
    """Non-negative integrands in s: (phi(z) eta' z', phi(z) (eta - beta*)^2 z'), float64 kernels
    (``cls`` in floats)."""
    K = kernels.np
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        z = K.prox_residual(s, cls.beta_star, zeta, cls.m, cls.b0) / tau
        dz = K.prox_residual_derivative(s, zeta, cls.m, cls.b0) / tau
        phi = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
        eta = K.beta_of_s_stable(s, cls.m, cls.b0)
        d1 = K.eta_prime(s, zeta, cls.m, cls.b0)
        f1 = np.where(phi > 0, phi * d1 * dz, 0.0)
        f2 = np.where(phi > 0, phi * (eta - cls.beta_star) ** 2 * dz, 0.0)
    return np.stack([f1, f2])


@functools.lru_cache(maxsize=None)
def leggauss64(n):
    return np.polynomial.legendre.leggauss(n)


def _gl64(a, b, n, tau, zeta, cls):
    x, w = leggauss64(n)
    h, c = 0.5 * (b - a), 0.5 * (b + a)
    return h * (integrands64(c + h * x, tau, zeta, cls) @ w)


def _noise64(a, b, n, tau, zeta, cls):
    """A bound (8x the first-order rounding estimate) on the float64 rounding noise of
    :func:`_gl64`: z = (zeta s + b(s) - beta*)/tau loses eps (|zeta s| + |b| + |beta*|)/tau absolutely,
    so phi(z) loses |z| times that relatively, and (b - beta*)^2 loses 2 eps (|b| + |beta*|)/|b - beta*|."""
    K, eps = kernels.np, np.finfo(float).eps
    x, w = leggauss64(n)
    h, c = 0.5 * (b - a), 0.5 * (b + a)
    s = c + h * x
    f = np.abs(integrands64(s, tau, zeta, cls)) * np.abs(h * w)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        bb = K.beta_of_s_stable(s, cls.m, cls.b0)
        z = K.prox_residual(s, cls.beta_star, zeta, cls.m, cls.b0) / tau
        rel_phi = 4 * eps + np.abs(z) * eps * (np.abs(zeta * s) + np.abs(bb) + abs(cls.beta_star)) / tau
        rel_sq = np.where(bb != cls.beta_star, 2 * eps * (np.abs(bb) + abs(cls.beta_star)) / np.abs(bb - cls.beta_star), 0.0)
        rel = np.stack([rel_phi, rel_phi + rel_sq])
    return 8 * np.nansum(f * np.nan_to_num(rel, nan=np.inf, posinf=np.inf), axis=1)


#: Digits of the panel re-check where float64 cannot decide (its integrand noise ~ its tolerance).
RECHECK_DPS = 30


def _gl_mp(a, b, n, tau, zeta, cls):
    """The n-point Gauss-Legendre rule of both integrands on [a, b] at RECHECK_DPS digits (mpmath
    kernels; the float64 nodes, weights and parameters taken as exact binary numbers): what float64
    would give without its rounding noise."""
    K = kernels.mp
    x, w = leggauss64(n)
    with mpmath.workdps(RECHECK_DPS):
        a, b, tau, zeta = (mpmath.mpf(float(v)) for v in (a, b, tau, zeta))
        bs, m, b0 = (mpmath.mpf(float(v)) for v in (cls.beta_star, cls.m, cls.b0))
        h, c = (b - a) / 2, (b + a) / 2
        q = [mpmath.mpf(0), mpmath.mpf(0)]
        for xi, wi in zip(x, w):
            s = c + h * mpmath.mpf(float(xi))
            z = K.prox_residual(s, bs, zeta, m, b0) / tau
            dz = K.prox_residual_derivative(s, zeta, m, b0) / tau
            g = mpmath.npdf(z) * dz * h * mpmath.mpf(float(wi))
            q[0] += g * K.eta_prime(s, zeta, m, b0)
            q[1] += g * (K.beta_of_s_stable(s, m, b0) - bs) ** 2
        return np.array([float(v) for v in q])


def _converged(q1, q2, floor):
    return np.all(np.abs(q2 - q1) <= PANEL_RTOL * np.abs(q2) + floor)


def s_range(cls, tau, zeta, Z):
    """s at z = -Z and z = +Z (float64 prox), slightly widened; ``cls`` in any number type."""
    cls = cls.as_float()
    x = np.array([cls.beta_star - Z * tau, cls.beta_star + Z * tau])
    s, _, _ = prox(x, zeta, np.full(2, cls.m), np.full(2, cls.b0))
    pad = 1e-3 * (s[1] - s[0])
    return float(s[0] - pad), float(s[1] + pad)


def tail_mass(Z):
    """The bound phi(Z) Z^2 on the Gaussian mass left out by integrating over |z| <= Z."""
    return math.exp(-Z * Z / 2) * Z * Z


def panels(cls, tau, zeta, Z, max_panels=4000):
    """Float64 panel partition of the s-range on which 12- and 24-point Gauss-Legendre agree to
    PANEL_RTOL (relative, per integrand), or differ by less than the truncation already accepted,
    ``tail_mass(Z)`` times the whole integral; ``cls`` in any number type.

    The second clause matters in the far tails: there a panel holds ~1e-55 of the integral and its
    float64 integrand is rounding noise at ~1e-11 relative (z = prox_residual / tau cancels when tau is
    small, e.g. Fig. 5's regime-IV init at dps=30), so no bisection reaches 1e-12 relative on it and
    the placement used to fail ("could not resolve the integrand") on a panel that does not matter.

    The same noise hits panels that do matter: ``(eta - beta*)^2`` cancels where ``tau`` is small
    against ``beta*`` (3e-12 relative at Fig. 5's regime-IV init, alpha = 0.8, dps = 40 or certify=True,
    at z ~ 1.7 and E-share 1e-6), above PANEL_RTOL at every width; and tail panels above
    NEGLIGIBLE_SHARE whose noise exceeds PANEL_NOISE_RTOL (4e-9 at z ~ 12 for rho = 1e-6, beta* = 707,
    tau = 5e-5).  A panel whose float64 rules differ by no more than their rounding noise
    (:func:`_noise64`, twice over) but by more than PANEL_RTOL is decided again by the same two rules at
    RECHECK_DPS digits (:func:`_gl_mp`), where the noise is gone; a panel float64 accepts is accepted
    as before (the same panels as before wherever float64 could decide)."""
    cls = cls.as_float()
    lo, hi = s_range(cls, tau, zeta, Z)
    todo = list(np.linspace(lo, hi, 9))
    todo = [(todo[i], todo[i + 1]) for i in range(8)]
    # whole integral (24 points per initial panel; non-negative integrands, so a sum of magnitudes)
    whole = sum(_gl64(a, b, 24, tau, zeta, cls) for a, b in todo)
    floor = tail_mass(Z) * whole + 1e-300
    done = []
    while todo:
        a, b = todo.pop()
        q1 = _gl64(a, b, 12, tau, zeta, cls)
        q2 = _gl64(a, b, 24, tau, zeta, cls)
        diff = np.abs(q2 - q1)
        if _converged(q1, q2, floor) or (
                np.all(np.abs(q2) <= NEGLIGIBLE_SHARE * whole) and np.all(diff <= PANEL_NOISE_RTOL * np.abs(q2) + floor)):
            done.append((a, b))
            continue
        noise = _noise64(a, b, 12, tau, zeta, cls) + _noise64(a, b, 24, tau, zeta, cls)
        if np.all(diff <= 2 * noise + PANEL_RTOL * np.abs(q2) + floor) and _converged(
                _gl_mp(a, b, 12, tau, zeta, cls), _gl_mp(a, b, 24, tau, zeta, cls), floor):
            done.append((a, b))  # converged, hidden by float64 noise (see panels())
            continue
        if b - a < 1e-12 * (hi - lo) or len(done) + len(todo) > max_panels:
            raise ReplicaError(f"quadrature panels could not resolve the integrand near s={a:.6g} "
                               f"(tau={tau:.6g}, zeta={zeta:.6g})")
        c = 0.5 * (a + b)
        todo += [(a, c), (c, b)]
    return sorted(done)


def z_max(dps):
    """Z with phi(Z) Z^2 < 10^-(dps+12): integration range |z| <= Z loses less than the target."""
    Z = 5.0
    while tail_mass(Z) > 10.0 ** -(dps + 12):
        Z += 0.25
    return Z


#: Gauss-Legendre nodes per panel of the solve; the error estimate uses half as many.
NODES = 24
#: |z| <= Z covers the Gaussian to phi(Z) Z^2 < 1e-28 (far below float64 resolution of E).
Z_MAX = z_max(16)


class PanelMoments:
    """E[eta'] and E[(eta - beta*)^2] at (tau, zeta) on fixed s-panels, ``n`` nodes per panel
    (float64 ``classes``)."""

    def __init__(self, classes, panel_sets, n):
        x, w = leggauss64(n)
        self.parts = []
        for c, pans in zip(classes, panel_sets):
            a, b = np.array(pans).T
            h, mid = 0.5 * (b - a), 0.5 * (b + a)
            self.parts.append((c, (mid[:, None] + h[:, None] * x).ravel(), (h[:, None] * w).ravel()))

    def __call__(self, tau, zeta):
        d1 = mse = 0.0
        for c, s, ws in self.parts:
            f = integrands64(s, tau, zeta, c) @ ws
            d1 += c.weight * f[0]
            mse += c.weight * f[1]
        return d1, mse


def panel_solve_point(cls: ClassModel, alpha, sigma, hint):
    """(tau, zeta, mse, mse error estimate) at ``alpha`` for the float64 classes ``cls``
    (:func:`ptft_theory.replica.coordinate_classes`), from ``hint`` = (tau, zeta) near the solution
    (a not-converged Gauss-Hermite solution is close enough).  Raises ReplicaError when the panels
    or the fixed point cannot be resolved."""
    classes = cls.members()
    tau, zeta = hint
    for _ in range(3):  # panels placed at (tau, zeta); placed again if the solution moved from there
        pans = [panels(c, tau, zeta, Z_MAX) for c in classes]
        out = hybr_point(PanelMoments(classes, pans, NODES), alpha, sigma, (tau, zeta))
        if out is None:
            raise ReplicaError(f"panel quadrature: the fixed point did not converge at alpha={alpha:.6g}")
        moved = abs(out[0] / tau - 1) > 1e-3 or abs(out[1] / zeta - 1) > 1e-3
        tau, zeta, mse = out
        if not moved:
            break
    coarse = hybr_point(PanelMoments(classes, pans, NODES // 2), alpha, sigma, (tau, zeta))
    if coarse is None:
        raise ReplicaError(f"panel quadrature: the error-estimate solve did not converge at alpha={alpha:.6g}")
    return tau, zeta, mse, abs(coarse[2] - mse)
