"""The fine-tuning scale and start ``(k, b0)`` of every coordinate, per re-initialisation scheme.

docs/design.md section 2, item 3.  After PT, the readouts are re-initialised to ``gamma_ft`` and the
first layers are kept per branch (``"readout"``) or merged (``"merged"``: both branches get
``u+ + u-``).  FT then starts each branch at ``(a_branch, gamma_ft)`` and the coordinate follows
``beta(s) = P e^{2s} - M e^{-2s}`` (:func:`.dynamics.network_beta`), so its implicit bias is the
Bregman divergence of ``Q_k`` from ``b0`` with ``k = 2 sqrt(P M)``, ``b0 = P - M``
(:func:`.potential.scale_and_start_from_PM`).  Everything is derived here from the branch
dynamics; docs/design.md's closed forms are compared in :func:`compare_with_design`.
"""

from functools import lru_cache

import sympy as sp

from .._schemes import DEFAULT_SCHEME, Scheme
from .dynamics import network_beta, pt_first_layers, pt_integrated_gradient
from .potential import M_sym, P_sym, scale_and_start_from_PM
from .symbols import a_minus, a_plus, beta_pt, c_pt, gamma_ft, lambda_pt


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


def design_expected(scheme):
    """docs/design.md's stated closed forms (section 2.3), typed in *only* to be compared with the derivation."""
    c, lam, g, bp = c_pt, lambda_pt, gamma_ft, beta_pt
    if Scheme(scheme) is Scheme.MERGED:
        return g**2 + (1 + lam / c) * (c + sp.sqrt(c**2 + bp**2)), sp.Integer(0)
    s_ = sp.asinh(bp / c) / 2
    v0 = sp.sqrt((c - lam) / 2)
    b0_e = 2 * g * v0 * sp.sinh(s_)
    C = (sp.sqrt(c**2 + bp**2) + lam) / 2 + g**2
    return sp.sqrt(C**2 - b0_e**2), b0_e


def _in_terms_of_s(expr):
    """Substitute beta_pt = c sinh(2 sigma) (sigma real), so that asinh and sqrt(c^2+beta^2) resolve."""
    sigma = sp.Symbol("sigma", real=True)
    e = expr.subs(beta_pt, c_pt * sp.sinh(2 * sigma))
    e = e.replace(lambda x: isinstance(x, sp.asinh), lambda x: sp.asinh(sp.simplify(x.args[0])))
    e = sp.simplify(e)
    return e, sigma


def _equal(e1, e2):
    """Symbolic equality after writing beta_pt through sigma; for square roots, compare squares."""
    d1, _ = _in_terms_of_s(e1)
    d2, _ = _in_terms_of_s(e2)
    diff = sp.simplify(sp.expand((d1 - d2).rewrite(sp.exp)))
    return diff == 0


@lru_cache(maxsize=None)
def compare_with_design(scheme):
    """Compare the derived (k, b0) with docs/design.md's; returns a dict of verdicts.

    k is compared through k^2 (both sides are nonnegative): ``k_derived^2 == k_design^2``.
    Each verdict is ``"symbolic"`` (sympy proves it), or ``"numeric-50-digits"`` (agreement to
    1e-40 at 20 random points where sympy's simplifier cannot close the identity), or ``"differs"``.
    """
    k_d, b0_d = ft_scale_and_start(scheme)
    k_e, b0_e = design_expected(scheme)
    out = {}
    for name, lhs, rhs in (("k^2", k_d**2, k_e**2), ("b0", b0_d, b0_e)):
        if _equal(lhs, rhs):
            out[name] = "symbolic"
        elif _numeric_equal(lhs, rhs):
            out[name] = "numeric-50-digits"
        else:
            out[name] = "differs"
    return out


def _numeric_equal(e1, e2, n=20, seed=0):
    import random

    import mpmath

    rng = random.Random(seed)
    f1 = sp.lambdify((beta_pt, c_pt, lambda_pt, gamma_ft), e1, "mpmath")
    f2 = sp.lambdify((beta_pt, c_pt, lambda_pt, gamma_ft), e2, "mpmath")
    with mpmath.workdps(50):
        for _ in range(n):
            # mpf inputs: Python-float arithmetic inside the lambdified code would cost 1e-17.
            c = mpmath.mpf(10) ** mpmath.mpf(rng.uniform(-3, 1))
            lam = c * mpmath.mpf(rng.uniform(-1, 1))
            g = mpmath.mpf(rng.uniform(0, 1))
            bp = mpmath.mpf(rng.uniform(-5, 5))
            x1, x2 = f1(bp, c, lam, g), f2(bp, c, lam, g)
            if abs(x1 - x2) > mpmath.mpf(10) ** -40 * (1 + abs(x1)):
                return False
    return True


def wrong_readout_k():
    """The *incorrect* readout k that takes positive square roots of a+-^2 (docs/design.md warns of it).

    Kept to document, by computation, where it differs: for lambda_pt < 0 the first layer of one
    branch crosses zero during PT, and |a-| replaces the signed a-.
    """
    P, M = ft_P_M_generic()
    k_PM, _ = scale_and_start_from_PM()
    ap, am = ft_first_layers(Scheme.READOUT)
    sub = {a_plus: sp.sqrt(ap**2), a_minus: sp.sqrt(am**2)}
    return k_PM.subs({P_sym: P.subs(sub), M_sym: M.subs(sub)})


def pt_dependence_is_lambda_free():
    """True: the PT end point beta(s) does not involve lambda_pt (proof by computation)."""
    from .dynamics import pt_beta_of_s

    return lambda_pt not in pt_beta_of_s().free_symbols


__all__ = [
    "DEFAULT_SCHEME",
    "Scheme",
    "compare_with_design",
    "design_expected",
    "ft_P_M_generic",
    "ft_first_layers",
    "ft_scale_and_start",
    "pt_dependence_is_lambda_free",
    "wrong_readout_k",
]
