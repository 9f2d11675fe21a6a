"""Mirror map, hyperbolic-entropy potential and Bregman divergence (docs/design.md section 2, items 2-3).

Starting point (derived in :mod:`.dynamics`): whatever the branch initial weights, a coordinate's
coefficient along gradient flow is ``beta(s) = P e^{2s} - M e^{-2s}`` with ``P, M >= 0`` fixed by
the initial weights.  We re-parametrise ``(P, M)`` by the *scale* ``k`` and the *start* ``b0``,

    P = (sqrt(k^2 + b0^2) + b0) / 2,    M = (sqrt(k^2 + b0^2) - b0) / 2,

i.e. ``b0 = beta(0) = P - M`` and ``k = 2 sqrt(P M)``, solved here by sympy.  Inverting
``beta(s)`` gives the mirror map ``s(b) = Q_k'(b) - Q_k'(b0)`` with ``Q_k'(b) = asinh(b/k)/2``;
integrating gives the potential ``Q_k(b) = (k/2) h(b/k)``, ``h(z) = z asinh z - sqrt(1+z^2) + 1``.
Because the integrated gradient of every coordinate lies in the row space of X (``ds/dt = -X^T r/N``),
the limit of GF is the minimiser of the Bregman divergence ``D_k(b, b0)`` on ``{X b = y}``.

The same ``beta(s)``, read as a function of a dual variable ``w``, is the primal-from-dual map of
the convex solver (``b(w)``, its derivative, and its integral ``G(w)``): the solver and the theory
share one expression.  At ``k = 0`` this form stays finite (``b(w) = b0 e^{2 sign(b0) w}``; frozen
at 0 when also ``b0 = 0``), which is how the solver handles frozen coordinates exactly.
"""

from functools import lru_cache

import sympy as sp

from .dynamics import network_beta, pt_beta_of_s
from .symbols import M as M_sym, P as P_sym, b, b0, b_pos, c_pt, k, k_pos, m as m_sym, s, t, w, z


@lru_cache(maxsize=None)
def scale_and_start_from_PM():
    """Solve ``P = (sqrt(k^2+b0^2)+b0)/2, M = (sqrt(k^2+b0^2)-b0)/2`` for ``(k >= 0, b0)``.

    Returns ``(k_expr, b0_expr)`` in terms of the symbols ``P``, ``M``.
    """
    r = sp.Symbol("r", nonnegative=True)  # r = sqrt(k^2 + b0^2)
    sol_r_b0 = sp.solve([sp.Eq(P_sym, (r + b0) / 2), sp.Eq(M_sym, (r - b0) / 2)], [r, b0], dict=True)
    (sol,) = sol_r_b0
    k_candidates = sp.solve(sp.Eq(k**2 + sol[b0] ** 2, sol[r] ** 2), k)
    # k >= 0 selects one branch of the square root (test point P = M = 1).
    nonneg = [kc for kc in k_candidates if kc.subs({P_sym: 1, M_sym: 1}) >= 0]
    (k_expr,) = nonneg
    return sp.simplify(k_expr), sp.simplify(sol[b0])


def same_expression(e1, e2):
    """True when sympy proves ``e1 == e2`` (compared in exponential form)."""
    e = (e1 - e2).rewrite(sp.exp)
    # Factor under square roots so that sqrt((P + M)^2) -> P + M for nonnegative P, M.
    e = e.replace(lambda x: x.is_Pow and x.exp == sp.S.Half, lambda x: sp.sqrt(sp.factor(x.base)))
    return sp.simplify(sp.expand(e)) == 0


def beta_of_s_in_k_b0():
    """``beta(s) = P e^{2s} - M e^{-2s}`` written with (k, b0): ``sqrt(k^2+b0^2) sinh 2s + b0 cosh 2s``."""
    k_expr, b0_expr = scale_and_start_from_PM()
    r = sp.sqrt(k**2 + b0**2)
    form = r * sp.sinh(2 * s) + b0 * sp.cosh(2 * s)
    # Check: with (k, b0) from (P, M), the form reproduces P e^{2s} - M e^{-2s}.
    back = form.subs({k: k_expr, b0: b0_expr})
    if not same_expression(back, P_sym * sp.exp(2 * s) - M_sym * sp.exp(-2 * s)):
        raise AssertionError("(k, b0) form of beta(s) does not reproduce P e^{2s} - M e^{-2s}")
    return form


def beta_of_s_sinh_form():
    """For k > 0: ``beta(s) = k sinh(2 s + asinh(b0 / k))``; checked equal to :func:`beta_of_s_in_k_b0`."""
    expr = k * sp.sinh(2 * s + sp.asinh(b0 / k))
    kp = k_pos
    lhs = sp.expand_trig(expr.subs(k, kp))
    lhs = lhs.subs(sp.cosh(sp.asinh(b0 / kp)), sp.sqrt(1 + b0**2 / kp**2))
    if not same_expression(lhs, beta_of_s_in_k_b0().subs(k, kp)):
        raise AssertionError("sinh form of beta(s) does not match the (k, b0) form")
    return expr


@lru_cache(maxsize=None)
def mirror_map():
    """``s(b)``: the integrated gradient at which a coordinate with scale k and start b0 reaches b.

    Derived by inverting ``k sinh(2s + asinh(b0/k)) = b``; equals ``Q_k'(b) - Q_k'(b0)``.
    """
    x = sp.Symbol("x", real=True)
    form = beta_of_s_sinh_form().subs(sp.sinh(2 * s + sp.asinh(b0 / k)), x)
    (x_sol,) = sp.solve(sp.Eq(form, b), x)
    s_of_b = (sp.asinh(x_sol) - sp.asinh(b0 / k)) / 2
    return sp.simplify(s_of_b)


@lru_cache(maxsize=None)
def potential_derivative():
    """``Q_k'(b)``: the part of the mirror map that depends on b alone (``mirror_map = Q'(b) - Q'(b0)``)."""
    m = sp.expand(mirror_map())
    f = m.subs(b0, 0)  # asinh(0) = 0 drops the b0 part
    if not f.has(b) or sp.simplify(m - (f - f.subs(b, b0))) != 0:
        raise AssertionError(f"mirror map is not of the form f(b) - f(b0): {m}")
    return sp.simplify(f)


@lru_cache(maxsize=None)
def potential():
    """``Q_k(b) = int_0^b Q_k'(t) dt`` (sympy integrates); ``Q_k(0) = 0``."""
    integrand = potential_derivative().subs(b, t)
    kp = k_pos
    Q = sp.integrate(integrand.subs(k, kp), (t, 0, b))
    return sp.simplify(Q.subs(kp, k))


def h_function():
    """``h(z)`` with ``Q_k(b) = (k/2) h(b/k)``; derived by substituting ``b = k z`` into Q_k."""
    kp = k_pos
    hz = sp.simplify(2 * potential().subs(k, kp).subs(b, kp * z) / kp)
    if hz.has(kp):
        raise AssertionError(f"Q_k is not of the form (k/2) h(b/k): {hz}")
    return hz


def h_function_stable():
    """``h(z)`` rewritten without the cancellation ``sqrt(1+z^2) - 1`` (exact algebraic identity)."""
    hz = h_function()
    stable = z * sp.asinh(z) - z**2 / (1 + sp.sqrt(1 + z**2))
    if sp.simplify(hz - stable) != 0:
        raise AssertionError("stable form of h differs from h")
    return stable


def potential_stable():
    """``Q_k(b)`` in the printed form ``(b asinh(b/k) - b^2/(k + sqrt(k^2+b^2)))/2``, checked equal."""
    kp = k_pos
    stable = (b * sp.asinh(b / k) - b**2 / (k + sp.sqrt(k**2 + b**2))) / 2
    if sp.simplify((potential() - stable).subs(k, kp)) != 0:
        raise AssertionError("stable form of Q_k differs from Q_k")
    return stable


def bregman_divergence():
    """``D_k(b, b0) = Q_k(b) - Q_k(b0) - Q_k'(b0)(b - b0)``: the FT implicit bias (docs/design.md section 2.3)."""
    Q = potential_stable()
    dQ = potential_derivative()
    return Q - Q.subs(b, b0) - dQ.subs(b, b0) * (b - b0)


def l2_limit_of_potential():
    """Leading behaviour of ``Q_k(b)`` as ``k -> oo``: ``b^2/(4k)`` (the lazy, l2 limit)."""
    eps = sp.Symbol("epsilon", positive=True)
    Q = potential().subs(k, 1 / eps)
    lead = sp.series(Q, eps, 0, 2).removeO()
    return sp.simplify(lead.subs(eps, 1 / k))


def l1_limit_of_potential():
    """Leading behaviour of ``Q_k(b)`` as ``k -> 0+`` for b > 0: ``(b/2) log(2b/k) - b/2``."""
    bp = b_pos
    kp = k_pos
    Q = potential().subs({b: bp, k: kp})
    approx = bp / 2 * sp.log(2 * bp / kp) - bp / 2
    remainder = sp.limit(Q - approx, kp, 0, "+")
    if remainder != 0:
        raise AssertionError(f"small-k expansion of Q_k is off by {remainder}")
    return approx.subs({bp: b, kp: k})


# ----------------------------------------------------------------------------- dual (solver) side
def dual_primal_map():
    """``b(w)``: the coefficient at dual value ``w = (X^T nu)_d``; the mirror flow's ``beta(s)`` at s = w."""
    return beta_of_s_in_k_b0().subs(s, w)


def dual_primal_map_derivative():
    """``db/dw``; equals ``2 sqrt(k^2 + b(w)^2) >= 0`` (checked), so the dual is convex."""
    d = sp.diff(dual_primal_map(), w)
    if not same_expression(d**2, 4 * (k**2 + dual_primal_map() ** 2)):
        raise AssertionError("db/dw != 2 sqrt(k^2 + b^2)")
    return d


def dual_potential():
    """``G(w) = int_0^w b(w') dw'``, printed as ``sqrt(k^2+b0^2) sinh(w)^2 + b0 sinh(2w)/2``."""
    G = sp.integrate(dual_primal_map().subs(w, t), (t, 0, w))
    stable = sp.sqrt(k**2 + b0**2) * sp.sinh(w) ** 2 + b0 * sp.sinh(2 * w) / 2
    if not same_expression(G, stable):
        raise AssertionError("stable form of the dual potential differs from its integral")
    return stable


def minor_coefficient():
    """``m = min(P, M) = k^2 / (2 (sqrt(k^2+b0^2) + |b0|))``: the smaller branch coefficient, by a quotient.

    Checked: with ``big = (sqrt(k^2+b0^2) + |b0|)/2`` we have ``big * m = k^2/4 = P M`` and
    ``big - m = |b0| = |P - M|``.  The textbook ``(sqrt(k^2+b0^2) - |b0|)/2`` loses every digit when
    ``k << |b0|``.
    """
    r = sp.sqrt(k**2 + b0**2)
    big = (r + sp.Abs(b0)) / 2
    small = k**2 / (2 * (r + sp.Abs(b0)))
    bp = b_pos
    for sgn in (1, -1):
        sb, ss = big.subs(b0, sgn * bp), small.subs(b0, sgn * bp)
        if sp.simplify(sb * ss - k**2 / 4) != 0 or sp.simplify(sb - ss - bp) != 0:
            raise AssertionError("minor coefficient does not satisfy P M = k^2/4, |P - M| = |b0|")
    return small


def beta_of_s_stable():
    """``b(w) = 2 m sinh(2w) + b0 e^{2 sign(b0) w}``: the mirror flow in a cancellation-free form.

    With ``sigma = sign(b0)``, ``P e^{2w} - M e^{-2w} = 2 min(P,M) sinh 2w + b0 e^{2 sigma w}``: the
    big coefficient appears only through ``b0`` (given exactly), both terms share a sign away from
    the zero crossing, and ``sinh`` keeps small ``w`` exact.  ``k = 0`` gives the half-line
    ``b0 e^{2 sigma w}``; ``k = b0 = 0`` gives 0.  Checked against :func:`beta_of_s_in_k_b0` for both
    signs of b0.
    """
    expr = 2 * m_sym * sp.sinh(2 * w) + b0 * sp.exp(2 * sp.sign(b0) * w)
    bp = b_pos
    for sgn in (1, -1):
        lhs = expr.subs(m_sym, minor_coefficient()).subs(b0, sgn * bp)
        if not same_expression(lhs, beta_of_s_in_k_b0().subs(s, w).subs(b0, sgn * bp)):
            raise AssertionError("stable beta(s) form differs from the (k, b0) form")
    return expr


def beta_of_s_stable_derivative():
    """``db/dw = 4 m cosh 2w + 2 |b0| e^{2 sign(b0) w}``: a sum of nonnegative terms."""
    d = 4 * m_sym * sp.cosh(2 * w) + 2 * sp.Abs(b0) * sp.exp(2 * sp.sign(b0) * w)
    bp = b_pos
    for sgn in (1, -1):
        if not same_expression(d.subs(b0, sgn * bp), sp.diff(beta_of_s_stable(), w).subs(b0, sgn * bp)):
            raise AssertionError("derivative of the stable beta(s) form is off")
    return d


def dual_potential_stable():
    """``G(w) = int_0^w b = 2 m sinh(w)^2 + |b0| e^{sign(b0) w} sinh(sign(b0) w)``, checked for both signs."""
    G = 2 * m_sym * sp.sinh(w) ** 2 + sp.Abs(b0) * sp.exp(sp.sign(b0) * w) * sp.sinh(sp.sign(b0) * w)
    bp = b_pos
    for sgn in (1, -1):
        integral = sp.integrate(beta_of_s_stable().subs(b0, sgn * bp).subs(w, t), (t, 0, w))
        if not same_expression(G.subs(b0, sgn * bp), integral):
            raise AssertionError("stable dual potential differs from the integral of b(w)")
    return G


def pt_scale_is_c():
    """From the PT init, ``beta(s) = c sinh(2s)``: the (k, b0) of PT are (c_pt, 0), whatever lambda_pt.

    Returns ``(k_pt, b0_pt)`` derived from the PT branch weights.
    """
    from .dynamics import pt_init_weights
    from .symbols import u0, v0

    _, P, M = network_beta(u0, v0, u0, v0)
    k_expr, b0_expr = scale_and_start_from_PM()
    ui, vi = pt_init_weights()
    kk = sp.simplify(k_expr.subs({P_sym: P, M_sym: M}).subs({u0: ui, v0: vi}))
    bb = sp.simplify(b0_expr.subs({P_sym: P, M_sym: M}).subs({u0: ui, v0: vi}))
    if sp.simplify(pt_beta_of_s() - c_pt * sp.sinh(2 * s)) != 0:
        raise AssertionError("PT beta(s) is not c sinh(2s)")
    return kk, bb


__all__ = [
    "M_sym",
    "beta_of_s_stable",
    "beta_of_s_stable_derivative",
    "dual_potential_stable",
    "m_sym",
    "minor_coefficient",
    "P_sym",
    "bregman_divergence",
    "beta_of_s_in_k_b0",
    "beta_of_s_sinh_form",
    "dual_potential",
    "dual_primal_map",
    "dual_primal_map_derivative",
    "h_function",
    "h_function_stable",
    "l1_limit_of_potential",
    "l2_limit_of_potential",
    "mirror_map",
    "potential",
    "potential_derivative",
    "potential_stable",
    "pt_scale_is_c",
    "scale_and_start_from_PM",
]
