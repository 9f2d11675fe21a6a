"""Regime of an initialisation: l-order, PT dependence and the four-regime label (paper Fig. 2).

Descriptors are defined and derived in :mod:`ptft_theory.symbolic.regimes` (see
derivations/03_regimes.md); this module evaluates the generated kernels at the scales
``k_pt = k(beta_pt = amp_pt)`` of a PT feature and ``k_new = k(beta_pt = 0)`` of a new one.

Definitions of the PT-dependence axis (``definition=``; docs/design.md section 3.3):

* ``"samples"`` (default, calibrated): ``delta_S`` of :mod:`ptft_theory.regime_samples`, the relative
  difference of the data a new-feature and a shared-feature task need to reach E* (0.1); its
  threshold 1/3 means "a new-feature task needs at least twice the data".
* ``"potential"``: the package's earlier ``delta``, a ratio of FT potentials (cheap: no replica solve).
* ``"paper"``: the authors' l-order and feature dependence (:mod:`ptft_theory.regime_paper`).
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
from ._argorder import legacy_order
from .config import DEFAULT_SCHEME, Init, Task, as_scheme
from .errors import ParameterError, ParameterTypeError, ReplicaError
from .regime_samples import E_STAR, sample_dependence
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
        pt_dependence: PT-dependent when ``delta > pt_dependence`` (``definition="potential"``).
            Default 0.5: a new feature costs at least 3 times as much as a PT feature.
        pt_dependence_samples: PT-dependent when ``delta_S > pt_dependence_samples`` (the default
            ``definition="samples"``).  Default 1/3 = (R - 1)/(R + 1) at the sample ratio R = 2: a task on
            new features needs at least twice the data of the same task on PT features.  At the Fig. 5
            inits delta_S is 0.69 (II), 0.52 (IV) and 0 to 1e-4 (I, III), so any threshold between
            R = 1.01 and R = 3 gives the paper's labels; R = 2 (3 dB in samples) is a difference a user
            would act on.
        paper_l_order: rich when the authors' l-order ``p(A/(2k))`` is below it (``definition="paper"``;
            default 1.8 as ours: their argument is half ours, so their p is larger, 1.21 vs 1.18 at Fig. 5's I).
        feature_dependence: PT-dependent when the authors' feature dependence ``(1 - p) e`` is below it
            (``definition="paper"``).  Default -0.1: at the Fig. 5 inits it is 0 (I), -5e-4 (III),
            -0.37 to -0.55 (IV) and -0.92 to -0.99 (II), so any threshold in (-0.37, -5e-4) gives the
            paper's labels; -0.1 is PT dependence of a tenth of a decade in Q per decade of |beta_PT|.
    """

    l_order: float = 1.8
    pt_dependence: float = 0.5
    pt_dependence_samples: float = 1 / 3
    paper_l_order: float = 1.8
    feature_dependence: float = -0.1

    def __post_init__(self):
        p = V.finite_scalar("l_order", self.l_order)
        d = V.finite_scalar("pt_dependence", self.pt_dependence)
        if not 1 < p <= 2:
            raise ParameterError(f"l_order threshold={self.l_order!r} is invalid; valid range: 1 < l_order <= 2")
        if not -1 < d < 1:
            raise ParameterError(f"pt_dependence threshold={self.pt_dependence!r} is invalid; valid range: (-1, 1)")
        ds = V.finite_scalar("pt_dependence_samples", self.pt_dependence_samples)
        if not -1 < ds < 1:
            raise ParameterError(f"pt_dependence_samples threshold={self.pt_dependence_samples!r} is invalid; "
                                 "valid range: (-1, 1)")
        object.__setattr__(self, "l_order", p)
        object.__setattr__(self, "pt_dependence", d)
        object.__setattr__(self, "pt_dependence_samples", ds)
        pp = V.finite_scalar("paper_l_order", self.paper_l_order)
        if not 1 < pp <= 2:
            raise ParameterError(f"paper_l_order threshold={self.paper_l_order!r} is invalid; valid range: 1 < paper_l_order <= 2")
        fd = V.finite_scalar("feature_dependence", self.feature_dependence)
        if not fd < 0:
            raise ParameterError(f"feature_dependence threshold={self.feature_dependence!r} is invalid; valid range: < 0")
        object.__setattr__(self, "paper_l_order", pp)
        object.__setattr__(self, "feature_dependence", fd)


DEFAULT_THRESHOLDS = Thresholds()


@dataclasses.dataclass(frozen=True)
class RegimeResult:
    """Descriptors of an initialisation for a task.

    Attributes:
        l_order: ``p(amp_ft / k_pt)`` in (1, 2] (2 lazy, 1 rich).
        pt_dependence: ``delta`` in [-1, 1], the potential-ratio descriptor (0 PT-independent, 1 new
            features frozen); always computed (cheap).
        k_pt, k_new: FT scales of a PT feature and of a new feature.
        regime: the quadrant label (of ``definition``).
        definition: which PT-dependence axis the label uses: "samples", "potential" or "paper".
        pt_dependence_samples: ``delta_S`` (``definition="samples"``; else None).
        samples: the :class:`~ptft_theory.regime_samples.SampleDependence` behind it (the two alpha*).
        paper: the authors' descriptors (``definition="paper"``; :class:`~ptft_theory.regime_paper.PaperDescriptors`).
        note: why the default definition fell back to "potential" (the replica cannot solve this init), else "".
    """

    l_order: float
    pt_dependence: float
    k_pt: float
    k_new: float
    regime: Regime
    definition: str = "potential"
    pt_dependence_samples: float | None = None
    samples: object = None
    paper: object = None
    note: str = ""

    success = True  #: scipy's name: an init that cannot be classified raises instead

    @property
    def message(self) -> str:
        base = f"regime {self.regime.value} ({self.regime.description}) by the {self.definition!r} definition"
        return f"{base}; {self.note}" if self.note else base

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict; ``regime`` as its label ("I".."IV")."""
        from .results import plain
        return plain({"regime": self.regime.value, "description": self.regime.description,
                      "definition": self.definition, "l_order": self.l_order, "pt_dependence": self.pt_dependence,
                      "pt_dependence_samples": self.pt_dependence_samples, "k_pt": self.k_pt, "k_new": self.k_new,
                      "samples": None if self.samples is None else self.samples.as_dict(),
                      "paper": None if self.paper is None else self.paper.as_dict(), "note": self.note,
                      "success": self.success, "message": self.message})

    def __repr__(self) -> str:
        dep = (f"pt_dependence_samples={self.pt_dependence_samples:.4g}" if self.pt_dependence_samples is not None
               else f"pt_dependence={self.pt_dependence:.4g}")
        return (f"RegimeResult(regime={self.regime.value}, definition={self.definition!r}, "
                f"l_order={self.l_order:.4g}, {dep}, k_pt={self.k_pt:.3g}, k_new={self.k_new:.3g})")



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


DEFINITIONS = ("samples", "potential", "paper")


@legacy_order(("init", "task", "scheme", "thresholds"), lambda a, k: isinstance(a[0], Init))
def regime(task: Task, init: Init, scheme=DEFAULT_SCHEME, thresholds: Thresholds = DEFAULT_THRESHOLDS, *,
           definition: str | None = None, e_star: float = E_STAR) -> RegimeResult:
    """Classify an initialisation for a task.

    ``definition`` picks the PT-dependence axis of the label (module docstring): ``"samples"``
    (``delta_S`` at error level ``e_star``, two replica level crossings, ~0.1-0.3 s; the default,
    None, is "samples" except where the replica cannot solve the init -- scales beyond its range, a
    quadrature it cannot resolve -- where it falls back to "potential" and says so in ``note``),
    ``"potential"`` (the potential ratio ``delta``, microseconds) or ``"paper"`` (the authors'
    l-order and feature dependence, :mod:`ptft_theory.regime_paper`).  The rich/lazy axis is the
    l-order ``p(amp_ft / k_pt)`` for "samples" and "potential", the authors' l-order for "paper".

    Examples
    --------
    >>> from ptft_theory import Init, Task, regime
    >>> task = Task(rho_pt=0.1, rho_shared=0.05, rho_new=0.05)
    >>> regime(task, Init(c_pt=100.0)).regime.value                       # large scale: lazy, PT-independent
    'III'
    >>> regime(task, Init(c_pt=1e-3, lambda_pt=1e-3)).regime.value        # larger first layer: lazy, PT-dependent
    'II'
    >>> regime(task, Init(c_pt=1e-3, lambda_pt=-0.9e-3)).regime.value     # smaller first layer: rich, PT-dependent
    'IV'
    >>> regime(task, Init(c_pt=1e-3, lambda_pt=-1e-3, gamma_ft=0.1)).regime.value  # k = gamma^2: PT-independent
    'I'
    """
    if not isinstance(init, Init):
        raise ParameterTypeError(f"init must be a ptft_theory.Init; got {type(init).__name__}")
    if not isinstance(task, Task):
        raise ParameterTypeError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    if not isinstance(thresholds, Thresholds):
        raise ParameterTypeError(f"thresholds must be a ptft_theory.Thresholds; got {type(thresholds).__name__}")
    auto = definition is None
    definition = "samples" if auto else definition
    e_star = V.positive("e_star", e_star)
    if not e_star < 1:
        raise ParameterError(f"e_star={e_star!r} is invalid; valid range: 0 < e_star < 1 (E starts near 1 at small alpha)")
    if definition not in DEFINITIONS:
        raise ParameterError(f"definition={definition!r} is invalid; valid: {', '.join(map(repr, DEFINITIONS))}")
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
    extra = {}
    if definition == "samples":
        try:
            sd = sample_dependence(init, task, scheme, k_pt, k_new, e_star)
        except (ReplicaError, ParameterError) as exc:
            if not auto:
                raise
            definition = "potential"
            extra = dict(note=f"PT dependence in samples unavailable ({str(exc)[:160]}); labelled by the potential ratio")
        else:
            dependent = sd.delta > thresholds.pt_dependence_samples
            extra = dict(pt_dependence_samples=sd.delta, samples=sd)
    elif definition == "paper":
        from .regime_paper import paper_descriptors
        pd = paper_descriptors(init, task, scheme)
        rich, dependent = pd.l_order < thresholds.paper_l_order, pd.feature_dependence < thresholds.feature_dependence
        extra = dict(paper=pd)
    label = {(True, False): Regime.I, (False, True): Regime.II, (False, False): Regime.III, (True, True): Regime.IV}
    return RegimeResult(l_order=p, pt_dependence=delta, k_pt=k_pt, k_new=k_new, regime=label[(rich, dependent)],
                        definition=definition, **extra)
