"""Regime descriptors of fine-tuning (docs/design.md section 2, item 4; arXiv 2602.20062, Fig. 2).

Two continuous descriptors, both read off the FT potential ``Q_k`` at the FT teacher amplitude:

* **l-order** ``p(z) = z h'(z) / h(z)`` at ``z = amp_ft / k``: the local power of the potential
  (``Q_k(b) ~ |b|^p`` near ``b = amp_ft``).  ``p -> 2`` as ``z -> 0`` (lazy, l2) and ``p -> 1`` as
  ``z -> oo`` (rich, l1).  We evaluate it at the scale ``k_pt`` of a coordinate PT used
  (``beta_pt = amp_pt``): it tells how sparsely FT selects among the features PT learned.
* **PT dependence** ``delta = (Q_{k_new}(A) - Q_{k_pt}(A)) / (Q_{k_new}(A) + Q_{k_pt}(A))`` with
  ``A = amp_ft``, ``k_new`` the scale of a coordinate PT did not use (``beta_pt = 0``): the relative
  extra cost of representing the FT teacher on a new feature rather than on a PT feature.
  ``delta`` lies in ``(-1, 1)``, is 0 when PT does not matter, tends to 1 when new features are
  (nearly) frozen, and is negative when PT makes its own features *more* expensive.  Written with
  ``q(z) = 2 Q_k(A) / A = h(z)/z`` so that it depends on ``z_pt = A/k_pt``, ``z_new = A/k_new`` only.
* **Elasticity** ``d log k / d log |beta_pt|``: how strongly k responds to what PT learned.

The four regimes are quadrants of the (l-order, delta) plane with adjustable thresholds
(:data:`ptft_theory.regime.DEFAULT_THRESHOLDS`): I rich & less PT-dependent, II lazy &
PT-dependent, III lazy & PT-independent, IV rich & PT-dependent.
"""

import sympy as sp

from .ft_maps import ft_scale_and_start
from .potential import h_function, h_function_stable
from .symbols import beta_pt, z, z_new, z_pt


def l_order():
    """``p(z) = z h'(z) / h(z)``, with ``h'`` simplified (to ``asinh z``) and h in its stable form."""
    dh = sp.simplify(sp.diff(h_function(), z))
    return z * dh / h_function_stable()


def l_order_limits():
    """``(lim_{z->0} p, lim_{z->oo} p)`` computed by sympy; expected ``(2, 1)``."""
    p = l_order()
    return sp.limit(p, z, 0, "+"), sp.limit(p, z, sp.oo)


def normalised_cost():
    """``q(z) = h(z) / z = 2 Q_k(A) / A`` at ``z = A / k``."""
    return h_function_stable() / z


def pt_dependence():
    """``delta(z_pt, z_new) = (q(z_new) - q(z_pt)) / (q(z_new) + q(z_pt))``."""
    q = normalised_cost()
    qn, qp = q.subs(z, z_new), q.subs(z, z_pt)
    return (qn - qp) / (qn + qp)


def pt_dependence_limits():
    """delta as z_new -> oo (new features frozen, -> 1) and as z_pt -> oo (PT features frozen, -> -1)."""
    d = pt_dependence()
    return sp.limit(d, z_new, sp.oo), sp.limit(d, z_pt, sp.oo)


def elasticity(scheme):
    """``d log k / d log beta_pt = (beta_pt / k) dk/dbeta_pt`` for the scheme's derived k."""
    k_expr, _ = ft_scale_and_start(scheme)
    numerator = beta_pt * sp.diff(k_expr, beta_pt)
    if str(scheme) in ("merged", "Scheme.MERGED"):
        # Factoring pulls out (c_pt + lambda_pt), which then cancels against k's factor numerically.
        numerator = sp.factor(numerator)
    return numerator / k_expr


__all__ = [
    "elasticity",
    "l_order",
    "l_order_limits",
    "normalised_cost",
    "pt_dependence",
    "pt_dependence_limits",
    "z_new",
    "z_pt",
]
