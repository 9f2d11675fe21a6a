"""High-precision moments on fixed s-panels: arb ball arithmetic (default) or pure mpmath.

Both are :class:`~ptft_theory.replica.moments.Moments` (cached at the last (tau, zeta)):
:class:`ArbMoments` evaluates the generated arb kernels (python-flint) at the working precision;
:class:`MpmathMoments` is the pure-mpmath evaluator (``PTFT_HP_MOMENTS=mpmath``), kept as the
"before" of benchmarks/replica_bench.py and an independent evaluation in the tests.
"""

from __future__ import annotations

import functools
import math
import os

import flint
import mpmath

from ..kernels import _arb_ops as A
from .. import kernels
from .moments import CachedMoments

#: Moment evaluator: "arb" (python-flint ball arithmetic, the default) or "mpmath" (pure mpmath: the
#: "before" of the benchmark and an independent check in the tests).
MOMENTS = os.environ.get("PTFT_HP_MOMENTS", "arb")


@functools.lru_cache(maxsize=None)
def _gl_nodes(n, prec):
    """Gauss-Legendre nodes/weights on [-1, 1] (n points) as exact ``flint.arb`` midpoints at binary
    precision prec (FLINT's ``legendre_p_root``: any n, ~1000x faster than mpmath's tables)."""
    with flint.ctx.workprec(prec):
        return tuple((x.mid(), w.mid()) for x, w in (flint.arb.legendre_p_root(n, k, weight=True) for k in range(n)))


def nodes_for(dps):
    """dps + 8 nodes per panel (panels have rho >= ~3.2, so n nodes give ~10^-n relative)."""
    return dps + 8



class ArbMoments(CachedMoments):
    """E[eta'] and E[(eta - beta*)^2] at (tau, zeta), fixed s-nodes per class.

    The nodes are evaluated with the generated arb kernels (python-flint ball arithmetic at the
    working precision ``mpmath.mp.prec`` of ``wp`` digits: the same expressions as ``kernels.mp``,
    ~30x faster per node than ``mpmath.mpf``); inputs and results are ``mpmath.mpf`` (midpoints),
    converted exactly."""

    def __init__(self, classes, panel_sets, n, wp):
        from ..kernels._generated import kernels_arb as KA  # lazily: ~0.5 s to import
        self.wp = wp
        with mpmath.workdps(wp):
            self.prec = mpmath.mp.prec
        gl = _gl_nodes(n, self.prec)
        with flint.ctx.workprec(self.prec):
            self.nodes, self.params = [], []
            for cls, pans in zip(classes, panel_sets):
                bs, m, b0 = (A.from_mpf(v) for v in (cls.beta_star, cls.m, cls.b0))
                self.params.append((A.from_mpf(cls.weight), bs, m, b0))
                pts = []
                for a, b in pans:
                    a, b = flint.arb(a), flint.arb(b)
                    h, c = (b - a) / 2, (b + a) / 2
                    for x, w in gl:
                        s = c + h * x
                        # everything that does not depend on (tau, zeta): b(s), b'(s) and the residual
                        # at zeta = 0 (the residual is affine in zeta: zeta s + b(s) - x, checked
                        # symbolically by tests/replica/test_certify.py)
                        # r(s; 0) = b(s) - beta* (checked symbolically too): b(s) evaluated once
                        hw, r0 = h * w, KA.beta_of_s_stable(s, m, b0) - bs
                        hwbp, hwsq = hw * KA.prox_residual_derivative(s, 0, m, b0), hw * r0 * r0
                        pts.append((s, r0, hwbp, hwsq, hwbp * r0 * r0))
                self.nodes.append(pts)
        self.classes = classes
        self.evaluations = 0
        self._cache = (None, None)

    def _evaluate(self, tau, zeta):
        self.evaluations += 1
        e_max = 4 * self.wp + 50  # phi below 10^-(wp+20): no contribution
        with flint.ctx.workprec(self.prec):
            tau, zeta = A.from_mpf(tau), A.from_mpf(zeta)
            c0 = 1 / (2 * flint.arb.pi()).sqrt()
            m_half_inv_tau2 = -1 / (2 * tau * tau)
            d1_tot, mse_tot = flint.arb(0), flint.arb(0)
            for (weight, bs, m, b0), pts in zip(self.params, self.nodes):
                d1, mse = flint.arb(0), flint.arb(0)
                for s, r0, hwbp, hwsq, hwbpsq in pts:
                    # z = prox_residual / tau = (zeta s + r(s; 0))/tau, z' = (zeta + b')/tau,
                    # eta' = b'/(zeta + b') (kernel eta_prime), so phi(z) eta' z' = phi(z) b'/tau and
                    # phi(z) (eta - beta*)^2 z' = phi(z) (zeta + b') r(s; 0)^2 / tau
                    r = zeta * s + r0
                    e = r * r * m_half_inv_tau2
                    if e < -e_max:
                        continue
                    g = e.exp()
                    d1 += g * hwbp
                    mse += g * (zeta * hwsq + hwbpsq)
                d1_tot += weight * d1
                mse_tot += weight * mse
            d1_tot, mse_tot = c0 * d1_tot / tau, c0 * mse_tot / tau
        with mpmath.workdps(self.wp):
            return A.to_mpf(d1_tot), A.to_mpf(mse_tot)


# ----------------------------------------------------------------------------- legacy mpmath moments
@functools.lru_cache(maxsize=None)
def _gl_nodes_legacy(n, prec):
    """Gauss-Legendre nodes/weights on [-1, 1] with n = 3 * 2^(d-1) points, at binary precision prec."""
    d = int(round(math.log2(n / 3))) + 1
    assert 3 * 2 ** (d - 1) == n
    with mpmath.workprec(prec):
        return tuple(mpmath.mp._gauss_legendre.calc_nodes(d, prec))


def nodes_for_legacy(dps):
    """Smallest 3 * 2^j >= dps + 8 (panels have rho >= ~3.2, so n nodes give ~10^-n relative)."""
    n = 3
    while n < dps + 8:
        n *= 2
    return n


class MpmathMoments(CachedMoments):
    """The pure-mpmath evaluator (``PTFT_HP_MOMENTS=mpmath``): E[eta'] and E[(eta - beta*)^2] at
    (tau, zeta) with ``mpmath.mpf`` kernels, mpmath's 3 * 2^j-node tables and a 2n-node check; kept
    as the "before" of benchmarks/replica_bench.py and as an independent evaluation in the tests."""

    def __init__(self, classes, panel_sets, n, wp):
        K = kernels.mp
        self.wp = wp
        with mpmath.workdps(wp):
            gl = _gl_nodes_legacy(n, mpmath.mp.prec)
            self.nodes = []
            for cls, pans in zip(classes, panel_sets):
                pts = []
                for a, b in pans:
                    a, b = mpmath.mpf(a), mpmath.mpf(b)
                    h, c = (b - a) / 2, (b + a) / 2
                    for x, w in gl:
                        s = c + h * x
                        pts.append((s, h * w, K.beta_of_s_stable(s, cls.m, cls.b0)))
                self.nodes.append(pts)
        self.classes = classes
        self.evaluations = 0
        self._cache = (None, None)

    def _evaluate(self, tau, zeta):
        K = kernels.mp
        self.evaluations += 1
        with mpmath.workdps(self.wp):
            c0 = 1 / mpmath.sqrt(2 * mpmath.pi)
            d1_tot, mse_tot = [], []
            for cls, pts in zip(self.classes, self.nodes):
                d1_terms, mse_terms = [], []
                bs, m, b0 = cls.beta_star, cls.m, cls.b0
                for s, w, eta in pts:
                    z = K.prox_residual(s, bs, zeta, m, b0) / tau
                    e = z * z / 2
                    if e > 4 * self.wp + 50:  # phi below 10^-(wp+20): no contribution
                        continue
                    dz = K.prox_residual_derivative(s, zeta, m, b0) / tau
                    g = w * mpmath.exp(-e) * dz
                    d1_terms.append(g * K.eta_prime(s, zeta, m, b0))
                    mse_terms.append(g * (eta - bs) ** 2)
                d1_tot.append(cls.weight * mpmath.fsum(d1_terms))
                mse_tot.append(cls.weight * mpmath.fsum(mse_terms))
            return c0 * mpmath.fsum(d1_tot), c0 * mpmath.fsum(mse_tot)

