"""Direct simulation of finite pretraining (docs/design.md section 3.1): what the two-stage replica
(:mod:`ptft_theory.replica.two_stage`) predicts, computed on one draw.

Convex path (:func:`two_stage_convex`): teachers (:func:`ptft_theory.make_teachers`), PT data
``N_PT = round(alpha_pt D)`` samples with label noise ``sigma_y_pt``, PT end point = the min-``Q_c``
interpolator from 0 (``implicit_bias_solution(X_pt, y_pt, k=c_pt)``; least squares when
``N_PT > D``, where gradient flow goes with noise), then ``(k, b0) = ft_scales(beta_hat_pt)``, FT
data and the FT end point ``implicit_bias_solution(X_ft, y_ft, k, b0)``.

Gradient-flow path (:func:`two_stage_gradient_flow`): the same draw through
:func:`ptft_theory.simulate_gradient_flow` on the real PT data (rung 2 of the validation ladder:
it must match the convex path).

Seeds: one ``np.random.SeedSequence([seed, D])`` spawned into (teachers, PT data, FT data), so the
two paths, and every alpha of one seed, see the same draws.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import _validate as V
from ..config import DEFAULT_SCHEME, Init, Task, as_scheme
from ..errors import ParameterError
from ..scales import ft_scales
from ..solver import implicit_bias_solution
from .tasks import make_teachers, relative_error, sample_data


@dataclasses.dataclass(frozen=True)
class TwoStageDraw:
    """One simulated draw: relative PT and FT errors and the end points."""

    E_pt: float
    E: float
    beta_pt: np.ndarray
    beta_ft: np.ndarray

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict of the fields."""
        from ..results import plain
        return plain(dataclasses.asdict(self))


def draw_data(D: int, task: Task, alpha_pt: float, alpha: float, sigma_y_pt: float = 0.0, sigma_y: float = 0.0,
              seed=0):
    """``(teachers, (X_pt, y_pt), (X_ft, y_ft))`` of one seeded draw; N = round(alpha D) (>= 1)."""
    D = V.positive_int("D", D)
    alpha_pt, alpha = V.positive("alpha_pt", alpha_pt), V.positive("alpha", alpha)
    n_pt, n_ft = int(round(alpha_pt * D)), int(round(alpha * D))
    if n_pt < 1 or n_ft < 1:
        raise ParameterError(f"alpha_pt={alpha_pt!r}, alpha={alpha!r} give no sample at D={D}; valid range: "
                             "alpha_pt * D >= 0.5 and alpha * D >= 0.5")
    ss = np.random.SeedSequence([V.seed("seed", seed), D]).spawn(3)
    T = make_teachers(task, D, ss[0])
    return T, sample_data(n_pt, T.beta_pt, sigma_y_pt, seed=ss[1]), sample_data(n_ft, T.beta_ft, sigma_y, seed=ss[2])


def pt_end_point(X, y, c_pt):
    """Where PT gradient flow from 0 goes: the min-Q_c interpolator, or least squares when N > D."""
    if X.shape[0] > X.shape[1]:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    return implicit_bias_solution(X, y, np.full(X.shape[1], float(c_pt)))


def ft_end_point(X, y, k, b0):
    """Where FT gradient flow goes from the scales ``k`` and start ``b0``: the minimiser of the Bregman
    divergence of Q_k from ``b0`` among interpolators, or least squares when N > D."""
    if X.shape[0] > X.shape[1]:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    return implicit_bias_solution(X, y, k, b0)


def two_stage_convex(D: int, task: Task, init: Init, scheme=DEFAULT_SCHEME, *, alpha_pt: float, alpha: float,
                     sigma_y_pt: float = 0.0, sigma_y: float = 0.0, seed=0) -> TwoStageDraw:
    """One draw of the convex path (module docstring)."""
    scheme = as_scheme(scheme)
    T, (Xp, yp), (Xf, yf) = draw_data(D, task, alpha_pt, alpha, sigma_y_pt, sigma_y, seed)
    bpt = pt_end_point(Xp, yp, init.c_pt)
    k, b0 = ft_scales(bpt, init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    bft = ft_end_point(Xf, yf, k, b0)
    return TwoStageDraw(E_pt=float(relative_error(bpt, T.beta_pt)), E=float(relative_error(bft, T.beta_ft)),
                        beta_pt=bpt, beta_ft=bft)


def two_stage_gradient_flow(D: int, task: Task, init: Init, scheme=DEFAULT_SCHEME, *, alpha_pt: float, alpha: float,
                            sigma_y_pt: float = 0.0, sigma_y: float = 0.0, seed=0, **gf_options) -> TwoStageDraw:
    """The same draw as :func:`two_stage_convex` through gradient flow on the network
    (:func:`ptft_theory.simulate_gradient_flow`, accurate mode unless ``gf_options`` say otherwise)."""
    from .gradient_flow import simulate_gradient_flow
    T, (Xp, yp), (Xf, yf) = draw_data(D, task, alpha_pt, alpha, sigma_y_pt, sigma_y, seed)
    r = simulate_gradient_flow(Xp, yp, Xf, yf, init.c_pt, init.lambda_pt, init.gamma_ft, as_scheme(scheme),
                               **gf_options)
    return TwoStageDraw(E_pt=float(relative_error(r.beta_pt, T.beta_pt)), E=float(relative_error(r.beta_ft, T.beta_ft)),
                        beta_pt=np.asarray(r.beta_pt), beta_ft=np.asarray(r.beta_ft))


def two_stage_cut(D: int, task: Task, init: Init, scheme=DEFAULT_SCHEME, *, alpha_pt: float, alphas,
                  seed=0) -> tuple[float, list[float]]:
    """``(E_pt, [E at each alpha])``: one PT draw and solve at ``alpha_pt`` (teachers and PT data as
    :func:`draw_data` draws them), then the convex FT end point at every alpha of ``alphas``, each on
    its own noiseless FT sample seeded ``[seed, D, 7, i]`` (i the alpha's index), so one alpha's draw
    does not depend on the others."""
    T, (Xp, yp), _ = draw_data(D, task, alpha_pt, 1.0, seed=seed)
    bpt = pt_end_point(Xp, yp, init.c_pt)
    k, b0 = ft_scales(bpt, init.c_pt, init.lambda_pt, init.gamma_ft, as_scheme(scheme))
    E = []
    for i, a in enumerate(alphas):
        X, y = sample_data(max(1, int(round(a * D))), T.beta_ft, seed=[seed, D, 7, i])
        E.append(float(relative_error(ft_end_point(X, y, k, b0), T.beta_ft)))
    return float(relative_error(bpt, T.beta_pt)), E
