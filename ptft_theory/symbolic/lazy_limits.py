"""The lazy limits of FT: weighted minimum-norm l2 and frozen coordinates (derivations/08_lazy_limits.md).

* **Potential for |b| << k**: ``Q_k(b) = b^2/(4k) - b^4/(48 k^3) + O(b^6/k^5)`` (sympy series): when every FT scale is
  large against the FT amplitude (``z = A/k -> 0``), FT is the minimum-norm interpolator of the weighted
  norm ``sum_i (b_i - b0_i)^2 / (4 k_i)`` (generalised least squares).
* **Replica of a quadratic potential**: the proximal map is linear, ``eta(x) = s x`` with
  ``s = 2k/(2k + zeta)``; with two classes of coordinates (PT features, weight fraction rho_PT, scale
  k_pt; new features, k_new) and ``r = k_pt / k_new``, ``s_new = s_pt / (s_pt + r (1 - s_pt))``, the
  constraint ``alpha = E[eta'] = rho_PT s_pt + (1 - rho_PT) s_new`` is a quadratic in ``s_pt`` (root in
  (0, 1) in closed form) and, without noise, ``E = E[(1 - s)^2 beta*^2] alpha / ((alpha - E[s^2]) E[beta*^2])``.
  At ``r = 1`` it is ``E = 1 - alpha`` (sympy).
* **Frozen coordinates** (``k_new = 0``: readout scheme at lambda = -c, gamma = 0): ``s_new = 0``,
  ``s_pt = alpha / rho_PT`` and ``E = ((1 - alpha/rho_PT)^2 rho_sh + rho_new) A^2 / ((1 - alpha/rho_PT) P)``
  for ``alpha < rho_PT``, with k_pt >> A.

The teacher of the replica's classes: ``rho_sh`` FT entries of magnitude A on PT features, ``rho_new`` on
new ones; ``P = (rho_sh + rho_new) A^2``.
"""

from __future__ import annotations

import sympy as sp

from .potential import potential
from .symbols import b, k

alpha_s = sp.Symbol("alpha", positive=True)
r_s = sp.Symbol("r", positive=True)
s_pt = sp.Symbol("s_pt", positive=True)
zeta_s = sp.Symbol("zeta", positive=True)
x_s = sp.Symbol("x", real=True)
rho_pt_s = sp.Symbol("rho_pt", positive=True)
rho_sh_s = sp.Symbol("rho_shared", nonnegative=True)
rho_new_s = sp.Symbol("rho_new", nonnegative=True)


def potential_small_b(order: int = 6):
    """Series of Q_k(b) at b = 0 up to ``b^order`` (sympy): ``b^2/(4k) - b^4/(96 k^3) + ...``."""
    kp = sp.Symbol("kp", positive=True)
    return sp.series(potential().subs(k, kp), b, 0, order).removeO().subs(kp, k)


def quadratic_prox():
    """``eta(x) = argmin_b b^2/(4k) + (b - x)^2/(2 zeta)`` of the leading quadratic (sympy solve)."""
    bb = sp.Symbol("bb", real=True)
    kp = sp.Symbol("kp", positive=True)
    (sol,) = sp.solve(sp.diff(bb**2 / (4 * kp) + (bb - x_s) ** 2 / (2 * zeta_s), bb), bb)
    return sp.simplify(sol.subs(kp, k))


def shrink_new_of_pt():
    """``s_new`` as a function of ``s_pt`` and ``r = k_pt / k_new`` (eliminating zeta)."""
    kpt, knew = sp.symbols("k_pt k_new", positive=True)
    s_of = sp.diff(quadratic_prox(), x_s)  # 2k/(2k + zeta)
    zeta_of_spt = sp.solve(sp.Eq(s_of.subs(k, kpt), s_pt), zeta_s)[0]
    s_new = sp.simplify(s_of.subs(k, knew).subs(zeta_s, zeta_of_spt).subs(kpt, r_s * knew))
    return s_new


def shrink_pt():
    """The root ``s_pt`` in (0, 1) of ``alpha = rho_PT s_pt + (1 - rho_PT) s_new(s_pt)`` (sympy solve)."""
    eq = sp.Eq(rho_pt_s * s_pt + (1 - rho_pt_s) * shrink_new_of_pt(), alpha_s)
    roots = sp.solve(eq, s_pt)
    # pick the root in (0, 1): checked numerically at a generic point (rho 0.3, alpha 0.4, r 2.5)
    pt = {rho_pt_s: sp.Rational(3, 10), alpha_s: sp.Rational(2, 5), r_s: sp.Rational(5, 2)}
    good = [rt for rt in roots if 0 < float(rt.subs(pt)) < 1]
    if len(good) != 1:
        raise AssertionError(f"expected one root of the lazy state evolution in (0, 1), got {roots}")
    return good[0]


def shrink_pt_stable():
    """The same root in a form without the removable singularity at r = 1:
    ``s_pt = 2 alpha r / (B + sqrt(B^2 + 4 rho (1 - r) alpha r))``, ``B = rho r + 1 - rho - alpha (1 - r)``
    (the quadratic's other form, c / a = product of the roots); checked equal to :func:`shrink_pt` at
    rational points on both sides of r = 1."""
    B = rho_pt_s * r_s + 1 - rho_pt_s - alpha_s * (1 - r_s)
    stable = 2 * alpha_s * r_s / (B + sp.sqrt(B**2 + 4 * rho_pt_s * (1 - r_s) * alpha_s * r_s))
    root = shrink_pt()
    for rv in (sp.Rational(1, 3), sp.Rational(5, 2), 40):
        for rho, al in ((sp.Rational(1, 10), sp.Rational(1, 20)), (sp.Rational(1, 2), sp.Rational(7, 10))):
            pt = {r_s: rv, rho_pt_s: rho, alpha_s: al}
            if abs(sp.N(stable.subs(pt) - root.subs(pt), 40)) > 1e-35:
                raise AssertionError(f"stable root differs from the solved root at {pt}")
    return stable


def weighted_l2_error():
    """Noiseless relative error of the weighted minimum-norm l2 interpolator (two classes, ratio r)."""
    sp_ = shrink_pt_stable()
    sn = shrink_new_of_pt().subs(s_pt, sp_)
    Es2 = rho_pt_s * sp_**2 + (1 - rho_pt_s) * sn**2
    B = rho_sh_s * (1 - sp_) ** 2 + rho_new_s * (1 - sn) ** 2  # in units of A^2
    return B * alpha_s / ((alpha_s - Es2) * (rho_sh_s + rho_new_s))


def weighted_l2_at_r1():
    """``weighted_l2_error`` at r = 1 (sympy): ``1 - alpha``, the plain minimum-norm interpolator."""
    return sp.simplify(weighted_l2_error().subs(r_s, 1))  # the stable root is alpha there


def frozen_error():
    """Noiseless relative error with frozen new features (s_new = 0) and lazy PT features."""
    sp_ = alpha_s / rho_pt_s
    Es2 = rho_pt_s * sp_**2
    B = rho_sh_s * (1 - sp_) ** 2 + rho_new_s
    return sp.simplify(B * alpha_s / ((alpha_s - Es2) * (rho_sh_s + rho_new_s)))


def frozen_is_limit_of_weighted():
    """``lim_{r -> oo} weighted_l2_error = frozen_error`` (k_new / k_pt -> 0), checked by sympy at a
    rational point (the symbolic limit of the root is slow)."""
    pt = {rho_pt_s: sp.Rational(1, 10), rho_sh_s: sp.Rational(1, 20), rho_new_s: sp.Rational(1, 20),
          alpha_s: sp.Rational(1, 20)}
    lim = sp.limit(weighted_l2_error().subs(pt), r_s, sp.oo)
    return sp.simplify(lim - frozen_error().subs(pt)) == 0


__all__ = ["alpha_s", "frozen_error", "frozen_is_limit_of_weighted", "potential_small_b", "quadratic_prox", "r_s",
           "rho_new_s", "rho_pt_s", "rho_sh_s", "shrink_new_of_pt", "shrink_pt", "shrink_pt_stable", "weighted_l2_at_r1",
           "weighted_l2_error"]
