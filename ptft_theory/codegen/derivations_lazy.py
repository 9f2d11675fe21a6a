"""derivations/08_lazy_limits.md: the lazy limits of FT (weighted minimum-norm l2, frozen coordinates),
rendered from :mod:`ptft_theory.symbolic.lazy_limits` (see :mod:`.derivations` for the conventions)."""

from __future__ import annotations

import sympy as sp

from ..symbolic import lazy_limits as LL
from ..symbolic import symbols as S


def _m(expr) -> str:
    return "$$\n" + (expr if isinstance(expr, str) else sp.latex(expr)) + "\n$$\n"


def lazy_limits_doc(header: str) -> str:
    """The document, below ``header`` (the generated-file banner of :mod:`.derivations`)."""
    s = LL.s_pt
    return "".join([
        header, "# 8. Lazy limits: weighted minimum-norm $\\ell_2$ and frozen coordinates\n\n",
        "Conventions: docs/design.md section 3.  Code: `ptft_theory.symbolic.lazy_limits`, "
        "`ptft_theory.replica.lazy_limits` (`lazy_limit_error`); table against the replica: docs/limits.md.\n\n",
        "## 8.1 The potential for $|b| \\ll k$\n\nSeries at $b = 0$ (sympy):\n\n",
        _m(f"Q_k(b) = {sp.latex(LL.potential_small_b())} + O(b^6/k^5)"),
        "so when every FT scale is large against the FT amplitude ($z = A/k \\to 0$ on every coordinate) FT "
        "converges to the minimum-norm interpolator of $\\sum_i (b_i - b_{0,i})^2/(4k_i)$ (generalised least "
        "squares, weights $1/k_i$); the correction is relative $O(z^2)$.\n\n",
        "## 8.2 Replica of the quadratic potential\n\nThe proximal map is linear (sympy solve):\n\n",
        _m(f"\\eta(x) = {sp.latex(LL.quadratic_prox().subs(S.k, sp.Symbol('k')))},"
           "\\qquad \\eta' = s = \\frac{2k}{2k + \\zeta}"),
        "With two classes (PT features: fraction $\\rho_{PT}$, scale $k_{pt}$; new features: $k_{new}$) and "
        "$r = k_{pt}/k_{new}$, eliminating $\\zeta$:\n\n",
        _m(f"s_{{new}} = {sp.latex(LL.shrink_new_of_pt())}"),
        "and $\\alpha = E[\\eta'] = \\rho_{PT} s_{pt} + (1 - \\rho_{PT}) s_{new}$ is a quadratic in $s_{pt}$; its "
        "root in $(0, 1)$ (sympy solve), written without the removable singularity at $r = 1$:\n\n",
        _m(f"s_{{pt}} = {sp.latex(LL.shrink_pt_stable())}"),
        "Without noise $\\tau^2 = E[(\\eta - \\beta^*)^2]/\\alpha$ with $\\eta - \\beta^* = (s - 1)\\beta^* + s\\tau z$, so\n\n",
        _m("E = \\frac{E[(1 - s)^2 \\beta^{*2}]}{E[\\beta^{*2}]}\\,\\frac{\\alpha}{\\alpha - E[s^2]},\\qquad "
           "E[(1-s)^2\\beta^{*2}] = A^2\\left(\\rho_{sh}(1 - s_{pt})^2 + \\rho_{new}(1 - s_{new})^2\\right)"),
        f"(kernel `lazy_weighted_l2_error`).  At $r = 1$ (sympy): $E = {sp.latex(LL.weighted_l2_at_r1())}$, the "
        "plain minimum-norm interpolator, the same on every task: PT-independent (regime III).\n\n",
        "## 8.3 Frozen coordinates\n\n$k_{new} = 0$ (readout scheme at $\\lambda_{PT} = -c_{PT}$, $\\gamma_{FT} = 0$): "
        "$s_{new} = 0$, $s_{pt} = \\alpha/\\rho_{PT}$ for $\\alpha < \\rho_{PT}$, and with lazy PT features\n\n",
        _m(f"E = {sp.latex(LL.frozen_error())}"),
        "(kernel `lazy_frozen_error`); it is the $r \\to \\infty$ limit of 8.2 (sympy, at a rational point: "
        f"{'true' if LL.frozen_is_limit_of_weighted() else 'FALSE'}).  On the shared task ($\\rho_{{new}} = 0$) "
        "$E = 1 - \\alpha/\\rho_{PT}$: least squares on the PT features; a new-feature teacher is never learned "
        "($E \\ge 1$).\n\n",
        "## 8.4 Where each holds\n\n",
        "- Weighted $\\ell_2$: every $z = A/k \\to 0$.  In the merged network $k_{pt} - k_{new} = (1 + \\lambda/c)"
        "(\\sqrt{c^2 + A_{pt}^2} - c) \\le 2A_{pt}$ stays bounded while both grow, so $c \\to \\infty$ (or "
        "$\\gamma_{FT} \\to \\infty$) gives $r \\to 1$: $E \\to 1 - \\alpha$ with a gap $O(A^2/c^2)$.  A ratio $r \\ne 1$ "
        "(lazy *and* PT-dependent: regime II in closed form) needs $A_{pt} \\gg c \\gg A$: $r \\approx "
        "A_{pt}/(2c)$.\n",
        "- Frozen: $k_{new} = 0$ exactly and $k_{pt} \\approx |\\beta_{PT}|/2 \\gg A$ (readout, $\\lambda = -c$, "
        "$\\gamma = 0$, a PT teacher much larger than the FT one), $\\alpha < \\rho_{PT}$.\n",
        "- Neither holds in the rich corner ($z \\to \\infty$): there FT is weighted $\\ell_1$ (section 6).\n",
    ])
