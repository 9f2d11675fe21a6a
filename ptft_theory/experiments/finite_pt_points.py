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
        r = generalization_error(Task(**cfg["task"]), Init(**cfg["init"]), np.asarray(cfg["alphas"], float),
                                 scheme=cfg["scheme"], alpha_pt=cfg["alpha_pt"])
    except (ValueError, RuntimeError, ArithmeticError) as e:
        return {"E": None, "E_pt": None, "error": f"{type(e).__name__}: {e}"}
    return {"E": [float(x) for x in r.E], "E_pt": float(getattr(r, "E_pt", 0.0))}


def two_stage_sim(cfg: dict) -> dict:
    """One seed of the cut: teachers and PT data at ``alpha_pt``, PT end point, then the FT error at
    every alpha of ``cfg["alphas"]`` (FT data of each alpha drawn from the same seed)."""
    from ..simulate import two_stage_cut
    E_pt, E = two_stage_cut(int(cfg["D"]), Task(**cfg["task"]), Init(**cfg["init"]), cfg["scheme"],
                            alpha_pt=cfg["alpha_pt"], alphas=cfg["alphas"], seed=int(cfg["seed"]))
    return {"E": E, "E_pt": E_pt}
