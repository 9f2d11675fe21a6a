"""The fine-tuning scale and start ``(k, b0)`` of every coordinate, per re-initialisation scheme.

docs/design.md section 2, item 3.  After PT, the readouts are re-initialised to ``gamma_ft`` and the
first layers are kept per branch (``"readout"``) or merged (``"merged"``: both branches get
``u+ + u-``).  FT then starts each branch at ``(a_branch, gamma_ft)`` and the coordinate follows
``beta(s) = P e^{2s} - M e^{-2s}`` (:func:`.dynamics.network_beta`), so its implicit bias is the
Bregman divergence of ``Q_k`` from ``b0`` with ``k = 2 sqrt(P M)``, ``b0 = P - M``
(:func:`.potential.scale_and_start_from_PM`).  Everything is derived here from the branch
dynamics; docs/design.md's closed forms are compared in
:func:`ptft_theory.symbolic.design_checks.compare_with_design`.
"""

from functools import lru_cache

import sympy as sp

from ..config import DEFAULT_SCHEME, Scheme
from .dynamics import network_beta, pt_first_layers, pt_integrated_gradient
from .potential import M_sym, P_sym, scale_and_start_from_PM
from .symbols import a_minus, a_plus, gamma_ft, lambda_pt


def ft_first_layers(scheme):
    """FT first-layer weights ``(a+, a-)`` of a coordinate in terms of beta_pt, c_pt, lambda_pt."""
    up, um = pt_first_layers()
    if Scheme(scheme) is Scheme.MERGED:
        return up + um, up + um
    return up, um


@lru_cache(maxsize=None)
def ft_P_M_generic():
    """``(P, M)`` of FT for branch inits ``(a+, gamma)``, ``(a-, gamma)``, derived and then written
    as sums of squares ``P = ((a+ + g)^2 + (a- - g)^2)/4``, ``M = ((a+ - g)^2 + (a- + g)^2)/4``
    (checked equal), so that numerics never subtract.
    """
    _, P, M = network_beta(a_plus, gamma_ft, a_minus, gamma_ft)
    P_sq = ((a_plus + gamma_ft) ** 2 + (a_minus - gamma_ft) ** 2) / 4
    M_sq = ((a_plus - gamma_ft) ** 2 + (a_minus + gamma_ft) ** 2) / 4
    if sp.expand(P - P_sq) != 0 or sp.expand(M - M_sq) != 0:
        raise AssertionError("FT (P, M) are not the expected sums of squares")
    return P_sq, M_sq


@lru_cache(maxsize=None)
def ft_scale_and_start(scheme):
    """``(k, b0)`` of FT as functions of ``(beta_pt, c_pt, lambda_pt, gamma_ft)`` for ``scheme``."""
    scheme = Scheme(scheme)
    P, M = ft_P_M_generic()
    k_PM, b0_PM = scale_and_start_from_PM()
    ap, am = ft_first_layers(scheme)
    sub = {a_plus: ap, a_minus: am}
    P_s, M_s = P.subs(sub), M.subs(sub)
    if scheme is Scheme.MERGED:
        # P = M here (a+ = a-): k = 2 sqrt(P^2) = 2 P, since P is a sum of squares.
        if sp.simplify(P_s - M_s) != 0:
            raise AssertionError("merged scheme should have P = M")
        a = ap
        k_expr = sp.expand(2 * ((a + gamma_ft) ** 2 + (a - gamma_ft) ** 2) / 4)
        # Collect on cosh(s_PT)^2 with a factored coefficient: 2 (c_pt + lambda_pt) cosh^2, which
        # stays accurate as lambda_pt -> -c_pt (the expanded form cancels catastrophically there).
        cosh2 = sp.cosh(pt_integrated_gradient()) ** 2
        k_expr = sp.collect(k_expr, cosh2, func=sp.factor)
        return k_expr, sp.Integer(0)
    k_expr = k_PM.subs({P_sym: P_s, M_sym: M_s})
    b0_expr = sp.simplify(sp.expand(b0_PM.subs({P_sym: P_s, M_sym: M_s})))
    return k_expr, b0_expr


def pt_dependence_is_lambda_free():
    """True: the PT end point beta(s) does not involve lambda_pt (proof by computation)."""
    from .dynamics import pt_beta_of_s

    return lambda_pt not in pt_beta_of_s().free_symbols


__all__ = [
    "DEFAULT_SCHEME",
    "Scheme",
    "ft_P_M_generic",
    "ft_first_layers",
    "ft_scale_and_start",
    "pt_dependence_is_lambda_free",
]
