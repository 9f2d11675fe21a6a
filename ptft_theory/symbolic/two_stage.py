"""Finite pretraining data: the two-stage replica (docs/design.md section 3.1).

PT from 0 with ``N_PT = alpha_pt D`` samples is the one-stage replica problem (symbolic.replica) with
``k = c_pt``, ``b0 = 0``: its prox in the mirror variable s1 is ``zeta_pt s1 + b_pt(s1) - x1 = 0``
with ``b_pt(s1) = c sinh 2 s1`` (the PT flow map of symbolic.dynamics, checked equal to the stable
form with ``m = minor_coefficient(c, 0)``).  The learned weight of a coordinate whose PT teacher is
``beta*_pt`` is ``eta_pt(beta*_pt + tau_pt z1)``; FT then averages over z1 the one-stage moments with
``(k, b0) = ft_scale_and_start(beta_hat_pt)``.

Writing the z1 average in s1 (``z1 = r_pt(s1) / tau_pt``, ``dz1 = r_pt'(s1) ds1 / tau_pt``) gives the
weight :func:`pt_mirror_density` and makes every FT scale an entire function of s1
(:func:`ft_scale_in_mirror_variable`: merged ``k = gamma^2 + (1 + lambda/c) c (1 + cosh 2 s1)``).

Limits (:func:`limits`): exact PT (``tau_pt = 0``: the density concentrates at ``beta*_pt``, the
one-stage answer); least-squares PT (``zeta_pt -> 0``, ``eta_pt(x) = x``); lazy PT (``c -> inf``:
``eta_pt = a x``, ``E_pt = 1 - alpha_pt``); merged ``lambda = -c``: k independent of beta_pt, so
the FT error does not depend on alpha_pt at all.
"""

import sympy as sp

from . import ft_maps, potential
from . import replica as R
from .dynamics import pt_beta_of_s
from .symbols import (D1, MSE, alpha_pt, b, b0, beta_pt, beta_star, beta_star_pt, c_pt, lambda_pt, s, s1, sigma_pt,
                      tau_pt, w, zeta_pt)


def pt_flow_map():
    """``b_pt(s1) = c sinh 2 s1``: the stable flow map at ``k = c``, ``b0 = 0`` (m = minor_coefficient(c, 0)
    = c/2), checked equal to the PT coefficient of symbolic.dynamics."""
    m = potential.minor_coefficient().subs({potential.k: c_pt, b0: 0})
    bs = potential.beta_of_s_stable().subs({potential.m_sym: m, b0: 0, w: s1})
    if sp.simplify(bs - pt_beta_of_s().subs(s, s1)) != 0:
        raise AssertionError("the PT flow map differs from the stable form at k = c, b0 = 0")
    return bs


def pt_prox_residual():
    """``r_pt(s1) = zeta_pt s1 + c sinh 2 s1 - beta*_pt``: the one-stage residual at k = c, b0 = 0, with
    ``x = beta*_pt`` (so that ``z1 = r_pt(s1) / tau_pt``)."""
    m = potential.minor_coefficient().subs({potential.k: c_pt, b0: 0})
    return R.prox_residual_in_mirror_variable().subs(
        {potential.m_sym: m, b0: 0, w: s1, R.zeta: zeta_pt, R.x: beta_star_pt})


def pt_mirror_density():
    """The z1 average in s1: ``phi(z1(s1)) dz1/ds1`` with ``z1 = r_pt(s1)/tau_pt``, the standard normal
    density pulled back by the (strictly increasing) PT prox.  Integrates to 1 over the real s1-line."""
    z1 = pt_prox_residual() / tau_pt
    return sp.exp(-z1**2 / 2) / sp.sqrt(2 * sp.pi) * sp.diff(z1, s1)


def ft_scale_in_mirror_variable(scheme):
    """``(k, b0)`` of the FT map with ``beta_pt = b_pt(s1)``: entire in s1 (sympy simplifies the merged
    ``sqrt(c^2 + c^2 sinh^2 2 s1)`` to ``c cosh 2 s1``)."""
    kk, bb = ft_maps.ft_scale_and_start(scheme)
    sub = {beta_pt: pt_flow_map()}
    return sp.simplify(kk.subs(sub)), sp.simplify(bb.subs(sub))


def readout_kink_s1():
    """The positive s1 where the readout FT scale at ``lambda = -c`` vanishes (a kink of k in s1):
    with ``u = sinh s1`` (and ``sinh(asinh(sinh 2 s1)/2) = sinh s1`` for real s1), sympy factors
    ``k^2 = (c u^2 - gamma^2)^2``, whose one positive root gives ``s1* = asinh(gamma / sqrt(c))``."""
    kk, _ = ft_scale_in_mirror_variable("readout")
    km = kk.subs(lambda_pt, -c_pt).subs(sp.asinh(sp.sinh(2 * s1)), 2 * s1)
    u = sp.Symbol("u", positive=True)
    k2 = sp.factor(sp.expand(sp.expand_trig(km**2)).subs(sp.sinh(s1), u).subs(sp.cosh(s1), sp.sqrt(1 + u**2)))
    roots = sp.solve(sp.Eq(k2, 0), u)
    if len(roots) != 1:
        raise AssertionError(f"the readout FT scale at lambda = -c should vanish at one sinh s1 > 0, got {roots}")
    return sp.asinh(roots[0])


def two_stage_moments():
    """The FT moments as two-dimensional averages, as sympy ``Eq`` with placeholders: per FT class,
    ``D1 = E_z1 E_z2[eta'(beta* + tau z2; k(beta_hat_pt(z1)), b0(beta_hat_pt(z1)))]`` and likewise MSE."""
    z1, z2 = sp.symbols("z1 z2", real=True)
    eta, etap, bs = sp.Function("eta"), sp.Function("eta_prime"), beta_star
    bh = sp.Function("eta_pt")(beta_star_pt + tau_pt * z1)
    kk, bb = sp.Function("k")(bh), sp.Function("b_0")(bh)
    E = sp.Function("E_z1z2")
    return (sp.Eq(D1, E(etap(bs + R.tau * z2, kk, bb))), sp.Eq(MSE, E((eta(bs + R.tau * z2, kk, bb) - bs) ** 2)))


def limits():
    """The closed-form limits, each checked by sympy; returns a dict of their expressions."""
    out = {}
    # least-squares PT: zeta_pt -> 0 makes the prox the identity (eta_pt(x) = x) ...
    x1 = sp.Symbol("x1", real=True)
    b_id = sp.solve(sp.Eq(pt_prox_residual().subs(beta_star_pt, x1).subs(zeta_pt, 0).subs(
        s1, sp.asinh(b / c_pt) / 2), 0), b)
    if b_id != [x1]:
        raise AssertionError(f"zeta_pt = 0 should give eta_pt(x) = x, got {b_id}")
    out["least_squares_tau_pt_sq"] = R.least_squares_limit().subs(R.alpha, alpha_pt).subs(R.sigma, sigma_pt)
    # lazy PT (c -> inf): E_pt = 1 - alpha_pt (the one-stage l2 limit with alpha -> alpha_pt)
    out["lazy_E_pt"] = R.l2_limit().subs(R.alpha, alpha_pt)
    # merged lambda = -c: the FT scale no longer depends on beta_pt
    kk, bb = ft_maps.ft_scale_and_start("merged")
    k_minus = sp.simplify(kk.subs(lambda_pt, -c_pt))
    if sp.diff(k_minus, beta_pt) != 0 or bb != 0:
        raise AssertionError("merged lambda = -c should give a beta_pt-independent k and b0 = 0")
    out["merged_lambda_minus_c_k"] = k_minus
    # the s1 density integrates to one: substitute z1 = r_pt(s1)/tau_pt (r_pt' > 0, r_pt(+-inf) = +-inf)
    dens = pt_mirror_density()
    if sp.simplify(sp.diff(sp.erf(pt_prox_residual() / tau_pt / sp.sqrt(2)) / 2, s1) - dens) != 0:
        raise AssertionError("the s1 density is not the derivative of Phi(z1(s1))")
    out["density_antiderivative"] = sp.erf(pt_prox_residual() / tau_pt / sp.sqrt(2)) / 2 + sp.Rational(1, 2)
    return out


__all__ = ["alpha_pt", "beta_star_pt", "ft_scale_in_mirror_variable", "limits", "pt_flow_map", "pt_mirror_density",
           "pt_prox_residual", "readout_kink_s1", "s1", "tau_pt", "two_stage_moments", "zeta_pt"]
