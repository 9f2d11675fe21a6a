"""The authors' regime descriptors, derived from their definitions (docs/design.md section 3.3).

Source read (and not copied): repository github.com/Nico31415/MTL_FT, file
``multi-task/lorder_fd_plots.py`` at commit ``eece38c94b2d11e969509caf317bf22d2e40b6a6`` ("l_order + FD
plots"), functions ``q``, ``compute_c_ft``, ``compute_l_order``, ``compute_fd`` and
``compute_l_order_and_fd``.  Their definitions, in our notation:

* the potential shape is Woodworth et al.'s ``q(z) = 2 - sqrt(4 + z^2) + z asinh(z/2)``
  (:func:`woodworth_q`); the FT scale ``c_ft`` of a coordinate whose PT weight is ``beta_aux`` is
  ``|beta_aux| (1 + lambda/c) (c/|beta_aux| + sqrt((c/beta_aux)^2 + 1)) + gamma^2`` (:func:`their_c_ft`),
  which sympy shows is our derived merged k (:func:`their_scale_is_merged_k`);
* with ``sqrt_k = 2 c_ft`` and ``z = 2 beta_main / sqrt_k`` (= ``beta_main / k``, our ``A/k``) the
  **l-order** is ``z q'(z) / q(z)``;
* the **feature dependence** is ``(1/2 - (beta_main / sqrt_k) q'(z)/q(z)) (beta_aux / K) dK/dbeta_aux``
  with ``K = sqrt_k^2`` (their code takes dK/dbeta_aux by a central difference; we differentiate).

What sympy finds (:func:`paper_l_order`, :func:`paper_feature_dependence`): ``q(z) = 2 h(z/2)``, so
their l-order is **our p at half the argument**, ``p(A / (2k))`` (their potential's scale is 2k in
our convention); and their feature dependence is ``(1 - p_paper) e`` with ``e = d log k / d log
|beta_PT|`` our elasticity: ``d log Q / d log |beta_PT|`` of their potential ``Q = c_ft q(A / c_ft)``.
It is <= 0 wherever k grows with |beta_PT| (PT makes its own features cheaper): more negative means
more PT-dependent.  Their ``main`` weight is the FT teacher entry (A = amp_ft) and their ``aux``
weight the PT one (beta_PT = amp_pt at a PT feature).

Two guards of theirs are not carried over: ``np.isclose(q(z), 0)`` returns l-order 0 (and fd 0)
for z below ~2e-4, where the limit is 2 (lazy); and ``sqrt_k = max(sqrt_k, 1e-12)``.  We return the
limits (:func:`paper_l_order_limits`).
"""

import sympy as sp

from .ft_maps import ft_scale_and_start
from .potential import h_function
from .regimes import l_order
from .symbols import amp, b_pos, beta_pt, c_pt, e_k, gamma_ft, lambda_pt, x_pos, z


def woodworth_q():
    """The authors' ``q(z) = 2 - sqrt(4 + z^2) + z asinh(z/2)`` (their ``q``)."""
    return 2 - sp.sqrt(4 + z**2) + z * sp.asinh(z / 2)


def q_is_scaled_h() -> bool:
    """``q(z) = 2 h(z/2)`` (sympy)."""
    return sp.simplify(woodworth_q().subs(z, 2 * x_pos) - 2 * h_function().subs(z, x_pos)) == 0


def their_c_ft():
    """The authors' ``compute_c_ft`` for ``beta_aux = beta_pt > 0``."""
    r = c_pt / beta_pt
    return beta_pt * (lambda_pt / c_pt + 1) * (r + sp.sqrt(r**2 + 1)) + gamma_ft**2


def their_scale_is_merged_k() -> bool:
    """Their ``c_ft`` equals our derived merged k (for beta_pt > 0; both are even in beta_pt)."""
    bp = b_pos
    k_merged, _ = ft_scale_and_start("merged")
    # 2 cosh^2(asinh(x)/2) = 1 + cosh(asinh x) = 1 + sqrt(1 + x^2): rewrite, then simplify
    x = x_pos
    k_alg = k_merged.subs(sp.cosh(sp.asinh(beta_pt / c_pt) / 2) ** 2, (1 + sp.sqrt(1 + (beta_pt / c_pt) ** 2)) / 2)
    if sp.simplify(sp.cosh(sp.asinh(x) / 2) ** 2 - (1 + sp.sqrt(1 + x**2)) / 2) != 0:
        raise AssertionError("half-angle identity failed")
    diff = their_c_ft().subs(beta_pt, bp) - k_alg.subs(beta_pt, bp)
    return sp.simplify(diff) == 0


def paper_l_order():
    """Their l-order as a function of our ``z = A/k``: ``p(z/2)``, checked equal to ``z q'(z)/q(z)``."""
    q = woodworth_q()
    theirs = z * sp.diff(q, z) / q
    ours = l_order().subs(z, z / 2)
    zz = sp.Symbol("zz", positive=True)
    if sp.simplify((theirs - ours).subs(z, zz)) != 0:
        for v in (sp.Rational(1, 7), 1, 3, 40):  # simplify may not close it: exact check at points
            if abs(sp.N((theirs - ours).subs(z, v), 50)) > 1e-40:
                raise AssertionError("the authors' l-order is not p(z/2)")
    return ours


def paper_l_order_limits():
    """``(lim_{z->0}, lim_{z->oo})`` of their l-order: (2, 1), as ours."""
    p = paper_l_order()
    return sp.limit(p, z, 0, "+"), sp.limit(p, z, sp.oo)


def their_feature_dependence_merged():
    """Their feature dependence at ``beta_main = A``, ``beta_aux = beta_pt > 0`` (merged k), by their
    formula with the exact derivative."""
    A = amp
    bp = b_pos
    c_ft = their_c_ft().subs(beta_pt, bp)
    sqrt_k = 2 * c_ft
    K = sqrt_k**2
    zz = 2 * A / sqrt_k
    q, dq = woodworth_q().subs(z, zz), sp.asinh(zz / 2)  # their q_prime; d q / dz = asinh(z/2) (sympy)
    if sp.simplify(sp.diff(woodworth_q(), z) - sp.asinh(z / 2)) != 0:
        raise AssertionError("q'(z) is not asinh(z/2)")
    factor = sp.Rational(1, 2) - (A / sqrt_k) * dq / q
    return factor * (bp / K) * sp.diff(K, bp), A, bp


def paper_feature_dependence():
    """Their feature dependence as ``(1 - p_paper(z)) e`` with ``z = A/k``, ``e = d log k / d log beta_PT``;
    checked equal to their formula (merged k) at exact rational points."""
    fd = (1 - paper_l_order()) * e_k
    from .regimes import elasticity
    theirs, A, bp = their_feature_dependence_merged()
    k_merged, _ = ft_scale_and_start("merged")
    e_merged = elasticity("merged")
    for vals in ((3, sp.Rational(1, 10), sp.Rational(-1, 20), sp.Rational(1, 5), 2),
                 (sp.Rational(1, 3), 1, sp.Rational(9, 10), 0, 5)):
        b_, c_, l_, g_, a_ = vals
        sub = {beta_pt: b_, c_pt: c_, lambda_pt: l_, gamma_ft: g_}
        k_v = k_merged.subs(sub)
        ours = fd.subs({z: a_ / k_v, e_k: e_merged.subs(sub)})
        th = theirs.subs({bp: b_, c_pt: c_, lambda_pt: l_, gamma_ft: g_, A: a_})
        if abs(sp.N(ours - th, 50)) > 1e-40:
            raise AssertionError("the authors' feature dependence is not (1 - p_paper) e")
    return fd


__all__ = ["e_k", "paper_feature_dependence", "paper_l_order", "paper_l_order_limits", "q_is_scaled_h",
           "their_c_ft", "their_feature_dependence_merged", "their_scale_is_merged_k", "woodworth_q"]
