"""Point kinds of the figure "How much pretraining data is enough" (:mod:`.finite_pt_figure`), run by
:func:`ptft_theory.experiments.points.evaluate_point`: ``two_stage_curve`` (two-stage replica over an
alpha grid at one alpha_PT; None = perfect PT) and ``two_stage_sim`` (one seed: one PT solve on
N_PT samples, then the FT error at every alpha of the cut).
"""

from __future__ import annotations

import numpy as np

from ..config import Init, Task


def two_stage_curve(cfg: dict) -> dict:
    """Replica FT error (and the PT error) on ``cfg["alphas"]`` at ``cfg["alpha_pt"]`` (None: perfect PT)."""
    from ..replica import generalization_error
    try:
        r = generalization_error(np.asarray(cfg["alphas"], float), Task(**cfg["task"]), Init(**cfg["init"]),
                                 scheme=cfg["scheme"], alpha_pt=cfg["alpha_pt"])
    except (ValueError, RuntimeError, ArithmeticError) as e:
        return {"E": None, "E_pt": None, "error": f"{type(e).__name__}: {e}"}
    return {"E": [float(x) for x in r.E], "E_pt": float(getattr(r, "E_pt", 0.0))}


def two_stage_sim(cfg: dict) -> dict:
    """One seed of the cut: teachers and PT data at ``alpha_pt``, PT end point, then the FT error at
    every alpha of ``cfg["alphas"]`` (FT data of each alpha drawn from the same seed)."""
    from ..scales import ft_scales
    from ..solver import implicit_bias_solution
    from ..simulate import relative_error, sample_data
    from ..simulate import draw_data, pt_end_point
    task, init = Task(**cfg["task"]), Init(**cfg["init"])
    D, seed = int(cfg["D"]), int(cfg["seed"])
    T, (Xp, yp), _ = draw_data(D, task, cfg["alpha_pt"], 1.0, seed=seed)
    bpt = pt_end_point(Xp, yp, init.c_pt)
    k, b0 = ft_scales(bpt, init.c_pt, init.lambda_pt, init.gamma_ft, cfg["scheme"])
    out = []
    for i, a in enumerate(cfg["alphas"]):
        X, y = sample_data(max(1, int(round(a * D))), T.beta_ft, seed=[seed, D, 7, i])
        out.append(float(relative_error(implicit_bias_solution(X, y, k, b0), T.beta_ft)))
    return {"E": out, "E_pt": float(relative_error(bpt, T.beta_pt))}
