"""The rich limit of fine-tuning: a weighted l1 problem and its exact-recovery thresholds
(docs/design.md section 3.3; derivations/06_rich_limits.md).

1. For ``|b| >> k`` the potential is ``Q_k(b) = (|b|/2) log(1/k) + (|b|/2)(log(2|b|) - 1) + O(k)``
   (:func:`potential_large_z`, from the series of h at infinity): as every k -> 0 the k-dependent part
   dominates and FT is **weighted l1** with weight ``w = log(1/k)/2`` per coordinate.
2. First-order form of the weight: the slope of the potential at the FT amplitude,
   ``w(k) = Q_k'(A) = asinh(A/k)/2`` (-> log(2A/k)/2), and the ratio of a new to a PT feature
   ``r = asinh(A/k_new) / asinh(A/k_pt)`` (:func:`weight_ratio_first_order`).
3. With the merged k (derived in :mod:`.ft_maps`) the limit of r depends on the path
   (:func:`weight_ratio_limits`): ``lambda/c -> -1`` at fixed c gives r -> 1 (plain l1, only
   logarithmically: ``r - 1 ~ log(2c/(c + sqrt(c^2+A_pt^2))) / log(1 + lambda/c)``); c -> 0 with
   ``1 + lambda/c = c^beta`` gives ``r -> (1 + beta)/beta``; c -> 0 at fixed lambda/c gives r -> oo
   (k_new -> 0 while k_pt stays finite: the PT features are *not* rich there; see below).
4. The exact-recovery threshold of weighted l1 is the statistical dimension of its descent cone
   (Amelunxen, Lotz, McCoy, Tropp 2014): with weight 1 on PT features and r on new ones, support
   rho_shared on PT features and rho_new on new ones,
   ``alpha_c = min_t rho_shared (1 + t^2) + rho_new (1 + r^2 t^2) + (rho_pt - rho_shared) psi(t)
   + (1 - rho_pt - rho_new) psi(r t)``, ``psi(t) = 2 int_t^oo (u - t)^2 phi(u) du``
   (:func:`weighted_l1_dimension`); r = 1 is Donoho-Tanner.
5. Mixed limit (c -> 0 at fixed lambda/c > -1): new features l1 with weight -> oo relative to the
   PT ones, whose potential stays smooth (finite k_pt).  The descent cone is then R^{rho_pt} times
   the l1 cone of the new coordinates: ``alpha_c_new = rho_pt + (1 - rho_pt) alpha_DT(rho_ft/(1 - rho_pt))``,
   and ``alpha_c_shared = rho_pt`` (a smooth potential recovers only when the free coordinates are
   determined) (:func:`mixed_limit_thresholds`).
"""

import sympy as sp

from .ft_maps import ft_scale_and_start
from .potential import h_function
from .replica import gaussian_tail_second_moment
from .symbols import amp, beta_pt, c_pt, gamma_ft, k_new as k_new_s, k_pt as k_pt_s, lambda_pt, r_w, t_dt, z
from .symbols import rho_new as rho_new_s, rho_pt as rho_pt_s, rho_shared as rho_sh_s


def h_large_z(order: int = 2):
    """Series of h(z) at z -> oo: ``z log(2z) - z + 1 + O(1/z)`` (sympy)."""
    w = sp.Symbol("w", positive=True)
    ser = sp.series(h_function().rewrite(sp.log).subs(z, 1 / w), w, 0, order).removeO()
    return sp.expand(sp.expand_log(ser.subs(w, 1 / z), force=True))


def potential_large_z():
    """``Q_k(b) = (k/2) h(b/k)`` for b/k -> oo, b > 0, to O(k): ``(b/2) log(2b/k) - b/2 + k/2``."""
    b_, k_ = sp.symbols("b_ k_", positive=True)
    return sp.expand(sp.expand_log(k_ / 2 * h_large_z().subs(z, b_ / k_), force=True)), b_, k_


def weight_first_order():
    """``w(k) = Q_k'(A) = asinh(A/k)/2``: the slope of the potential at the FT amplitude."""
    b_, k_ = sp.symbols("b_ k_", positive=True)
    q = k_ / 2 * h_function().subs(z, b_ / k_)
    return sp.simplify(sp.diff(q, b_)).subs({b_: amp, k_: sp.Symbol("k", positive=True)})


def weight_ratio_first_order():
    """``r = w(k_new)/w(k_pt) = asinh(A/k_new)/asinh(A/k_pt)``."""
    k = sp.Symbol("k", positive=True)
    w = weight_first_order()
    return w.subs(k, k_new_s) / w.subs(k, k_pt_s)


def psi():
    """``psi(t) = 2 int_t^oo (u - t)^2 phi(u) du = 2[(1+t^2) Phi(-t) - t phi(t)]`` (sympy integral)."""
    return 2 * gaussian_tail_second_moment()


def weighted_l1_dimension():
    """Statistical dimension (per coordinate) of the weighted l1 descent cone at threshold t."""
    p = psi()
    return (rho_sh_s * (1 + t_dt**2) + rho_new_s * (1 + r_w**2 * t_dt**2)
            + (rho_pt_s - rho_sh_s) * p + (1 - rho_pt_s - rho_new_s) * p.subs(t_dt, r_w * t_dt))


def weighted_l1_stationarity():
    """d/dt of :func:`weighted_l1_dimension` (convex in t: its root is the minimiser)."""
    return sp.diff(weighted_l1_dimension(), t_dt)


def weighted_l1_is_donoho_tanner_at_r1() -> bool:
    """At r = 1 and a single support class the dimension is Donoho-Tanner's objective."""
    from .replica import donoho_tanner_objective, rho
    d = weighted_l1_dimension().subs({r_w: 1, rho_new_s: 0, rho_sh_s: rho, rho_pt_s: 1})
    return sp.simplify(sp.expand(d - donoho_tanner_objective()).rewrite(sp.erfc)) == 0


def subset_threshold_slope():
    """``d alpha_c / d r`` of the subset task (rho_new = 0) at the minimising t (envelope theorem: the partial
    derivative of the objective), with the check that it equals ``(1 - rho_pt) t psi'(r t)`` and the form of
    ``psi'(u) = -4 [phi(u) - u Phi(-u)]`` (< 0 for u >= 0, Mills' inequality): returns (slope, psi', both True)."""
    d = sp.diff(weighted_l1_dimension().subs(rho_new_s, 0), r_w)
    u = sp.Symbol("u", nonnegative=True)
    dpsi = sp.diff(psi(), t_dt).subs(t_dt, u)
    phi = sp.exp(-u**2 / 2) / sp.sqrt(2 * sp.pi)
    mills = -4 * (phi - u * sp.erfc(u / sp.sqrt(2)) / 2)
    ok = (sp.simplify(d - (1 - rho_pt_s) * t_dt * dpsi.subs(u, r_w * t_dt)) == 0
          and sp.simplify(dpsi - mills) == 0)
    return sp.simplify(d), dpsi, ok


def merged_weight_ratio():
    """r of the merged network at gamma = 0: k_pt = k(beta_pt = A_pt), k_new = k(0), in terms of
    ``m = 1 + lambda/c`` and c (sympy substitution of the derived k)."""
    k, _ = ft_scale_and_start("merged")
    m = sp.Symbol("m", positive=True)
    a_pt = sp.Symbol("A_pt", positive=True)
    sub = {lambda_pt: c_pt * (m - 1), gamma_ft: 0}
    kp = sp.simplify(k.subs(sub).subs(beta_pt, a_pt))
    kn = sp.simplify(k.subs(sub).subs(beta_pt, 0))
    return weight_ratio_first_order().subs({k_pt_s: kp, k_new_s: kn}), m, a_pt, kp, kn


def weight_ratio_limits():
    """The limits of the merged r (gamma = 0) along the three paths, by sympy:
    (lambda/c -> -1 at fixed c, c -> 0 with 1 + lambda/c = c (beta = 1), c -> 0 at fixed lambda/c)."""
    r, m, a_pt, kp, kn = merged_weight_ratio()
    c = sp.Symbol("c", positive=True)
    rr = r.subs(c_pt, c)
    at_m = sp.limit(rr.rewrite(sp.log), m, 0, "+")
    # c -> 0 with m = c^beta: the leading logs, log k_new / log k_pt, at beta = 1 and beta = 2
    kp_c, kn_c = kp.subs(c_pt, c), kn.subs(c_pt, c)
    paths = []
    for beta in (1, 2):
        ratio = sp.log(kn_c.subs(m, c**beta)) / sp.log(kp_c.subs(m, c**beta))
        paths.append(sp.limit(ratio, c, 0, "+"))
    # m fixed in (0, 2]: (lim k_pt, lim k_new) = (m A_pt, 0): asinh(A/k_new) -> oo over a finite
    # asinh(A/k_pt), r -> oo, and the PT features keep a smooth potential (the mixed limit)
    fixed = (sp.limit(kp_c, c, 0, "+"), sp.limit(kn_c, c, 0, "+"))
    return at_m, paths, fixed


__all__ = ["h_large_z", "merged_weight_ratio", "potential_large_z", "psi", "r_w", "rho_new_s", "rho_pt_s", "rho_sh_s",
           "subset_threshold_slope", "weight_first_order", "weight_ratio_first_order", "weight_ratio_limits", "weighted_l1_dimension",
           "weighted_l1_is_donoho_tanner_at_r1", "weighted_l1_stationarity"]
