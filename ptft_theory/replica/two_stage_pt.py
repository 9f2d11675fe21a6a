"""The PT side of the two-stage replica (:mod:`.two_stage`): the PT fixed point at ``alpha_pt``.

PT on ``N_PT = alpha_pt D`` samples is the one-stage replica problem with ``k = c_pt``, ``b0 = 0`` and the
PT teacher's two classes (off support, weight ``1 - rho_pt``; on support, ``beta* = A_pt``, weight
``rho_pt``); its fixed point ``(tau_pt, zeta_pt)`` is :class:`PTState`.

A PT teacher far above ``c_pt`` (``amp_pt >> c_pt``, the rich l1-like end) is recovered to a relative
accuracy float64 cannot hold on the support: ``tau_pt / A_pt ~ (c_pt / A_pt)^0.42`` at rho_pt = 0.1,
alpha_pt = 0.5 (1.8e-10 at amp_pt = 1e20, ~1e-44 at 1e100).  The generic moments form ``eta - beta*`` with
``eta ~ beta* = A_pt``, i.e. they lose ``eps A_pt / tau_pt`` relatively (8% at amp_pt = 1e30: the
returned tau_pt was rounding noise, ~3e-15 A_pt from 1e30 to 1e100).  There (``Z1_MAX tau_pt`` and
``zeta_pt`` below :data:`RESOLVED_SPREAD` ``A_pt``) the on-support class is *resolved*: its prox is linear
over the whole Gaussian range to float64 accuracy and its moments are taken in closed form
(:func:`on_support_moments`); the off-support class (``beta* = 0``, no cancellation) keeps the float64
panel quadrature of the one-stage fallback.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import _validate as V
from .. import kernels
from ..errors import ParameterError, ReplicaError
from ..solver import minor_coefficient
from .classes import ALPHA_MIN, ClassModel, CoordinateClass
from .curve import solve_curve
from .fixed_point import hybr_point
from .hermite import QUAD_NODES
from .panels import NODES, Z_MAX, PanelMoments, panels
from .prox import prox

#: The on-support class counts as resolved below float64 (closed-form moments here, one point mass in the
#: z1 rule of :mod:`.two_stage`) when its PT spread ``Z1_MAX tau_pt`` and its PT shrinkage scale ``zeta_pt``
#: are both below this fraction of ``|A_pt|``.  Why 1e-8: the closed form's relative error is
#: O((Z1_MAX tau_pt / A_pt)(zeta_pt / A_pt)) <= 1e-16 here, and the point mass moves each FT scale by at most
#: the spread, 1e-8 relative (an FT moment changes by at most that: |d log k / d log beta_pt| <= 1), against a
#: quadrature target of 1e-5; the generic float64 path loses eps A_pt / tau_pt >= 2e-7 relative here, and less
#: above it (where it stays in use: nothing changes for ordinary teachers).
RESOLVED_SPREAD = 1e-8
#: The on-support PT moments are taken in closed form (:func:`on_support_moments`) when ``Z1_MAX tau_pt zeta_pt
#: <= CLOSED_FORM_BOUND A_pt^2``.  The expansion's error is O(tau^2 zeta / A^3), far below 1e-12 there; measured
#: against the generic Gauss-Hermite path where that one is accurate (c_pt = 1e-3, rho_pt = 0.1, alpha_pt = 0.5):
#: E_pt agrees to 4e-9 at amp_pt = 1e4 (bound 1.6e-6) and 2e-8 at 1e3; from amp_pt = 1e6 on the two differ by
#: the generic path's own error estimate (1.8e-7 relative at 1e6, 2.5e-6 at 1e8, 1.3e-4 at 1e10: Gauss-Hermite
#: over the off-support kink, and the cancellation in eta - A_pt), where the closed form's panels agree to 1e-11.
CLOSED_FORM_BOUND = 1e-8
#: z1 range of the two-stage rule (:data:`.two_stage.Z1_MAX`, here to stay a floor below that module).
Z1_MAX = 8.5


@dataclasses.dataclass(frozen=True)
class PTState:
    """The PT fixed point at ``alpha_pt``: ``tau``, ``zeta`` (0 for least squares / exact PT), the
    relative PT error ``E`` = E[(beta_hat_pt - beta*_pt)^2] / E[beta*_pt^2] and its quadrature error."""

    alpha_pt: float
    sigma_pt: float
    tau: float
    zeta: float
    E: float
    quad_error: float

    @property
    def exact(self) -> bool:
        """PT learned its teacher exactly (noiseless alpha_pt >= 1)."""
        return self.tau == 0.0


def check_alpha_pt(alpha_pt, sigma_pt):
    """Validated ``(alpha_pt, sigma_pt)``; ParameterError naming the parameter and range."""
    alpha_pt = V.finite_scalar("alpha_pt", alpha_pt)
    if not alpha_pt >= ALPHA_MIN:
        raise ParameterError(f"alpha_pt={alpha_pt!r} is invalid; valid range: alpha_pt >= {ALPHA_MIN:g} "
                             "(N_PT / D; None = perfect pretraining)")
    sigma_pt = V.nonnegative("sigma_pt", sigma_pt)
    if sigma_pt > 1e100:
        raise ParameterError(f"sigma_pt={sigma_pt!r} is invalid; valid range: 0 <= sigma_pt <= 1e100")
    if sigma_pt > 0 and alpha_pt == 1.0:
        raise ParameterError(f"alpha_pt=1.0 with sigma_pt={sigma_pt!r}: noisy interpolation at alpha_pt = 1 has "
                             "unbounded error; valid range: alpha_pt != 1 when sigma_pt > 0")
    return alpha_pt, sigma_pt


def pt_classes(task, c_pt: float):
    """The PT problem as one-stage replica classes: off support (beta* = 0, weight 1 - rho_pt) and on
    support (beta* = A_pt, weight rho_pt), k = c_pt, b0 = 0 (the sign of the teacher is irrelevant)."""
    weight = np.array([1.0 - task.rho_pt, task.rho_pt])
    beta_star = np.array([0.0, task.a_pt])
    keep = weight > 0
    m = minor_coefficient(np.full(2, float(c_pt)), np.zeros(2))
    return ClassModel(weight=weight[keep], beta_star=beta_star[keep], m=m[keep], b0=np.zeros(2)[keep],
                      signal_power=float(task.rho_pt * task.a_pt**2), active_fraction=1.0,
                      active=np.ones(int(keep.sum()), bool))


def closed_form_ok(tau: float, zeta: float, a_pt: float) -> bool:
    """Whether the on-support PT moments are taken in closed form (:data:`CLOSED_FORM_BOUND`)."""
    return a_pt != 0 and Z1_MAX * tau * zeta <= CLOSED_FORM_BOUND * a_pt * a_pt


def resolved(tau: float, zeta: float, b_pt: float) -> bool:
    """Whether the PT class at teacher value ``b_pt`` is resolved below float64 (:data:`RESOLVED_SPREAD`)."""
    return b_pt != 0 and Z1_MAX * tau <= RESOLVED_SPREAD * abs(b_pt) and zeta <= RESOLVED_SPREAD * abs(b_pt)


def on_support_moments(tau, zeta, a_pt, m):
    """``(E[eta'], E[(eta - A)^2])`` of the PT prox ``eta(A + tau z)`` (k = c_pt, b0 = 0) for a resolved class.

    With ``s*`` the mirror variable of ``eta(A)`` (``zeta s* + b(s*) = A``) the stationarity condition gives
    ``eta(A) - A = -zeta s*`` without cancellation, and ``eta(A + tau z) = eta(A) + eta'(A) tau z +
    eta''(A) tau^2 z^2 / 2 + O(tau^3)`` with ``eta'' ~ zeta / (2 A^2)``: the moments are ``eta'(A)`` and
    ``(zeta s*)^2 + eta'^2 tau^2 - zeta s* eta'' tau^2 + 3 eta''^2 tau^4 / 4``, relative errors O(tau^2 zeta / A^3)
    (< 1e-24 when resolved; without the eta'' terms the error was O(zeta^2 s* / A^2), measured 7e-7 in E_pt
    at amp_pt = 1e4)."""
    s, _, d1 = prox(np.array([float(a_pt)]), zeta, np.array([m]), np.zeros(1))
    e2 = float(kernels.np.eta_second_derivative(s, zeta, m, 0.0)[0])
    s, d1 = float(s[0]), float(d1[0])
    return d1, (zeta * s) ** 2 + (d1 * tau) ** 2 - zeta * s * e2 * tau**2 + 0.75 * (e2 * tau**2) ** 2


class ResolvedPTMoments:
    """The PT moments with the on-support class in closed form (:func:`on_support_moments`) and the
    off-support class on float64 panels in its mirror variable, ``n`` Gauss-Legendre nodes per panel
    (placed at ``(tau, zeta)``)."""

    def __init__(self, task, c_pt, tau, zeta, n=NODES):
        self.a_pt, self.rho = float(task.a_pt), float(task.rho_pt)
        self.m = float(minor_coefficient(np.array([float(c_pt)]), np.zeros(1))[0])
        self.off = None
        if self.rho < 1:
            off = CoordinateClass(1.0 - self.rho, 0.0, self.m, 0.0)
            self.off = PanelMoments([off], [panels(off, tau, zeta, Z_MAX)], n)

    def __call__(self, tau, zeta):
        d1, mse = on_support_moments(tau, zeta, self.a_pt, self.m)
        d1, mse = self.rho * d1, self.rho * mse
        if self.off is not None:
            d1o, mseo = self.off(tau, zeta)
            d1, mse = d1 + d1o, mse + mseo
        return d1, mse


def _resolved_solve(task, c_pt, alpha_pt, sigma_pt, start):
    """(tau, zeta, mse, mse error) with :class:`ResolvedPTMoments` from ``start`` = (tau, zeta), the panels
    placed again where the solution moved; the error is the change of the MSE on half the panel nodes
    (as the one-stage panel fallback).  None when the fixed point is not found."""
    tau, zeta = start
    for _ in range(12):  # from a start decades off, the solution moves ~1 decade per placement
        mom = ResolvedPTMoments(task, c_pt, tau, zeta)
        out = hybr_point(mom, alpha_pt, sigma_pt, (tau, zeta))
        if out is None:
            return None
        moved = abs(out[0] / tau - 1) > 1e-3 or abs(out[1] / zeta - 1) > 1e-3
        tau, zeta, mse = out
        if not moved:
            break
    else:  # still moving: the panels never covered the solution's range
        return None
    coarse = hybr_point(ResolvedPTMoments(task, c_pt, tau, zeta, NODES // 2), alpha_pt, sigma_pt, (tau, zeta))
    if coarse is None:
        return None
    return tau, zeta, mse, abs(coarse[2] - mse)


def pt_state(alpha_pt: float, task, c_pt: float, sigma_pt: float = 0.0, n_nodes: int = QUAD_NODES) -> PTState:
    """The PT fixed point (one-stage replica of the PT problem at ``alpha_pt``).

    A zero PT teacher (``rho_pt = 0``) without PT noise is learned exactly at any ``alpha_pt``: the PT
    labels are all zero and gradient flow from ``b0 = 0`` never moves (tau_pt = 0, the exact state; the
    fixed point in log(tau) has no solution there, which gave tau = nan).  A teacher recovered below float64
    resolution (module docstring) is solved again with the on-support class in closed form, from the generic
    answer (its rounding noise sits at ~1e-15 A_pt, a start hybrd leaves in a few dozen steps)."""
    if task.rho_pt == 0.0 and sigma_pt == 0.0:
        return PTState(alpha_pt=float(alpha_pt), sigma_pt=0.0, tau=0.0, zeta=0.0, E=0.0, quad_error=0.0)
    cls = pt_classes(task, c_pt)
    generic_error = None
    try:
        r, _ = solve_curve(cls, np.array([float(alpha_pt)]), float(sigma_pt), n_nodes)
        tau, zeta, E, qerr = (float(v[0]) for v in (r.tau, r.zeta, r.E, r.quad_error))
    except ReplicaError as exc:
        if task.rho_pt == 0:
            raise
        generic_error, tau, zeta = exc, np.nan, np.nan
    a_pt = float(task.a_pt)
    fixed_point = zeta > 0 and task.rho_pt > 0  # not least squares / exact PT (zeta = 0: nothing to resolve, see two_stage.z1_rule)
    if generic_error is not None or (fixed_point and closed_form_ok(tau, zeta, a_pt)):
        starts = [(tau, zeta)] if np.isfinite(tau) and np.isfinite(zeta) and zeta > 0 else []
        # hybrd in (log tau, log zeta) does not cross ~50 decades (amp_pt = 1e150: the generic answer, rounding
        # noise at 2e-14 A_pt, is 50 decades above tau_pt): a ladder of starts, the first converged answer
        starts += [(10.0**-j * a_pt, 10.0 ** -(j + 1.5) * a_pt) for j in range(4, 160, 8)]
        for start in starts:
            out = _resolved_solve(task, c_pt, float(alpha_pt), float(sigma_pt), start)
            if out is not None and closed_form_ok(out[0], out[1], a_pt):
                break
        if out is None or not closed_form_ok(out[0], out[1], a_pt):
            if generic_error is not None:
                raise generic_error
            raise ReplicaError(f"PT fixed point at alpha_pt={alpha_pt:.6g}: the on-support class (amp_pt = {a_pt:.3g}) "
                               "is recovered below float64 resolution and its closed-form solve did not converge")
        tau, zeta, mse, err = out
        E, qerr = mse / cls.signal_power, err / cls.signal_power
    return PTState(alpha_pt=float(alpha_pt), sigma_pt=float(sigma_pt), tau=tau, zeta=zeta, E=E, quad_error=qerr)
