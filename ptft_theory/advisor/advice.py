"""The advisor's answer: :class:`Advice` and :class:`RegimeBest` (:func:`ptft_theory.advisor.best_init`)."""

from __future__ import annotations

import dataclasses
import math
import warnings

from ..config import Init, Task
from ..regime import RegimeResult


@dataclasses.dataclass(frozen=True)
class RegimeBest:
    """The lowest E found inside one regime's region: its init and E, and the definition of the label
    that placed it there ("samples": the calibrated delta_S; "potential": past the label budget)."""

    init: Init
    E: float
    definition: str = "samples"

    def as_dict(self) -> dict:
        return {"init": dataclasses.asdict(self.init), "E": _finite_or_none(self.E), "definition": self.definition}

    def to_dict(self) -> dict:
        """Deprecated alias of :meth:`as_dict`."""
        warnings.warn("to_dict() is deprecated; use as_dict()", DeprecationWarning, stacklevel=2)
        return self.as_dict()


@dataclasses.dataclass(frozen=True, repr=False)
class Advice:
    """The advisor's answer (:func:`best_init`).

    Attributes:
        init: the optimum found; E: its (mean) replica error; regime: :func:`regime` of it.
        best_by_regime: label ("I".."IV") -> :class:`RegimeBest`, the lowest E found inside that
            regime's region of the box (a regime no evaluated init fell in is absent).
        reference, E_default: the reference init and its E (None when its evaluation failed).
        evaluations: objective evaluations (inits; an alpha interval solves ALPHA_PANELS x ALPHA_NODES alphas each).
        failures: evaluations that failed (counted as E = +inf), ``infeasible`` of them infeasible.
        converged, message: like scipy's OptimizeResult, for the polish that gave ``init``.
        on_bounds: search coordinates at a face of the box at the optimum (the box limits it).
        resolution: the relative E at or below which the task counts as recovered exactly
            (:attr:`recovered`); then ``init`` is the least extreme init below it (largest ``k_min``).
        E_lowest: the lowest E evaluated anywhere (below the floor or at the corner it is not ``E``).
        corner_limit, corner_margin: when E falls toward the frozen corner without reaching the
            floor, the lowest E found approaching it (an upper bound on the infimum) and the margin
            ``1 + lambda_pt / c_pt >= corner_margin`` the answer keeps; None otherwise.
        k_min: the smallest FT scale of ``init`` over the task's classes (0: frozen).
        flags: the init as pasteable ``--c-pt ... --lambda-pt ... --gamma-ft ...``.
        task, alpha (float or (lo, hi)), scheme, sigma, bounds, fixed, alpha_pt, sigma_pt: what was asked.
    """

    init: Init
    E: float
    regime: RegimeResult
    best_by_regime: dict
    reference: Init
    E_default: float | None
    evaluations: int
    failures: int
    infeasible: int
    converged: bool
    message: str
    on_bounds: tuple
    task: Task
    alpha: object
    scheme: str
    sigma: float
    bounds: dict
    fixed: dict
    alpha_pt: float | None = None
    sigma_pt: float = 0.0
    resolution: float = 1e-6
    E_lowest: float | None = None
    corner_limit: float | None = None
    corner_margin: float = 1e-3
    k_min: float | None = None

    @property
    def recovered(self) -> bool:
        """Whether the task is recovered exactly: E at or below the resolution floor."""
        return self.E <= self.resolution

    @property
    def flags(self) -> str:
        """The init as flags ``ptft regime`` and ``ptft curve`` accept (float64 round-trip digits)."""
        from .resolve import init_flags
        return init_flags(self.init, self.scheme)

    @property
    def gain_dB(self) -> float | None:
        """How much the optimum beats the reference init, 10 log10(E_default / E) (None if undefined)."""
        if self.E_default is None or not self.E > 0 or not self.E_default > 0:
            return None
        return 10 * math.log10(self.E_default / self.E)

    @property
    def success(self) -> bool:
        """scipy's name for :attr:`converged` (the polish that gave ``init``)."""
        return bool(self.converged)

    @property
    def nfev(self) -> int:
        """scipy's name for :attr:`evaluations`."""
        return self.evaluations

    def __repr__(self):
        i = self.init
        return (f"Advice(init=Init(c_pt={i.c_pt:.4g}, lambda_pt={i.lambda_pt:.4g}, gamma_ft={i.gamma_ft:.4g}), "
                f"E={self.E:.4g}, regime={self.regime.regime.value}, E_default={_g(self.E_default)}, "
                f"best_by_regime={{{', '.join(f'{k}: {v.E:.4g}' for k, v in self.best_by_regime.items())}}}, "
                f"nfev={self.evaluations}, success={self.success})")

    def to_dict(self) -> dict:
        """Deprecated alias of :meth:`as_dict`."""
        warnings.warn("to_dict() is deprecated; use as_dict()", DeprecationWarning, stacklevel=2)
        return self.as_dict()

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict (non-finite numbers become None)."""
        r = self.regime
        return {"init": dataclasses.asdict(self.init), "E": _finite_or_none(self.E),
                "E_dB": _finite_or_none(10 * math.log10(self.E)) if self.E > 0 else None,
                "regime": r.regime.value, "regime_description": r.regime.description,
                "l_order": r.l_order, "pt_dependence": r.pt_dependence,
                "pt_dependence_samples": r.pt_dependence_samples, "regime_definition": r.definition,
                "best_by_regime": {k: v.as_dict() for k, v in self.best_by_regime.items()},
                "reference": dataclasses.asdict(self.reference), "E_default": _finite_or_none(self.E_default),
                "gain_dB": _finite_or_none(self.gain_dB), "evaluations": self.evaluations, "failures": self.failures,
                "infeasible": self.infeasible, "converged": self.converged, "success": self.success,
                "message": self.message,
                "on_bounds": list(self.on_bounds), "task": dataclasses.asdict(self.task),
                "alpha": list(self.alpha) if isinstance(self.alpha, tuple) else self.alpha, "scheme": self.scheme,
                "sigma": self.sigma, "bounds": {k: list(v) for k, v in self.bounds.items()}, "fixed": dict(self.fixed),
                "alpha_pt": self.alpha_pt, "sigma_pt": self.sigma_pt, "resolution": self.resolution,
                "recovered": self.recovered, "E_lowest": _finite_or_none(self.E_lowest),
                "corner_limit": _finite_or_none(self.corner_limit), "corner_margin": self.corner_margin,
                "k_min": _finite_or_none(self.k_min), "flags": self.flags}


def _g(x):
    return "None" if x is None else f"{x:.4g}"


def _finite_or_none(x):
    return float(x) if x is not None and math.isfinite(x) else None
