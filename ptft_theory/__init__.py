"""ptft-theory: how pretraining shapes the inductive bias of fine-tuning (arXiv 2602.20062).

Conventions (docs/design.md section 1): a two-layer diagonal linear network ``beta = u+ v+ - u- v-``,
PT initialisation ``u^2 + v^2 = c_pt``, ``u^2 - v^2 = lambda_pt``; after PT the readouts are
re-initialised to ``gamma_ft`` (scheme ``"merged"``, the default and the paper's network, sets both
branches' first layers to their sum; ``"readout"`` keeps each branch's own) and the whole network is
fine-tuned.  Gradient flow then converges to the
minimiser of a Bregman divergence of the hyperbolic-entropy potential ``Q_k`` with per-coordinate
scale ``k`` set by what PT learned.

Every formula is a sympy expression in :mod:`ptft_theory.symbolic`; numeric kernels are generated
from it (:mod:`ptft_theory.codegen`).  The layout, one stage per folder: ``symbolic/`` -> ``codegen/``
-> ``kernels/`` -> ``scales``, ``solver``, ``regime``, ``simulate/`` -> ``replica/`` ->
``experiments/`` -> ``cli/``.
"""

from .advisor import Advice, best_init
from .replica import (BoundaryCurve, BoundaryKind, BoundaryResult, boundary_curve, equal_error_alpha,
                      level_crossing_alpha)
from .regime_boundaries import RegimeBoundaryCurve, regime_boundary
from .config import DEFAULT_SCHEME, Init, Scheme, Task
from .errors import MissingExtraError, ParameterError, ParameterTypeError, PTFTError
from .regime import DEFAULT_THRESHOLDS, Regime, RegimeResult, Thresholds, regime
from .replica import (HighPrecisionResult, ReplicaError, ReplicaResult, error_sweep, generalization_error,
                      mixed_limit_alphas, rich_limit_alphas, rich_limit_threshold, weighted_l1_threshold)
from .scales import ft_scales
from .simulate import AccurateOptions, GDOptions, GFResult, Mode, SimulationError, simulate_gradient_flow
from .solver import ConvergenceError, InfeasibleError, SolverResult, implicit_bias_solution, implicit_bias_solve
from .simulate import Teachers, make_teachers, relative_error, sample_data
from .trajectory import coordinate_trajectory, escape_time, ft_trajectory, pt_trajectory, time_to_reach

__version__ = "0.1.0"

__all__ = [
    "Advice",
    "AccurateOptions",
    "BoundaryCurve",
    "BoundaryKind",
    "BoundaryResult",
    "DEFAULT_SCHEME",
    "DEFAULT_THRESHOLDS",
    "ConvergenceError",
    "GDOptions",
    "GFResult",
    "HighPrecisionResult",
    "InfeasibleError",
    "Init",
    "Mode",
    "MissingExtraError",
    "PTFTError",
    "ParameterError",
    "ParameterTypeError",
    "Regime",
    "RegimeResult",
    "ReplicaError",
    "ReplicaResult",
    "Scheme",
    "SimulationError",
    "SolverResult",
    "Task",
    "Teachers",
    "Thresholds",
    "best_init",
    "coordinate_trajectory",
    "escape_time",
    "ft_trajectory",
    "pt_trajectory",
    "time_to_reach",
    "boundary_curve",
    "RegimeBoundaryCurve",
    "regime_boundary",
    "equal_error_alpha",
    "error_sweep",
    "ft_scales",
    "generalization_error",
    "implicit_bias_solution",
    "implicit_bias_solve",
    "level_crossing_alpha",
    "make_teachers",
    "regime",
    "relative_error",
    "rich_limit_threshold",
    "rich_limit_alphas",
    "mixed_limit_alphas",
    "weighted_l1_threshold",
    "sample_data",
    "simulate_gradient_flow",
]
