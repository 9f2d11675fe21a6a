"""The public replica functions: :func:`generalization_error` and :func:`error_sweep`.

Conventions: the error is relative, ``E = E[(eta - beta*)^2] / E[beta*^2]`` (test MSE of isotropic
inputs over the signal power).  ``sigma`` is the noise level of the state evolution: for data
``y = X beta + sigma_y xi`` with X rows ~ N(0, I_D) (:func:`ptft_theory.sample_data`), ``sigma =
sigma_y / sqrt(N_FT)``.  For ``alpha >= 1`` without noise the interpolator is beta* (E = 0); with
noise GF goes to least squares (kernel ``least_squares_mse``).  ``dps=`` evaluates the same
expressions with mpmath (:mod:`ptft_theory.replica.mp`); ``certify=True`` proves the answer with
ball arithmetic (:mod:`ptft_theory.replica.certify_point`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Union

import numpy as np

from .. import _validate as V
from .._argorder import found_at, legacy_order
from ..config import DEFAULT_SCHEME, as_scheme
from ..config import Init, Task
from ..errors import ParameterError
from .classes import ALPHA_MIN, check_task_and_inits, coordinate_classes
from .curve import solve_curve
from .hermite import QUAD_NODES
from .result import HighPrecisionResult, ReplicaResult

if TYPE_CHECKING:  # the certified result type (certify=True); imported lazily at run time
    from .certify_point import CertifiedPoint

#: What :func:`generalization_error` returns: float64 by default, ``dps=`` the mpmath result,
#: ``certify=True`` a certified point (scalar alpha) or a tuple of them.
ErrorResult = Union[ReplicaResult, HighPrecisionResult, "CertifiedPoint", "tuple[CertifiedPoint, ...]"]


@legacy_order(("alpha", "task", "init", "scheme", "sigma"),
              lambda a, k: not isinstance(a[0], Task) and found_at(a, k, 1, "task", Task))
def generalization_error(task: Task, init: Init, alpha, scheme=DEFAULT_SCHEME, sigma: float = 0.0, *,
                         alpha_pt=None, sigma_pt: float = 0.0, dps=None, n_nodes: int = QUAD_NODES,
                         certify: bool = False) -> ErrorResult:
    """Replica prediction of the relative FT error at sample ratio(s) ``alpha = N_FT / D``.

    Parameters
    ----------
    alpha : float or array_like
        Sample ratios, >= ALPHA_MIN (1e-100).  Solved in increasing order with warm starts.
    task : Task
    init : Init
    scheme : {"readout", "merged"}
    sigma : float
        State-evolution noise level (``sigma_y / sqrt(N_FT)``, see module docstring); >= 0.
    dps : int, optional
        Evaluate with mpmath at ``dps`` digits (:mod:`ptft_theory.replica.mp`); returns a
        ``HighPrecisionResult`` whose ``E`` holds ``mpf`` values and ``error`` an error estimate.
        For ``alpha >= 1`` (every coordinate free to move): E = 0 without noise; with noise, GF goes
        to least squares, ``E = sigma^2 alpha / ((alpha - 1) E[beta*^2])`` (alpha = 1 raises).
    alpha_pt : float, optional
        Pretraining on ``alpha_pt * D`` samples (docs/design.md section 3.1; :mod:`ptft_theory.replica.two_stage`):
        PT learned ``beta_hat_pt = eta_pt(beta*_pt + tau_pt z1)`` and FT averages over z1.  Returns a
        ``TwoStageResult`` that also carries ``E_pt``, ``tau_pt``, ``zeta_pt``.  None (default): PT
        learned its teacher exactly (the paper), bit for bit the answer without this argument.
    sigma_pt : float
        PT state-evolution noise (``sigma_y_pt / sqrt(N_PT)``), >= 0; only with ``alpha_pt``.
    n_nodes : int
        Gauss-Hermite nodes (the error estimate uses twice as many).
    certify : bool
        Prove the answer with ball arithmetic (:func:`ptft_theory.replica.certify_point.certified_point`,
        ``dps`` default 30): returns a ``CertifiedPoint`` (scalar alpha) or a tuple of them, each with E as an
        interval of relative width <= 10^-dps and the (tau, zeta) box holding the unique fixed point;
        ``CertificationError`` when the proof fails (it says what to raise).

    Returns
    -------
    ReplicaResult, HighPrecisionResult (``dps=``) or CertifiedPoint / tuple of them (``certify=True``)
        ``np.asarray(result)`` is E per alpha (float64 and ``dps=``); ``result.backend`` and
        ``result.rule`` say which path and quadrature ran.

    Raises
    ------
    ParameterError
        Bad input (a ValueError).
    InfeasibleError
        alpha above the fraction of non-frozen coordinates while they carry signal (no interpolator).
    ReplicaError
        The fixed point or the quadrature did not converge.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> r = generalization_error(Task(0.1, 0.05, 0.05), Init(1e6), [0.3, 0.6])   # lazy: E = 1 - alpha
    >>> np.round(np.asarray(r), 6)
    array([0.7, 0.4])
    """
    check_task_and_inits(task, init)
    certify = V.boolean("certify", certify)
    scheme = as_scheme(scheme)
    sigma = V.nonnegative("sigma", sigma)
    if sigma > 1e100:  # sigma^2 and E ~ sigma^2 / signal power stay finite in float64 (1e140 overflowed)
        raise V.ParameterError(f"sigma={sigma!r} is invalid; valid range: 0 <= sigma <= 1e100")
    n_nodes = V.positive_int("n_nodes", n_nodes)
    alphas = np.atleast_1d(V.finite_array("alpha", alpha)).astype(float)
    if alphas.ndim != 1 or alphas.size == 0 or np.any(alphas < ALPHA_MIN):
        raise ParameterError(f"alpha={alpha!r} is invalid; valid range: alpha >= {ALPHA_MIN:g} (a scalar or non-empty "
                             "1-D array; E = 1 to double precision long before)")
    if alpha_pt is not None or sigma_pt != 0.0:  # finite PT data: the two-stage replica (two_stage.py)
        from .two_stage import check_alpha_pt, two_stage_error
        if alpha_pt is None:
            raise ParameterError(f"sigma_pt={sigma_pt!r} needs alpha_pt; valid: sigma_pt = 0 when alpha_pt is None")
        alpha_pt, sigma_pt = check_alpha_pt(alpha_pt, sigma_pt)
        if dps is not None or certify:
            raise ParameterError(f"{'dps' if dps is not None else 'certify'} is not supported with alpha_pt "
                                 "(the two-stage replica is float64 only); valid: dps=None, certify=False")
        return two_stage_error(alphas, task, init, scheme, sigma, alpha_pt=alpha_pt, sigma_pt=sigma_pt,
                               n_nodes=n_nodes)
    if certify:  # ball-arithmetic proof (certify_point.py)
        from .certify_point import certified_point
        pts = tuple(certified_point(a, task, init, scheme, sigma, 30 if dps is None else dps) for a in alphas)
        return pts[0] if np.ndim(alpha) == 0 else pts
    if dps is not None:  # mpmath path: same generated kernels at dps digits (mp.py)
        from .mp import generalization_error_mp
        return generalization_error_mp(alphas, task, init, scheme, sigma, V.dps("dps", dps), n_nodes)
    return solve_curve(coordinate_classes(task, init, scheme), alphas, sigma, n_nodes)[0]


SWEEP_PARAMETERS = ("c_pt", "lambda_pt", "gamma_ft", "alpha_pt")


@legacy_order(("param", "values", "alpha", "task", "init", "scheme", "sigma"), lambda a, k: isinstance(a[0], str))
def error_sweep(task: Task, init: Init, param: str, values, alpha, scheme=DEFAULT_SCHEME, sigma: float = 0.0, *,
                n_nodes: int = QUAD_NODES, sigma_pt: float = 0.0) -> list[ReplicaResult]:
    """Replica error over a grid of one initialisation parameter (and an alpha grid), warm-started
    along the parameter: ``[generalization_error(task, replace(init, param=v), alpha) for v in values]``
    computed faster.

    Parameters
    ----------
    param : {"c_pt", "lambda_pt", "gamma_ft", "alpha_pt"}
    values : array_like
        The parameter values, in the order to solve them (a monotone grid warm-starts best).  Each
        must give a valid :class:`Init` with the other fields of ``init``; for ``"alpha_pt"`` (finite
        PT data, :func:`ptft_theory.replica.two_stage.alpha_pt_sweep`, PT noise ``sigma_pt``) each is an
        ``alpha_pt`` of :func:`generalization_error`.
    task, init, alpha, scheme, sigma, n_nodes : as in :func:`generalization_error`.

    Returns
    -------
    list of ReplicaResult, one per value.

    Examples
    --------
    >>> from ptft_theory import Init, Task
    >>> rs = error_sweep(Task(0.1, 0.05, 0.05), Init(1e-2), "gamma_ft", [0.0, 0.5, 1.0], 0.3)
    >>> [round(float(r), 4) for r in rs]
    [0.3388, 0.4322, 0.5109]
    """
    if param not in SWEEP_PARAMETERS:
        raise ParameterError(f"param={param!r} is invalid; valid: {', '.join(SWEEP_PARAMETERS)}")
    if param == "alpha_pt":
        from .two_stage import alpha_pt_sweep
        return alpha_pt_sweep(values, alpha, task, init, scheme, sigma, sigma_pt=sigma_pt, n_nodes=n_nodes)
    if sigma_pt != 0.0:
        raise ParameterError(f"sigma_pt={sigma_pt!r} needs param='alpha_pt'; valid: sigma_pt = 0 otherwise")
    check_task_and_inits(task, init)
    vals = np.atleast_1d(V.finite_array("values", values)).astype(float)
    if vals.ndim != 1 or vals.size == 0:
        raise ParameterError(f"values={values!r} is invalid; valid range: a non-empty scalar or 1-D array")
    try:
        inits = [dataclasses.replace(init, **{param: float(v)}) for v in vals]  # validates each Init
    except ParameterError as e:
        raise ParameterError(f"values: {e}") from None
    first = generalization_error(task, inits[0], alpha, scheme, sigma, n_nodes=n_nodes)
    out = [first]
    for ini in inits[1:]:
        prev = out[-1]
        solved = np.flatnonzero(prev.zeta > 0)
        start = None
        if solved.size:
            j = solved[np.argmin(prev.alpha[solved])]
            start = (float(prev.alpha[j]), float(prev.tau[j]), float(prev.zeta[j]))
        out.append(solve_curve(coordinate_classes(task, ini, as_scheme(scheme)), first.alpha, sigma, n_nodes,
                                start)[0])
    return out
