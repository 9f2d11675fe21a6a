"""PT dependence in sample units (docs/design.md section 3.3).

``delta_S = (alpha*_new - alpha*_shared) / (alpha*_new + alpha*_shared)``, where ``alpha*_X`` is the
FT sample ratio at which the replica error of the *same* init falls to ``E*`` (default
:data:`E_STAR` = 0.1) on

* ``task_shared = Task(rho_pt, rho_ft, 0)``: the FT teacher lives on PT features, and
* ``task_new = Task(rho_pt, 0, rho_ft)``: the same teacher on new features,

with the task's amplitudes (``rho_ft = rho_shared + rho_new``; where ``rho_ft`` exceeds ``rho_pt``
or ``1 - rho_pt`` the pair uses ``min(rho_ft, rho_pt, 1 - rho_pt)``, the largest teacher both can hold).
Each ``alpha*`` is :func:`ptft_theory.replica.level_crossing_alpha` (Brent on the float64 replica).

Reading: ``delta_S = 0`` when k does not depend on beta_PT (both tasks cost the same data), -> 1 when
new features freeze (k_new = 0: ``alpha*_new`` = inf), and in general the ratio of the data the two
tasks need is ``alpha*_new / alpha*_shared = (1 + delta_S) / (1 - delta_S)`` (1/3: a new-feature task
needs twice the data).  That ratio is what the threshold of the default labels is chosen on
(:data:`ptft_theory.regime.Thresholds`).

Cost: two level crossings, ~30 replica evaluations, ~0.1-0.3 s per init (seconds near the frozen
corner, where every k is tiny); callers that label thousands of inits use ``definition="potential"``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

from . import _validate as V
from .config import Init, Task
from .errors import ParameterError, ReplicaError

#: Default error level of the crossings: E* = 0.1 (-10 dB), a "learned" task.
E_STAR = 0.1
#: Alpha bracket of the crossings: E(alpha -> 0) -> 1 > E*, and noiseless E = 0 for alpha >= 1.  The
#: crossing is searched in (1e-3, 0.999) first (replica solves next to alpha = 1 are slow: ~20 s for
#: a lazy init at 1 - 1e-9), then in (0.999, 1 - 1e-9) where E stays above E* that long (k ~ 0).
BRACKET = (1e-3, 1 - 1e-9)
SPLIT = 0.999


def _crossing(level, task, init, scheme):
    from .errors import BracketError
    from .replica import level_crossing_alpha
    try:
        return float(level_crossing_alpha(task, init, level, scheme, bracket=(BRACKET[0], SPLIT)))
    except BracketError:
        return float(level_crossing_alpha(task, init, level, scheme, bracket=(SPLIT, BRACKET[1])))


@dataclasses.dataclass(frozen=True)
class SampleDependence:
    """``delta_S`` and the two crossings it is made of (``alpha_new`` = inf when new features are frozen)."""

    delta: float
    alpha_shared: float
    alpha_new: float
    level: float
    rho_ft: float

    @property
    def sample_ratio(self) -> float:
        """``alpha*_new / alpha*_shared = (1 + delta_S) / (1 - delta_S)``."""
        return self.alpha_new / self.alpha_shared

    def as_dict(self) -> dict:
        fin = (lambda x: x if math.isfinite(x) else None)
        return {"delta": self.delta, "alpha_shared": fin(self.alpha_shared), "alpha_new": fin(self.alpha_new),
                "level": self.level, "rho_ft": self.rho_ft, "sample_ratio": fin(self.sample_ratio)}


def delta_from_ratio(ratio: float) -> float:
    """``delta_S`` of a sample ratio ``alpha*_new / alpha*_shared``: ``(R - 1) / (R + 1)``."""
    return (ratio - 1) / (ratio + 1)


def sample_dependence(init: Init, task: Task, scheme, k_pt: float, k_new: float, level: float = E_STAR
                      ) -> SampleDependence:
    """``delta_S`` of ``init`` for ``task`` (module docstring); ``k_pt``, ``k_new`` its FT scales."""
    level = V.positive("level", level)
    if not level < 1:
        raise ParameterError(f"level={level!r} is invalid; valid range: 0 < level < 1 (E starts near 1 at small alpha)")
    from .replica import pair_tasks
    shared, new = pair_tasks(task)
    if k_pt == 0 and k_new == 0:
        raise ParameterError("every coordinate is frozen (k = 0): fine-tuning cannot move, so no regime is defined; "
                             "use gamma_ft > 0 or lambda_pt > -c_pt")
    try:
        with warnings.catch_warnings():  # a replica that goes non-finite is a failure, said as one
            warnings.simplefilter("error", RuntimeWarning)
            a_s = math.inf if k_pt == 0 else _crossing(level, shared, init, scheme)
            a_n = math.inf if k_new == 0 else _crossing(level, new, init, scheme)
    except (RuntimeWarning, FloatingPointError, ZeroDivisionError, OverflowError) as exc:
        raise ReplicaError(f"PT dependence in samples: the replica level crossing E = {level:g} failed for "
                           f"{shared!r} / {new!r} ({exc}); definition='potential' needs no replica solve") from None
    if math.isinf(a_n):
        delta = 1.0
    elif math.isinf(a_s):
        delta = -1.0
    else:
        delta = (a_n - a_s) / (a_n + a_s)
    return SampleDependence(delta, a_s, a_n, level, shared.rho_shared)


__all__ = ["BRACKET", "E_STAR", "SampleDependence", "delta_from_ratio", "sample_dependence"]
