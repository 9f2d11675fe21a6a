"""Regime of an initialisation: l-order, PT dependence and the four-regime label (paper Fig. 2).

Descriptors are defined and derived in :mod:`ptft_theory.symbolic.regimes` (see
derivations/03_regimes.md); this module evaluates the generated kernels at the scales
``k_pt = k(beta_pt = amp_pt)`` of a PT feature and ``k_new = k(beta_pt = 0)`` of a new one.
Where float64 over- or underflows in a descriptor (``A/k`` beyond ~1e154 or below ~1e-154, e.g.
``c_pt <= 1e-154`` or ``>= 1e200``) the same generated expression is evaluated in mpmath, so every
valid Init gets finite descriptors (``l_order`` in [1, 2], ``pt_dependence`` in [-1, 1]).
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np

from . import _validate as V
from . import kernels
from .config import DEFAULT_SCHEME, as_scheme
from .config import Init, Task
from .errors import ParameterError, ParameterTypeError
from .scales import ft_scales


class Regime(str, enum.Enum):
    """The four FT regimes of arXiv 2602.20062 (Fig. 2a)."""

    I = "I"  # noqa: E741  rich, less PT-dependent
    II = "II"  # lazy, PT-dependent
    III = "III"  # lazy, PT-independent
    IV = "IV"  # rich, PT-dependent

    @property
    def description(self) -> str:
        return {"I": "rich, less PT-dependent", "II": "lazy, PT-dependent",
                "III": "lazy, PT-independent", "IV": "rich, PT-dependent"}[self.value]


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Quadrant boundaries in the (l-order, PT dependence) plane.

    Attributes:
        l_order: rich when ``l_order < l_order`` threshold.  Default 1.8: the l-order tends to 1
            only logarithmically in ``A/k`` (p = 1.75 at A/k = 2, 1.43 at 10, 1.23 at 100), so the
            midpoint 1.5 would call almost every finite init lazy.
        pt_dependence: PT-dependent when ``delta > pt_dependence``.  Default 0.5: a new feature
            costs at least 3 times as much as a PT feature.
    """

    l_order: float = 1.8
    pt_dependence: float = 0.5

    def __post_init__(self):
        p = V.finite_scalar("l_order", self.l_order)
        d = V.finite_scalar("pt_dependence", self.pt_dependence)
        if not 1 < p <= 2:
            raise ParameterError(f"l_order threshold={self.l_order!r} is invalid; valid range: 1 < l_order <= 2")
        if not -1 < d < 1:
            raise ParameterError(f"pt_dependence threshold={self.pt_dependence!r} is invalid; valid range: (-1, 1)")
        object.__setattr__(self, "l_order", p)
        object.__setattr__(self, "pt_dependence", d)


DEFAULT_THRESHOLDS = Thresholds()


@dataclasses.dataclass(frozen=True)
class RegimeResult:
    """Descriptors of an initialisation for a task.

    Attributes:
        l_order: ``p(amp_ft / k_pt)`` in (1, 2] (2 lazy, 1 rich).
        pt_dependence: ``delta`` in [-1, 1] (0 PT-independent, 1 new features frozen).
        k_pt, k_new: FT scales of a PT feature and of a new feature.
        regime: the quadrant label.
    """

    l_order: float
    pt_dependence: float
    k_pt: float
    k_new: float
    regime: Regime

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict; ``regime`` as its label ("I".."IV")."""
        from .results import plain
        return plain({"l_order": self.l_order, "pt_dependence": self.pt_dependence, "k_pt": self.k_pt,
                      "k_new": self.k_new, "regime": self.regime.value})


#: Digits of the mpmath evaluation used where float64 over- or underflows (module docstring).
_FALLBACK_DPS = 30


def _descriptor(name, *args):
    """Generated kernel ``name`` at float64 args; where float64 over/underflows (z = A/k beyond ~1e154
    or below ~1e-154, e.g. c_pt <= 1e-154 or >= 1e200) the same generated expression in mpmath at 30
    digits, whose exponent range is unbounded, rounded to float."""
    try:
        with np.errstate(all="ignore"):
            v = float(getattr(kernels.np, name)(*(float(a) for a in args)))
        if np.isfinite(v):
            return v
    except (OverflowError, ZeroDivisionError):
        pass
    import mpmath
    with mpmath.workdps(_FALLBACK_DPS):
        return float(getattr(kernels.mp, name)(*(mpmath.mpf(a) for a in args)))


def _l_order_at(amp, k):
    if k == 0:
        return 1.0  # lim_{z -> oo} p(z) = 1 (symbolic.regimes.l_order_limits)
    import mpmath
    return _descriptor("l_order", mpmath.mpf(amp) / mpmath.mpf(k))


def _pt_dependence_at(amp, k_pt, k_new):
    if k_pt == 0 and k_new == 0:
        raise ParameterError("every coordinate is frozen (k = 0): fine-tuning cannot move, so no regime is defined; "
                         "use gamma_ft > 0 or lambda_pt > -c_pt")
    if k_new == 0:
        return 1.0  # lim z_new -> oo (symbolic.regimes.pt_dependence_limits)
    if k_pt == 0:
        return -1.0
    import mpmath
    return _descriptor("pt_dependence", mpmath.mpf(amp) / mpmath.mpf(k_pt), mpmath.mpf(amp) / mpmath.mpf(k_new))


def regime(init: Init, task: Task, scheme=DEFAULT_SCHEME, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> RegimeResult:
    """Classify an initialisation for a task.

    Examples
    --------
    >>> from ptft_theory import Init, Task, regime
    >>> task = Task(rho_pt=0.1, rho_shared=0.05, rho_new=0.05)
    >>> regime(Init(c_pt=100.0), task).regime.value                       # large scale: lazy, PT-independent
    'III'
    >>> regime(Init(c_pt=1e-3, lambda_pt=1e-3), task).regime.value        # larger first layer: lazy, PT-dependent
    'II'
    >>> regime(Init(c_pt=1e-3, lambda_pt=-0.9e-3), task).regime.value     # smaller first layer: rich, PT-dependent
    'IV'
    >>> regime(Init(c_pt=1e-3, lambda_pt=-1e-3, gamma_ft=0.1), task).regime.value  # k = gamma^2: PT-independent
    'I'
    """
    if not isinstance(init, Init):
        raise ParameterTypeError(f"init must be a ptft_theory.Init; got {type(init).__name__}")
    if not isinstance(task, Task):
        raise ParameterTypeError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    if not isinstance(thresholds, Thresholds):
        raise ParameterTypeError(f"thresholds must be a ptft_theory.Thresholds; got {type(thresholds).__name__}")
    scheme = as_scheme(scheme)
    if task.rho_pt == 0:
        raise ParameterError("rho_pt=0: PT learns nothing, so PT dependence is undefined; valid range: 0 < rho_pt <= 1")
    k, _ = ft_scales(np.array([task.a_pt, 0.0]), init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    k_pt, k_new = float(k[0]), float(k[1])
    amp = task.a_ft
    if k_pt == 0:
        p = 1.0
    else:
        p = _l_order_at(amp, k_pt)
    delta = _pt_dependence_at(amp, k_pt, k_new)
    rich = p < thresholds.l_order
    dependent = delta > thresholds.pt_dependence
    label = {(True, False): Regime.I, (False, True): Regime.II, (False, False): Regime.III, (True, True): Regime.IV}
    return RegimeResult(l_order=p, pt_dependence=delta, k_pt=k_pt, k_new=k_new, regime=label[(rich, dependent)])
