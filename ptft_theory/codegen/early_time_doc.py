"""derivations/09_early_time.md: the early-time expansion on finite data, rendered from
:mod:`ptft_theory.symbolic.early_time`."""

from __future__ import annotations

import sympy as sp

from ..symbolic import early_time as ET


def _m(expr) -> str:
    return "$$\n" + (expr if isinstance(expr, str) else sp.latex(expr)) + "\n$$\n"


def _i(expr) -> str:
    return "$" + (expr if isinstance(expr, str) else sp.latex(expr)) + "$"


def early_time_doc(header: str) -> str:
    """The Markdown text of the document (``header``: the generated-file banner)."""
    K, K1, K2 = ET.kernel_derivatives()
    b1, b2, b3 = ET.taylor_recursion()
    ok = ET.check_on_two_coordinates()
    k1z, k2z, dev, rel = ET.merged_ntk_deviation()
    lam = ET.ntk_mode()
    return "".join([
        header, "# 8. Early time on finite data ($\\alpha < 1$)\n\n",
        "Conventions: docs/design.md section 1; the whitened time course is section 7.  With "
        "$L = \\lVert X\\beta - y\\rVert^2/(2N)$ the coordinates are coupled through $H = X^\\top X/N$; each "
        "still moves at its own rate (its four weights rotate by its integrated gradient, section 1), so\n\n",
        _m("\\dot\\beta_d = K(\\beta_d)\\, g_d,\\qquad g = c - H\\beta,\\quad c = X^\\top y/N,\\qquad "
           f"K(b) = {sp.latex(K)}"),
        "the per-coordinate NTK ($db/ds$ of section 1, checked by sympy), with ",
        _i(f"K'(b) = {sp.latex(K1)}"), " and ", _i(f"K''(b) = {sp.latex(K2)}"), ".  The exact flow is integrated "
        "in the $N$ dual coordinates $\\lambda$, $s = X^\\top\\lambda$, $\\dot\\lambda = (y - X\\beta(s))/N$ "
        "(ptft_theory/experiments/ft_dynamics_finite.py), which is the network's own gradient flow: it matches "
        "the package's simulator on the weights to $10^{-8}$ (tests).\n",
        "\n## 8.1 Taylor coefficients\n\nsympy differentiates $K(\\beta(t))\\,g(t)$ with $\\dot\\beta = K g$ "
        "substituted; with $K_j = K^{(j)}(b_0)$ coordinate-wise, $g_0 = c - H b_0$ and $g_j = -H\\beta_j$:\n\n",
        _m(f"\\beta_1 = {sp.latex(b1)},\\qquad \\beta_2 = {sp.latex(b2)},"),
        _m(f"\\beta_3 = {sp.latex(b3)}."),
        "Checked exactly against the Lie derivatives of a coupled two-coordinate flow with rational $H$, $c$, "
        f"$k$, $b_0$: {'identical' if ok else 'DIFFERENT'}.  The error $E(t) = \\lVert\\beta - \\beta^*\\rVert^2/"
        "\\lVert\\beta^*\\rVert^2$ follows: with $e_0 = b_0 - \\beta^*$, ",
        _i("E = E_0 + 2\\,e_0\\!\\cdot\\!\\beta_1\\, t/\\lVert\\beta^*\\rVert^2 + (\\lVert\\beta_1\\rVert^2 + "
           "e_0\\!\\cdot\\!\\beta_2)\\, t^2/\\lVert\\beta^*\\rVert^2 + O(t^3)"),
        "; from $b_0 = 0$ the slope $-2\\sum_d K_d(0)\\,\\beta^*_d (H\\beta^*)_d/\\lVert\\beta^*\\rVert^2$ is set by "
        "the kernel on the FT support, as in the whitened limit ($H = I$).\n",
        "\n## 8.2 The linearised (NTK) flow\n\nFreezing $K$ at $K(b_0)$ gives a linear flow; per eigen-mode "
        "$(g, r)$ of $X\\,\\mathrm{diag}(K_0) X^\\top/N$ and $(y - X b_0)/N$ the dual variable is ",
        _i(sp.latex(lam)), " (sympy checks the ODE, the start and the $g\\to 0$ limit $r t$), so ",
        _i("\\beta^{\\rm NTK}(t) = b_0 + K_0 X^\\top\\lambda(t)"),
        ", which ends at the $K_0^{-1}$-weighted least-norm interpolator from $b_0$.  Where $b_0 = 0$ (the "
        f"merged scheme) $K'(0) = {sp.latex(k1z)}$ and $K''(0) = {sp.latex(k2z)}$: the NTK flow agrees with the "
        f"exact one through $t^2$ and first differs by $(\\beta_3 - \\beta_3^{{\\rm NTK}})\\,t^3/6$ with ",
        _i(f"\\beta_3 - \\beta_3^{{\\rm NTK}} = {sp.latex(dev)}"),
        ", i.e. relative to the distance moved $\\beta_1 t$:\n\n", _m(sp.latex(rel)),
        "a window $t \\ll 1/\\lvert g_0\\rvert$ independent of the scale $k$.  A lazy coordinate ($k \\gg "
        "\\lvert\\beta^*\\rvert$) relaxes within it (time $\\sim 1/(2k\\,\\lambda(H))$), so its whole run is the NTK "
        "flow; a rich one has moved only $\\sim k$ when the window closes.  Where $b_0 \\ne 0$ (readout) $K'(b_0) "
        "\\ne 0$ and the NTK flow is off at $O(t^2)$.\n",
        "\nChecks (tests/experiments/test_ft_dynamics_finite.py): the order-$n$ remainder scales as $t^{n+1}$ "
        "($n$ = 1, 2, 3) against the exact flow, the NTK remainder as $t^3$ (merged) and $t^2$ (readout), the "
        "NTK closed form against its ODE over hypothesis-drawn levers, $K'$ and $K''$ against finite differences; "
        "in the study (config ft_dynamics_finite.toml) the order-3 remainder's slope on every run.\n"])
