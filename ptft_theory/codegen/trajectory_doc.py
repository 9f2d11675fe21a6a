"""derivations/07_trajectory.md: the exact whitened time course, rendered from :mod:`ptft_theory.symbolic.trajectory`."""

from __future__ import annotations

import sympy as sp

from ..symbolic import trajectory as TR


def _m(expr) -> str:
    return "$$\n" + (expr if isinstance(expr, str) else sp.latex(expr)) + "\n$$\n"


def _i(expr) -> str:
    return "$" + (expr if isinstance(expr, str) else sp.latex(expr)) + "$"


def trajectory_doc(header: str) -> str:
    """The Markdown text of the document (``header``: the generated-file banner)."""
    xp, xm, A = TR.riccati_roots()
    mobius, a, bd = TR.solution()
    P, M = TR.stable_branch_coefficients()
    a_st, b_st = TR.stable_coefficients()
    lim = TR.escape_time_limits()
    out = [header, "# 6. The exact time course on whitened data\n\n",
           "Issue 28; conventions of docs/design.md section 1.  With $X^\\top X/N = I$ the loss is ",
           _i(f"L = \\sum_d {sp.latex(TR.loss())}"), " (one term per coordinate, $b = \\beta_d$), and gradient flow "
           "$\\dot\\theta = -\\nabla L$ on all four weights of a coordinate moves its integrated gradient as\n\n",
           _m(f"\\frac{{ds}}{{dt}} = -\\frac{{\\partial L}}{{\\partial\\beta}} = {sp.latex(TR.flow_in_s())}"),
           "with $\\beta(s) = P e^{2s} - M e^{-2s}$ (section 1.4), equivalently ",
           _i(f"\\dot\\beta = {sp.latex(TR.flow_in_beta())}"), " (odd in $(\\beta, \\beta^*)$: the numerics take "
           "$\\beta^* \\ge 0$).  PT is the case $k = c_{PT}$, $b_0 = 0$; FT the $(k, b_0)$ of section 2 for the scheme.\n",
           "\n## 6.1 A Riccati equation with constant coefficients\n\nIn $x = e^{2s}$ (sympy substitutes):\n\n",
           _m(f"\\frac{{dx}}{{dt}} = {sp.latex(TR.riccati())}"),
           "with equilibria (sympy `solve`) ", _i(f"x_+ = {sp.latex(xp)}"), ", ", _i(f"x_- = {sp.latex(xm)}"),
           " and $P(x_+ - x_-) = A$, where $4PM = k^2$ gives the relaxation rate\n\n",
           _m(f"A = {sp.latex(TR.rate())}"),
           "\n## 6.2 Closed form\n\nSeparating variables, $(x - x_+)/(x - x_-) = q_0 e^{-2At}$, and solving for $x$ "
           "(sympy checks the ODE residual, $x(0) = 1$, and the equality of the two forms):\n\n",
           _m(f"x(t) = e^{{2s(t)}} = \\frac{{a\\,\\tau + E}}{{b\\,\\tau + E}},\\quad E = e^{{-2At}},\\ "
              f"\\tau = \\frac{{1 - E}}{{2A}},\\quad a = {sp.latex(a)},\\ b = {sp.latex(bd)}"),
           "so that ", _i(f"x - 1 = {sp.latex(TR.increment())}"), " and, with $x = 1 + w$,\n\n",
           _m(f"\\beta = {sp.latex(TR.beta_of_increment())}"),
           "\nPrinted without cancellation ($\\beta^* \\ge 0$, $m = \\min(P, M)$ of section 1, $H$ the Heaviside step "
           "with $H(0) = 0$; every term nonnegative): ", _i(f"P = {sp.latex(P)}"), ", ", _i(f"M = {sp.latex(M)}"),
           ", ", _i(f"a = {sp.latex(a_st)}"), ", ", _i(f"b = {sp.latex(b_st)}"), ".  The time enters only through "
           "$E$ and $\\tau$ (`exp`, `expm1`): two transcendentals per (time, coordinate).  $k = 0$ is exact "
           "($b_0 = 0$ stays 0; otherwise a half-line), and so is $A = 0$ ($\\tau = t$).\n",
           "\n## 6.3 Time to reach a value, escape time\n\nInverting the closed form gives the quadrature "
           "$t(\\beta_T) = \\int_{b_0}^{\\beta_T} d\\beta / (2\\sqrt{k^2+\\beta^2}(\\beta^* - \\beta))$ in closed form "
           "(sympy differentiates it back to the integrand), with $Y(v) = v + \\sqrt{k^2+v^2}$ and $Y_\\pm = \\beta^* \\pm A$:\n\n",
           _m(f"t(\\beta_T) = {sp.latex(TR.time_to_reach())}"),
           "The escape time of a coordinate from $b_0 = 0$ (time to half its target):\n\n",
           _m(f"t_{{1/2}}(\\beta^*, k) = {sp.latex(TR.escape_time_stable())}"),
           "\n## 6.4 Lazy and rich limits (sympy `limit`)\n\n",
           f"- Lazy, $k\\to\\infty$: $\\lim k\\,t_{{1/2}} = {sp.latex(lim['lazy'])}$: exponential relaxation "
           f"{_i(sp.latex(lim['lazy_trajectory']))} at rate $2k$.\n",
           f"- Rich, $k\\to 0^+$: $t_{{1/2}} - \\log(2\\beta^*/k)/(2\\beta^*) \\to {sp.latex(lim['rich'])}$: a coordinate "
           "waits a time logarithmic in its scale, then escapes along the logistic "
           f"{_i(sp.latex(lim['rich_logistic']))} ($\\theta = t - t_{{1/2}}$; it solves the $k = 0$ flow, checked).\n",
           "\nChecks (tests/test_trajectory.py): the four-weight ODE per coordinate (scipy DOP853, rtol $10^{-12}$) "
           "over hypothesis-drawn levers and both schemes, the package's simulator on whitened data, both limits, "
           "and the end point $\\beta_{FT}$.\n"]
    return "".join(out)
