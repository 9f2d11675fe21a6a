"""Early-time expansion of gradient flow on finite data (alpha < 1), derived with sympy.

On ``L = ||X beta - y||^2 / (2N)`` the coordinates are coupled through ``H = X^T X / N``, but each still
moves at its own rate: ``dbeta_d/dt = K(beta_d) g_d`` with the per-coordinate NTK ``K(beta) = db/ds =
2 sqrt(k^2 + beta^2)`` (:func:`.potential.dual_primal_map_derivative`) and the negative gradient
``g = c - H beta`` (``c = X^T y / N``), whose time derivatives are ``g^(j) = -H beta^(j)``.
Differentiating ``K(beta(t)) g(t)`` (sympy, unknown functions ``beta(t)``, ``g(t)``) gives the Taylor
coefficients ``beta_j = beta^(j)(0)`` coordinate-wise in terms of ``K, K', K''`` at ``b0`` and
``g_0, g_1 = -H beta_1, g_2 = -H beta_2``; an explicit two-coordinate system with rational data checks the
recursion exactly against the Lie derivatives of the coupled vector field.

The linearised (NTK) flow freezes the kernel at ``K(b0)``; where ``b0 = 0`` (merged scheme)
``K'(0) = 0``, so it agrees through ``t^2`` and first differs by ``K''(0) beta_1^2 g_0 t^3/6 =
(4/3) k g_0^3 t^3``: relative to the distance moved, ``(2/3) (g_0 t)^2``, a window ``t << 1/|g_0|`` whatever
the scale ``k``.  Its closed form in the eigenbasis of ``X diag(K0) X^T / N`` is checked as an ODE solution.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .potential import dual_primal_map, dual_primal_map_derivative
from .symbols import b, k, w

time = sp.Symbol("t", nonnegative=True)
#: per-coordinate unknowns of the expansion: beta(t), g(t), and their values at t = 0
beta_f = sp.Function("beta")(time)
g_f = sp.Function("g")(time)
K0, K1, K2 = sp.symbols("K_0 K_1 K_2", real=True)
g0, g1, g2 = sp.symbols("g_0 g_1 g_2", real=True)
beta1, beta2, beta3 = sp.symbols("beta_1 beta_2 beta_3", real=True)


def kernel():
    """``K(b) = 2 sqrt(k^2 + b^2)``: the map's derivative ``db/dw`` written in ``b`` (checked on ``b(w)``)."""
    K = 2 * sp.sqrt(k**2 + b**2)
    if sp.simplify(K.subs(b, dual_primal_map()) ** 2 - dual_primal_map_derivative() ** 2) != 0:
        raise AssertionError("K(b(w)) != db/dw")
    return K


@lru_cache(maxsize=None)
def kernel_derivatives():
    """``(K, K', K'')`` in ``b`` and ``k``."""
    K = kernel()
    return K, sp.simplify(sp.diff(K, b)), sp.simplify(sp.diff(K, b, 2))


@lru_cache(maxsize=None)
def taylor_recursion():
    """``(beta_1, beta_2, beta_3)`` as expressions in ``K_0, K_1, K_2`` (K and its derivatives at b0), the
    lower coefficients and ``g_0, g_1, g_2`` (``g^(j)(0)``): sympy differentiates ``K(beta(t)) g(t)``."""
    Kf = sp.Function("K")
    rhs = Kf(beta_f) * g_f
    d1 = rhs
    d2 = sp.diff(d1, time).subs(sp.Derivative(beta_f, time), rhs)
    d3 = sp.diff(d2, time).subs(sp.Derivative(beta_f, time), rhs)
    at0 = {}

    def zero(e):
        e = e.subs({sp.Derivative(g_f, (time, 2)): g2, sp.Derivative(g_f, time): g1, g_f: g0})
        e = e.subs({sp.Subs(sp.Derivative(Kf(b), (b, 2)), b, beta_f): K2})
        e = e.replace(lambda x: isinstance(x, sp.Subs), lambda x: K1 if x.expr == sp.Derivative(Kf(b), b) else x)
        e = e.subs(sp.Derivative(Kf(beta_f), (beta_f, 2)), K2).subs(sp.Derivative(Kf(beta_f), beta_f), K1)
        return sp.expand(e.subs(Kf(beta_f), K0))

    b1 = zero(d1)
    b2 = zero(d2)
    b3 = zero(d3)
    # write the lower coefficients back in: beta_1 = K0 g0 and beta_2 as found
    b2 = sp.expand(b2)
    b3 = sp.expand(b3)
    at0.update({"beta_1": b1, "beta_2": b2, "beta_3": b3})
    stated = {"beta_1": K0 * g0, "beta_2": K1 * beta1 * g0 + K0 * g1,
              "beta_3": K2 * beta1**2 * g0 + K1 * beta2 * g0 + 2 * K1 * beta1 * g1 + K0 * g2}
    subs = {beta1: K0 * g0, beta2: K1 * K0 * g0 * g0 + K0 * g1}
    for name in stated:
        if sp.expand(stated[name].subs(subs) - at0[name]) != 0:
            raise AssertionError(f"{name}: stated recursion differs from the derivative: {at0[name]}")
    return stated["beta_1"], stated["beta_2"], stated["beta_3"]


def check_on_two_coordinates() -> bool:
    """The recursion against the exact Lie derivatives of a coupled two-coordinate flow with rational H,
    c, k, b0 (H symmetric positive definite), at t = 0: identical expressions (sympy)."""
    H = sp.Matrix([[sp.Rational(3, 2), sp.Rational(-1, 3)], [sp.Rational(-1, 3), sp.Rational(5, 4)]])
    cvec = sp.Matrix([sp.Rational(7, 5), sp.Rational(-2, 3)])
    ks = [sp.Rational(1, 3), sp.Rational(2, 7)]
    b0s = [sp.Rational(1, 5), sp.Rational(-1, 2)]
    x = sp.Matrix(sp.symbols("x0 x1", real=True))
    Kb, _, _ = kernel_derivatives()
    field = sp.Matrix([Kb.subs({k: ks[d], b: x[d]}) * (cvec - H * x)[d] for d in range(2)])
    lie = [field]
    for _ in range(2):
        lie.append(lie[-1].jacobian(x) * field)
    at = {x[0]: b0s[0], x[1]: b0s[1]}
    exact = [sp.simplify(v.subs(at)) for v in lie]
    B1, B2, B3 = taylor_recursion()
    _, K1e, K2e = kernel_derivatives()
    b1v = sp.Matrix([B1.subs({K0: Kb.subs({k: ks[d], b: b0s[d]}), g0: (cvec - H * sp.Matrix(b0s))[d]})
                     for d in range(2)])
    g1v = -H * b1v
    b2v = sp.Matrix([B2.subs({K0: Kb.subs({k: ks[d], b: b0s[d]}), K1: K1e.subs({k: ks[d], b: b0s[d]}),
                              g0: (cvec - H * sp.Matrix(b0s))[d], g1: g1v[d], beta1: b1v[d]}) for d in range(2)])
    g2v = -H * b2v
    b3v = sp.Matrix([B3.subs({K0: Kb.subs({k: ks[d], b: b0s[d]}), K1: K1e.subs({k: ks[d], b: b0s[d]}),
                              K2: K2e.subs({k: ks[d], b: b0s[d]}), g0: (cvec - H * sp.Matrix(b0s))[d],
                              g1: g1v[d], g2: g2v[d], beta1: b1v[d], beta2: b2v[d]}) for d in range(2)])
    return all(sp.simplify(e - r) == sp.zeros(2, 1) for e, r in zip(exact, (b1v, b2v, b3v)))


@lru_cache(maxsize=None)
def merged_ntk_deviation():
    """At ``b0 = 0``: ``(K'(0), K''(0), beta_3 - beta_3^NTK, its size relative to beta_1 t at order t^2)``."""
    _, K1e, K2e = kernel_derivatives()
    k1, k2 = sp.simplify(K1e.subs(b, 0)), sp.simplify(K2e.subs(b, 0))
    _, _, B3 = taylor_recursion()
    Kz = kernel().subs(b, 0)
    full = B3.subs({K1: k1, K2: k2, K0: Kz, beta1: Kz * g0})
    ntk = B3.subs({K1: 0, K2: 0, K0: Kz, beta1: Kz * g0})  # frozen kernel: K' = K'' = 0
    dev = sp.simplify(full - ntk)
    rel = sp.simplify(dev * time**3 / 6 / (Kz * g0 * time))
    return k1, k2, dev, rel


def ntk_mode():
    """One eigen-mode of the linearised dual flow ``dlambda/dt = r - g lambda``: ``lambda = (1 - e^{-gt}) r / g``
    (checked: the ODE, ``lambda(0) = 0`` and the ``g -> 0`` limit ``r t``)."""
    g, r = sp.symbols("g r", positive=True)
    lam = (1 - sp.exp(-g * time)) * r / g
    if sp.simplify(sp.diff(lam, time) - (r - g * lam)) != 0 or lam.subs(time, 0) != 0:
        raise AssertionError("NTK mode does not solve its ODE")
    if sp.limit(lam, g, 0) != r * time:
        raise AssertionError("NTK mode's g -> 0 limit is not r t")
    return lam


def error_expansion():
    """``E(t) = |beta(t) - beta*|^2 / |beta*|^2`` to order t^2 in one coordinate's terms (summed over d):
    ``e0^2 + 2 e0 beta_1 t + (beta_1^2 + e0 beta_2) t^2`` with ``e0 = b0 - beta*``."""
    e0 = sp.Symbol("e_0", real=True)
    series = e0 + beta1 * time + beta2 * time**2 / 2 + beta3 * time**3 / 6
    return sp.expand(sp.series(series**2, time, 0, 3).removeO())
