"""High-precision (mpmath) path of the replica prediction (docs/design.md section 3, last paragraph).

``generalization_error(..., dps=D)`` lands here (panels: :mod:`ptft_theory.replica.panels`, moments:
:mod:`ptft_theory.replica.mp_moments`).  It evaluates the *same generated expressions* as
the float64 solver (``kernels.mp``: ``prox_residual``, ``prox_residual_derivative``,
``beta_of_s_stable``, ``eta_prime``, ``minor_coefficient``, ``ft_scale_*``/``ft_start_*``) at
``D + GUARD_DIGITS`` working digits, and returns E to ``D`` digits with an error estimate.

Quadrature: integrate in the mirror variable, not in z
-------------------------------------------------------
The denoiser input is ``x = beta* + tau z`` and the prox point ``s`` solves
``r(s) := zeta s + b(s) - x = 0`` (kernel ``prox_residual``), strictly increasing in ``s``.  So
``z(s) = prox_residual(s, beta*, zeta, m, b0) / tau`` is a monotone change of variables from the
whole s-line onto the whole z-line with ``dz/ds = prox_residual_derivative(s, ...) / tau``:

    E_z[g(eta, eta')] = int phi(z(s)) g(b(s), eta'(s)) z'(s) ds.

Why: as a function of z the integrand is analytic only in a strip of half-width ``pi zeta/(2 tau)``
around the "kinks" of the soft-threshold-like prox (complex zeros of ``zeta + b'(s)`` at
``Im s = pi/2``), which for small k needs very fine Gauss-Hermite/Legendre rules at 30+ digits, and
each node needs an inner Newton solve.  As a function of s every factor is *entire* (exp, sinh,
cosh), no inner solve is needed, and the only structure left (the double-exponential decay where
``b(s)`` dominates) is resolved by panels.

Panels are chosen once per alpha, in float64 (cheap, vectorised): bisect until a 12-point and a
24-point Gauss-Legendre rule agree to 1e-12 relative on every panel (both integrands are
non-negative, so relative agreement is meaningful); for a geometrically convergent rule that means a
Bernstein-ellipse parameter rho >= 10^(12/24) ~ 3.2 per panel, so ``n`` nodes give ~``10^-n``
relative.  The high-precision rule uses ``dps + 8`` nodes per panel (FLINT's Gauss-Legendre nodes,
evaluated in arb ball arithmetic: the generated ``kernels_arb``), and the error is *measured*: E is
recomputed with ``n + 8`` nodes at the solution (``quad_error``; at ~10^-n per n nodes that rule is
~10^-8 times more accurate, so the difference measures the n-node error to ~1e-8 of itself).  The s-range
is the image of ``|z| <= Z`` with ``phi(Z) Z^2 < 10^-(dps+12)`` (tail mass below the target).

Outer problem: a damped chord Newton in (tau, zeta), started at the float64 solution, with a forward-
difference Jacobian (step ``10^-(wp/2)``, so its relative error ~``10^-(wp/2)`` and every step gains
~wp/2 digits); ``root_error`` is the change of E over the last step.
"""

from __future__ import annotations

import mpmath
import numpy as np

from .. import kernels
from ..config import as_scheme
from ..errors import InfeasibleError, ReplicaError
from .classes import classes_mp, coordinate_classes
from .fixed_point import fixed_point_equations
from .curve import solve_curve
from .hermite import QUAD_NODES
from .limits import overdetermined_mse
from .mp_moments import MOMENTS, ArbMoments, MpmathMoments, nodes_for, nodes_for_legacy
from .panels import panels, z_max
from .result import HighPrecisionResult


#: Extra working digits beyond the requested ones (absorbs cancellation in sums over ~1e3 nodes).
GUARD_DIGITS = 12
#: Extra digits of the rounding check: the returned point is solved again at ``wp + ROUNDING_CHECK_DIGITS``.
ROUNDING_CHECK_DIGITS = 10
#: Outer (Newton/chord) iterations allowed.
MAX_OUTER_ITERS = 40


# ----------------------------------------------------------------------------- outer solve
def _residual(mom, tau, zeta, alpha, sigma):
    d1, mse = mom(tau, zeta)
    return mpmath.matrix(list(fixed_point_equations(tau, d1, mse, alpha, sigma))), mse


def _norm(F):
    return max(abs(F[0]), abs(F[1]))


def _solve(mom, tau, zeta, alpha, sigma, dps, wp, J=None):
    """Damped Newton from (tau, zeta) with a forward-difference Jacobian that is kept (chord steps,
    also across nearby alphas via ``J``) while each step shrinks the residual at least tenfold;
    returns (tau, zeta, mse, mse_prev, J)."""
    with mpmath.workdps(wp):
        target = mpmath.mpf(10) ** -(dps + 4)
        h = mpmath.mpf(10) ** -(wp // 2)
        F, mse = _residual(mom, tau, zeta, alpha, sigma)
        mse_prev = mse
        for _ in range(MAX_OUTER_ITERS):
            if J is None:
                J = mpmath.matrix(2, 2)
                for j, (dt, dzt) in enumerate(((tau * h, 0), (0, zeta * h))):
                    Fj, _ = _residual(mom, tau + dt, zeta + dzt, alpha, sigma)
                    for i in range(2):
                        J[i, j] = (Fj[i] - F[i]) / (dt or dzt)
            step = mpmath.lu_solve(J, -F)
            lam = mpmath.mpf(1)
            for _ in range(40):  # backtracking: stay in tau, zeta > 0 and do not increase the residual
                t_new, z_new = tau + lam * step[0], zeta + lam * step[1]
                if t_new > 0 and z_new > 0:
                    F_new, mse_new = _residual(mom, t_new, z_new, alpha, sigma)
                    if _norm(F_new) < _norm(F) or _norm(F) < target:
                        break
                lam /= 2
            else:
                raise ReplicaError(f"high-precision outer Newton made no progress at alpha={float(alpha):.6g} "
                                   f"(residual {mpmath.nstr(_norm(F), 3)})")
            if lam < 1 or _norm(F_new) > _norm(F) / 10:
                J = None  # poor progress: fresh Jacobian next step
            tau, zeta, mse_prev, mse, F = t_new, z_new, mse, mse_new, F_new
            if abs(lam * step[0]) <= target * tau and abs(lam * step[1]) <= target * zeta:
                return tau, zeta, mse, mse_prev, J
    raise ReplicaError(f"high-precision outer Newton did not converge at alpha={float(alpha):.6g} "
                       f"(last residual {mpmath.nstr(_norm(F), 3)}); check the float64 solution or lower dps")



class PointSolver:
    """Solves the replica point at mpf alphas for one (task, init, scheme, sigma) at ``dps`` digits.

    The first solve (and any at an alpha far from the last one) starts from the float64 solution
    and chooses the panels; nearby alphas (boundary root finding) reuse the panels and start from
    the last high-precision solution.  ``quad_error()`` measures the quadrature error of the last
    solution (n + 8 nodes on the same panels).
    """

    #: alphas closer than this (relative) to the last solved one reuse its panels and solution.
    REUSE_RTOL = 1e-6

    def __init__(self, task, init, scheme, sigma, dps, n_nodes=None):
        self.task, self.init, self.scheme, self.sigma = task, init, as_scheme(scheme), float(sigma)
        self.dps, self.wp = dps, dps + GUARD_DIGITS
        self.n_nodes64 = n_nodes or QUAD_NODES
        self.classes, self.power = classes_mp(task, init, scheme, self.wp)
        self.cls64 = coordinate_classes(task, init, scheme)
        self.Z = z_max(dps)
        if MOMENTS == "mpmath":
            self._moments = MpmathMoments
            self.n = nodes_for_legacy(dps)
            self.n_check = 2 * self.n
        else:
            self._moments = ArbMoments
            self.n = nodes_for(dps)
            self.n_check = self.n + 8  # ~10^-8 x the n-node error (rho >= 3.2): |E(n) - E(n+8)| measures it
        self.last = None  # (alpha, tau, zeta, mse, mse_prev)
        self.J = None
        self.pans = None
        self.mom = None
        self.evaluations = 0

    def _start(self, alpha):
        """Start (tau, zeta): the last solution when alpha is close to it, else the float64 solution
        (panels are then rebuilt)."""
        a = float(alpha)
        if self.last is not None and abs(alpha - self.last[0]) <= self.REUSE_RTOL * alpha:
            return self.last[1], self.last[2]
        try:
            r64 = solve_curve(self.cls64, np.array([a]), self.sigma, self.n_nodes64)[0]
        except ReplicaError:  # float64 quadrature short of nodes (tiny k): more nodes, then give up
            r64 = solve_curve(self.cls64, np.array([a]), self.sigma, 3 * self.n_nodes64)[0]
        self._build(float(r64.tau[0]), float(r64.zeta[0]))
        with mpmath.workdps(self.wp):
            return mpmath.mpf(r64.tau[0]), mpmath.mpf(r64.zeta[0])

    def _build(self, t64, z64):
        self.J = None
        self.panel_at = (t64, z64)
        self.pans = [panels(c, t64, z64, self.Z) for c in self.classes]
        self.mom = self._moments(self.classes, self.pans, self.n, self.wp)

    def solve(self, alpha):
        """(E, tau, zeta, root_error) at ``alpha`` (mpf or float, 0 < alpha < 1)."""
        with mpmath.workdps(self.wp):
            alpha = mpmath.mpf(alpha)
            if self.cls64.saturated(alpha):
                raise InfeasibleError(f"alpha={float(alpha)!r} exceeds the fraction of non-frozen coordinates "
                                 f"({self.cls64.active_fraction:.6g}); X b = y has no solution")
            tau, zeta = self._start(alpha)
            for _ in range(3):
                before = self.mom.evaluations
                tau, zeta, mse, mse_prev, self.J = _solve(self.mom, tau, zeta, alpha, mpmath.mpf(self.sigma),
                                                          self.dps, self.wp, self.J)
                self.evaluations += self.mom.evaluations - before
                # Panels (and the |z| <= Z range) were placed for the float64 (tau, zeta): when the
                # solution moved noticeably (a poor float64 start), place them again and re-solve.
                t64, z64 = self.panel_at
                if abs(float(tau) / t64 - 1) < 1e-6 and abs(float(zeta) / z64 - 1) < 1e-6:
                    break
                self._build(float(tau), float(zeta))
            self.last = (alpha, tau, zeta, mse, mse_prev)
            return mse / self.power, tau, zeta, abs(mse - mse_prev) / self.power

    def last_E(self):
        """E of the last solution (at the caller's working precision)."""
        return self.last[3] / self.power

    def rounding_error(self):
        """|E(wp) - E(wp + ROUNDING_CHECK_DIGITS)|: the last point solved again, from its solution, with
        the classes, moments and outer Newton at more digits (same nodes and panels).  This *measures*
        what rounding at ``wp`` digits costs after the sums over the nodes and the fixed point's
        amplification: a floor of 10^-wp missed it by ~10x (|E30 - E50| ~ 2e-41 against an estimate of
        ~3e-42 at E ~ 0.1-0.7)."""
        alpha, tau, zeta, mse, _ = self.last
        wp2, dps2 = self.wp + ROUNDING_CHECK_DIGITS, self.dps + ROUNDING_CHECK_DIGITS
        with mpmath.workdps(wp2):
            classes, power = classes_mp(self.task, self.init, self.scheme, wp2)
            mom = self._moments(classes, self.pans, self.n, wp2)
            _, _, mse2, _, _ = _solve(mom, tau, zeta, alpha, mpmath.mpf(self.sigma), dps2, wp2)
            return abs(mse2 / power - mse / self.power)

    def quad_error(self):
        """|E(n) - E(2n)| at the last solution; ReplicaError when above 10^-dps relative."""
        alpha, tau, zeta, mse, _ = self.last
        with mpmath.workdps(self.wp):
            mse2 = self._moments(self.classes, self.pans, self.n_check, self.wp)(tau, zeta)[1]
            err = abs(mse2 - mse) / self.power
            E = mse / self.power
            if err > mpmath.mpf(10) ** -self.dps * max(E, mpmath.mpf(10) ** -6):
                raise ReplicaError(f"high-precision quadrature not converged at alpha={float(alpha):.6g}: "
                                   f"|E(n={self.n}) - E(n={self.n_check})| = {mpmath.nstr(err, 3)}")
            return err


def generalization_error_mp(alphas, task, init, scheme, sigma, dps, n_nodes):
    """The mpmath path of :func:`ptft_theory.replica.generalization_error` (validated inputs)."""
    solver = PointSolver(task, init, scheme, sigma, dps, n_nodes)
    A = len(alphas)
    E, T, Zt, qerr, rerr, rnd = (np.empty(A, dtype=object) for _ in range(6))
    with mpmath.workdps(solver.wp):
        zero = mpmath.mpf(0)
        for i, a in enumerate(alphas):
            # at or beyond the non-frozen fraction: the float64 path's rule (interpolator beta*, least
            # squares with noise, or a clear error), with the mpmath kernel at these digits
            mse = overdetermined_mse(solver.cls64, mpmath.mpf(a), mpmath.mpf(sigma), kernels.mp)
            if mse is not None:
                E[i], T[i], Zt[i], qerr[i], rerr[i], rnd[i] = mse / solver.power, mpmath.sqrt(mse), zero, zero, zero, zero
                continue
            E[i], T[i], Zt[i], rerr[i] = solver.solve(a)
            qerr[i] = solver.quad_error()
            rnd[i] = solver.rounding_error()
        err = np.array([q + r + d + mpmath.mpf(10) ** -solver.wp for q, r, d in zip(qerr, rerr, rnd)], dtype=object)
    return HighPrecisionResult(alpha=np.asarray(alphas, dtype=float), E=E, tau=T, zeta=Zt,
                               quad_error=qerr, root_error=rerr, error=err, dps=dps,
                               backend="arb" if solver._moments is ArbMoments else "mpmath")
