"""Finite pretraining data: the two-stage replica (docs/design.md section 3.1).

PT on ``N_PT = alpha_pt D`` samples (state-evolution noise ``sigma_pt = sigma_y_pt / sqrt(N_PT)``) is
the min-``Q_c`` interpolator from 0 (section 2.2), i.e. the one-stage replica problem with
``k = c_pt``, ``b0 = 0`` and the PT teacher's two classes (off support, weight ``1 - rho_pt``;
on support, ``+A_pt``, weight ``rho_pt``).  Its fixed point ``(tau_pt, zeta_pt)`` says that PT
learned, per coordinate,

    beta_hat_pt = eta_pt(beta*_pt + tau_pt z1),    z1 ~ N(0, 1)

(derived in :mod:`ptft_theory.symbolic.two_stage`).  FT data are independent of PT data, so FT is
the one-stage replica whose classes are mixtures over z1 of ``(k, b0) = ft_scales(beta_hat_pt)``;
its moments are two-dimensional averages over (z1, z2).

Numerics.  The z1 average is written in the PT *mirror variable* s1 (``x = zeta_pt s1 + b(s1)``,
``b(s1) = c sinh 2 s1``, the PT integrated gradient): every factor of the z1 integrand, the Gaussian
weight times ``dz1/ds1`` and the FT scales ``k = c cosh 2 s1`` (merged) or the signed first layers
``u0 cosh s1 +- v0 sinh s1`` (readout), is entire in s1, whereas in z1 the PT prox has a kink of
width ~zeta_pt (nearly soft-thresholding for small c_pt) where Gauss-Hermite converges slowly.  The
range ``|z1| <= Z1_MAX`` is cut into panels at fixed z1 breakpoints (:data:`Z1_BREAKS`, mapped to
s1 by the PT prox) with ``n1`` Gauss-Legendre nodes each.  Each (FT class, z1 node) pair is one
*sub-class* of the one-stage solver (:mod:`ptft_theory.replica`), whose compiled moments, damped
Newton, warm starts and z2 rule (Gauss-Hermite, checked against twice the nodes) then run unchanged.

Error estimate (``quad_error``, relative to E like the one-stage one): the z2 part as in the
one-stage solver (twice the z2 nodes), plus the z1 part, the change of E (with the first-order move
of the fixed point) when the moments use ``2 n1`` nodes per panel instead of ``n1``; reported times
:data:`QUAD_ERROR_SAFETY` (2: a bound when each doubling at least halves the error); ``n1`` doubles
(up to :data:`Z1_NODES_MAX`) until the estimate is below :data:`QUAD_RTOL` relative.  Noisy PT with ``alpha_pt > 1`` is least
squares (``beta_hat_pt = beta*_pt + tau_pt z1``, Gaussian): the same panels with zeta_pt = 0.  A PT teacher
far above c_pt is recovered below float64 resolution (``tau_pt / A_pt`` ~ 2e-44 at amp_pt = 1e100): the PT
fixed point then takes the on-support class in closed form and the z1 rule one point mass for it
(:mod:`.two_stage_pt`).

Limits (tests): ``alpha_pt=None`` is the one-stage answer bit for bit; noiseless ``alpha_pt >= 1``
gives exact PT, also bit for bit; ``E_pt`` is the one-stage replica of the PT problem.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from .. import _validate as V
from .. import kernels
from ..config import DEFAULT_SCHEME, Init, Task, as_scheme
from ..errors import ParameterError, ReplicaError
from ..scales import ft_scales
from ..results import plain
from ..solver import minor_coefficient
from .classes import ALPHA_MIN, K_MAX, P_EQUAL_SIGN, ClassModel, check_task_and_inits, class_layout, coordinate_classes
from .curve import solve_curve
from .fixed_point import quadrature_error, solve_point
from .hermite import QUAD_NODES, HermiteMoments
from .limits import overdetermined_mse
from .prox import prox
from .result import ReplicaResult
from .two_stage_pt import PTState, check_alpha_pt, pt_classes, pt_state, resolved  # noqa: F401  (re-exported)

#: z1 breakpoints of the PT panels (symmetric; the outer ends are +-Z1_MAX): 8 panels.  With 4 nodes
#: each the z1 error reached 1.7e-4 relative (c = 1e-2, alpha_pt = 0.4; 6 nodes: ~1e-7), so 6 to start.
Z1_MAX = 8.5
Z1_BREAKS = (0.0, 1.0, 2.2, 4.0, Z1_MAX)
#: Widest z1 panel in the PT mirror variable s1 (where k ~ c cosh 2 s1: width 16 spans e^32 in k); wider
#: ones are split evenly.  The breakpoints above give at most 14.5 at ordinary scales (c = 1e-6, alpha_pt = 2,
#: sigma_pt = 0.5), so those rules are unchanged; sigma_pt = 1e100 gave one panel of width 118.
Z1_PANEL_WIDTH_MAX = 16.0
#: ... into panels at most this wide (k varies by e^8 on one: the FT moments change from rich to lazy over
#: a few units of s1, which a 16-wide panel did not resolve at amp_pt = 1e100).
Z1_PANEL_WIDTH_SPLIT = 4.0
#: Gauss-Legendre nodes per z1 panel at the start, and the most after doublings.
Z1_NODES = 6
Z1_NODES_MAX = 24
#: Gauss-Hermite nodes in z2 at the start (the one-stage solver's rule; the error estimate uses twice as
#: many), and the most after doublings.
Z2_NODES = 31
Z2_NODES_MAX = 124
#: Fold the exact sign symmetries of the sub-classes (``ft_subclasses``); False only to test them.
FOLD_SYMMETRIES = True
#: Target of the (z1 + z2) error estimate, relative to max(E, QUAD_E_FLOOR); a point whose estimate
#: stays above QUAD_RTOL_MAX after the doublings raises ReplicaError.
QUAD_RTOL = 1e-5
QUAD_RTOL_MAX = 1e-3
QUAD_E_FLOOR = 1e-4
#: The reported ``quad_error`` is this times the estimate |E(n) - E(2n)| (z1 + z2): that difference
#: measures E(n)'s error only up to the finer rule's own, and fell 1-3% short of |E - E_ref| (ref: 4x the
#: nodes) in 8 of 32 points; if each doubling at least halves the error, 2x bounds it.
QUAD_ERROR_SAFETY = 2.0


@dataclasses.dataclass(frozen=True, repr=False)
class TwoStageResult(ReplicaResult):
    """A :class:`ptft_theory.ReplicaResult` (FT error E over alpha, order parameters, ``quad_error``
    = z1 + z2 estimate) that also carries the PT side: ``alpha_pt``, ``sigma_pt``, ``E_pt`` (relative
    PT error), ``tau_pt``, ``zeta_pt``, ``E_pt_quad_error``."""

    alpha_pt: float = math.nan
    sigma_pt: float = 0.0
    E_pt: float = math.nan
    tau_pt: float = math.nan
    zeta_pt: float = math.nan
    E_pt_quad_error: float = math.nan

    def as_dict(self) -> dict:
        """:meth:`ReplicaResult.as_dict` and the PT side."""
        return plain({"alpha_pt": self.alpha_pt, "sigma_pt": self.sigma_pt, "E_pt": self.E_pt, "tau_pt": self.tau_pt,
                      "zeta_pt": self.zeta_pt, "E_pt_quad_error": self.E_pt_quad_error, **super().as_dict()})

    def __repr__(self) -> str:  # short: the ReplicaResult summary and the PT side
        inner = super().__repr__().partition("(")[2][:-1]
        return f"TwoStageResult({inner}, alpha_pt={self.alpha_pt:g}, E_pt={self.E_pt:.6g})"


@functools.lru_cache(maxsize=64)
def _panel_edges(pt: PTState, c_pt: float, b_pt: float):
    """``(m, s1 at the z1 breakpoints)`` of one PT state and teacher value (the PT prox of
    ``b_pt + tau_pt z1``), shared by every rule size."""
    m = float(minor_coefficient(np.array([c_pt]), np.zeros(1))[0])
    zb = np.array(sorted({-v for v in Z1_BREAKS} | set(Z1_BREAKS)))
    x = b_pt + pt.tau * zb
    if pt.zeta == 0.0:  # least squares: eta_pt(x) = x, s1 = the PT integrated gradient of x
        return m, kernels.np.pt_integrated_gradient(x, c_pt)
    sb, _, _ = prox(x, pt.zeta, np.full(x.shape, m), np.zeros(x.shape))
    return m, sb


@functools.lru_cache(maxsize=8)
def _leggauss(n):
    return np.polynomial.legendre.leggauss(n)


def kink_points(init: Init, scheme) -> tuple:
    """s1 where the FT scale has a kink: readout with lambda_pt = -c_pt has k = |c sinh^2 s1 - gamma^2|
    (checked numerically against the generated map in tests), zero at s1 = +-s1* (the generated
    ``readout_kink_s1``, derived in symbolic.two_stage); a panel edge there keeps Gauss-Legendre
    exponentially convergent.  Elsewhere k > 0 is entire in s1."""
    if as_scheme(scheme).value == "readout" and init.lambda_pt == -init.c_pt and init.gamma_ft > 0:
        s_star = float(kernels.np.readout_kink_s1(init.c_pt, init.gamma_ft))
        return (-s_star, s_star)
    return ()


def z1_rule(b_pt: float, pt: PTState, c_pt: float, n1: int, kinks: tuple = (), half: bool = False):
    """Nodes and weights of the z1 average for a coordinate whose PT teacher is ``b_pt``: returns
    ``(beta_hat_pt, weight)`` (weights sum to ~1).  Panels in the PT mirror variable (module docstring);
    for least-squares PT (``zeta == 0``, beta_hat_pt = x) the same variable s1 = asinh(x/c)/2 keeps the
    FT scales entire (Gauss-Hermite in z1 converged to only ~1e-3 there: k has a kink of width c at 0).
    ``half`` (``b_pt == 0``, an integrand even in s1): the panels with s1 >= 0 only, weights doubled."""
    K = kernels.np
    m, sb = _panel_edges(pt, float(c_pt), float(b_pt))
    if resolved(pt.tau, pt.zeta, float(b_pt)):
        # PT recovered this coordinate below float64 resolution (two_stage_pt.RESOLVED_SPREAD): over
        # |z1| <= Z1_MAX its beta_hat_pt moves by at most 1e-8 relative (at amp_pt >~ 1e30, by less than an
        # ulp: the panel edges in s1 coincide and Gauss-Legendre weights summed to 0.07-2.2), so each FT
        # scale, and each FT moment, moves by at most that.  One node at eta_pt(b_pt) (the middle edge,
        # z1 = 0), weight 1, is the z1 average to that accuracy; doubling n1 keeps it (z1 error 0).
        return K.beta_of_s_stable(sb[len(sb) // 2:len(sb) // 2 + 1], m, 0.0), np.ones(1)
    inside = [v for v in kinks if sb[0] < v < sb[-1] and np.min(np.abs(sb - v)) > 1e-12 * (sb[-1] - sb[0])]
    if inside:
        sb = np.sort(np.concatenate([sb, inside]))
    if half:  # the edges are symmetric (breakpoints +-z1, odd prox, symmetric kinks); s1 = 0 is one of them
        sb = np.concatenate([[0.0], sb[sb > 1e-14 * sb[-1]]])
    widths = np.diff(sb)
    if np.max(widths) > Z1_PANEL_WIDTH_MAX:  # huge PT scales (sigma_pt, amp_pt >> c_pt): split evenly
        parts = np.ceil(widths / Z1_PANEL_WIDTH_SPLIT).astype(int)
        sb = np.concatenate([np.linspace(a, b, p, endpoint=False) for a, b, p in zip(sb[:-1], sb[1:], parts)]
                            + [sb[-1:]])
    g, w = _leggauss(n1)
    h, mid = 0.5 * np.diff(sb), 0.5 * (sb[1:] + sb[:-1])
    s = (mid[:, None] + h[:, None] * g).ravel()
    ws = (h[:, None] * w).ravel()
    with np.errstate(under="ignore"):  # s stays inside |z1| <= Z1_MAX: no overflow
        q = K.pt_mirror_density(s, b_pt, pt.tau, pt.zeta, float(c_pt)) * ws
        b = K.beta_of_s_stable(s, m, 0.0)
    return b, (2 * q if half else q)


def ft_subclasses(task: Task, init: Init, scheme, pt: PTState, n1: int):
    """The FT one-stage classes of the two-stage problem: each FT class (:data:`ptft_theory.replica.
    CLASS_NAMES`) times each z1 node, with ``(k, b0) = ft_scales(beta_hat_pt(z1))``."""
    weight, beta_pt, beta_star = map(np.array, class_layout(
        task.rho_pt, task.rho_shared, task.rho_new, task.a_pt, task.a_ft, P_EQUAL_SIGN[task.shared_signs]))
    rules = {}
    kinks = kink_points(init, scheme)
    ws, bss, ks, b0s = [], [], [], []
    power = float(np.sum(weight * beta_star**2))
    # Exact symmetries (b -> -b maps (beta*, k, b0) to (-beta*, k, -b0) with the same moments, and both
    # maps give k(-b) = k(b), b0(-b) = -b0(b)): with b0 = 0 everywhere (merged; readout with gamma = 0
    # or lambda = c) the opposite-sign shared class is the equal-sign one; a class with b_pt = 0 needs
    # only s1 >= 0 when beta* = 0 or b0 = 0.  Cuts the sub-classes by ~40% (merged).
    b0_zero = FOLD_SYMMETRIES and bool(np.all(ft_scales(np.array([1.0, -0.5]), init.c_pt, init.lambda_pt, init.gamma_ft, scheme)[1] == 0))
    merged = {}
    for w, bp, bs in zip(weight, beta_pt, beta_star):
        if w > 0:
            key = (float(bp), float(abs(bs)) if b0_zero else float(bs))
            merged[key] = merged.get(key, 0.0) + float(w)
    for (bp, bs), w in merged.items():
        half = FOLD_SYMMETRIES and bp == 0 and (bs == 0 or b0_zero)
        if (bp, half) not in rules:
            rules[(bp, half)] = z1_rule(bp, pt, init.c_pt, n1, kinks, half)
        b, q = rules[(bp, half)]
        k, b0 = ft_scales(b, init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
        ws.append(w * q)
        bss.append(np.full(b.shape, bs))
        ks.append(k)
        b0s.append(b0)
    weight, beta_star, k, b0 = (np.concatenate(a) for a in (ws, bss, ks, b0s))
    if not np.max(k) <= K_MAX:
        raise ParameterError(f"c_pt={init.c_pt!r}, gamma_ft={init.gamma_ft!r} give an FT scale k = {np.max(k):.3g}; "
                             f"valid range: k <= {K_MAX:g}")
    keep = weight > 0
    m = minor_coefficient(k, b0)
    frozen = (k == 0) & (b0 == 0)
    return ClassModel(weight=weight[keep], beta_star=beta_star[keep], m=m[keep], b0=b0[keep], signal_power=power,
                      active_fraction=1.0 - float(np.sum(weight[keep & frozen])), active=~frozen[keep])


class _TwoStageCurve:
    """FT points along an alpha curve for one PT state: the sub-classes at (n1, n2) and the check rules
    (2 n1, n2) and (n1, 2 n2) with their moments kept, so the prox warm starts carry along the curve.
    Where the estimate misses the target, the rule whose part of it is larger doubles."""

    def __init__(self, task, init, scheme, pt, n2):
        self.task, self.init, self.scheme, self.pt = task, init, scheme, pt
        self.n1, self.n2 = Z1_NODES, n2
        self._classes, self._moments = {}, {}
        self.panel_alphas = set()  # alphas solved with z2 on panels (rule "two_stage_panels")

    def classes(self, n1):
        if n1 not in self._classes:
            self._classes[n1] = ft_subclasses(self.task, self.init, self.scheme, self.pt, n1)
        return self._classes[n1]

    def moments(self, n1, n2):
        if (n1, n2) not in self._moments:
            self._moments[(n1, n2)] = HermiteMoments(self.classes(n1), n2)
        return self._moments[(n1, n2)]

    def solve(self, a, sigma, hint):
        """(tau, zeta, mse, relative error estimate) at alpha ``a``."""
        while True:
            cls, mom, mom2 = self.classes(self.n1), self.moments(self.n1, self.n2), self.moments(self.n1, 2 * self.n2)
            t, z_, mse = solve_point(cls, a, sigma, self.n2, hint, mom)
            sol = (t, z_)
            mom2.seed_from(mom)
            err2 = quadrature_error(mom2, sol, mse, a, sigma)
            err1 = quadrature_error(self.moments(2 * self.n1, self.n2), sol, mse, a, sigma)
            self.last_errors = (err1 / cls.signal_power, err2 / cls.signal_power)
            err = (err1 + err2) / cls.signal_power
            E = mse / cls.signal_power
            if err <= QUAD_RTOL * max(E, QUAD_E_FLOOR):
                break
            if err1 >= err2 and self.n1 < Z1_NODES_MAX:
                self.n1 *= 2
            elif err2 > err1 and self.n2 < Z2_NODES_MAX:
                self.n2 *= 2
            elif err2 > err1:  # Gauss-Hermite in z2 cannot resolve the prox's kink: panels in z2
                return self.solve_panels(a, sigma, sol)
            else:
                break
            hint = sol
        if not err <= QUAD_RTOL_MAX * max(E, QUAD_E_FLOOR):
            raise ReplicaError(f"two-stage quadrature not converged at alpha={a:.6g}: E = {E:.6g}, estimated error "
                               f"{err:.2g} with {self.n1} z1 nodes per panel and {self.n2} z2 nodes")
        return t, z_, mse, err

    def solve_panels(self, a, sigma, hint):
        """(tau, zeta, mse, relative error estimate) with z2 on panels (:mod:`.two_stage_panels`)."""
        from .two_stage_panels import solve_on_z2_panels  # noqa: PLC0415
        out = solve_on_z2_panels(self, a, sigma, hint, rtol=QUAD_RTOL, rtol_max=QUAD_RTOL_MAX, e_floor=QUAD_E_FLOOR,
                                 z1_nodes_max=Z1_NODES_MAX)
        self.panel_alphas.add(a)
        return out

    def saturated_mse(self, a, sigma):
        return overdetermined_mse(self.classes(self.n1), a, sigma)

    @property
    def backend(self):
        """"c" or "numpy": the path of the moments (as ReplicaResult.backend)."""
        return self.moments(self.n1, self.n2).backend

    @property
    def signal_power(self):
        return self.classes(self.n1).signal_power


def _extrapolate(done, a):
    """Warm start (tau, zeta) at ``a``: linear in alpha through the last two solved points (log tau,
    log zeta), at most one gap ahead; the last point alone; None before the first."""
    if not done:
        return None
    (a1, t1, z1), = done[-1:]
    if len(done) < 2 or done[-2][0] == a1:
        return math.exp(t1), math.exp(z1)
    a0, t0, z0 = done[-2]
    f = min((a - a1) / (a1 - a0), 1.0)
    return math.exp(t1 + f * (t1 - t0)), math.exp(z1 + f * (z1 - z0))


def _solve_ft_curve(curve, alphas, sigma, start=None):
    order = np.argsort(alphas)
    E, tau, zeta, qerr = (np.zeros_like(alphas) for _ in range(4))
    done = [] if start is None else [(start[0], math.log(start[1]), math.log(start[2]))]
    for i in order:
        a = alphas[i]
        mse = curve.saturated_mse(a, sigma)
        if mse is not None:
            E[i], tau[i] = mse / curve.signal_power, math.sqrt(mse)
            continue
        t, z_, mse, err = curve.solve(a, sigma, _extrapolate(done, a))
        done.append((a, math.log(t), math.log(z_)))
        E[i], tau[i], zeta[i], qerr[i] = mse / curve.signal_power, t, z_, QUAD_ERROR_SAFETY * err
    return E, tau, zeta, qerr, done


def two_stage_error(alphas, task: Task, init: Init, scheme=DEFAULT_SCHEME, sigma: float = 0.0, *, alpha_pt,
                    sigma_pt: float = 0.0, n_nodes: int = QUAD_NODES, start=None) -> TwoStageResult:
    """FT error after PT on ``alpha_pt * D`` samples (validated inputs; called by
    :func:`ptft_theory.generalization_error` with ``alpha_pt=``).  ``start`` = (alpha, tau, zeta) of a
    nearby solved FT point (sweeps)."""
    scheme = as_scheme(scheme)
    alphas = np.atleast_1d(np.asarray(alphas, dtype=float))
    pt = pt_state(alpha_pt, task, init.c_pt, sigma_pt, n_nodes)
    extra = dict(alpha_pt=pt.alpha_pt, sigma_pt=pt.sigma_pt, E_pt=pt.E, tau_pt=pt.tau, zeta_pt=pt.zeta,
                 E_pt_quad_error=pt.quad_error)
    if pt.exact:  # noiseless alpha_pt >= 1: PT learned its teacher, the one-stage problem exactly
        r = solve_curve(coordinate_classes(task, init, scheme), alphas, sigma, n_nodes)[0]
        return TwoStageResult(alpha=r.alpha, E=r.E, tau=r.tau, zeta=r.zeta, quad_error=r.quad_error,
                              backend=r.backend, rule=r.rule, **extra)
    n2 = max(Z2_NODES, n_nodes // 2) if n_nodes != QUAD_NODES else Z2_NODES
    curve = _TwoStageCurve(task, init, scheme, pt, n2)
    E, tau, zeta, qerr, _ = _solve_ft_curve(curve, alphas, sigma, start)
    # rule per alpha: "two_stage" (z1 panels x Gauss-Hermite z2), "two_stage_panels" (z1 panels x z2 panels in
    # the FT mirror variable) or "closed_form" (no fixed point)
    rule = np.where(zeta > 0, "two_stage", "closed_form").astype(object)
    rule[[i for i, a in enumerate(alphas) if a in curve.panel_alphas]] = "two_stage_panels"
    return TwoStageResult(alpha=alphas, E=E, tau=tau, zeta=zeta, quad_error=qerr, backend=curve.backend, rule=rule,
                          **extra)


def alpha_pt_sweep(values, alpha, task: Task, init: Init, scheme=DEFAULT_SCHEME, sigma: float = 0.0, *,
                   sigma_pt: float = 0.0, n_nodes: int = QUAD_NODES) -> list[TwoStageResult]:
    """:func:`two_stage_error` over a grid of ``alpha_pt`` values (``error_sweep(task, init, "alpha_pt", ...)``),
    each FT curve warm-started from the previous value's first solved point."""
    check_task_and_inits(task, init)
    alphas = np.atleast_1d(V.finite_array("alpha", alpha)).astype(float)
    if alphas.ndim != 1 or alphas.size == 0 or np.any(alphas < ALPHA_MIN):
        raise ParameterError(f"alpha={alpha!r} is invalid; valid range: alpha >= {ALPHA_MIN:g} (a scalar or non-empty "
                             "1-D array)")
    sigma = V.nonnegative("sigma", sigma)
    vals = np.atleast_1d(V.finite_array("values", values)).astype(float)
    if vals.ndim != 1 or vals.size == 0:
        raise ParameterError(f"values={values!r} is invalid; valid range: a non-empty scalar or 1-D array of alpha_pt")
    out = []
    for v in vals:
        ap, sp = check_alpha_pt(v, sigma_pt)
        start = None
        if out:
            prev = out[-1]
            solved = np.flatnonzero(prev.zeta > 0)
            if solved.size:
                j = solved[np.argmin(prev.alpha[solved])]
                start = (float(prev.alpha[j]), float(prev.tau[j]), float(prev.zeta[j]))
        out.append(two_stage_error(alphas, task, init, scheme, sigma, alpha_pt=ap, sigma_pt=sp, n_nodes=n_nodes,
                                   start=start))
    return out
