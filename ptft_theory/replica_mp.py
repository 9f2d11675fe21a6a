"""High-precision (mpmath) path of the replica prediction (docs/design.md section 3, last paragraph).

``generalization_error(..., dps=D)`` lands here.  It evaluates the *same generated expressions* as
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

import dataclasses
import functools
import math
import os

import mpmath
import numpy as np

import flint

from . import _arb_ops as A
from . import kernels
from ._schemes import as_scheme
from .config import Init, Task
from .errors import InfeasibleError, ParameterTypeError
from .scales import ft_scales

#: Extra working digits beyond the requested ones (absorbs cancellation in sums over ~1e3 nodes).
GUARD_DIGITS = 12
#: float64 panel acceptance: 12- and 24-point rules agree to this relative tolerance.
PANEL_RTOL = 1e-12
#: Moment evaluator: "arb" (python-flint ball arithmetic, the default) or "mpmath" (the evaluator
#: before issue 16, pure mpmath: the "before" of the benchmark and an independent check in the tests).
MOMENTS = os.environ.get("PTFT_HP_MOMENTS", "arb")
#: Outer (Newton/chord) iterations allowed.
MAX_OUTER_ITERS = 40


@dataclasses.dataclass(frozen=True)
class HighPrecisionResult:
    """Replica prediction at ``dps`` digits.

    Attributes:
        alpha: (A,) float sample ratios.
        E: (A,) object array of ``mpf``, the relative error (0 where alpha >= 1 noiseless).
        tau, zeta: (A,) object arrays of ``mpf`` order parameters.
        quad_error: (A,) ``mpf``, |E(n nodes) - E(2n nodes)| at the solution.
        root_error: (A,) ``mpf``, |change of E over the last outer step|.
        error: (A,) ``mpf``, quad_error + root_error + 10^-(dps+GUARD_DIGITS) (rounding).
        dps: requested digits.
    ``np.asarray(result)`` and ``float(result)`` give E as float64; ``result.E_str`` gives strings.
    """

    alpha: np.ndarray
    E: np.ndarray
    tau: np.ndarray
    zeta: np.ndarray
    quad_error: np.ndarray
    root_error: np.ndarray
    error: np.ndarray
    dps: int

    @property
    def E_dB(self) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return 10 * np.log10(np.asarray(self, dtype=float))

    @property
    def E_str(self) -> list:
        """E per alpha as decimal strings with ``dps`` significant digits."""
        with mpmath.workdps(self.dps):
            return [mpmath.nstr(e, self.dps) for e in self.E]

    def __array__(self, dtype=None, copy=None):
        return np.array([float(e) for e in self.E], dtype=dtype or float)

    def __float__(self):
        if self.E.size != 1:
            raise ParameterTypeError(f"float() needs a single alpha; this result has {self.E.size}")
        return float(self.E[0])


@dataclasses.dataclass
class _ClassMP:
    weight: mpmath.mpf
    beta_star: mpmath.mpf
    m: mpmath.mpf
    b0: mpmath.mpf
    # float64 copies for the panel search
    m64: float
    b064: float
    bstar64: float


def classes_mp(task: Task, init: Init, scheme, wp: int):
    """Coordinate classes (as :func:`ptft_theory.replica.coordinate_classes`) with mpf entries.

    Inputs are taken as the exact binary values of their floats; derived quantities (default
    amplitudes ``1/sqrt(rho)``, weights, ``k``, ``b0``, ``m``) are computed at ``wp`` digits with
    the generated mpmath kernels.  Returns ``(classes, signal_power)``.
    """
    from .replica import P_EQUAL_SIGN, class_layout
    K = kernels.mp
    scheme = as_scheme(scheme)
    with mpmath.workdps(wp):
        f = mpmath.mpf
        rp, rs, rn = f(task.rho_pt), f(task.rho_shared), f(task.rho_new)
        a_pt = f(task.amp_pt) if task.amp_pt is not None else (1 / mpmath.sqrt(rp) if rp > 0 else f(0))
        a_ft = f(task.amp_ft) if task.amp_ft is not None else 1 / mpmath.sqrt(rs + rn)
        weight, beta_pt, beta_star = class_layout(rp, rs, rn, a_pt, a_ft, f(P_EQUAL_SIGN[task.shared_signs]))
        k, b0 = ft_scales(beta_pt, init.c_pt, init.lambda_pt, init.gamma_ft, scheme, dps=wp)
        out = []
        for w, bs, kk, bb in zip(weight, beta_star, k, b0):
            if w <= 0:
                continue
            m = f(0) if (kk == 0 and bb == 0) else K.minor_coefficient(kk, bb)
            out.append(_ClassMP(w, bs, m, bb, float(m), float(bb), float(bs)))
        power = mpmath.fsum(w * bs**2 for w, bs in zip(weight, beta_star))
    return out, power


# ----------------------------------------------------------------------------- float64 panels
def _integrands64(s, tau, zeta, cls):
    """Non-negative integrands in s: (phi(z) eta' z', phi(z) (eta - beta*)^2 z'), float64 kernels."""
    K = kernels.np
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        z = K.prox_residual(s, cls.bstar64, zeta, cls.m64, cls.b064) / tau
        dz = K.prox_residual_derivative(s, zeta, cls.m64, cls.b064) / tau
        phi = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
        eta = K.beta_of_s_stable(s, cls.m64, cls.b064)
        d1 = K.eta_prime(s, zeta, cls.m64, cls.b064)
        f1 = np.where(phi > 0, phi * d1 * dz, 0.0)
        f2 = np.where(phi > 0, phi * (eta - cls.bstar64) ** 2 * dz, 0.0)
    return np.stack([f1, f2])


@functools.lru_cache(maxsize=None)
def _leggauss64(n):
    return np.polynomial.legendre.leggauss(n)


def _gl64(a, b, n, tau, zeta, cls):
    x, w = _leggauss64(n)
    h, c = 0.5 * (b - a), 0.5 * (b + a)
    return h * (_integrands64(c + h * x, tau, zeta, cls) @ w)


def _s_range(cls, tau, zeta, Z):
    """s at z = -Z and z = +Z (float64 prox), slightly widened."""
    from .replica import _prox
    x = np.array([cls.bstar64 - Z * tau, cls.bstar64 + Z * tau])
    s, _, _ = _prox(x, zeta, np.full(2, cls.m64), np.full(2, cls.b064))
    pad = 1e-3 * (s[1] - s[0])
    return float(s[0] - pad), float(s[1] + pad)


def panels(cls, tau, zeta, Z, max_panels=4000):
    """Float64 panel partition of the s-range on which 12- and 24-point Gauss-Legendre agree to
    PANEL_RTOL (relative, per integrand, or below 1e-300 absolute)."""
    from .replica import ReplicaError
    lo, hi = _s_range(cls, tau, zeta, Z)
    todo = list(np.linspace(lo, hi, 9))
    todo = [(todo[i], todo[i + 1]) for i in range(8)]
    done = []
    while todo:
        a, b = todo.pop()
        q1 = _gl64(a, b, 12, tau, zeta, cls)
        q2 = _gl64(a, b, 24, tau, zeta, cls)
        if np.all(np.abs(q2 - q1) <= PANEL_RTOL * np.abs(q2) + 1e-300):
            done.append((a, b))
            continue
        if b - a < 1e-12 * (hi - lo) or len(done) + len(todo) > max_panels:
            raise ReplicaError(f"quadrature panels could not resolve the integrand near s={a:.6g} "
                               f"(tau={tau:.6g}, zeta={zeta:.6g})")
        c = 0.5 * (a + b)
        todo += [(a, c), (c, b)]
    return sorted(done)


# ----------------------------------------------------------------------------- mpmath moments
@functools.lru_cache(maxsize=None)
def _gl_nodes(n, prec):
    """Gauss-Legendre nodes/weights on [-1, 1] (n points) as exact ``flint.arb`` midpoints at binary
    precision prec (FLINT's ``legendre_p_root``: any n, ~1000x faster than mpmath's tables)."""
    with flint.ctx.workprec(prec):
        return tuple((x.mid(), w.mid()) for x, w in (flint.arb.legendre_p_root(n, k, weight=True) for k in range(n)))


def nodes_for(dps):
    """dps + 8 nodes per panel (panels have rho >= ~3.2, so n nodes give ~10^-n relative)."""
    return dps + 8


class _CachedMoments:
    """Moments at the last (tau, zeta) asked for, reused: they do not depend on alpha, so nearby alphas
    of a boundary search (and the Newton's re-evaluations) share them.  Subclasses set ``_cache`` to
    ``(None, None)`` and define ``_evaluate(tau, zeta)``."""

    def __call__(self, tau, zeta):
        key = (tau, zeta)
        if self._cache[0] == key:  # the moments do not depend on alpha: reused across nearby alphas
            return self._cache[1]
        val = self._evaluate(tau, zeta)
        self._cache = (key, val)
        return val


class _MomentsMP(_CachedMoments):
    """E[eta'] and E[(eta - beta*)^2] at (tau, zeta), fixed s-nodes per class.

    The nodes are evaluated with the generated arb kernels (python-flint ball arithmetic at the
    working precision ``mpmath.mp.prec`` of ``wp`` digits: the same expressions as ``kernels.mp``,
    ~30x faster per node than ``mpmath.mpf``); inputs and results are ``mpmath.mpf`` (midpoints),
    converted exactly."""

    def __init__(self, classes, panel_sets, n, wp):
        from ._generated import kernels_arb as KA
        self.wp = wp
        with mpmath.workdps(wp):
            self.prec = mpmath.mp.prec
        gl = _gl_nodes(n, self.prec)
        with flint.ctx.workprec(self.prec):
            self.nodes, self.params = [], []
            for cls, pans in zip(classes, panel_sets):
                bs, m, b0 = (A.from_mpf(v) for v in (cls.beta_star, cls.m, cls.b0))
                self.params.append((A.from_mpf(cls.weight), bs, m, b0))
                pts = []
                for a, b in pans:
                    a, b = flint.arb(a), flint.arb(b)
                    h, c = (b - a) / 2, (b + a) / 2
                    for x, w in gl:
                        s = c + h * x
                        # everything that does not depend on (tau, zeta): b(s), b'(s) and the residual
                        # at zeta = 0 (the residual is affine in zeta: zeta s + b(s) - x, checked
                        # symbolically by tests/test_certify.py)
                        # r(s; 0) = b(s) - beta* (checked symbolically too): b(s) evaluated once
                        hw, r0 = h * w, KA.beta_of_s_stable(s, m, b0) - bs
                        hwbp, hwsq = hw * KA.prox_residual_derivative(s, 0, m, b0), hw * r0 * r0
                        pts.append((s, r0, hwbp, hwsq, hwbp * r0 * r0))
                self.nodes.append(pts)
        self.classes = classes
        self.evaluations = 0
        self._cache = (None, None)

    def _evaluate(self, tau, zeta):
        self.evaluations += 1
        e_max = 4 * self.wp + 50  # phi below 10^-(wp+20): no contribution
        with flint.ctx.workprec(self.prec):
            tau, zeta = A.from_mpf(tau), A.from_mpf(zeta)
            c0 = 1 / (2 * flint.arb.pi()).sqrt()
            m_half_inv_tau2 = -1 / (2 * tau * tau)
            d1_tot, mse_tot = flint.arb(0), flint.arb(0)
            for (weight, bs, m, b0), pts in zip(self.params, self.nodes):
                d1, mse = flint.arb(0), flint.arb(0)
                for s, r0, hwbp, hwsq, hwbpsq in pts:
                    # z = prox_residual / tau = (zeta s + r(s; 0))/tau, z' = (zeta + b')/tau,
                    # eta' = b'/(zeta + b') (kernel eta_prime), so phi(z) eta' z' = phi(z) b'/tau and
                    # phi(z) (eta - beta*)^2 z' = phi(z) (zeta + b') r(s; 0)^2 / tau
                    r = zeta * s + r0
                    e = r * r * m_half_inv_tau2
                    if e < -e_max:
                        continue
                    g = e.exp()
                    d1 += g * hwbp
                    mse += g * (zeta * hwsq + hwbpsq)
                d1_tot += weight * d1
                mse_tot += weight * mse
            d1_tot, mse_tot = c0 * d1_tot / tau, c0 * mse_tot / tau
        with mpmath.workdps(self.wp):
            return A.to_mpf(d1_tot), A.to_mpf(mse_tot)


# ----------------------------------------------------------------------------- legacy mpmath moments
@functools.lru_cache(maxsize=None)
def _gl_nodes_legacy(n, prec):
    """Gauss-Legendre nodes/weights on [-1, 1] with n = 3 * 2^(d-1) points, at binary precision prec."""
    d = int(round(math.log2(n / 3))) + 1
    assert 3 * 2 ** (d - 1) == n
    with mpmath.workprec(prec):
        return tuple(mpmath.mp._gauss_legendre.calc_nodes(d, prec))


def _nodes_for_legacy(dps):
    """Smallest 3 * 2^j >= dps + 8 (panels have rho >= ~3.2, so n nodes give ~10^-n relative)."""
    n = 3
    while n < dps + 8:
        n *= 2
    return n


class _MomentsMPLegacy(_CachedMoments):
    """The evaluator before issue 16 (``PTFT_HP_MOMENTS=mpmath``): E[eta'] and E[(eta - beta*)^2] at
    (tau, zeta) with ``mpmath.mpf`` kernels, mpmath's 3 * 2^j-node tables and a 2n-node check; kept
    as the "before" of benchmarks/replica_bench.py and as an independent evaluation in the tests."""

    def __init__(self, classes, panel_sets, n, wp):
        K = kernels.mp
        self.wp = wp
        with mpmath.workdps(wp):
            gl = _gl_nodes_legacy(n, mpmath.mp.prec)
            self.nodes = []
            for cls, pans in zip(classes, panel_sets):
                pts = []
                for a, b in pans:
                    a, b = mpmath.mpf(a), mpmath.mpf(b)
                    h, c = (b - a) / 2, (b + a) / 2
                    for x, w in gl:
                        s = c + h * x
                        pts.append((s, h * w, K.beta_of_s_stable(s, cls.m, cls.b0)))
                self.nodes.append(pts)
        self.classes = classes
        self.evaluations = 0
        self._cache = (None, None)

    def _evaluate(self, tau, zeta):
        K = kernels.mp
        self.evaluations += 1
        with mpmath.workdps(self.wp):
            c0 = 1 / mpmath.sqrt(2 * mpmath.pi)
            d1_tot, mse_tot = [], []
            for cls, pts in zip(self.classes, self.nodes):
                d1_terms, mse_terms = [], []
                bs, m, b0 = cls.beta_star, cls.m, cls.b0
                for s, w, eta in pts:
                    z = K.prox_residual(s, bs, zeta, m, b0) / tau
                    e = z * z / 2
                    if e > 4 * self.wp + 50:  # phi below 10^-(wp+20): no contribution
                        continue
                    dz = K.prox_residual_derivative(s, zeta, m, b0) / tau
                    g = w * mpmath.exp(-e) * dz
                    d1_terms.append(g * K.eta_prime(s, zeta, m, b0))
                    mse_terms.append(g * (eta - bs) ** 2)
                d1_tot.append(cls.weight * mpmath.fsum(d1_terms))
                mse_tot.append(cls.weight * mpmath.fsum(mse_terms))
            return c0 * mpmath.fsum(d1_tot), c0 * mpmath.fsum(mse_tot)


# ----------------------------------------------------------------------------- outer solve
def _residual(mom, tau, zeta, alpha, sigma):
    from .replica import fixed_point_equations
    d1, mse = mom(tau, zeta)
    return mpmath.matrix(list(fixed_point_equations(tau, d1, mse, alpha, sigma))), mse


def _norm(F):
    return max(abs(F[0]), abs(F[1]))


def _solve(mom, tau, zeta, alpha, sigma, dps, wp, J=None):
    """Damped Newton from (tau, zeta) with a forward-difference Jacobian that is kept (chord steps,
    also across nearby alphas via ``J``) while each step shrinks the residual at least tenfold;
    returns (tau, zeta, mse, mse_prev, J)."""
    from .replica import ReplicaError
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


def _z_max(dps):
    """Z with phi(Z) Z^2 < 10^-(dps+12): integration range |z| <= Z loses less than the target."""
    Z = 5.0
    while math.exp(-Z * Z / 2) * Z * Z > 10.0 ** -(dps + 12):
        Z += 0.25
    return Z


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
        from .replica import QUAD_NODES, coordinate_classes
        self.task, self.init, self.scheme, self.sigma = task, init, as_scheme(scheme), float(sigma)
        self.dps, self.wp = dps, dps + GUARD_DIGITS
        self.n_nodes64 = n_nodes or QUAD_NODES
        self.classes, self.power = classes_mp(task, init, scheme, self.wp)
        self.cls64 = coordinate_classes(task, init, scheme)
        self.Z = _z_max(dps)
        if MOMENTS == "mpmath":
            self._moments = _MomentsMPLegacy
            self.n = _nodes_for_legacy(dps)
            self.n_check = 2 * self.n
        else:
            self._moments = _MomentsMP
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
        from .replica import ReplicaError
        from .replica import generalization_error as ge64
        a = float(alpha)
        if self.last is not None and abs(alpha - self.last[0]) <= self.REUSE_RTOL * alpha:
            return self.last[1], self.last[2]
        try:
            r64 = ge64(a, self.task, self.init, self.scheme, self.sigma, n_nodes=self.n_nodes64)
        except ReplicaError:  # float64 quadrature short of nodes (tiny k): more nodes, then give up
            r64 = ge64(a, self.task, self.init, self.scheme, self.sigma, n_nodes=3 * self.n_nodes64)
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

    def quad_error(self):
        """|E(n) - E(2n)| at the last solution; ReplicaError when above 10^-dps relative."""
        from .replica import ReplicaError
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
    E, T, Zt, qerr, rerr = (np.empty(A, dtype=object) for _ in range(5))
    from .replica import _overdetermined_mse
    with mpmath.workdps(solver.wp):
        zero = mpmath.mpf(0)
        for i, a in enumerate(alphas):
            # at or beyond the non-frozen fraction: the float64 path's rule (interpolator beta*, least
            # squares with noise, or a clear error), with the mpmath kernel at these digits
            mse = _overdetermined_mse(solver.cls64, mpmath.mpf(a), mpmath.mpf(sigma), kernels.mp)
            if mse is not None:
                E[i], T[i], Zt[i], qerr[i], rerr[i] = mse / solver.power, mpmath.sqrt(mse), zero, zero, zero
                continue
            E[i], T[i], Zt[i], rerr[i] = solver.solve(a)
            qerr[i] = solver.quad_error()
        err = np.array([q + r + mpmath.mpf(10) ** -solver.wp for q, r in zip(qerr, rerr)], dtype=object)
    return HighPrecisionResult(alpha=np.asarray(alphas, dtype=float), E=E, tau=T, zeta=Zt,
                               quad_error=qerr, root_error=rerr, error=err, dps=dps)
