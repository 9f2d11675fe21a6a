"""Verification of the derived FT maps against docs/design.md's closed forms (section 2.3).

Not used by any solver: the derivation documents (:mod:`ptft_theory.codegen.derivations`) quote these
verdicts, and tests/symbolic/test_symbolic.py checks them.  :func:`design_expected` types in the document's
closed forms *only* to compare them with the derivation of :mod:`.ft_maps`; :func:`wrong_readout_k`
computes the incorrect readout k the document warns about, to show where it differs.
"""

from functools import lru_cache

import sympy as sp

from ..config import Scheme
from .ft_maps import ft_first_layers, ft_P_M_generic, ft_scale_and_start
from .potential import M_sym, P_sym, scale_and_start_from_PM
from .symbols import a_minus, a_plus, beta_pt, c_pt, gamma_ft, lambda_pt


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


__all__ = ["compare_with_design", "design_expected", "wrong_readout_k"]
