"""The two-stage replica's z2 fallback: Gauss-Legendre panels in the FT mirror variable (used by
:class:`ptft_theory.replica.two_stage._TwoStageCurve` when Gauss-Hermite in z2 stalls)."""

from __future__ import annotations

from ..errors import ReplicaError
from .fixed_point import hybr_point
from .panels import NODES, Z_MAX, PanelMoments, panel_solve_point, panels


def solve_on_z2_panels(curve, a, sigma, hint, *, rtol, rtol_max, e_floor, z1_nodes_max):
    """(tau, zeta, mse, relative error estimate) with z2 on Gauss-Legendre panels in the FT mirror
    variable (:func:`~ptft_theory.replica.panels.panel_solve_point`, the one-stage fallback: every
    factor entire in s, panels bisected until 12 and 24 nodes agree), for a sub-class whose prox has
    a kink much narrower than tau, where Gauss-Hermite stalls (3.8e-5 of E = 8e-3 at 124 nodes: readout,
    c = 0.01, lambda = -0.005, gamma = 0.1, sigma = 0.02, alpha = 0.95, alpha_pt = 0.4).  The estimate:
    the z2 part, E solved again on 12 nodes per panel; the z1 part, E solved again on the sub-classes
    of 2 n1 z1 nodes (their own panels).  Each part's rule is the finer one's half, so the estimate
    bounds the coarse rule's error, and E is reported on the finer rules in z2 (24 nodes).  The tolerances
    are the two-stage curve's (``QUAD_RTOL``, ``QUAD_RTOL_MAX``, ``QUAD_E_FLOOR``, ``Z1_NODES_MAX`` of
    :mod:`.two_stage`), passed in so that this module stays a floor below it."""
    cls = curve.classes(curve.n1)
    t, z_, mse, err2 = panel_solve_point(cls, a, sigma, hint)
    for _ in range(3):  # the z1 check: twice the z1 nodes (up to Z1_NODES_MAX), z2 on panels
        fine = curve.classes(2 * curve.n1)
        members = fine.members()
        out = hybr_point(PanelMoments(members, [panels(c, t, z_, Z_MAX) for c in members], NODES), a, sigma,
                         (t, z_))
        if out is None:
            raise ReplicaError(f"two-stage panel quadrature: the z1 check did not converge at alpha={a:.6g}")
        err1 = abs(out[2] - mse)
        if err1 + err2 <= rtol * max(mse, e_floor * cls.signal_power) or curve.n1 >= z1_nodes_max:
            break
        curve.n1 *= 2
        cls = curve.classes(curve.n1)
        t, z_, mse, err2 = panel_solve_point(cls, a, sigma, (t, z_))
    curve.last_errors = (err1 / cls.signal_power, err2 / cls.signal_power)
    err = (err1 + err2) / cls.signal_power
    E = mse / cls.signal_power
    if not err <= rtol_max * max(E, e_floor):
        raise ReplicaError(f"two-stage quadrature not converged at alpha={a:.6g}: E = {E:.6g}, estimated error "
                           f"{err:.2g} with {curve.n1} z1 nodes per panel and panels in z2")
    return t, z_, mse, err
