"""Replica prediction of the fine-tuning generalization error (docs/design.md section 3).

``generalization_error(task, init, alpha, scheme)`` solves the replica fixed point

    tau^2 = sigma^2 + E[(eta - beta*)^2] / alpha,      alpha = E[eta'],

where ``eta`` is the proximal map of the FT Bregman potential (derived in
:mod:`ptft_theory.symbolic.replica`; generated kernels ``prox_residual``,
``prox_residual_derivative``, ``eta_prime``, ``beta_of_s_stable``), averaged over z ~ N(0, 1)
and over the coordinate classes of the task (:mod:`~ptft_theory.replica.classes`).

Numerics: Gauss-Hermite quadrature (checked against twice the nodes at every point; where it stays
short, Gauss-Legendre panels in the mirror variable, :mod:`~ptft_theory.replica.panels`), a safeguarded
Newton prox warm-started along a curve, and a damped Newton on (log tau, log zeta) with the analytic
Jacobian (generated kernels ``eta_second_derivative``, ``eta_zeta_derivative``,
``eta_prime_zeta_derivative``), falling back to MINPACK hybrd and then to nested bracketed roots.
The moments run compiled (C printed from the same expressions, :mod:`~ptft_theory.replica.compiled`) when a
C compiler is present, else on numpy (``PTFT_NO_C=1`` forces numpy); both agree to ~1e-12.

Conventions: the error is relative, ``E = E[(eta - beta*)^2] / E[beta*^2]`` (test MSE of isotropic
inputs over the signal power).  ``sigma`` is the noise level of the state evolution: for data
``y = X beta + sigma_y xi`` with X rows ~ N(0, I_D) (:func:`ptft_theory.sample_data`), ``sigma =
sigma_y / sqrt(N_FT)``.  For ``alpha >= 1`` without noise the interpolator is beta* (E = 0); with
noise GF goes to least squares (kernel ``least_squares_mse``).  ``dps=`` evaluates the same
expressions with mpmath (:mod:`~ptft_theory.replica.mp`).

The package, one job per module (imports only point down this list):

- ``classes``: the coordinate-class model (one record for every precision), input checks;
- ``prox``: the float64 proximal map;  ``moments``: the one moment interface;
- ``compiled``: the C library (build, cache, load);  ``hermite``: Gauss-Hermite moments (C or numpy);
- ``fixed_point``: the fixed point at one alpha;  ``panels``: float64 panels in the mirror variable;
- ``limits``: closed forms (alpha at/above the non-frozen fraction, the Donoho-Tanner threshold);
- ``rich_limits``: weighted-l1 and mixed-limit recovery thresholds (derivations/06_rich_limits.md);
- ``lazy_limits``: weighted minimum-norm l2 and frozen-coordinate errors (derivations/08_lazy_limits.md);
- ``curve``: curves over alpha (warm starts, node doubling, recovery);  ``result``: result types;
- ``mp_moments``, ``mp``: the mpmath path;  ``api``: :func:`generalization_error`, :func:`error_sweep`;
- ``boundary_root``: the boundary root finder;  ``boundaries``, ``boundary_curve``: alpha where E crosses a
  level or two settings tie;  (the regime boundaries in (c_PT, lambda_PT) are a floor up: ``ptft_theory.regime_boundaries``);
- ``certify``, ``certify_point``: ball-arithmetic proofs (``certify=True``).
"""

from ..errors import ReplicaError
from .api import SWEEP_PARAMETERS, error_sweep, generalization_error
from .boundaries import equal_error_alpha, level_crossing_alpha
from .boundary_curve import BoundaryCurve, BoundaryKind, boundary_curve
from .boundary_root import BoundaryResult
from .classes import ALPHA_MIN, CLASS_NAMES, K_MAX, ClassModel, CoordinateClass, coordinate_classes
from .hermite import QUAD_NODES
from .lazy_limits import LazyLimit, lazy_limit_error
from .limits import rich_limit_threshold
from .rich_limits import mixed_limit_alphas, pair_tasks, rich_limit_alphas, weight_ratio, weighted_l1_threshold
from .result import HighPrecisionResult, ReplicaResult

__all__ = [
    "LazyLimit",
    "lazy_limit_error",
    "mixed_limit_alphas",
    "pair_tasks",
    "rich_limit_alphas",
    "weight_ratio",
    "weighted_l1_threshold",
    "ALPHA_MIN",
    "BoundaryCurve",
    "BoundaryKind",
    "BoundaryResult",
    "CLASS_NAMES",
    "ClassModel",
    "CoordinateClass",
    "HighPrecisionResult",
    "K_MAX",
    "QUAD_NODES",
    "ReplicaError",
    "ReplicaResult",
    "SWEEP_PARAMETERS",
    "boundary_curve",
    "coordinate_classes",
    "equal_error_alpha",
    "error_sweep",
    "generalization_error",
    "level_crossing_alpha",
    "rich_limit_threshold",
]
