"""A replica curve over an alpha grid, float64: warm starts, node doubling, panels, recovery.

Points are solved in increasing alpha, each warm-started by extrapolating (log tau, log zeta) along
the solved ones.  The quadrature is Gauss-Hermite with a convergence check against twice the nodes
(doubling while short); where it stays short, Gauss-Legendre panels in the mirror variable
(:mod:`ptft_theory.replica.panels`).  A point whose start fails is solved alone, by continuation
from alpha/2, or by a bridge from the last solved point.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..errors import ReplicaError
from . import compiled
from .classes import ClassModel
from .fixed_point import quadrature_error, solve_point
from .free_start import drop_negligible_starts, start_drop_bound
from .hermite import HermiteMoments, QUAD_NODES  # noqa: F401  (QUAD_NODES: the default node count)
from .limits import overdetermined_mse
from .panels import panel_solve_point
from .result import ReplicaResult

#: Target quadrature error estimate, relative to max(E, QUAD_E_FLOOR); beyond it the node count
#: doubles (at most QUAD_DOUBLINGS times).  Gauss-Hermite converges slowly when the prox has a kink
#: much narrower than tau (tiny k, small zeta/tau): after the doublings the point is solved on
#: Gauss-Legendre panels in the mirror variable (:mod:`ptft_theory.replica.panels`, ~100x slower,
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


class _CurveSolver:
    """One alpha at a time along a curve: Gauss-Hermite with node doubling (the moments and their prox
    warm starts, and the node count the last point needed, carry along), then panels in the mirror
    variable where that falls short (and for the rest of the curve)."""

    def __init__(self, cls: ClassModel, n_nodes: int):
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
                    self.moms[size] = HermiteMoments(cls, size)
            t, z_, mse = solve_point(cls, a, sigma, n, hint, self.moms[n])
            self.moms[2 * n].seed_from(self.moms[n])
            err = quadrature_error(self.moms[2 * n], (t, z_), mse, a, sigma) / cls.signal_power
            if err <= QUAD_RTOL * max(mse / cls.signal_power, QUAD_E_FLOOR):
                self.n_start = n
                return t, z_, mse, err
            hint = (t, z_)
        self.n_start = n
        try:  # Gauss-Hermite fell short: panels in the mirror variable (panels.py)
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


def solve_curve(cls: ClassModel, alphas: np.ndarray, sigma: float, n_nodes: int, start=None, recover=True):
    """:func:`solve_curve_classes`, first with the negligible FT starts dropped (:mod:`.free_start`: huge k,
    |b0| << k, where float64 loses eps |b0|): kept where the bound of that change (added to ``quad_error``)
    is within the quadrature target, the other alphas solved on the original classes."""
    free, mask = drop_negligible_starts(cls)
    if free is None:
        return solve_curve_classes(cls, alphas, sigma, n_nodes, start, recover)
    try:
        r, done = solve_curve_classes(free, alphas, sigma, n_nodes, start, recover)
    except ReplicaError:
        return solve_curve_classes(cls, alphas, sigma, n_nodes, start, recover)
    qerr = np.array(r.quad_error, dtype=float)
    bad = np.zeros(alphas.shape, bool)
    for i, a in enumerate(alphas):
        if r.zeta[i] <= 0:  # closed form (no fixed point): the starts do not enter
            continue
        dmse, dd1 = start_drop_bound(cls, mask, float(r.tau[i]), float(r.zeta[i]))
        qerr[i] += dmse / cls.signal_power
        bad[i] = not (dmse / cls.signal_power <= QUAD_RTOL * max(float(r.E[i]), QUAD_E_FLOOR)
                      and dd1 <= QUAD_RTOL * a)
    r = dataclasses.replace(r, quad_error=qerr)
    if bad.any():  # the dropped starts matter there: the original classes
        r2, _ = solve_curve_classes(cls, alphas[bad], sigma, n_nodes, None, recover)
        arrays = {f: np.array(getattr(r, f)) for f in ("E", "tau", "zeta", "quad_error", "rule")}
        for f in arrays:
            arrays[f][bad] = getattr(r2, f)
        r = dataclasses.replace(r, **arrays)
    return r, done


def solve_curve_classes(cls: ClassModel, alphas: np.ndarray, sigma: float, n_nodes: int, start=None, recover=True):
    """Solve every alpha (increasing, warm-started); ``start`` = (alpha, tau, zeta) of a nearby solved
    point (from a parameter sweep).  Returns the result and the solved (alpha, log tau, log zeta).
    A first point the cold start cannot find is reached from alpha/2 instead (``_by_continuation``); a
    later point whose warm start fails is solved as if alone (``_recover_point``, when ``recover``; the
    curves solved inside these fallbacks do not recurse into them again)."""
    order = np.argsort(alphas)
    E, tau, zeta, qerr = (np.zeros_like(alphas) for _ in range(4))
    rule = np.full(alphas.shape, "closed_form", dtype=object)  # per alpha: which rule solved it
    solver = _CurveSolver(cls, n_nodes)
    done = [] if start is None else [(start[0], np.log(start[1]), np.log(start[2]))]
    for i in order:
        a = alphas[i]
        mse = overdetermined_mse(cls, a, sigma)
        if mse is not None:  # no fixed point to solve
            E[i], tau[i] = mse / cls.signal_power, np.sqrt(mse)
            continue
        try:
            t, z_, mse, err = solver.solve(a, sigma, _extrapolate(done, a))
            rule[i] = "panels" if solver.panels else "hermite"
        except ReplicaError as exc:
            if not done:
                if a < COLD_RETRY_MIN_ALPHA:
                    raise
                t, z_, mse, err, rule[i] = _by_continuation(cls, a, sigma, n_nodes, exc)
            elif not recover:
                raise
            else:  # the warm start from the curve failed (e.g. a far jump): solve this point as if alone
                t, z_, mse, err, rule[i] = _recover_point(cls, a, sigma, n_nodes, done, exc)
                solver = _CurveSolver(cls, n_nodes)  # the failed attempt may have left panels / node counts
        done.append((a, np.log(t), np.log(z_)))
        E[i], tau[i], zeta[i], qerr[i] = mse / cls.signal_power, t, z_, err
    backend = "numpy" if compiled.library() is None else "c"
    return ReplicaResult(alpha=alphas, E=E, tau=tau, zeta=zeta, quad_error=qerr, backend=backend, rule=rule), done


def _recover_point(cls, a, sigma, n_nodes, done, exc):
    """(tau, zeta, mse, error, rule) at ``a`` where the warm start from the curve's solved points ``done``
    failed: first exactly as :func:`generalization_error` solves ``a`` alone (cold start, then
    continuation from alpha/2), then by a bridge of 8 alphas from the last solved point to ``a``.
    So a point's value does not depend on the grid around it: the curve result for ``a`` is what it
    would be alone, or a continuation to it.  ReplicaError naming ``exc`` when all fail."""
    try:
        r, _ = solve_curve_classes(cls, np.array([a]), sigma, n_nodes, recover=False)
        return float(r.tau[0]), float(r.zeta[0]), float(r.E[0]) * cls.signal_power, float(r.quad_error[0]), r.rule[0]
    except ReplicaError:
        pass
    last = done[-1]
    try:
        bridge = np.geomspace(last[0], a, 9)[1:] if last[0] > 0 else np.linspace(0, a, 9)[1:]
        r, _ = solve_curve_classes(cls, bridge, sigma, n_nodes, start=(last[0], math.exp(last[1]), math.exp(last[2])),
                                   recover=False)
        return float(r.tau[-1]), float(r.zeta[-1]), float(r.E[-1]) * cls.signal_power, float(r.quad_error[-1]), r.rule[-1]
    except ReplicaError:
        pass
    raise ReplicaError(f"{exc} (also solved alone and by continuation from alpha={last[0]:.6g})") from exc


def _by_continuation(cls, a, sigma, n_nodes, exc):
    """(tau, zeta, mse, error, rule) at ``a``, which a cold start could not find: as the last point of the
    curves alpha/2 -> alpha, then 6 points from alpha/2 to alpha (each solved cold at alpha/2, where
    the cold start is easy); ReplicaError naming ``exc`` when both fail."""
    for grid in (np.array([0.5, 1.0]), np.linspace(0.5, 1.0, 6)):
        try:
            r, _ = solve_curve_classes(cls, a * grid, sigma, n_nodes, recover=False)
        except ReplicaError:
            continue
        return float(r.tau[-1]), float(r.zeta[-1]), float(r.E[-1]) * cls.signal_power, float(r.quad_error[-1]), r.rule[-1]
    raise ReplicaError(f"{exc} (also by continuation from alpha={0.5 * a:.6g})") from exc


def _panel_point(cls, a, sigma, hint):
    """(tau, zeta, mse, relative error estimate of E) by :func:`ptft_theory.replica.panels.panel_solve_point`;
    ReplicaError when its estimate is above QUAD_RTOL_MAX (relative, as for Gauss-Hermite)."""
    t, z_, mse, mse_err = panel_solve_point(cls, a, sigma, hint)
    err = mse_err / cls.signal_power
    if not err <= QUAD_RTOL_MAX * max(mse / cls.signal_power, QUAD_E_FLOOR):
        raise ReplicaError(f"panel quadrature: estimated error {err:.2g} of E = {mse / cls.signal_power:.6g} at "
                           f"alpha={a:.6g} (tau={t:.6g}, zeta={z_:.6g})")
    return t, z_, mse, err


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
