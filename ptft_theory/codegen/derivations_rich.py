"""derivations/06_rich_limits.md: the rich and mixed limits of FT (weighted l1, statistical dimension),
rendered from :mod:`ptft_theory.symbolic.rich_limits` (see :mod:`.derivations` for the conventions)."""

from __future__ import annotations

import sympy as sp

from ..symbolic import rich_limits as RL


def _m(expr) -> str:
    return "$$\n" + (expr if isinstance(expr, str) else sp.latex(expr)) + "\n$$\n"


def _i(expr) -> str:
    return "$" + (expr if isinstance(expr, str) else sp.latex(expr)) + "$"


def rich_limits_doc(header: str) -> str:
    """The document, below ``header`` (the generated-file banner of :mod:`.derivations`)."""
    q, b_, k_ = RL.potential_large_z()
    at_m, paths, fixed = RL.weight_ratio_limits()
    r_m, m, a_pt, kp, kn = RL.merged_weight_ratio()
    slope, dpsi, slope_ok = RL.subset_threshold_slope()
    out = [header, "# 6. Rich and mixed limits: weighted $\\ell_1$ and its recovery thresholds\n\n",
           "Conventions: docs/design.md section 3.3.  Code: `ptft_theory.symbolic.rich_limits`, "
           "`ptft_theory.replica.rich_limits` (`rich_limit_alphas`, `mixed_limit_alphas`).\n\n",
           "## 6.1 The potential for $|b| \\gg k$\n\nSeries of $h$ at infinity (sympy):\n\n",
           _m(f"h(z) = {sp.latex(RL.h_large_z())} + O(z^{{-2}})"),
           "so for $b > 0$\n\n", _m(f"Q_k(b) = {sp.latex(q)} + O(k^3/b^2)"),
           "The only $k$-dependent term at leading order is $\\tfrac{|b|}{2}\\log(1/k)$: as every $k \\to 0$ "
           "FT is weighted $\\ell_1$ with weight $\\log(1/k)/2$, the rest ($\\tfrac{|b|}{2}(\\log 2|b| - 1)$) being "
           "the same function on every coordinate and of lower order.\n\n",
           "## 6.2 The weight ratio\n\nFirst-order form: the slope of the potential at the FT amplitude $A$,\n\n",
           _m(f"w(k) = Q_k'(A) = {sp.latex(RL.weight_first_order())},\\qquad "
              f"r = \\frac{{w(k_{{new}})}}{{w(k_{{pt}})}} = {sp.latex(RL.weight_ratio_first_order())}"),
           "(kernel `rich_weight_ratio`).  Merged network at $\\gamma_{FT} = 0$, $m = 1 + \\lambda/c$ (the derived "
           "$k$): ", _i(f"k_{{pt}} = {sp.latex(kp)}"), ", ", _i(f"k_{{new}} = {sp.latex(kn)}"), ".  Limits (sympy):\n\n",
           f"- $\\lambda/c \\to -1$ at fixed $c$ ($m \\to 0$): $r \\to {sp.latex(at_m)}$: plain $\\ell_1$, "
           "Donoho-Tanner for every task, but only logarithmically ($r - 1 \\sim \\log(2c/(c + \\sqrt{c^2 + "
           "A_{pt}^2}))/\\log m$).  The same holds for $\\gamma \\to 0$ at $\\lambda = -c$ ($k = \\gamma^2$ everywhere: "
           "$r = 1$ exactly).\n",
           f"- $c \\to 0$ with $m = c^\\beta$: $r \\to (1 + \\beta)/\\beta$; sympy at $\\beta = 1, 2$: "
           f"{_i(sp.latex(paths[0]))}, {_i(sp.latex(paths[1]))}.  Every $r > 1$ is reached on some path.\n",
           f"- $c \\to 0$ at fixed $m$: $(k_{{pt}}, k_{{new}}) \\to ({sp.latex(fixed[0])}, {sp.latex(fixed[1])})$: "
           "$r \\to \\infty$, but the PT features keep a finite $k$ (a smooth potential): the *mixed* limit of 6.4, "
           "not weighted $\\ell_1$.\n",
           "\nThe order of limits matters: at fixed $c$ and $m \\to 0$ the answer is $r = 1$; at fixed $m$ and "
           "$c \\to 0$ it is the mixed limit.\n\n",
           "## 6.3 Recovery thresholds (statistical dimension)\n\n",
           "Noiseless recovery by a convex program with Gaussian measurements happens iff $\\alpha$ exceeds the "
           "statistical dimension of the descent cone (Amelunxen, Lotz, McCoy, Tropp 2014).  For weighted $\\ell_1$ "
           "with weight 1 on PT features and $r$ on new ones, support $\\rho_{sh}$ on PT features and $\\rho_{new}$ on "
           "new ones,\n\n", _m(f"\\alpha_c = \\min_{{t \\ge 0}} {sp.latex(RL.weighted_l1_dimension())}"),
           "with ", _i(f"\\psi(t) = 2\\int_t^\\infty (u-t)^2\\varphi(u)\\,du = {sp.latex(RL.psi())}"),
           " (sympy integral).  At $r = 1$ with one support class it is Donoho-Tanner's objective (sympy): ",
           _i(sp.latex(sp.true if RL.weighted_l1_is_donoho_tanner_at_r1() else sp.false)),
           ".  `rich_limit_alphas(task, init)` returns $(\\alpha_{c,shared}, \\alpha_{c,new})$ for the pair "
           "Task$(\\rho_{PT}, \\rho_{FT}, 0)$, Task$(\\rho_{PT}, 0, \\rho_{FT})$ at the init's first-order $r$.\n\n",
           "## 6.4 The mixed limit ($c \\to 0$ at fixed $\\lambda/c > -1$)\n\n",
           "New features: $\\ell_1$ with weight $\\to\\infty$; PT features: smooth potential with finite $k$ (gradient "
           "zero at $0$).  Descent cone: $\\mathbb{R}^{\\rho_{PT}}\\times$ the $\\ell_1$ cone of the new coordinates, so\n\n",
           _m("\\alpha_{c,new} = \\rho_{PT} + (1 - \\rho_{PT})\\,\\alpha_{DT}\\!\\left(\\tfrac{\\rho_{FT}}{1-\\rho_{PT}}\\right),"
              "\\qquad \\alpha_{c,shared} = \\rho_{PT}"),
           "(on the shared task the signal sits on the smooth coordinates: the potential recovers only once those "
           "$\\rho_{PT} D$ coordinates are determined; the new ones, infinitely costly, stay at 0).  Approach: "
           "$E \\propto c^2$ above the threshold (measured: 4e-6 at $c = 10^{-4}$, 4e-10 at $10^{-6}$).\n\n",
           "## 6.5 Which init wins: the orderings in the rich limits\n\n",
           "The descent cone of weighted $\\ell_1$ at a point $x$ with support $S$ is "
           "$\\{d : \\sum_{i \\in S} w_i\\,\\mathrm{sign}(x_i)\\,d_i + \\sum_{i \\notin S} w_i |d_i| \\le 0\\}$: "
           "scaling every weight by one constant leaves it unchanged, and raising an off-support weight shrinks it, "
           "so its statistical dimension (the threshold) falls.  On the subset task (support on PT features, weight "
           "1) raising $r$ raises only off-support weights: $\\alpha_{c,shared}(r)$ decreases.  On the new-feature "
           "task (support on new features, weight $r$; divide every weight by $r$) raising $r$ lowers the off-support "
           "PT weights $1/r$: $\\alpha_{c,new}(r)$ increases.  Both equal $\\alpha_{DT}(\\rho_{FT})$ at $r = 1$.  "
           "By the envelope theorem (sympy) the subset slope at the minimising $t$ is\n\n",
           _m(f"\\frac{{d\\alpha_{{c,shared}}}}{{dr}} = {sp.latex(slope)} = (1 - \\rho_{{pt}})\\,t\\,\\psi'(r t),"
              f"\\qquad \\psi'(u) = {sp.latex(dpsi)} = -4\\,[\\varphi(u) - u\\,\\Phi(-u)] < 0"),
           f"(both forms checked by sympy: {_i(sp.latex(sp.true if slope_ok else sp.false))}).  Hence, every "
           "$k \\to 0$ at a fixed $r$: a PT-dependent rich init ($r > 1$, IV) needs fewer samples than the "
           "PT-independent one ($r = 1$, I) on a subset task and more on a new-feature task; in the mixed limit "
           "(6.4) the subset threshold $\\rho_{PT}$ beats $\\alpha_{DT}(\\rho_{FT})$ iff "
           "$\\rho_{PT} < \\alpha_{DT}(\\rho_{FT})$, and the new-feature one always loses.  These statements, "
           "their conditions at reachable inits and their replica checks: docs/limits.md (\"Orderings\"), "
           "tests/replica/test_rich_ordering.py.\n\n",
           "## 6.6 Lazy limit\n\n$c \\to \\infty$ (every $k \\to \\infty$): $\\ell_2$, $E = 1 - \\alpha$ "
           "(design.md section 3), so $\\alpha^*(E^*) = 1 - E^*$ on both tasks and $\\delta_S = 0$.\n"]
    return "".join(out)
