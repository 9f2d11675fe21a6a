"""The replica fixed point at one alpha, float64: residual, damped Newton, MINPACK, bracketed roots.

    tau^2 = sigma^2 + E[(eta - beta*)^2] / alpha,      alpha = E[eta'],

solved in (log tau, log zeta) for any :class:`~ptft_theory.replica.moments.Moments` (Gauss-Hermite,
compiled or numpy, or the float64 panels): a damped Newton with the analytic Jacobian (generated
kernels ``eta_second_derivative``, ``eta_zeta_derivative``, ``eta_prime_zeta_derivative``), then
MINPACK hybrd, then nested bracketed roots.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.optimize

from ..constants import NEWTON_ACCEPT_RESIDUAL
from ..errors import ReplicaError
from .classes import ClassModel
from .hermite import HermiteMoments

#: Gauss-Hermite nodes of the coarse rule that finds a start for a point solved cold.
COLD_START_NODES = 21
#: Tolerance of the outer roots (log tau, log zeta); E inherits ~this relative accuracy.
ROOT_XTOL = 1e-13


def fixed_point_equations(tau, d1, mse, alpha, sigma):
    """The replica equations as residuals ``(1 - (sigma^2 + MSE/alpha)/tau^2, E[eta']/alpha - 1)``
    (symbolic.replica.fixed_point_equations), in any number type (floats, ``mpf``)."""
    return 1 - (sigma**2 + mse / alpha) / tau**2, d1 / alpha - 1


def fixed_point_residual(mom, u, alpha, sigma, jac):
    """``F(log tau, log zeta) = (1 - (sigma^2 + MSE/alpha)/tau^2, E[eta']/alpha - 1)``, the MSE, and
    (with ``jac``) the Jacobian of F ``(J11, J12, J21, J22)`` and the gradient of the MSE in
    (log tau, log zeta).  Plain floats: the 2x2 algebra costs less than numpy's call overhead."""
    tau, zeta = math.exp(u[0]), math.exp(u[1])
    out = mom(tau, zeta, jac)
    d1, mse = float(out[0]), float(out[1])
    F = fixed_point_equations(tau, d1, mse, alpha, sigma)
    A = sigma**2 + mse / alpha
    if not jac:
        return F, mse, None, None
    dd1_dt, dd1_dz, dmse_dt, dmse_dz = (float(v) for v in out[2])
    J = (2 * A / tau**2 - dmse_dt / (alpha * tau), -dmse_dz * zeta / (alpha * tau**2),
         dd1_dt * tau / alpha, dd1_dz * zeta / alpha)
    return F, mse, J, (dmse_dt * tau, dmse_dz * zeta)


def newton_step(J, F):
    """``-J^-1 F`` for a 2x2 J, or None when J is singular or the step is not finite."""
    det = J[0] * J[3] - J[1] * J[2]
    if det == 0:
        return None
    du = ((-F[0] * J[3] + F[1] * J[1]) / det, (-F[1] * J[0] + F[0] * J[2]) / det)
    return du if math.isfinite(du[0]) and math.isfinite(du[1]) else None


def newton_point(mom, alpha, sigma, hint, max_iter=60):
    """Damped Newton on :func:`fixed_point_residual` with the analytic Jacobian, from ``hint``;
    returns (tau, zeta, mse) or None when it fails.  Runs compiled (:func:`newton_point_compiled`, the
    same steps) when the moments do."""
    if mom.lib is not None:
        return newton_point_compiled(mom, alpha, sigma, hint, max_iter)
    return newton_point_py(mom, alpha, sigma, hint, max_iter)


def newton_point_compiled(mom, alpha, sigma, hint, max_iter=60):
    """The C twin of :func:`newton_point_py` (``ptft_replica_newton``, ``_csrc/replica_moments.c``), run on
    the compiled moments' warm-start state (``HermiteMoments.c_problem``)."""
    lead, state, out_ptr, out = mom.c_problem
    err = mom.lib.ptft_replica_newton(*lead, float(alpha), float(sigma), float(hint[0]), float(hint[1]), max_iter,
                                      state, out_ptr)
    if err > 0:
        raise ReplicaError(f"proximal Newton did not converge (compiled path, element {err - 1}, alpha={alpha:.6g})")
    return None if err else (out[0], out[1], out[2])


def newton_point_py(mom, alpha, sigma, hint, max_iter=60):
    """The Python steps of :func:`newton_point` (any moments, compiled or numpy)."""
    def residual(u, jac):
        return fixed_point_residual(mom, u, alpha, sigma, jac)

    def size(v):
        return max(abs(v[0]), abs(v[1]))

    u = (math.log(hint[0]), math.log(hint[1]))
    F, mse, J, g = residual(u, True)
    quad_const = None  # K in |F after a full step| = K |step|^2
    for _ in range(max_iter):
        if size(F) < 1e-13:
            break
        du = newton_step(J, F)
        if du is None:
            return None
        if quad_const is not None and size(du) <= 1e-6 and quad_const * size(du) ** 2 <= NEWTON_ACCEPT_RESIDUAL:
            # quadratic convergence: the step leaves |F| ~ K |du|^2 (K observed on the last full step);
            # take it without evaluating, the MSE to first order in du (second-order error ~ the same)
            u, mse = (u[0] + du[0], u[1] + du[1]), mse + g[0] * du[0] + g[1] * du[1]
            F = (quad_const * size(du) ** 2,) * 2
            break
        shrink = min(1.0, 2.0 / size(du))  # at most a factor e^2 per step
        du = (du[0] * shrink, du[1] * shrink)
        f0, t = F[0] ** 2 + F[1] ** 2, 1.0
        for _ in range(40):  # backtracking on |F|^2; the full step (almost always taken) brings its Jacobian
            F1, mse1, J1, g1 = residual((u[0] + t * du[0], u[1] + t * du[1]), t == 1.0)
            if math.isfinite(F1[0]) and math.isfinite(F1[1]) and F1[0] ** 2 + F1[1] ** 2 <= (1 - 1e-4 * t) * f0:
                break
            t *= 0.5
            if t < 1e-3 and size(F) < 1e-10:  # at the rounding floor of the moments: done
                break
        else:
            return None
        if t < 1e-3 and size(F) < 1e-10:
            break
        u = (u[0] + t * du[0], u[1] + t * du[1])
        F, mse = F1, mse1
        quad_const = size(F) / size(du) ** 2 if t == 1.0 and size(du) > 0 else None
        if t * size(du) < 1e-15:
            break
        J, g = (J1, g1) if J1 is not None else residual(u, True)[2:]
    if not size(F) < 1e-10:  # E then good to ~1e-10 relative
        return None
    return math.exp(u[0]), math.exp(u[1]), mse


def quadrature_error(mom_check, solution, mse, alpha, sigma):
    """Estimated error of the MSE at the fixed point from ``mom_check`` (twice the nodes): the
    moments' change at the solution plus the first-order move of the fixed point itself,
    ``d(log tau, log zeta) = -J^-1 F_2n``."""
    F2, mse2, J2, g2 = fixed_point_residual(mom_check, (math.log(solution[0]), math.log(solution[1])), alpha,
                                             sigma, True)
    du = newton_step(J2, F2)
    if du is None:
        return np.inf
    return abs(mse2 + g2[0] * du[0] + g2[1] * du[1] - mse)


def _brentq(f, lo, hi, xtol, what):
    """scipy's brentq on a bracket found beforehand; ReplicaError (naming ``what``) when the sign change
    is gone on re-evaluation (moments at their rounding floor) instead of scipy's ValueError."""
    try:
        return scipy.optimize.brentq(f, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps)
    except ValueError as exc:
        raise ReplicaError(f"could not solve for {what}: {exc}") from exc


def _solve_zeta(mom, tau, alpha, zeta_hint, xtol=ROOT_XTOL):
    """zeta with E[eta'] = alpha at this tau (E[eta'] decreases in zeta); ``xtol`` in log zeta."""
    f = lambda u: mom(tau, np.exp(u))[0] - alpha  # noqa: E731
    lo, hi = (np.log(zeta_hint) - 1, np.log(zeta_hint) + 1) if zeta_hint else (-5.0, 5.0)
    flo, fhi = f(lo), f(hi)
    for _ in range(200):
        if flo > 0 and fhi < 0:
            break
        if flo <= 0:
            lo, flo = lo - 2, f(lo - 2)
        if fhi >= 0:
            hi, fhi = hi + 2, f(hi + 2)
    else:
        raise ReplicaError(f"could not bracket zeta at tau={tau:.3g}, alpha={alpha:.3g}")
    return float(np.exp(_brentq(f, lo, hi, xtol, f"zeta at tau={tau:.3g}, alpha={alpha:.3g}")))


def solve_point(cls: ClassModel, alpha, sigma, n_nodes, hint, mom=None):
    """Order parameters at one alpha: damped Newton with the analytic Jacobian in (log tau, log zeta)
    from ``hint`` (extrapolated along a curve; cold: found with a coarse rule from the l2 guess), then
    MINPACK hybrd, then nested bracketed roots, each tried when the one before fails.  ``mom`` (the
    previous point's moments) carries the prox warm start along the curve."""
    mom = HermiteMoments(cls, n_nodes) if mom is None else mom
    if hint is None:  # cold: locate the fixed point with a coarse rule (cheap), then polish below
        coarse = HermiteMoments(cls, COLD_START_NODES)
        tau0 = float(np.sqrt(sigma**2 + cls.signal_power * max(1 - alpha, 0.05) / alpha))
        # zeta is in units of x like tau (~0.5 tau at typical fixed points): try Newton from there,
        # and only if that fails bracket zeta at tau0 first.
        try:
            out = newton_point(coarse, alpha, sigma, (tau0, 0.5 * tau0))
            if out is None:
                hint = (tau0, _solve_zeta(coarse, tau0, alpha, None, xtol=0.05))
                out = newton_point(coarse, alpha, sigma, hint)
            hint = hint if out is None else out[:2]
            mom.seed_from(coarse)
        except ReplicaError:  # the fallbacks below start from scratch
            hint = None
    if hint is not None:
        out = newton_point(mom, alpha, sigma, hint)
        if out is not None:
            return out

        out = hybr_point(mom, alpha, sigma, hint)
        if out is not None:
            return out
    return solve_point_bracketed(cls, alpha, sigma, n_nodes, hint)


def hybr_point(mom, alpha, sigma, start):
    """MINPACK hybrd on the fixed-point residual in (log tau, log zeta) from ``start``, for any moments
    ``mom(tau, zeta) -> (E[eta'], MSE)`` (Gauss-Hermite here, panels in :mod:`ptft_theory.replica.panels`);
    (tau, zeta, mse) or None."""

    def F(v):
        if np.any(np.abs(v) > 300):  # hybrd wandered off: make it back off
            return [1e10, 1e10]
        tau, zeta = math.exp(v[0]), math.exp(v[1])
        d1, mse = mom(tau, zeta)
        return list(fixed_point_equations(tau, d1, mse, alpha, sigma))

    sol = scipy.optimize.root(F, np.log(start), method="hybr", options={"xtol": 1e-14})
    # converged when the residual is small: hybrd also reports "xtol too small" from a point at the
    # rounding floor of F (|F| ~ 1e-16)
    if not np.max(np.abs(sol.fun)) < 1e-10:  # E then good to ~1e-10 relative
        return None
    tau, zeta = (float(v) for v in np.exp(sol.x))
    return tau, zeta, float(mom(tau, zeta)[1])


def solve_point_bracketed(cls: ClassModel, alpha, sigma, n_nodes, hint):
    mom = HermiteMoments(cls, n_nodes)
    state = {"zeta": hint[1] if hint else None}

    def f(v):  # v = log tau
        tau = np.exp(v)
        state["zeta"] = _solve_zeta(mom, tau, alpha, state["zeta"])
        _, mse = mom(tau, state["zeta"])
        return (tau**2 - sigma**2 - mse / alpha) / max(tau**2, 1e-300)

    scale = np.sqrt(cls.signal_power / alpha) + sigma
    lo, hi = (np.log(hint[0]) - 0.5, np.log(hint[0]) + 0.5) if hint else (np.log(scale) - 3, np.log(scale) + 1)
    flo, fhi = f(lo), f(hi)
    for _ in range(100):
        if flo < 0 and fhi > 0:
            break
        if flo >= 0:
            lo = lo - 3
            if lo < np.log(scale) - 60:  # tau ~ 0: exact recovery within double precision
                tau = np.exp(lo)
                zeta = _solve_zeta(mom, tau, alpha, state["zeta"])
                return tau, zeta, mom(tau, zeta)[1]
            flo = f(lo)
        if fhi <= 0:
            hi, fhi = hi + 1, f(hi + 1)
    else:
        raise ReplicaError(f"could not bracket tau at alpha={alpha:.6g}")
    v = _brentq(f, lo, hi, ROOT_XTOL, f"tau at alpha={alpha:.6g}")
    tau = float(np.exp(v))
    zeta = _solve_zeta(mom, tau, alpha, state["zeta"])
    return tau, zeta, mom(tau, zeta)[1]
