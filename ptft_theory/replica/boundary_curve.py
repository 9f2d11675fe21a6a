"""A boundary in alpha traced over a parameter (``lambda_pt``, ``c_pt``, ``rho_new``, ...) with warm starts."""

from __future__ import annotations

import dataclasses
import enum

import numpy as np

from .. import _validate as V
from .._argorder import legacy_order
from ..config import DEFAULT_SCHEME, Init, Task
from ..errors import BracketError, ParameterError, ParameterTypeError
from .boundary_root import validate_bracket as _validate_bracket
from .classes import check_task_and_inits


class BoundaryKind(enum.StrEnum):
    """What :func:`boundary_curve` traces (the plain strings work too)."""

    LEVEL = "level"  # E crosses a level
    EQUAL = "equal"  # two settings give equal E


@dataclasses.dataclass(frozen=True)
class BoundaryCurve:
    """A boundary traced over ``param``: ``alpha[i]`` (with ``error[i]``) at ``param = values[i]``."""

    kind: str
    param: str
    values: np.ndarray
    points: tuple

    @property
    def alpha(self) -> list:
        return [p.alpha for p in self.points]

    @property
    def error(self) -> list:
        return [p.error for p in self.points]

    @property
    def success(self) -> bool:
        return all(p.success for p in self.points)

    @property
    def nfev(self) -> int:
        return sum(p.evaluations for p in self.points)

    @property
    def message(self) -> str:
        return f"{len(self.points)} {self.kind} point(s) over {self.param}, {self.nfev} replica evaluations"

    def as_dict(self) -> dict:
        """JSON-ready: each point's :meth:`BoundaryResult.as_dict` with its ``param`` value."""
        return {"kind": self.kind, "param": self.param,
                "points": [dict(p.as_dict(), **{self.param: float(v)}) for p, v in zip(self.points, self.values.tolist())],
                "success": self.success, "message": self.message}

    def __repr__(self) -> str:  # short: the first few points
        shown = ", ".join(f"{float(v):g}: {float(a):.6g}" for v, a in list(zip(self.values, self.alpha))[:3])
        more = f", ... ({len(self.points)} points)" if len(self.points) > 3 else ""
        return f"BoundaryCurve(kind={self.kind!r}, param={self.param!r}, alpha={{{shown}{more}}})"


_INIT_FIELDS = ("c_pt", "lambda_pt", "gamma_ft")
_TASK_FIELDS = ("rho_pt", "rho_shared", "rho_new", "amp_pt", "amp_ft")


def _substitute(param, value, task, init_a, init_b):
    """Apply ``param = value``: an Init field (to both inits, or ``a.``/``b.`` prefixed to one) or a
    Task field."""
    side, _, name = param.rpartition(".")
    if side not in ("", "a", "b") or name not in _INIT_FIELDS + _TASK_FIELDS or (side and name in _TASK_FIELDS):
        valid = ", ".join(_INIT_FIELDS + _TASK_FIELDS) + " (Init fields may be prefixed a. or b.)"
        raise ParameterError(f"param={param!r} is invalid; valid: {valid}")
    if name in _TASK_FIELDS:
        return task.replace(**{name: value}), init_a, init_b
    ia = init_a.replace(**{name: value}) if side in ("", "a") else init_a
    ib = init_b.replace(**{name: value}) if (side in ("", "b") and init_b is not None) else init_b
    return task, ia, ib


@legacy_order(("kind", "param", "values"), lambda a, k: isinstance(a[0], (str, BoundaryKind)))
def boundary_curve(task: Task, init: Init, kind: BoundaryKind | str, param: str, values, *, init_b: Init | None = None,
                   scheme=DEFAULT_SCHEME, scheme_b=None, level: float | None = None, bracket=(0.05, 0.95),
                   sigma: float = 0.0, dps=None) -> BoundaryCurve:
    """Trace a boundary over ``param``: ``kind="level"`` (needs ``level``) or ``kind="equal"``
    (``init``/``scheme`` against ``init_b``/``scheme_b``).

    ``param`` names an Init field (``c_pt``, ``lambda_pt``, ``gamma_ft``; applied to both inits, or
    to one with an ``a.``/``b.`` prefix) or a Task field (``rho_new``, ...).  Each point after the
    first searches a bracket around the previous root first (warm start), falling back to
    ``bracket``.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> cur = boundary_curve(Task(0.1, 0.05, 0.05), Init(1e8), "level", "c_pt", [1e7, 1e8],
    ...                      level=0.25)
    >>> [round(float(a), 9) for a in cur.alpha]
    [0.75, 0.75]
    """
    try:
        kind = BoundaryKind(kind)
    except (ValueError, TypeError):
        raise ParameterError(f"kind={kind!r} is invalid; valid: 'level', 'equal'") from None
    if not isinstance(param, str):
        raise ParameterTypeError(f"param={param!r} is invalid; valid: a field name such as 'lambda_pt'")
    check_task_and_inits(task, init, *(() if init_b is None else (init_b,)))
    vals = np.atleast_1d(V.finite_array("values", values))
    if vals.ndim != 1 or vals.size == 0:
        raise ParameterError(f"values={values!r} is invalid; valid range: a non-empty 1-D array")
    if kind == "level" and level is None:
        raise ParameterError("level=None is invalid for kind='level'; valid range: level > 0")
    lo, hi = _validate_bracket(bracket)
    points, prev = [], []
    for v in vals:
        t, ia, ib = _substitute(param, float(v), task, init, init_b if init_b is not None else init)
        tries = []
        if prev:
            d = max(0.02 * (hi - lo), 4 * abs(prev[-1] - prev[-2]) if len(prev) > 1 else 0.05 * (hi - lo))
            tries.append((max(lo, prev[-1] - d), min(hi, prev[-1] + d)))
        tries.append((lo, hi))
        for k, br in enumerate(tries):
            from .boundaries import equal_error_alpha, level_crossing_alpha  # the module's names (tests patch them)
            try:
                if kind == "level":
                    r = level_crossing_alpha(t, ia, level, scheme, bracket=br, sigma=sigma, dps=dps)
                else:
                    r = equal_error_alpha(t, ia, ib, scheme_a=scheme, scheme_b=scheme_b, bracket=br, sigma=sigma,
                                          dps=dps)
                break
            except BracketError as e:  # no sign change in the warm bracket: try the next one
                if k == len(tries) - 1:
                    raise ParameterError(f"{param}={float(v)!r}: {e}") from None
            except ValueError as e:
                raise ParameterError(f"{param}={float(v)!r}: {e}") from None
        points.append(r)
        prev.append(float(r.alpha))
    return BoundaryCurve(kind.value, param, vals, tuple(points))


__all__ = ["BoundaryCurve", "BoundaryKind", "boundary_curve"]
