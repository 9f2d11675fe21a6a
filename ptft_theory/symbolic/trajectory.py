"""The exact time course of one coordinate on whitened data (docs/design.md section 6).

With ``X^T X / N = I`` the loss is ``L = 1/2 sum_d (beta_d - beta*_d)^2`` (+ a constant), so the
coordinates decouple.  Gradient flow on all weights (``d theta/dt = -grad L``) moves the integrated
gradient of a coordinate as ``ds/dt = -dL/dbeta = beta* - beta(s)``, and a coordinate with scale
``k`` and start ``b0`` has ``beta(s) = P e^{2s} - M e^{-2s}`` (:mod:`.dynamics`, :mod:`.potential`).
In ``x = e^{2s}`` this is a Riccati equation with constant coefficients,

    dx/dt = 2 beta* x - 2 P x^2 + 2 M,

solved here in closed form: ``x(t) = (a tau + E) / (b tau + E)`` with ``E = e^{-2 A t}``,
``tau = (1 - E)/(2 A)`` and the relaxation rate ``A = sqrt(beta*^2 + k^2)``.  Every step is derived
or checked by sympy; the printed forms are the cancellation-free ones (all terms nonnegative once
the sign symmetry ``(beta, beta*, b0) -> -(beta, beta*, b0)`` puts ``beta* >= 0``).  Also derived:
the exact time to reach a value (the quadrature ``t(beta)`` in closed form), the escape time of a
coordinate from ``b0 = 0`` and its lazy (``k -> oo``: exponential relaxation at rate ``2k``) and rich
(``k -> 0``: a logistic escape after ``log(2 beta*/k)/(2 beta*)``) limits.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .potential import M_sym, P_sym, beta_of_s_in_k_b0, dual_primal_map_derivative, m_sym, scale_and_start_from_PM
from .symbols import (M_pos, P_pos, a_num as a_sym, b, b0, b_den as b_sym, b_pos, beta_star, beta_star_pos,
                      beta_target_pos, decay as decay_sym, k, k_pos, log_M, log_P, log_x, rate as rate_sym, s, time,
                      traj_increment as inc_sym, traj_tau as tau_sym, w, x_pos as x)


def loss():
    """The whitened per-coordinate loss ``L = (beta - beta*)^2 / 2``."""
    return (b - beta_star) ** 2 / 2


def flow_in_s():
    """``ds/dt = -dL/dbeta`` evaluated on ``beta(s)``: ``beta* - beta(s)`` (sympy differentiates L)."""
    return sp.simplify(-sp.diff(loss(), b)).subs(b, P_sym * sp.exp(2 * s) - M_sym * sp.exp(-2 * s))


def flow_in_beta():
    """``dbeta/dt = beta'(s) ds/dt = 2 sqrt(k^2 + beta^2) (beta* - beta)`` (dual_primal_map_derivative).

    Odd under ``(beta, beta*) -> -(beta, beta*)``: checked, the symmetry the numerics use to put
    ``beta* >= 0``.
    """
    rhs = 2 * sp.sqrt(k**2 + b**2) * (beta_star - b)
    # beta'(s)^2 = 4 (k^2 + beta(s)^2) and beta'(s) > 0: the factor is the positive root.
    d = dual_primal_map_derivative()
    if sp.simplify((d**2 - 4 * (k**2 + beta_of_s_in_k_b0().subs(s, w) ** 2)).rewrite(sp.exp)) != 0:
        raise AssertionError("beta'(s) is not 2 sqrt(k^2 + beta^2)")
    if sp.simplify(rhs.subs({b: -b, beta_star: -beta_star}) + rhs) != 0:
        raise AssertionError("the flow is not odd in (beta, beta*)")
    return rhs


@lru_cache(maxsize=None)
def riccati():
    """``dx/dt`` for ``x = e^{2s}``: ``2 x ds/dt`` written in x; checked to be ``2 beta* x - 2P x^2 + 2M``."""
    rhs = sp.expand(2 * x * flow_in_s().subs(s, sp.log(x) / 2))
    expected = 2 * beta_star * x - 2 * P_sym * x**2 + 2 * M_sym
    if sp.simplify(rhs - expected) != 0:
        raise AssertionError(f"Riccati form differs: {rhs}")
    return expected


@lru_cache(maxsize=None)
def riccati_roots():
    """The equilibria ``x_+ > 0 > x_-`` of the Riccati equation (sympy ``solve``), and the rate.

    ``x_+ - x_- = A / P`` with ``A = sqrt(beta*^2 + 4 P M) = sqrt(beta*^2 + k^2)`` (``4PM = k^2``
    from :func:`.potential.scale_and_start_from_PM`).  Returns ``(x_plus, x_minus, A)`` in P, M, beta*.
    """
    P, M = P_pos, M_pos
    roots = sp.solve(riccati().subs({P_sym: P, M_sym: M}), x)
    # the positive root (test point P = M = 1, beta* = 0: x_+- = +-1)
    xp, = [r for r in roots if r.subs({P: 1, M: 1, beta_star: 0}) > 0]
    xm = sp.simplify(-M / (P * xp))  # product of the roots: x_+ x_- = -M/P
    if sp.simplify(riccati().subs({P_sym: P, M_sym: M, x: xm})) != 0:
        raise AssertionError("x_- is not a root")
    A = sp.sqrt(beta_star**2 + 4 * P * M)
    if sp.simplify(P * (xp - xm) - A) != 0:
        raise AssertionError("x_+ - x_- != A/P")
    k_PM, _ = scale_and_start_from_PM()
    if sp.simplify((k_PM**2 - 4 * P_sym * M_sym).subs({P_sym: P, M_sym: M})) != 0:
        raise AssertionError("4PM != k^2")
    back = {P: P_sym, M: M_sym}
    return xp.subs(back), xm.subs(back), A.subs(back)


def rate():
    """The relaxation rate ``A = sqrt(beta*^2 + k^2)``: ``beta(t) - beta*`` decays like ``e^{-2At}``."""
    return sp.sqrt(beta_star**2 + k**2)


@lru_cache(maxsize=None)
def solution():
    """``x(t)`` from ``x(0) = 1`` by separation of variables, in the form ``(a tau + E)/(b tau + E)``.

    Derivation: ``(x - x_+)/(x - x_-) = q0 e^{-2At}`` (the partial fractions of ``1/(x-x_+)(x-x_-)``
    integrate to logs), solved for x.  Checked: the ODE residual is 0, ``x(0) = 1``, and it equals
    the Moebius form with ``a = beta* + A + 2M``, ``b = 2P + A - beta*``.
    Returns ``(x_of_t, a, b)`` (``x_of_t`` in ``t``, ``a``, ``b`` in P, M, beta*, A).
    """
    xp, xm, _ = riccati_roots()
    A = rate_sym
    q0 = (1 - xp) / (1 - xm)
    E = sp.exp(-2 * A * time)
    x_t = (xp - q0 * E * xm) / (1 - q0 * E)
    a = beta_star + A + 2 * M_sym
    bd = 2 * P_sym + A - beta_star
    tau = (1 - E) / (2 * A)
    mobius = (a * tau + E) / (bd * tau + E)
    on_shell = {A: sp.sqrt(beta_star**2 + 4 * P_sym * M_sym)}
    P, M, bs = P_pos, M_pos, beta_star_pos
    pos = {P_sym: P, M_sym: M, beta_star: bs}
    for expr in (mobius,):  # x_t equals it (checked below)
        e = expr.subs(on_shell).subs(pos)
        residual = sp.diff(e, time) - riccati().subs(pos).subs(x, e)
        if sp.simplify(residual.rewrite(sp.exp)) != 0 or sp.simplify(e.subs(time, 0) - 1) != 0:
            raise AssertionError("x(t) does not solve the Riccati equation from x(0) = 1")
    if sp.simplify((x_t - mobius).subs(on_shell).subs(pos)) != 0:
        raise AssertionError("separated solution differs from the Moebius form")
    return mobius, a, bd


def increment():
    """``x(t) - 1 = 2 (beta* - b0) tau / (b tau + E)`` (so ``2s = log1p`` of it), checked equal."""
    _, a, bd = solution()
    inc = 2 * (beta_star - b0) * tau_sym / (b_sym * tau_sym + decay_sym)
    moeb = (a_sym * tau_sym + decay_sym) / (b_sym * tau_sym + decay_sym) - 1
    _, b0_PM = scale_and_start_from_PM()
    if sp.simplify((a - bd).subs(rate_sym, 0) - 2 * beta_star + 2 * (P_sym - M_sym)) != 0 or \
            sp.simplify(b0_PM - (P_sym - M_sym)) != 0:
        raise AssertionError("a - b != 2 (beta* - b0)")
    if sp.simplify(moeb.subs(a_sym, b_sym + 2 * (beta_star - b0)) - inc) != 0:
        raise AssertionError("increment form differs")
    return inc


def stable_branch_coefficients():
    """``(P, M) = (m + b0 H(b0), m - b0 H(-b0))`` (H: Heaviside, H(0) = 0) from the minor coefficient m:
    checked ``P - M = b0`` and ``P M = k^2/4`` (:func:`.potential.minor_coefficient`) for both signs of b0.
    Each is a sum of two nonnegative terms in any order the printer picks (``(|b0| + b0)/2`` would be
    printed as ``b0/2 + m + |b0|/2``, which loses m to cancellation when ``b0 << 0``)."""
    from .potential import minor_coefficient
    P = m_sym + b0 * sp.Heaviside(b0, 0)
    M = m_sym - b0 * sp.Heaviside(-b0, 0)
    bp = b_pos
    for sgn in (1, -1):
        sub = {b0: sgn * bp}
        Ps, Ms = (e.subs(m_sym, minor_coefficient()).subs(sub) for e in (P, M))
        if sp.simplify(Ps - Ms - sgn * bp) != 0 or sp.simplify(sp.radsimp(Ps * Ms - k**2 / 4)) != 0:
            raise AssertionError("stable (P, M) differ")
    return P, M


def stable_coefficients():
    """``(a, b)`` printed without cancellation for ``beta* >= 0``, in (beta*, A, k, m, b0).

    ``P = m + b0 H(b0)``, ``M = m - b0 H(-b0)`` (:func:`stable_branch_coefficients`),
    and ``A - beta* = k^2/(A + beta*)``: every term is nonnegative.  Checked against :func:`solution`.
    """
    _, a, bd = solution()
    P, M = stable_branch_coefficients()
    a_st = beta_star + rate_sym + 2 * M
    b_st = 2 * P + k**2 / (rate_sym + beta_star)
    bp = b_pos
    on_shell = {rate_sym: rate()}
    for sgn in (1, -1):
        sub = {b0: sgn * bp}
        pm = {P_sym: P.subs(sub), M_sym: M.subs(sub)}
        if sp.simplify((a.subs(pm) - a_st).subs(sub)) != 0:
            raise AssertionError("stable a differs")
        if sp.simplify((bd.subs(pm) - b_st).subs(sub).subs(on_shell)) != 0:
            raise AssertionError("stable b differs")
    return a_st, b_st



def beta_of_increment():
    """``beta`` at ``e^{2s} = 1 + w``: ``P x - M/x`` with ``M = P - b0`` is, checked by sympy,
    ``b0/(1 + w) + P w (1 + 1/(1 + w))``: a rational function (no transcendental), exact at small w
    (the rich start ``beta ~ 2 P w``), no overflow for large w (``P w -> P x``)."""
    x1 = 1 + inc_sym
    direct = P_sym * x1 - (P_sym - b0) / x1
    form = b0 / x1 + P_sym * inc_sym * (1 + 1 / x1)
    if sp.simplify(direct - form) != 0:
        raise AssertionError("beta(1 + w) form differs")
    return form


def beta_of_log_x():
    """``beta = P x - M/x`` with ``log x = ell`` and ``P = e^{log_P}``, ``M = e^{log_M}``: the large-|s|
    form (no sinh overflow; a frozen branch has ``log_P = -inf``, an exact 0)."""
    form = (P_sym * sp.exp(2 * s) - M_sym * sp.exp(-2 * s)).subs({s: log_x / 2, P_sym: sp.exp(log_P),
                                                                 M_sym: sp.exp(log_M)})
    return sp.powsimp(form)


# -------------------------------------------------------------------------- time to reach a value
def Y_of(value):
    """``Y = k e^{asinh(beta/k)} = beta + sqrt(k^2 + beta^2)`` (``= 2 P x``): Riccati's linear-fractional variable."""
    return value + sp.sqrt(k**2 + value**2)


@lru_cache(maxsize=None)
def time_to_reach():
    """The exact quadrature ``t(beta_T) = int_{b0}^{beta_T} dbeta / (2 sqrt(k^2+beta^2)(beta* - beta))``.

    From the solution: ``e^{-2At} = [(Y_T - Y_+)(Y_0 - Y_-)] / [(Y_T - Y_-)(Y_0 - Y_+)]`` with
    ``Y = beta + sqrt(k^2 + beta^2)`` and ``Y_+- = beta* +- A``.  Checked: differentiating in
    ``beta_T`` gives the integrand back.
    """
    A = rate()
    Yp, Ym = beta_star + A, beta_star - A
    Y0, YT = Y_of(b0), Y_of(b)
    t_expr = sp.log((Yp - Y0) * (YT - Ym) / ((Yp - YT) * (Y0 - Ym))) / (2 * A)
    kp, bs, bT = k_pos, beta_star_pos, beta_target_pos
    sub = {k: kp, beta_star: bs, b: bT}
    d = sp.diff(t_expr.subs(sub), bT) - 1 / (2 * sp.sqrt(kp**2 + bT**2) * (bs - bT))
    if sp.simplify(sp.radsimp(sp.together(d))) != 0:
        raise AssertionError("t(beta) does not differentiate back to the integrand")
    if sp.simplify(t_expr.subs(b, b0)) != 0:
        raise AssertionError("t(b0) != 0")
    return t_expr


@lru_cache(maxsize=None)
def time_to_reach_stable():
    """:func:`time_to_reach` printed without avoidable cancellation, for ``beta* >= 0``:
    ``Y(v) = v + sqrt(k^2+v^2)`` for ``v >= 0`` and ``k^2/(sqrt(k^2+v^2) - v)`` for ``v < 0``, ``Y_+ = beta* + A``,
    ``Y_- = -k^2/(beta* + A)``.  (The factors ``Y_+ - Y_0`` and ``Y_+ - Y_T`` keep their inherent
    cancellation: the time diverges as the target nears beta*.)  Compared with :func:`time_to_reach` at
    60 digits on points of both signs of b0 and beta_T (to 45 digits)."""
    import mpmath

    A = rate()
    def Y(v):
        return sp.Piecewise((v + sp.sqrt(k**2 + v**2), v >= 0), (k**2 / (sp.sqrt(k**2 + v**2) - v), True))
    Yp, Ym = beta_star + A, -k**2 / (beta_star + A)
    form = sp.log((Yp - Y(b0)) * (Y(b) - Ym) / ((Yp - Y(b)) * (Y(b0) - Ym))) / (2 * A)
    f_new, f_old = (sp.lambdify((b, beta_star, k, b0), e, "mpmath") for e in (form, time_to_reach()))
    with mpmath.workdps(60):
        for bT, bs, kv, b0v in ((0.5, 1, 0.1, -1), (-0.5, 1, 0.3, -1), (0.2, 0.3, 2, 0.1), (-0.5, 0, 1e-4, -1),
                                (2, 1, 0.5, 3), (0.7, 2, 1e-3, 0)):
            args = [mpmath.mpf(x) for x in (bT, bs, kv, b0v)]
            if abs(f_new(*args) - f_old(*args)) > mpmath.mpf(10) ** -45 * abs(f_old(*args)):
                raise AssertionError("stable time_to_reach differs")
    return form


@lru_cache(maxsize=None)
def escape_time():
    """Time for a coordinate from ``b0 = 0`` to reach half its target, ``t_{1/2}(beta*, k)`` (beta* > 0)."""
    bs = beta_star_pos
    return sp.simplify(time_to_reach().subs({b0: 0, b: bs / 2}).subs(bs, beta_star))


@lru_cache(maxsize=None)
def escape_time_stable():
    """:func:`escape_time` printed without cancellation (beta* > 0): ``Y_- = -k^2/(beta* + A)``, so
    ``t = log[(beta* + A - k)(beta*/2 + R + k^2/(beta*+A)) / ((beta*/2 + A - R)(k + k^2/(beta*+A)))]/(2A)``
    with ``R = sqrt(k^2 + beta*^2/4)``: every factor is a sum of nonnegative terms (``A >= R``, ``A >= k``).
    Checked equal to :func:`escape_time` (sympy, both k and beta* positive)."""
    A, R = rate(), sp.sqrt(k**2 + beta_star**2 / 4)
    c = k**2 / (beta_star + A)
    form = sp.log((beta_star + A - k) * (beta_star / 2 + R + c) / ((beta_star / 2 + A - R) * (k + c))) / (2 * A)
    # sympy does not close this log identity quickly: compared at 12 points spanning k/beta* in
    # [1e-6, 1e6] at 60 digits, to 45 digits (a wrong form differs at O(1))
    f_new, f_old = (sp.lambdify((beta_star, k), e, "mpmath") for e in (form, escape_time()))
    import mpmath
    with mpmath.workdps(60):
        for i in range(12):
            bsv, kv = mpmath.mpf(1 + i) / 3, mpmath.mpf(10) ** (i - 6)
            if abs(f_new(bsv, kv) - f_old(bsv, kv)) > mpmath.mpf(10) ** -45 * abs(f_old(bsv, kv)):
                raise AssertionError("stable escape time differs")
    return form


@lru_cache(maxsize=None)
def escape_time_limits():
    """Lazy and rich limits of :func:`escape_time` (sympy ``limit``), and the two limiting time courses.

    Returns a dict: ``lazy`` = lim k t_{1/2} as k -> oo (``log(2)/2``: exponential relaxation at rate 2k),
    ``rich`` = lim t_{1/2} - log(2 beta*/k)/(2 beta*) as k -> 0 (0); ``rich_logistic``, the solution of
    the k = 0 flow through ``beta*/2`` at ``theta = t - t_{1/2} = 0`` (checked by sympy: the rich escape
    is a logistic centred at the escape time; the tests check the exact trajectory tends to it), and
    ``lazy_trajectory``, the linearised (k -> oo) time course ``beta* + (b0 - beta*) e^{-2kt}``.
    """
    kp, bs = k_pos, beta_star_pos
    te = escape_time().subs({k: kp, beta_star: bs})
    lazy = sp.limit(kp * te, kp, sp.oo)
    rich = sp.limit(te - sp.log(2 * bs / kp) / (2 * bs), kp, 0, "+")
    if lazy != sp.log(2) / 2 or rich != 0:
        raise AssertionError(f"escape-time limits are off: lazy {lazy}, rich {rich}")
    # Logistic: for k -> 0 and beta > 0 the flow is dbeta/dt = 2 beta (beta* - beta) (flow_in_beta at k = 0).
    theta = sp.Symbol("theta", real=True)
    logistic = bs / (1 + sp.exp(-2 * bs * theta))
    ode = flow_in_beta().subs({k: 0, beta_star: bs, b: logistic})
    if sp.simplify((sp.diff(logistic, theta) - ode).subs(sp.sqrt(logistic**2), logistic)) != 0:
        raise AssertionError("logistic does not solve the k = 0 flow")
    return {"lazy": lazy, "rich": rich, "rich_logistic": logistic.subs(bs, beta_star),
            "lazy_trajectory": beta_star + (b0 - beta_star) * sp.exp(-2 * k * time)}


__all__ = ["beta_of_increment", "beta_of_log_x", "escape_time", "escape_time_limits", "escape_time_stable", "flow_in_beta", "flow_in_s", "increment",
           "loss", "rate", "riccati", "riccati_roots", "solution", "stable_branch_coefficients", "stable_coefficients", "time_to_reach", "time_to_reach_stable"]
