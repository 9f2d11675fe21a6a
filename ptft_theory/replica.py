"""Replica prediction of the fine-tuning generalization error (docs/design.md section 3).

``generalization_error(alpha, task, init, scheme)`` solves the replica fixed point

    tau^2 = sigma^2 + E[(eta - beta*)^2] / alpha,      alpha = E[eta'],

where ``eta`` is the proximal map of the FT Bregman potential (derived in
:mod:`ptft_theory.symbolic.replica`; generated kernels ``prox_residual``,
``prox_residual_derivative``, ``eta_prime``, ``beta_of_s_stable``), averaged over z ~ N(0, 1)
(Gauss-Hermite quadrature with a convergence check) and over the coordinate classes of the task:

    unused      (beta_pt = 0,     beta* = 0)        weight 1 - rho_pt - rho_new
    pt_only     (beta_pt = A_pt,  beta* = 0)        weight rho_pt - rho_shared
    shared_eq   (beta_pt = A_pt,  beta* = +A_ft)    weight rho_shared * P(equal sign)
    shared_opp  (beta_pt = A_pt,  beta* = -A_ft)    weight rho_shared * P(opposite sign)
    new         (beta_pt = 0,     beta* = +A_ft)    weight rho_new

(the map b -> -b makes the sign of beta_pt irrelevant).  As in the paper, PT is assumed to have
learned its teacher exactly, so ``beta_pt`` is the PT teacher and ``(k, b0) = ft_scales(beta_pt, ...)``.

Numerics: Gauss-Hermite quadrature (checked against twice the nodes at every point; where it stays
short, Gauss-Legendre panels in the mirror variable, :mod:`ptft_theory.replica_panels`), a safeguarded
Newton prox warm-started along a curve, and a damped Newton on (log tau, log zeta) with the analytic
Jacobian (generated kernels ``eta_second_derivative``, ``eta_zeta_derivative``,
``eta_prime_zeta_derivative``), falling back to MINPACK hybrd and then to nested bracketed roots.
The moments run compiled (C printed from the same expressions, :mod:`ptft_theory._cmoments`) when a
C compiler is present, else on numpy (``PTFT_NO_C=1`` forces numpy); both agree to ~1e-12.

Conventions: the error is relative, ``E = E[(eta - beta*)^2] / E[beta*^2]`` (test MSE of isotropic
inputs over the signal power).  ``sigma`` is the noise level of the state evolution: for data
``y = X beta + sigma_y xi`` with X rows ~ N(0, I_D) (:func:`ptft_theory.sample_data`), ``sigma =
sigma_y / sqrt(N_FT)``.  For ``alpha >= 1`` without noise the interpolator is beta* (E = 0); with
noise GF goes to least squares (kernel ``least_squares_mse``).  ``dps=`` evaluates the same
expressions with mpmath (:mod:`ptft_theory.replica_mp`).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import scipy.optimize
import scipy.special

from . import _cmoments
from . import _validate as V
from . import kernels
from ._schemes import DEFAULT_SCHEME, as_scheme
from .config import Init, Task
from .scales import ft_scales
from .solver import _minor_coefficient

#: Gauss-Hermite nodes of the coarse rule that finds a start for a point solved cold.
COLD_START_NODES = 21
#: Gauss-Hermite weights below this are dropped (see ``_hermite_rule``).
HERMITE_WEIGHT_CUTOFF = 1e-30
#: Gauss-Hermite nodes; the result is recomputed with twice as many to estimate the quadrature error.
QUAD_NODES = 161
#: Target quadrature error estimate, relative to max(E, QUAD_E_FLOOR); beyond it the node count
#: doubles (at most QUAD_DOUBLINGS times).  Gauss-Hermite converges slowly when the prox has a kink
#: much narrower than tau (tiny k, small zeta/tau): after the doublings the point is solved on
#: Gauss-Legendre panels in the mirror variable (:mod:`ptft_theory.replica_panels`, ~100x slower,
#: and so are the later points of the curve); should that fail, a Gauss-Hermite estimate up to
#: QUAD_RTOL_MAX is accepted (and reported in ``quad_error``), beyond it the solve raises.
QUAD_RTOL = 1e-9
QUAD_RTOL_MAX = 1e-6
QUAD_E_FLOOR = 1e-4
#: Times the node count may double at one alpha before the quadrature counts as not converged.
QUAD_DOUBLINGS = 3
#: A first alpha at least this large whose cold start fails is reached by continuation from alpha/2
#: (``_by_continuation``); below it the failure is reported.
COLD_RETRY_MIN_ALPHA = 0.05
#: Tolerance of the outer roots (log tau, log zeta); E inherits ~this relative accuracy.
ROOT_XTOL = 1e-13
#: A Newton step du (at most 1e-6, log units) is taken without evaluating F after it when the
#: residual it leaves, K |du|^2 with K = |F| / |du_prev|^2 observed on the last full step, is below
#: this.  Kept equal to NEWTON_ACCEPT_RESIDUAL in _csrc/replica_moments.c.
NEWTON_ACCEPT_RESIDUAL = 1e-15

#: alpha within this relative distance below the non-frozen fraction counts as reaching it (the
#: fraction carries the rounding of 1 - rho_pt - rho_new; there the fixed point degenerates).
ACTIVE_FRACTION_RTOL = 1e-12

S_MAX = 350.0
#: Smallest alpha the solver takes: tau^2 ~ E / alpha overflows float64 near alpha ~ 1e-300 (E = 1 to
#: double precision from alpha ~ 1e-16 on).
ALPHA_MIN = 1e-100
#: Largest FT scale k the float64 solver takes: k^2 in the prox kernels overflows from k ~ 1.3e154.
K_MAX = 1e152
CLASS_NAMES = ("unused", "pt_only", "shared_eq", "shared_opp", "new")


from .errors import InfeasibleError, ParameterError, ParameterTypeError, ReplicaError  # noqa: E402  (ReplicaError re-exported)


@dataclasses.dataclass(frozen=True)
class ReplicaResult:
    """Replica prediction over an alpha grid.

    Attributes:
        alpha: (A,) the sample ratios N_FT / D.
        E: (A,) relative generalization error.
        tau, zeta: (A,) order parameters (0 where alpha >= 1 noiseless).
        quad_error: (A,) estimated quadrature error of E (difference to twice the nodes).
    ``np.asarray(result)`` and ``float(result)`` (single alpha) give E.
    """

    alpha: np.ndarray
    E: np.ndarray
    tau: np.ndarray
    zeta: np.ndarray
    quad_error: np.ndarray

    @property
    def E_dB(self) -> np.ndarray:
        """E in decibels, ``10 log10 E``."""
        with np.errstate(divide="ignore"):
            return 10 * np.log10(self.E)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.E, dtype=dtype)

    def __float__(self):
        if self.E.size != 1:
            raise ParameterTypeError(f"float() needs a single alpha; this result has {self.E.size}")
        return float(self.E.ravel()[0])


@dataclasses.dataclass(frozen=True)
class _Classes:
    weight: np.ndarray
    beta_star: np.ndarray
    m: np.ndarray
    b0: np.ndarray
    signal_power: float
    active_fraction: float
    active: np.ndarray  # (classes,) bool: not frozen (k = 0 and b0 = 0)

    def saturated(self, a) -> bool:
        """Whether alpha ``a`` reaches the non-frozen fraction (to ACTIVE_FRACTION_RTOL): no fixed point."""
        return a >= self.active_fraction * (1 - ACTIVE_FRACTION_RTOL)

    @functools.cached_property
    def c_arrays(self):
        """(beta*, m, b0, weight) as C-contiguous float64 arrays for the compiled moments, made once
        per instance (their addresses are taken by each _Moments, which holds this instance)."""
        return tuple(np.ascontiguousarray(a, dtype=np.float64) for a in (self.beta_star, self.m, self.b0, self.weight))


#: Probability that a shared coordinate's FT sign equals its PT sign, per ``Task.shared_signs``.
P_EQUAL_SIGN = {"independent": 0.5, "equal": 1.0, "opposite": 0.0}


def class_layout(rho_pt, rho_shared, rho_new, a_pt, a_ft, p_eq):
    """``(weight, beta_pt, beta_star)`` of the classes :data:`CLASS_NAMES`, as lists in the number
    type of the inputs (floats here, ``mpf`` in :mod:`ptft_theory.replica_mp`)."""
    zero = 0 * rho_pt
    weight = [1 - rho_pt - rho_new, rho_pt - rho_shared, rho_shared * p_eq, rho_shared * (1 - p_eq), rho_new]
    return weight, [zero, a_pt, a_pt, a_pt, zero], [zero, zero, a_ft, -a_ft, a_ft]


def check_task_and_inits(task, *inits):
    """ParameterTypeError (a TypeError) unless ``task`` is a :class:`Task` and every ``inits`` entry an
    :class:`Init`."""
    if not isinstance(task, Task):
        raise ParameterTypeError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    for init in inits:
        if not isinstance(init, Init):
            raise ParameterTypeError(f"init must be a ptft_theory.Init; got {type(init).__name__}")


def coordinate_classes(task: Task, init: Init, scheme=DEFAULT_SCHEME) -> _Classes:
    """The coordinate classes of section 'replica' with their weights, targets and (m, b0)."""
    weight, beta_pt, beta_star = map(np.array, class_layout(
        task.rho_pt, task.rho_shared, task.rho_new, task.a_pt, task.a_ft, P_EQUAL_SIGN[task.shared_signs]))
    k, b0 = ft_scales(beta_pt, init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    if not np.max(k) <= K_MAX:  # k^2 in the prox kernels overflows float64 from k ~ 1.3e154
        raise ParameterError(f"c_pt={init.c_pt!r}, gamma_ft={init.gamma_ft!r} give an FT scale k = {np.max(k):.3g}, "
                             f"beyond the replica solver's range; valid range: k <= {K_MAX:g} (c_pt and gamma_ft^2 "
                             "up to about that; the lazy limit E = 1 - alpha already holds to double precision at "
                             "c_pt = 1e10)")
    keep = weight > 0
    m = _minor_coefficient(k, b0)
    frozen = (k == 0) & (b0 == 0)
    return _Classes(weight=weight[keep], beta_star=beta_star[keep], m=m[keep], b0=b0[keep],
                    signal_power=float(np.sum(weight * beta_star**2)),
                    # 1 minus the frozen weight: exactly 1 when nothing is frozen (the class weights
                    # may sum to 1 + 2e-16, which would put alpha = 1 below it)
                    active_fraction=1.0 - float(np.sum(weight[keep & frozen])), active=~frozen[keep])


def _prox(x, zeta, m, b0, s0=None, max_iter=200):
    """Solve ``zeta s + b(s) - x = 0`` elementwise (bracketed Newton); returns (s, eta, eta')."""
    K = kernels.np
    ax = np.abs(x)
    # |s| <= 350 keeps exp(2s) finite.  Only a frozen coordinate (b(s) == 0) can have its root
    # beyond; its eta is b(s) = 0 wherever s ends up.
    lo = np.maximum(-(ax / zeta + 1.0), -S_MAX)
    hi = np.minimum(ax / zeta + 1.0, S_MAX)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(200):  # expand the bracket until it holds the root
            glo = K.prox_residual(lo, x, zeta, m, b0)
            ghi = K.prox_residual(hi, x, zeta, m, b0)
            bad_lo, bad_hi = ~(glo < 0), ~(ghi > 0)
            bad_lo &= lo > -S_MAX
            bad_hi &= hi < S_MAX
            if not (bad_lo.any() or bad_hi.any()):
                break
            lo = np.where(bad_lo, np.maximum(2 * lo - 1, -S_MAX), lo)
            hi = np.where(bad_hi, np.minimum(2 * hi + 1, S_MAX), hi)
        else:  # pragma: no cover - residual is strictly increasing and unbounded
            raise ReplicaError("could not bracket the proximal map")
        s = np.clip(np.zeros_like(x) if s0 is None else s0, lo, hi)
        prev_step = np.full_like(s, np.inf)
        for _ in range(max_iter):
            g = K.prox_residual(s, x, zeta, m, b0)
            lo = np.where(g < 0, s, lo)
            hi = np.where(g > 0, s, hi)
            dg = K.prox_residual_derivative(s, zeta, m, b0)
            s_new = s - g / dg
            width = hi - lo
            # Bisect when Newton leaves the bracket, or crawls (from the flat side of an exponential
            # Newton gains ~0.5 per step: steps that do not shrink) while the bracket is still wide.
            step = np.abs(s_new - s)
            crawl = (step > 0.5 * prev_step) & (step < 0.125 * width) & (width > 1e-3 * (1 + np.abs(s)))
            out = ~((s_new > lo) & (s_new < hi)) | ~np.isfinite(s_new) | crawl
            s_new = np.where(out, 0.5 * (lo + hi), s_new)
            prev_step = np.where(out, np.inf, step)
            # Converged: residual at rounding level of its terms, or the bracket has collapsed.
            scale = np.abs(x) + zeta * np.abs(s) + np.abs(x - zeta * s)
            done = (np.abs(g) <= 16 * np.finfo(float).eps * scale) | (hi - lo <= 8 * np.finfo(float).eps * (1 + np.abs(s)))
            s = np.where(done, s, s_new)
            if done.all():
                break
        else:
            raise ReplicaError(f"proximal Newton did not converge in {max_iter} iterations")
        eta = K.beta_of_s_stable(s, m, b0)
        d1 = K.eta_prime(s, zeta, m, b0)
    return s, eta, d1


@functools.lru_cache(maxsize=16)
def _hermite_rule(n_nodes: int):
    """Gauss-Hermite nodes and weights for E over z ~ N(0, 1), without the nodes whose weight is below
    ``HERMITE_WEIGHT_CUTOFF``: their terms (weight times an integrand that grows at most like
    (|beta*| + tau |z|)^2 out there, |z| > 11) stay below 1e-25 relative, far under every tolerance,
    and dropping them halves the work (91 of 161 nodes kept, 130 of 322)."""
    z, wq = scipy.special.roots_hermitenorm(n_nodes)  # robust for large n (numpy's overflows > ~300)
    q = wq / np.sqrt(2 * np.pi)
    keep = q > HERMITE_WEIGHT_CUTOFF
    return z[keep][None, :], q[keep][None, :]


class _Moments:
    """E[eta'] and E[(eta - beta*)^2] for given (tau, zeta), with warm starts of the prox; with
    ``jac=True`` also their derivatives in (tau, zeta) (generated kernels eta'', d eta/d zeta,
    d eta'/d zeta; d eta/d tau = eta' z since x = beta* + tau z)."""

    def __init__(self, cls: _Classes, n_nodes: int, compiled: bool = True):
        self.z, self.q = _hermite_rule(n_nodes)
        self.cls = cls
        self.s = None
        self.lib = _cmoments.library() if compiled else None
        if self.lib is None:
            self.bstar = cls.beta_star[:, None]
            self.m = cls.m[:, None]
            self.b0 = cls.b0[:, None]
            self.wq = cls.weight[:, None] * self.q
        else:
            # the C warm-start state [s | ds/dx | ds/dzeta | (tau, zeta) of the last call]; NaN = cold
            n_el = cls.weight.size * self.z.shape[1]
            self._c_state = np.full(3 * n_el + 2, np.nan)
            self._c_s = self._c_state[:n_el].reshape(cls.weight.size, self.z.shape[1])  # a view
            self._c_out = np.zeros(6)
            # the arrays above (and self.z, self.q, cls) live as long as this object: pass their
            # addresses, once computed
            self._c_ptrs = tuple(_cmoments.pointer(a) for a in (*cls.c_arrays, self.z.reshape(-1), self.q.reshape(-1)))
            self._c_s_ptr, self._c_out_ptr = _cmoments.pointer(self._c_state), _cmoments.pointer(self._c_out)

    def seed_from(self, other: "_Moments"):
        """Warm-start a cold instance from another rule's prox points (s is monotone in
        x = beta* + tau z).  Compiled: the whole C state, at the other's last (tau, zeta)
        (``ptft_seed_state``: s cubic Hermite in z, linear beyond the other rule's nodes).  numpy: s
        linearly, constant beyond.  No-op when this one is warm, the other is cold, or only one of
        them is compiled."""
        if self.lib is None:
            src = other._c_s if other.lib is not None else other.s
            if self.s is None and src is not None and not np.isnan(src).any():
                self.s = np.stack([np.interp(self.z[0], other.z[0], row) for row in src])
        elif (other.lib is not None and other._c_s.shape[1] >= 2 and np.isnan(self._c_s).all()
              and not np.isnan(other._c_state[-2:]).any()):  # (interpolation needs two nodes)
            self.lib.ptft_seed_state(self._c_s.shape[0], other._c_s.shape[1], other._c_ptrs[4], other._c_s_ptr,
                                     self._c_s.shape[1], self._c_ptrs[4], self._c_s_ptr)

    def newton(self, alpha, sigma, hint, max_iter):
        """Compiled :func:`_newton_point`: (tau, zeta, mse) or None when Newton fails."""
        out = self._c_out
        err = self.lib.ptft_replica_newton(self._c_s.shape[0], self._c_s.shape[1], *self._c_ptrs, float(alpha),
                                           float(sigma), float(hint[0]), float(hint[1]), max_iter, self._c_s_ptr,
                                           self._c_out_ptr)
        if err > 0:
            raise ReplicaError(f"proximal Newton did not converge (compiled path, element {err - 1}, "
                               f"alpha={alpha:.6g})")
        return None if err else (out[0], out[1], out[2])

    def __call__(self, tau, zeta, jac=False):
        if self.lib is not None:
            c_s, out = self._c_s, self._c_out
            err = self.lib.ptft_replica_moments(c_s.shape[0], c_s.shape[1], *self._c_ptrs, float(tau), float(zeta),
                                                int(jac), self._c_s_ptr, self._c_out_ptr)
            if err:
                raise ReplicaError(f"proximal Newton did not converge (compiled path, element {err - 1}, "
                                   f"tau={tau:.6g}, zeta={zeta:.6g})")
            return (out[0], out[1], tuple(out[2:])) if jac else (out[0], out[1])
        x = self.bstar + tau * self.z
        self.s, eta, d1 = _prox(x, zeta, self.m, self.b0, self.s)
        r = eta - self.bstar
        mean_d1 = float(np.sum(self.wq * d1))
        mse = float(np.sum(self.wq * r**2))
        if not jac:
            return mean_d1, mse
        K = kernels.np
        with np.errstate(over="ignore", invalid="ignore"):
            e2 = K.eta_second_derivative(self.s, zeta, self.m, self.b0)
            e1z = K.eta_prime_zeta_derivative(self.s, zeta, self.m, self.b0)
            ez = K.eta_zeta_derivative(self.s, zeta, self.m, self.b0)
        # Where b'(s) overflows (|s| ~ S_MAX) eta' = 1 exactly and these derivatives vanish; they
        # only enter the Newton Jacobian, never the equations themselves.
        e2, e1z, ez = (np.where(np.isfinite(a), a, 0.0) for a in (e2, e1z, ez))
        grads = (float(np.sum(self.wq * e2 * self.z)), float(np.sum(self.wq * e1z)),
                 float(np.sum(self.wq * 2 * r * d1 * self.z)), float(np.sum(self.wq * 2 * r * ez)))
        return mean_d1, mse, grads


def fixed_point_equations(tau, d1, mse, alpha, sigma):
    """The replica equations as residuals ``(1 - (sigma^2 + MSE/alpha)/tau^2, E[eta']/alpha - 1)``
    (symbolic.replica.fixed_point_equations), in any number type (floats, ``mpf``)."""
    return 1 - (sigma**2 + mse / alpha) / tau**2, d1 / alpha - 1


def _fixed_point_residual(mom, u, alpha, sigma, jac):
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


def _newton_step(J, F):
    """``-J^-1 F`` for a 2x2 J, or None when J is singular or the step is not finite."""
    det = J[0] * J[3] - J[1] * J[2]
    if det == 0:
        return None
    du = ((-F[0] * J[3] + F[1] * J[1]) / det, (-F[1] * J[0] + F[0] * J[2]) / det)
    return du if math.isfinite(du[0]) and math.isfinite(du[1]) else None


def _newton_point(mom, alpha, sigma, hint, max_iter=60):
    """Damped Newton on :func:`_fixed_point_residual` with the analytic Jacobian, from ``hint``;
    returns (tau, zeta, mse) or None when it fails.  Runs compiled (``_Moments.newton``, the same
    steps) when the moments do."""
    if mom.lib is not None:
        return mom.newton(alpha, sigma, hint, max_iter)
    return _newton_point_py(mom, alpha, sigma, hint, max_iter)


def _newton_point_py(mom, alpha, sigma, hint, max_iter=60):
    """The Python steps of :func:`_newton_point` (any moments, compiled or numpy)."""
    def residual(u, jac):
        return _fixed_point_residual(mom, u, alpha, sigma, jac)

    def size(v):
        return max(abs(v[0]), abs(v[1]))

    u = (math.log(hint[0]), math.log(hint[1]))
    F, mse, J, g = residual(u, True)
    quad_const = None  # K in |F after a full step| = K |step|^2
    for _ in range(max_iter):
        if size(F) < 1e-13:
            break
        du = _newton_step(J, F)
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


def _quadrature_error(mom_check, solution, mse, alpha, sigma):
    """Estimated error of the MSE at the fixed point from ``mom_check`` (twice the nodes): the
    moments' change at the solution plus the first-order move of the fixed point itself,
    ``d(log tau, log zeta) = -J^-1 F_2n``."""
    F2, mse2, J2, g2 = _fixed_point_residual(mom_check, (math.log(solution[0]), math.log(solution[1])), alpha,
                                             sigma, True)
    du = _newton_step(J2, F2)
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


def _solve_point(cls, alpha, sigma, n_nodes, hint, mom=None):
    """Order parameters at one alpha: damped Newton with the analytic Jacobian in (log tau, log zeta)
    from ``hint`` (extrapolated along a curve; cold: found with a coarse rule from the l2 guess), then
    MINPACK hybrd, then nested bracketed roots, each tried when the one before fails.  ``mom`` (the
    previous point's moments) carries the prox warm start along the curve."""
    mom = _Moments(cls, n_nodes) if mom is None else mom
    if hint is None:  # cold: locate the fixed point with a coarse rule (cheap), then polish below
        coarse = _Moments(cls, COLD_START_NODES)
        tau0 = float(np.sqrt(sigma**2 + cls.signal_power * max(1 - alpha, 0.05) / alpha))
        # zeta is in units of x like tau (~0.5 tau at typical fixed points): try Newton from there,
        # and only if that fails bracket zeta at tau0 first.
        try:
            out = _newton_point(coarse, alpha, sigma, (tau0, 0.5 * tau0))
            if out is None:
                hint = (tau0, _solve_zeta(coarse, tau0, alpha, None, xtol=0.05))
                out = _newton_point(coarse, alpha, sigma, hint)
            hint = hint if out is None else out[:2]
            mom.seed_from(coarse)
        except ReplicaError:  # the fallbacks below start from scratch
            hint = None
    if hint is not None:
        out = _newton_point(mom, alpha, sigma, hint)
        if out is not None:
            return out

        out = _hybr_point(mom, alpha, sigma, hint)
        if out is not None:
            return out
    return _solve_point_bracketed(cls, alpha, sigma, n_nodes, hint)


def _hybr_point(mom, alpha, sigma, start):
    """MINPACK hybrd on the fixed-point residual in (log tau, log zeta) from ``start``, for any moments
    ``mom(tau, zeta) -> (E[eta'], MSE)`` (Gauss-Hermite here, panels in :mod:`ptft_theory.replica_panels`);
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


def _solve_point_bracketed(cls, alpha, sigma, n_nodes, hint):
    mom = _Moments(cls, n_nodes)
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


def _extrapolate(done, a):
    """Warm start at ``a`` from the solved points (alpha, log tau, log zeta): quadratic in alpha through
    the last three, linear through the last two, or the last one; None when nothing is solved yet.
    At most twice the last gap ahead (beyond, the polynomial is evaluated there)."""
    if not done:
        return None
    pts = done[-3:]
    if len({p[0] for p in pts}) < len(pts):  # repeated alpha: use the last point only
        pts = pts[-1:]
    last = pts[-1][0]
    if len(pts) > 1:
        gap = last - pts[-2][0]
        a = last + min((a - last) / gap, 2.0) * gap
    out = []
    for k in (1, 2):  # Lagrange polynomial through pts, in log tau and log zeta
        v = 0.0
        for i, pi in enumerate(pts):
            w = 1.0
            for j, pj in enumerate(pts):
                if j != i:
                    w *= (a - pj[0]) / (pi[0] - pj[0])
            v += w * pi[k]
        out.append(math.exp(v))
    return tuple(out)


def generalization_error(alpha, task: Task, init: Init, scheme=DEFAULT_SCHEME, sigma: float = 0.0, *,
                         alpha_pt=None, sigma_pt: float = 0.0, dps=None, n_nodes: int = QUAD_NODES,
                         certify: bool = False) -> ReplicaResult:
    """Replica prediction of the relative FT error at sample ratio(s) ``alpha = N_FT / D``.

    Parameters
    ----------
    alpha : float or array_like
        Sample ratios, >= ALPHA_MIN (1e-100).  Solved in increasing order with warm starts.
    task : Task
    init : Init
    scheme : {"readout", "merged"}
    sigma : float
        State-evolution noise level (``sigma_y / sqrt(N_FT)``, see module docstring); >= 0.
    dps : int, optional
        Evaluate with mpmath at ``dps`` digits (:mod:`ptft_theory.replica_mp`); returns a
        ``HighPrecisionResult`` whose ``E`` holds ``mpf`` values and ``error`` an error estimate.
        For ``alpha >= 1`` (every coordinate free to move): E = 0 without noise; with noise, GF goes
        to least squares, ``E = sigma^2 alpha / ((alpha - 1) E[beta*^2])`` (alpha = 1 raises).
    alpha_pt : float, optional
        Pretraining on ``alpha_pt * D`` samples (docs/design.md section 3.1; :mod:`ptft_theory.two_stage`):
        PT learned ``beta_hat_pt = eta_pt(beta*_pt + tau_pt z1)`` and FT averages over z1.  Returns a
        ``TwoStageResult`` that also carries ``E_pt``, ``tau_pt``, ``zeta_pt``.  None (default): PT
        learned its teacher exactly (the paper), bit for bit the answer without this argument.
    sigma_pt : float
        PT state-evolution noise (``sigma_y_pt / sqrt(N_PT)``), >= 0; only with ``alpha_pt``.
    n_nodes : int
        Gauss-Hermite nodes (the error estimate uses twice as many).
    certify : bool
        Prove the answer with ball arithmetic (:func:`ptft_theory.certify.certified_point`, ``dps``
        default 30): returns a ``CertifiedPoint`` (scalar alpha) or a tuple of them, each with E as an
        interval of relative width <= 10^-dps and the (tau, zeta) box holding the unique fixed point;
        ``CertificationError`` when the proof fails (it says what to raise).

    Returns
    -------
    ReplicaResult
        ``np.asarray(result)`` is E per alpha.

    Raises
    ------
    ParameterError
        Bad input (a ValueError).
    InfeasibleError
        alpha above the fraction of non-frozen coordinates while they carry signal (no interpolator).
    ReplicaError
        The fixed point or the quadrature did not converge.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> r = generalization_error([0.3, 0.6], Task(0.1, 0.05, 0.05), Init(1e6))   # lazy: E = 1 - alpha
    >>> np.round(np.asarray(r), 6)
    array([0.7, 0.4])
    """
    check_task_and_inits(task, init)
    scheme = as_scheme(scheme)
    sigma = V.nonnegative("sigma", sigma)
    if sigma > 1e100:  # sigma^2 and E ~ sigma^2 / signal power stay finite in float64 (1e140 overflowed)
        raise V.ParameterError(f"sigma={sigma!r} is invalid; valid range: 0 <= sigma <= 1e100")
    n_nodes = V.positive_int("n_nodes", n_nodes)
    alphas = np.atleast_1d(V.finite_array("alpha", alpha)).astype(float)
    if alphas.ndim != 1 or np.any(alphas < ALPHA_MIN):
        raise ParameterError(f"alpha={alpha!r} is invalid; valid range: alpha >= {ALPHA_MIN:g} (a scalar or 1-D "
                             "array; E = 1 to double precision long before)")
    if alpha_pt is not None or sigma_pt != 0.0:  # finite PT data: the two-stage replica (two_stage)
        from .two_stage import check_alpha_pt, two_stage_error
        if alpha_pt is None:
            raise ParameterError(f"sigma_pt={sigma_pt!r} needs alpha_pt; valid: sigma_pt = 0 when alpha_pt is None")
        alpha_pt, sigma_pt = check_alpha_pt(alpha_pt, sigma_pt)
        if dps is not None or certify:
            raise ParameterError(f"{'dps' if dps is not None else 'certify'} is not supported with alpha_pt "
                                 "(the two-stage replica is float64 only); valid: dps=None, certify=False")
        return two_stage_error(alphas, task, init, scheme, sigma, alpha_pt=alpha_pt, sigma_pt=sigma_pt,
                               n_nodes=n_nodes)
    if certify:  # ball-arithmetic proof (ptft_theory.certify)
        from .certify import certified_point
        pts = tuple(certified_point(a, task, init, scheme, sigma, 30 if dps is None else dps) for a in alphas)
        return pts[0] if np.ndim(alpha) == 0 else pts
    if dps is not None:  # mpmath path: same generated kernels at dps digits (replica_mp)
        from .replica_mp import generalization_error_mp
        return generalization_error_mp(alphas, task, init, scheme, sigma, V.dps("dps", dps), n_nodes)
    return _solve_curve(coordinate_classes(task, init, scheme), alphas, sigma, n_nodes)[0]


def _overdetermined_mse(cls: _Classes, a, sigma, K=kernels.np):
    """The MSE per coordinate where ``a`` is at or beyond the fraction of non-frozen coordinates (no
    fixed point to solve), None below it; raises where GF has no interpolator to go to.

    Noiseless with no signal on frozen coordinates: the interpolator is beta* (0).  Noisy with
    nothing frozen and ``a > 1``: GF goes to least squares (kernel ``least_squares_mse`` of ``K``,
    whose number type ``a`` and ``sigma`` carry)."""
    if not cls.saturated(a):
        return None
    frozen_signal = bool(np.any(cls.beta_star[~cls.active] != 0))
    if sigma == 0 and not frozen_signal:
        return 0 * a
    if sigma > 0 and cls.active.all() and a > 1:
        return K.least_squares_mse(sigma, a)
    if sigma > 0 and cls.active.all():
        raise ParameterError(f"alpha={float(a)!r} with sigma={float(sigma)!r}: noisy interpolation at alpha = 1 has "
                         "unbounded error; valid range: alpha != 1 when sigma > 0")
    raise InfeasibleError(f"alpha={float(a)!r} exceeds the fraction of non-frozen coordinates ({cls.active_fraction:.6g}) "
                     "while the frozen ones carry signal or there is noise: X b = y has no solution (GF sits "
                     "at a saddle). Use gamma_ft > 0 or lambda_pt > -c_pt.")


class _CurveSolver:
    """One alpha at a time along a curve: Gauss-Hermite with node doubling (the moments and their prox
    warm starts, and the node count the last point needed, carry along), then panels in the mirror
    variable where that falls short (and for the rest of the curve)."""

    def __init__(self, cls: _Classes, n_nodes: int):
        self.cls, self.n_nodes = cls, n_nodes
        self.moms = {}  # quadrature size -> moments
        self.n_start = n_nodes
        self.panels = False

    def solve(self, a, sigma, hint):
        """(tau, zeta, mse, relative error estimate of E) at ``a`` from ``hint`` (None: cold)."""
        cls = self.cls
        if self.panels:
            try:
                return _panel_point(cls, a, sigma, hint)
            except ReplicaError:  # back to Gauss-Hermite (and its fallbacks) for this point
                self.panels = False
        sizes = [self.n_nodes * 2**j for j in range(QUAD_DOUBLINGS + 1)]
        sizes = sizes[sizes.index(self.n_start):]  # along a curve, start from the size the last point needed
        for n in sizes:  # adaptive: double the nodes until the error estimate meets the target
            for size in (n, 2 * n):
                if size not in self.moms:
                    self.moms[size] = _Moments(cls, size)
            t, z_, mse = _solve_point(cls, a, sigma, n, hint, self.moms[n])
            self.moms[2 * n].seed_from(self.moms[n])
            err = _quadrature_error(self.moms[2 * n], (t, z_), mse, a, sigma) / cls.signal_power
            if err <= QUAD_RTOL * max(mse / cls.signal_power, QUAD_E_FLOOR):
                self.n_start = n
                return t, z_, mse, err
            hint = (t, z_)
        self.n_start = n
        try:  # Gauss-Hermite fell short: panels in the mirror variable (replica_panels)
            out = _panel_point(cls, a, sigma, hint)
            self.panels = True
            return out
        except ReplicaError as exc:
            if err <= QUAD_RTOL_MAX * max(mse / cls.signal_power, QUAD_E_FLOOR):
                return t, z_, mse, err
            raise ReplicaError(f"quadrature not converged at alpha={a:.6g}: E = {mse / cls.signal_power:.6g} with "
                               f"{n} Gauss-Hermite nodes, estimated error {err:.2g}, and the panel quadrature "
                               f"failed ({exc}): a prox kink far narrower than tau (tiny k, small zeta/tau); a "
                               "larger n_nodes may help") from exc


def _solve_curve(cls: _Classes, alphas: np.ndarray, sigma: float, n_nodes: int, start=None, recover=True):
    """Solve every alpha (increasing, warm-started); ``start`` = (alpha, tau, zeta) of a nearby solved
    point (from a parameter sweep).  Returns the result and the solved (alpha, log tau, log zeta).
    A first point the cold start cannot find is reached from alpha/2 instead (``_by_continuation``); a
    later point whose warm start fails is solved as if alone (``_recover_point``, when ``recover``; the
    curves solved inside these fallbacks do not recurse into them again)."""
    order = np.argsort(alphas)
    E, tau, zeta, qerr = (np.zeros_like(alphas) for _ in range(4))
    solver = _CurveSolver(cls, n_nodes)
    done = [] if start is None else [(start[0], np.log(start[1]), np.log(start[2]))]
    for i in order:
        a = alphas[i]
        mse = _overdetermined_mse(cls, a, sigma)
        if mse is not None:  # no fixed point to solve
            E[i], tau[i] = mse / cls.signal_power, np.sqrt(mse)
            continue
        try:
            t, z_, mse, err = solver.solve(a, sigma, _extrapolate(done, a))
        except ReplicaError as exc:
            if not done:
                if a < COLD_RETRY_MIN_ALPHA:
                    raise
                t, z_, mse, err = _by_continuation(cls, a, sigma, n_nodes, exc)
            elif not recover:
                raise
            else:  # the warm start from the curve failed (e.g. a far jump): solve this point as if alone
                t, z_, mse, err = _recover_point(cls, a, sigma, n_nodes, done, exc)
                solver = _CurveSolver(cls, n_nodes)  # the failed attempt may have left panels / node counts
        done.append((a, np.log(t), np.log(z_)))
        E[i], tau[i], zeta[i], qerr[i] = mse / cls.signal_power, t, z_, err
    return ReplicaResult(alpha=alphas, E=E, tau=tau, zeta=zeta, quad_error=qerr), done


def _recover_point(cls, a, sigma, n_nodes, done, exc):
    """(tau, zeta, mse, error) at ``a`` where the warm start from the curve's solved points ``done``
    failed: first exactly as :func:`generalization_error` solves ``a`` alone (cold start, then
    continuation from alpha/2), then by a bridge of 8 alphas from the last solved point to ``a``.
    So a point's value does not depend on the grid around it: the curve result for ``a`` is what it
    would be alone, or a continuation to it.  ReplicaError naming ``exc`` when all fail."""
    try:
        r, _ = _solve_curve(cls, np.array([a]), sigma, n_nodes, recover=False)
        return float(r.tau[0]), float(r.zeta[0]), float(r.E[0]) * cls.signal_power, float(r.quad_error[0])
    except ReplicaError:
        pass
    last = done[-1]
    try:
        bridge = np.geomspace(last[0], a, 9)[1:] if last[0] > 0 else np.linspace(0, a, 9)[1:]
        r, _ = _solve_curve(cls, bridge, sigma, n_nodes, start=(last[0], math.exp(last[1]), math.exp(last[2])),
                            recover=False)
        return float(r.tau[-1]), float(r.zeta[-1]), float(r.E[-1]) * cls.signal_power, float(r.quad_error[-1])
    except ReplicaError:
        pass
    raise ReplicaError(f"{exc} (also solved alone and by continuation from alpha={last[0]:.6g})") from exc


def _by_continuation(cls, a, sigma, n_nodes, exc):
    """(tau, zeta, mse, error) at ``a``, which a cold start could not find: as the last point of the
    curves alpha/2 -> alpha, then 6 points from alpha/2 to alpha (each solved cold at alpha/2, where
    the cold start is easy); ReplicaError naming ``exc`` when both fail."""
    for grid in (np.array([0.5, 1.0]), np.linspace(0.5, 1.0, 6)):
        try:
            r, _ = _solve_curve(cls, a * grid, sigma, n_nodes, recover=False)
        except ReplicaError:
            continue
        return float(r.tau[-1]), float(r.zeta[-1]), float(r.E[-1]) * cls.signal_power, float(r.quad_error[-1])
    raise ReplicaError(f"{exc} (also by continuation from alpha={0.5 * a:.6g})") from exc


def _panel_point(cls, a, sigma, hint):
    """(tau, zeta, mse, relative error estimate of E) by :func:`ptft_theory.replica_panels.solve_point`;
    ReplicaError when its estimate is above QUAD_RTOL_MAX (relative, as for Gauss-Hermite)."""
    from .replica_panels import solve_point
    t, z_, mse, mse_err = solve_point(cls, a, sigma, hint)
    err = mse_err / cls.signal_power
    if not err <= QUAD_RTOL_MAX * max(mse / cls.signal_power, QUAD_E_FLOOR):
        raise ReplicaError(f"panel quadrature: estimated error {err:.2g} of E = {mse / cls.signal_power:.6g} at "
                           f"alpha={a:.6g} (tau={t:.6g}, zeta={z_:.6g})")
    return t, z_, mse, err


SWEEP_PARAMETERS = ("c_pt", "lambda_pt", "gamma_ft", "alpha_pt")


def error_sweep(param: str, values, alpha, task: Task, init: Init, scheme=DEFAULT_SCHEME, sigma: float = 0.0, *,
                n_nodes: int = QUAD_NODES, sigma_pt: float = 0.0) -> list[ReplicaResult]:
    """Replica error over a grid of one initialisation parameter (and an alpha grid), warm-started
    along the parameter: ``[generalization_error(alpha, task, replace(init, param=v)) for v in values]``
    computed faster.

    Parameters
    ----------
    param : {"c_pt", "lambda_pt", "gamma_ft", "alpha_pt"}
    values : array_like
        The parameter values, in the order to solve them (a monotone grid warm-starts best).  Each
        must give a valid :class:`Init` with the other fields of ``init``; for ``"alpha_pt"`` (finite
        PT data, :func:`ptft_theory.two_stage.alpha_pt_sweep`, PT noise ``sigma_pt``) each is an
        ``alpha_pt`` of :func:`generalization_error`.
    alpha, task, init, scheme, sigma, n_nodes : as in :func:`generalization_error`.

    Returns
    -------
    list of ReplicaResult, one per value.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> rs = error_sweep("gamma_ft", [0.0, 0.5, 1.0], 0.3, Task(0.1, 0.05, 0.05), Init(1e-2))
    >>> [round(float(r), 4) for r in rs]
    [0.2983, 0.4689, 0.7348]
    """
    if param not in SWEEP_PARAMETERS:
        raise ParameterError(f"param={param!r} is invalid; valid: {', '.join(SWEEP_PARAMETERS)}")
    if param == "alpha_pt":
        from .two_stage import alpha_pt_sweep
        return alpha_pt_sweep(values, alpha, task, init, scheme, sigma, sigma_pt=sigma_pt, n_nodes=n_nodes)
    if sigma_pt != 0.0:
        raise ParameterError(f"sigma_pt={sigma_pt!r} needs param='alpha_pt'; valid: sigma_pt = 0 otherwise")
    check_task_and_inits(task, init)
    vals = np.atleast_1d(V.finite_array("values", values)).astype(float)
    if vals.ndim != 1 or vals.size == 0:
        raise ParameterError(f"values={values!r} is invalid; valid range: a non-empty scalar or 1-D array")
    try:
        inits = [dataclasses.replace(init, **{param: float(v)}) for v in vals]  # validates each Init
    except ParameterError as e:
        raise ParameterError(f"values: {e}") from None
    first = generalization_error(alpha, task, inits[0], scheme, sigma, n_nodes=n_nodes)
    out = [first]
    for ini in inits[1:]:
        prev = out[-1]
        solved = np.flatnonzero(prev.zeta > 0)
        start = None
        if solved.size:
            j = solved[np.argmin(prev.alpha[solved])]
            start = (float(prev.alpha[j]), float(prev.tau[j]), float(prev.zeta[j]))
        out.append(_solve_curve(coordinate_classes(task, ini, as_scheme(scheme)), first.alpha, sigma, n_nodes,
                                start)[0])
    return out


def rich_limit_threshold(rho: float, dps=None, certify: bool = False):
    """Donoho-Tanner threshold ``alpha_c(rho) = min_t rho(1+t^2) + 2(1-rho)[(1+t^2) Phi(-t) - t phi(t)]``.

    The exact-recovery threshold of l1 minimisation (the k -> 0 limit from scratch), for every
    ``0 < rho < 1`` (``alpha_c ~ 2 rho log(1/rho)`` as rho -> 0).  Float64 by default; ``dps``
    evaluates with mpmath at that many digits (returns an ``mpf``).  ``certify=True`` returns a
    :class:`ptft_theory.certify.CertifiedInterval` proved with ball arithmetic, of relative width
    <= 10^-dps (dps default 30; :func:`ptft_theory.certify.certified_rich_limit_threshold`).

    Examples
    --------
    >>> round(rich_limit_threshold(0.1), 12)
    0.328793505454
    """
    if certify:
        from .certify import certified_rich_limit_threshold
        return certified_rich_limit_threshold(rho, 30 if dps is None else dps)
    rho = V.unit_interval("rho", rho)
    if not 0 < rho < 1:
        raise ParameterError(f"rho={rho!r} is invalid; valid range: 0 < rho < 1")
    import mpmath
    dps_ = 20 if dps is None else V.dps("dps", dps)
    K = kernels.mp  # generated from symbolic.replica.donoho_tanner_objective / _stationarity
    with mpmath.workdps(dps_ + 10):
        r = mpmath.mpf(rho)
        # The minimiser t* grows like sqrt(2 log(1/rho)) as rho -> 0, where Newton from t = 1 fails
        # (rho <= 1e-10): bracket it ([0, hi], the stationarity is negative at 0 and positive for large
        # t), narrow by 60 bisections, then polish by secant.  The stationarity is divided by rho (its
        # terms are ~rho t at the root) so that findroot's absolute tolerance means the same at every rho.
        def g(t):
            return K.donoho_tanner_stationarity(t, r) / r
        lo, hi = mpmath.mpf(0), (mpmath.sqrt(2 * mpmath.log(1 / r)) + 1 if rho < 0.5 else mpmath.mpf(2))
        while g(hi) < 0:
            lo, hi = hi, 2 * hi
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if g(mid) < 0 else (lo, mid)
        t_star = mpmath.findroot(g, (lo, hi))
        val = K.donoho_tanner_objective(t_star, r)
    if dps is None:
        return float(val)
    with mpmath.workdps(dps_):
        return +val
