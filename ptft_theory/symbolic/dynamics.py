"""Gradient-flow dynamics of one coordinate of the diagonal network (docs/design.md section 2, item 1).

Per coordinate d the network is ``beta_d = u+ v+ - u- v-``.  Under gradient flow on any loss,
with ``g = dL/dbeta_d`` and the integrated gradient ``s(t) = -int_0^t g dt``, the weights of the
``+`` branch obey ``du/ds = v, dv/ds = u`` and those of the ``-`` branch ``du/ds = -v, dv/ds = -u``.
Everything below is *derived* by sympy from these two linear systems (``dsolve``), never typed in:
the conservation law ``u^2 - v^2``, each branch's weights as functions of ``s``, and the network
coefficient ``beta(s)`` for the pretraining initialisation of arXiv 2602.20062, section 3.
"""

from functools import lru_cache

import sympy as sp

from .symbols import beta_pt, c_pt, lambda_pt, s, u0, v0

BRANCH_SIGNS = {"+": 1, "-": -1}


def branch_odes(sign):
    """The branch ODE in the integrated gradient ``s``: ``du/ds = sign*v``, ``dv/ds = sign*u``.

    Returns ``(u, v, [Eq, Eq])`` with ``u, v`` undefined functions of ``s``.
    """
    u, v = sp.Function("u"), sp.Function("v")
    eqs = [sp.Eq(u(s).diff(s), sign * v(s)), sp.Eq(v(s).diff(s), sign * u(s))]
    return u, v, eqs


def conservation_law(sign=1):
    """d/ds (u^2 - v^2) along the branch flow; sympy reduces it to 0 (the conserved quantity)."""
    u, v, eqs = branch_odes(sign)
    q = u(s) ** 2 - v(s) ** 2
    rate = q.diff(s).subs({e.lhs: e.rhs for e in eqs})
    return sp.simplify(rate)


@lru_cache(maxsize=None)
def branch_solution(sign, u_init=u0, v_init=v0):
    """Weights ``(u(s), v(s))`` of a branch started at ``(u_init, v_init)``, solved by ``dsolve``.

    The result is rewritten with ``cosh``/``sinh``:
    ``u = u_init cosh s + sign v_init sinh s``, ``v = v_init cosh s + sign u_init sinh s``.
    """
    u, v, eqs = branch_odes(sign)
    sol = sp.dsolve(eqs, [u(s), v(s)], ics={u(0): u_init, v(0): v_init})
    out = {eq.lhs: eq.rhs for eq in sol}
    u_s = sp.simplify(out[u(s)].rewrite(sp.cosh))
    v_s = sp.simplify(out[v(s)].rewrite(sp.cosh))
    # Present as A cosh(s) + B sinh(s) (collect after expanding the exponentials).
    return tuple(_cosh_sinh_form(e) for e in (u_s, v_s))


def _cosh_sinh_form(expr):
    """Write a combination of exp(+-s) as A cosh(s) + B sinh(s), with A, B free of s."""
    e = sp.expand(expr.rewrite(sp.exp))
    plus = e.coeff(sp.exp(s))
    minus = e.coeff(sp.exp(-s))
    rest = sp.simplify(e - plus * sp.exp(s) - minus * sp.exp(-s))
    if rest != 0:
        raise AssertionError(f"branch solution is not a combination of exp(+-s): {expr}")
    return sp.simplify(plus + minus) * sp.cosh(s) + sp.simplify(plus - minus) * sp.sinh(s)


def network_beta(u_plus0, v_plus0, u_minus0, v_minus0):
    """``beta(s) = u+(s) v+(s) - u-(s) v-(s)`` for given branch initial weights, as P e^{2s} - M e^{-2s}.

    Returns ``(beta_s, P, M)`` where ``P`` and ``M`` are the coefficients of ``exp(2s)`` and
    ``-exp(-2s)``; the constant term is checked to vanish.
    """
    up, vp = branch_solution(1, u_plus0, v_plus0)
    um, vm = branch_solution(-1, u_minus0, v_minus0)
    beta_s = sp.expand((up * vp - um * vm).rewrite(sp.exp))
    P = sp.factor(beta_s.coeff(sp.exp(2 * s)))
    M = sp.factor(-beta_s.coeff(sp.exp(-2 * s)))
    rest = sp.simplify(beta_s - P * sp.exp(2 * s) + M * sp.exp(-2 * s))
    if rest != 0:
        raise AssertionError(f"beta(s) has terms other than exp(+-2s): {rest}")
    return P * sp.exp(2 * s) - M * sp.exp(-2 * s), P, M


def pt_init_weights():
    """PT initialisation of both branches: ``u = sqrt((c+lam)/2)``, ``v = sqrt((c-lam)/2)``."""
    return sp.sqrt((c_pt + lambda_pt) / 2), sp.sqrt((c_pt - lambda_pt) / 2)


def pt_beta_of_s():
    """beta(s) from the PT initialisation, simplified; the result does not contain lambda_pt.

    Derived with generic branch initial weights (u0, v0), then u0^2 + v0^2 = c_pt is used.
    Expected (docs/design.md section 2.2): ``c_pt * sinh(2 s)``.
    """
    beta_s, _, _ = network_beta(u0, v0, u0, v0)
    beta_s = sp.simplify(beta_s.rewrite(sp.sinh))
    ui, vi = pt_init_weights()
    return sp.simplify(sp.factor(beta_s.subs({u0: ui, v0: vi})))


def pt_integrated_gradient():
    """The integrated gradient ``s_PT`` at which PT ends with coefficient ``beta_pt``.

    ``pt_beta_of_s()`` is ``A(c_pt) * sinh(2 s)``: solve the (linear) equation for ``x = sinh(2 s)``,
    invert the strictly increasing ``sinh``, and check by substitution.
    """
    x = sp.Symbol("x", real=True)
    expr = pt_beta_of_s().subs(sp.sinh(2 * s), x)
    if expr.has(s):
        raise AssertionError(f"PT beta(s) is not of the form A*sinh(2s): {pt_beta_of_s()}")
    (x_sol,) = sp.solve(sp.Eq(expr, beta_pt), x)
    s_pt = sp.asinh(x_sol) / 2
    if sp.simplify(pt_beta_of_s().subs(s, s_pt) - beta_pt) != 0:
        raise AssertionError("inverse of the PT mirror map does not check")
    return s_pt


def pt_first_layers():
    """First-layer weights ``(u+, u-)`` at the end of PT, in terms of beta_pt, c_pt, lambda_pt.

    Signed: for lambda_pt < 0 the ``-`` branch's first layer crosses zero when |beta_pt| is large
    enough, and this expression follows it through zero.
    """
    ui, vi = pt_init_weights()
    s_pt = pt_integrated_gradient()
    up, _ = branch_solution(1, u0, v0)
    um, _ = branch_solution(-1, u0, v0)
    sub = {u0: ui, v0: vi, s: s_pt}
    return up.subs(sub), um.subs(sub)


def pt_readouts():
    """Readout weights ``(v+, v-)`` at the end of PT (used only to cross-check simulations)."""
    ui, vi = pt_init_weights()
    s_pt = pt_integrated_gradient()
    _, vp = branch_solution(1, u0, v0)
    _, vm = branch_solution(-1, u0, v0)
    sub = {u0: ui, v0: vi, s: s_pt}
    return vp.subs(sub), vm.subs(sub)


__all__ = [
    "BRANCH_SIGNS",
    "branch_odes",
    "branch_solution",
    "conservation_law",
    "network_beta",
    "pt_beta_of_s",
    "pt_first_layers",
    "pt_init_weights",
    "pt_integrated_gradient",
    "pt_readouts",
]
