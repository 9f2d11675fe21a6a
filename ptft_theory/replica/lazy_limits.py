"""Lazy limits of the replica FT error in closed form (derivations/08_lazy_limits.md).

* :func:`lazy_limit_error` -- the weighted minimum-norm l2 interpolator's error at the init's own FT scales
  (``r = k_pt / k_new``), or the frozen-coordinate error where ``k_new = 0``; it is the replica E's limit
  as every ``z = A/k -> 0`` (gap relative ``O(z^2)``).
* :func:`lazy_limit_table` -- closed form against the replica along a path of inits (docs/limits.md).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import _validate as V
from .. import kernels
from ..config import DEFAULT_SCHEME, Init, Task, as_scheme
from ..errors import ParameterError, ParameterTypeError
from ..scales import ft_scales


@dataclasses.dataclass(frozen=True)
class LazyLimit:
    """The closed-form lazy error at one init: ``E``, the scales behind it and ``z_max = A / min k``
    (the limit holds as ``z_max -> 0``: the smaller, the closer the replica E)."""

    alpha: float
    E: float
    k_pt: float
    k_new: float
    r: float
    z_max: float
    frozen: bool

    def as_dict(self) -> dict:
        from ..results import plain
        return plain(dataclasses.asdict(self))


def lazy_limit_error(alpha: float, task: Task, init: Init, scheme=DEFAULT_SCHEME) -> LazyLimit:
    """The weighted-l2 (or frozen-coordinate) closed form of the noiseless FT error at ``init``'s scales.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> lz = lazy_limit_error(0.3, Task(0.1, 0.05, 0.05), Init(1000.0))
    >>> round(lz.E, 6), round(lz.r, 6)                       # -> 1 - alpha as c -> oo (r -> 1)
    (0.7, 1.000005)
    """
    if not isinstance(task, Task):
        raise ParameterTypeError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    if not isinstance(init, Init):
        raise ParameterTypeError(f"init must be a ptft_theory.Init; got {type(init).__name__}")
    alpha = V.finite_scalar("alpha", alpha)
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha!r} is invalid; valid range: 0 < alpha < 1")
    if not 0 < task.rho_pt < 1 or task.rho_ft == 0:
        raise ParameterError(f"task={task!r}: the lazy limits need 0 < rho_pt < 1 and rho_ft > 0")
    scheme = as_scheme(scheme)
    k, b0 = ft_scales(np.array([task.a_pt, 0.0]), init, scheme)
    k_pt, k_new = float(k[0]), float(k[1])
    if np.any(b0 != 0):
        raise ParameterError("gamma_ft > 0 under scheme='readout' starts FT away from 0 (b0 != 0): the closed "
                             "forms here take b0 = 0; valid: scheme='merged', or gamma_ft=0")
    if k_pt == 0:
        raise ParameterError("k_pt = 0 (PT features frozen): no lazy limit; valid: lambda_pt > -c_pt or gamma_ft > 0")
    K = kernels.np
    if k_new == 0:
        if not alpha < task.rho_pt:
            raise ParameterError(f"alpha={alpha!r} is invalid with frozen new features; valid range: "
                                 f"0 < alpha < rho_pt = {task.rho_pt!r}")
        E = float(K.lazy_frozen_error(alpha, task.rho_pt, task.rho_shared, task.rho_new))
        return LazyLimit(alpha, E, k_pt, 0.0, float("inf"), task.a_ft / k_pt, True)
    r = k_pt / k_new
    E = float(K.lazy_weighted_l2_error(alpha, r, task.rho_pt, task.rho_shared, task.rho_new))
    return LazyLimit(alpha, E, k_pt, k_new, r, task.a_ft / min(k_pt, k_new), False)


#: The paths of docs/limits.md: (name, task, scheme, alpha, [(label, init)], where the limit holds).
def lazy_paths():
    t = Task(0.1, 0.05, 0.05)
    big = Task(0.1, 0.05, 0.05, amp_pt=1000.0, amp_ft=1.0)
    return [
        ("merged, lambda = 0, gamma = 0, c -> oo (r -> 1: E -> 1 - alpha)", t, "merged", 0.3,
         [(f"c = {c:g}", Init(c)) for c in (1.0, 10.0, 100.0, 1000.0)]),
        ("merged, A_pt = 1000 A: lazy and PT-dependent (r ~ A_pt/(2c))", big, "merged", 0.3,
         [(f"c = {c:g}", Init(c)) for c in (1.0, 10.0, 100.0, 1000.0)]),
        ("readout, lambda = -c, gamma = 0: new features frozen, A_pt -> oo", None, "readout", 0.05,
         [(f"A_pt = {a:g}", Init(1.0, -1.0)) for a in (10.0, 100.0, 1000.0, 10000.0)]),
    ]


def lazy_limit_table() -> list[dict]:
    """Rows (path, point, r, z_max, E_replica, E_closed, gap) for :func:`lazy_paths` (~1 s)."""
    from .api import generalization_error
    rows = []
    for name, task, scheme, alpha, points in lazy_paths():
        for label, init in points:
            t = task if task is not None else Task(0.1, 0.05, 0.05, amp_pt=float(label.split("= ")[1]), amp_ft=1.0)
            lz = lazy_limit_error(alpha, t, init, scheme)
            E = float(generalization_error(t, init, alpha, scheme).E[0])
            rows.append({"path": name, "point": label, "alpha": alpha, "r": lz.r, "z_max": lz.z_max,
                         "E_replica": E, "E_closed": lz.E, "gap": E - lz.E})
    return rows


__all__ = ["LazyLimit", "lazy_limit_error", "lazy_limit_table", "lazy_paths"]
