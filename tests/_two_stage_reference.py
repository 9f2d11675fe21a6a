"""An independent two-stage replica (docs/design.md section 3.1) for a PT teacher far above c_pt: merged
scheme, lambda_pt = gamma_ft = 0, noiseless PT and FT.  numpy, scipy and mpmath only, no package code: its own
prox (bisection / mpmath Newton in the mirror variable s, ``x = k sinh 2s + zeta s``), its own quadrature
(composite Gauss-Legendre in s on panels mapped from a uniform z grid, |z| <= 10) and its own fixed-point
solve (MINPACK hybrd in log tau, log zeta).

PT on-support coordinates (``beta* = A``) are integrated at 130 digits (mpmath, 16-point Gauss-Hermite in z:
the prox is nearly linear there, ``tau_pt / A ~ 1e-44`` at A = 1e100); every other integral in float64, where
nothing cancels (``b - beta*`` with ``beta* = 0``, or with O(1) FT targets).  FT: the on-support PT coordinates
all get ``k = c + sqrt(c^2 + b_on^2)`` with ``b_on = eta_pt(A)`` (their spread is ``tau_pt / A ~ 1e-44``
relative: one value in any float64 code), the off-support ones ``k(s1) = c (1 + cosh 2 s1)`` over the PT mirror
variable s1 (weight ``phi(x1(s1) / tau_pt) x1'(s1) / tau_pt``).
"""

import math

import mpmath
import numpy as np
import scipy.optimize

GL = {n: np.polynomial.legendre.leggauss(n) for n in (4, 6, 8, 10, 12)}
ZB = np.linspace(-10.0, 10.0, 81)


def mirror_of(x, k, zeta, iters=200):
    """s with ``k sinh(2s) + zeta s = x`` elementwise (bisection; odd in x)."""
    x = np.asarray(x, float)
    k = np.broadcast_to(k, x.shape)
    ax = np.abs(x)
    lo = np.zeros_like(ax)
    hi = np.minimum(ax / zeta, 0.5 * np.arcsinh(ax / k)) * (1 + 1e-12) + 1e-300
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        below = k * np.sinh(2 * mid) + zeta * mid < ax
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return np.sign(x) * 0.5 * (lo + hi)


def panel_nodes(edges, n):
    """Composite n-point Gauss-Legendre nodes and weights over consecutive edges (last axis)."""
    g, w = GL[n]
    a, b = edges[..., :-1], edges[..., 1:]
    h, m = 0.5 * (b - a), 0.5 * (b + a)
    s, ws = m[..., None] + h[..., None] * g, h[..., None] * w
    return s.reshape(*s.shape[:-2], -1), ws.reshape(*ws.shape[:-2], -1)


def subdivide(edges, p):
    """Each panel (last axis) cut into p equal pieces."""
    a, b = edges[..., :-1], edges[..., 1:]
    inner = (a[..., None] + (b - a)[..., None] * (np.arange(p) / p)).reshape(*a.shape[:-1], -1)
    return np.concatenate([inner, edges[..., -1:]], axis=-1)


def refine(edges, width):
    """1-D edges with every panel split into pieces at most ``width`` wide."""
    out = [edges[:1]]
    for a, b in zip(edges[:-1], edges[1:]):
        out.append(np.linspace(a, b, max(1, int(np.ceil((b - a) / width))) + 1)[1:])
    return np.concatenate(out)


def class_moments(bstar, k, tau, zeta, n, sub=1):
    """(E[eta'], E[(eta - b*)^2]) over z ~ N(0, 1) of the prox ``eta(b* + tau z)`` for each scale in ``k``."""
    k = np.atleast_1d(k)[:, None]
    x = np.broadcast_to(bstar + tau * ZB[None, :], (k.shape[0], ZB.size))
    s, ws = panel_nodes(subdivide(mirror_of(x, k, zeta), sub), n)
    b, bp = k * np.sinh(2 * s), 2 * k * np.cosh(2 * s)
    z = (b + zeta * s - bstar) / tau
    g = ws * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) / tau
    return np.sum(g * bp, axis=1), np.sum(g * (bp + zeta) * (b - bstar) ** 2, axis=1)


def _newton_mp(c, zeta, x, s):
    for _ in range(60):
        step = (c * mpmath.sinh(2 * s) + zeta * s - x) / (2 * c * mpmath.cosh(2 * s) + zeta)
        s -= step
        if abs(step) <= mpmath.mpf(10) ** (5 - mpmath.mp.dps) * (1 + abs(s)):
            return s
    raise RuntimeError("Newton did not converge")


def pt_on_support(A, c, tau, zeta, dps=130, nodes=16):
    """(E[eta'], E[(eta - A)^2]) of the PT prox at ``x = A + tau z``, at ``dps`` digits."""
    zs, wz = np.polynomial.hermite_e.hermegauss(nodes)
    with mpmath.workdps(dps):
        A, c, tau, zeta = map(mpmath.mpf, (A, c, tau, zeta))
        d1 = mse = mpmath.mpf(0)
        s = mpmath.asinh(A / c) / 2
        for z, w in zip(zs, wz / math.sqrt(2 * math.pi)):
            s = _newton_mp(c, zeta, A + tau * mpmath.mpf(float(z)), s)
            bp = 2 * c * mpmath.cosh(2 * s)
            d1 += w * bp / (bp + zeta)
            mse += w * (c * mpmath.sinh(2 * s) - A) ** 2
        return float(d1), float(mse)


def residual(moments, alpha, tau, zeta):
    """The replica equations ``(1 - MSE / (alpha tau^2), E[eta'] / alpha - 1)`` and the MSE (sigma = 0)."""
    d1, mse = moments(tau, zeta)
    return (1 - mse / alpha / tau**2, d1 / alpha - 1), mse


def solve(moments, alpha, start):
    sol = scipy.optimize.root(lambda v: residual(moments, alpha, *np.exp(v))[0], np.log(start), method="hybr",
                              options={"xtol": 1e-13})
    assert np.max(np.abs(sol.fun)) < 1e-9, sol
    return tuple(float(v) for v in np.exp(sol.x))


def pt_moments(A, c, rho, n=12, sub=8):
    def mom(tau, zeta):
        d_on, m_on = pt_on_support(A, c, tau, zeta)
        d_off, m_off = class_moments(0.0, c, tau, zeta, n, sub)
        return rho * d_on + (1 - rho) * d_off[0], rho * m_on + (1 - rho) * m_off[0]
    return mom


def pt_on_support_value(A, c, zeta):
    """``eta_pt(A)`` (the PT estimate of an on-support coordinate at z1 = 0), at 130 digits."""
    with mpmath.workdps(130):
        A, c = mpmath.mpf(A), mpmath.mpf(c)
        return float(c * mpmath.sinh(2 * _newton_mp(c, mpmath.mpf(zeta), A, mpmath.asinh(A / c) / 2)))


def ft_moments(c, rho_pt, rho_shared, rho_new, tau_pt, zeta_pt, b_on, n=6):
    """FT moments (E[eta'], E[(eta - beta*)^2]) as a function of (tau, zeta), and the FT signal power."""
    a_ft = 1 / math.sqrt(rho_shared + rho_new)
    s1, w1 = panel_nodes(refine(mirror_of(tau_pt * np.linspace(0, 10, 41), c, zeta_pt), 0.5), n)
    x1 = c * np.sinh(2 * s1) + zeta_pt * s1
    # off support: s1 >= 0 only (x1 odd, k even in s1), weights doubled
    q1 = 2 * w1 * np.exp(-0.5 * (x1 / tau_pt) ** 2) / math.sqrt(2 * math.pi) * (2 * c * np.cosh(2 * s1) + zeta_pt) / tau_pt
    k_off = c + np.sqrt(c * c + (c * np.sinh(2 * s1)) ** 2)
    k_on = np.array([c + math.sqrt(c * c + b_on * b_on)])
    classes = [(1 - rho_pt - rho_new, 0.0, k_off, q1), (rho_new, a_ft, k_off, q1),
               (rho_pt - rho_shared, 0.0, k_on, np.ones(1)), (rho_shared, a_ft, k_on, np.ones(1))]

    def mom(tau, zeta):
        d1 = mse = 0.0
        for w, bs, k, q in classes:
            d, m = class_moments(bs, k, tau, zeta, n)
            d1, mse = d1 + w * np.sum(q * d), mse + w * np.sum(q * m)
        return d1, mse
    return mom, (rho_shared + rho_new) * a_ft**2
