"""The coordinate classes of the replica average, one model for every precision and quadrature.

A task splits the coordinates into the classes :data:`CLASS_NAMES` (docs/design.md section 3):

    unused      (beta_pt = 0,     beta* = 0)        weight 1 - rho_pt - rho_new
    pt_only     (beta_pt = A_pt,  beta* = 0)        weight rho_pt - rho_shared
    shared_eq   (beta_pt = A_pt,  beta* = +A_ft)    weight rho_shared * P(equal sign)
    shared_opp  (beta_pt = A_pt,  beta* = -A_ft)    weight rho_shared * P(opposite sign)
    new         (beta_pt = 0,     beta* = +A_ft)    weight rho_new

(the map b -> -b makes the sign of beta_pt irrelevant).  PT is assumed to have learned its teacher
exactly, so ``beta_pt`` is the PT teacher and ``(k, b0) = ft_scales(beta_pt, ...)``.

One record, :class:`CoordinateClass` (weight, beta*, m, b0), in the number type of its path
(float for the float64 panels, ``mpf`` for the mpmath path); :class:`ClassModel` holds the float64
classes as arrays (the Gauss-Hermite and compiled paths) and gives its members as records.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import mpmath
import numpy as np

from .. import kernels
from ..config import DEFAULT_SCHEME, as_scheme
from ..config import Init, Task
from ..errors import ParameterError, ParameterTypeError
from ..scales import ft_scales
from ..solver import minor_coefficient

#: alpha within this relative distance below the non-frozen fraction counts as reaching it (the
#: fraction carries the rounding of 1 - rho_pt - rho_new; there the fixed point degenerates).
ACTIVE_FRACTION_RTOL = 1e-12

#: Smallest alpha the solver takes: tau^2 ~ E / alpha overflows float64 near alpha ~ 1e-300 (E = 1 to
#: double precision from alpha ~ 1e-16 on).
ALPHA_MIN = 1e-100
#: Largest FT scale k the float64 solver takes: k^2 in the prox kernels overflows from k ~ 1.3e154.
K_MAX = 1e152
CLASS_NAMES = ("unused", "pt_only", "shared_eq", "shared_opp", "new")


@dataclasses.dataclass(frozen=True)
class CoordinateClass:
    """One coordinate class: its weight, FT target ``beta_star`` and the prox's ``(m, b0)``, in one
    number type (float, ``mpf`` on the mpmath path, or arb balls on the certified path)."""

    weight: Any
    beta_star: Any
    m: Any
    b0: Any

    def as_float(self) -> "CoordinateClass":
        """The same class in float64 (the panel search and the float64 panel moments)."""
        return CoordinateClass(float(self.weight), float(self.beta_star), float(self.m), float(self.b0))


@dataclasses.dataclass(frozen=True)
class ClassModel:
    """The float64 classes of one (task, init, scheme) as arrays (weight > 0 only)."""

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

    def members(self) -> tuple[CoordinateClass, ...]:
        """The classes as :class:`CoordinateClass` records (floats)."""
        return tuple(CoordinateClass(float(w), float(bs), float(m), float(b0))
                     for w, bs, m, b0 in zip(self.weight, self.beta_star, self.m, self.b0))

    @functools.cached_property
    def c_arrays(self):
        """(beta*, m, b0, weight) as C-contiguous float64 arrays for the compiled moments, made once
        per instance (their addresses are taken by each HermiteMoments, which holds this instance)."""
        return tuple(np.ascontiguousarray(a, dtype=np.float64) for a in (self.beta_star, self.m, self.b0, self.weight))


#: Probability that a shared coordinate's FT sign equals its PT sign, per ``Task.shared_signs``.
P_EQUAL_SIGN = {"independent": 0.5, "equal": 1.0, "opposite": 0.0}


def class_layout(rho_pt, rho_shared, rho_new, a_pt, a_ft, p_eq):
    """``(weight, beta_pt, beta_star)`` of the classes :data:`CLASS_NAMES`, as lists in the number
    type of the inputs (floats, ``mpf`` in :func:`classes_mp`, arb balls in :mod:`~ptft_theory.replica.certify_point`)."""
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


def coordinate_classes(task: Task, init: Init, scheme=DEFAULT_SCHEME) -> ClassModel:
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
    m = minor_coefficient(k, b0)
    frozen = (k == 0) & (b0 == 0)
    return ClassModel(weight=weight[keep], beta_star=beta_star[keep], m=m[keep], b0=b0[keep],
                      signal_power=float(np.sum(weight * beta_star**2)),
                      # 1 minus the frozen weight: exactly 1 when nothing is frozen (the class weights
                      # may sum to 1 + 2e-16, which would put alpha = 1 below it)
                      active_fraction=1.0 - float(np.sum(weight[keep & frozen])), active=~frozen[keep])


def classes_mp(task: Task, init: Init, scheme, wp: int) -> tuple[list[CoordinateClass], mpmath.mpf]:
    """Coordinate classes (as :func:`ptft_theory.replica.coordinate_classes`) with mpf entries.

    Inputs are taken as the exact binary values of their floats; derived quantities (default
    amplitudes ``1/sqrt(rho)``, weights, ``k``, ``b0``, ``m``) are computed at ``wp`` digits with
    the generated mpmath kernels.  Returns ``(classes, signal_power)``.
    """
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
            out.append(CoordinateClass(w, bs, m, bb))
        power = mpmath.fsum(w * bs**2 for w, bs in zip(weight, beta_star))
    return out, power
