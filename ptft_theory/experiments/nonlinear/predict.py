"""Pre-registered predictions of the nonlinear studies, derived from the diagonal theory.

For each study config, each FT task type, each lever (and kappa arm) and each pair of adjacent lever
values ``(low, high)``, the replica prediction (:func:`ptft_theory.generalization_error`, scheme
``merged``) of ``E(high) - E(low)`` on the diagonal model matched to the study:

* **Task statistics** from the feature sets (:func:`task_of`): ``teacher``: ``D = d`` coordinates (the
  orthonormal feature directions), ``rho_pt = n_pt_features / d``; subset ``rho_shared = n_subset / d``;
  same ``rho_shared = rho_pt``; new ``rho_new = n_new / d``; mix ``rho_shared = rho_new = n_subset / d``
  (the subset's PT features plus as many new ones).  ``fashion``: ``D`` = the 10 classes,
  ``rho_pt = n_pt_classes / 10``; subset ``rho_shared = 2 / 10``; same ``rho_shared = rho_pt``; new
  ``rho_new = 2 / 10``.
* **Levers** (:func:`diagonal_init`; ``c0`` the diagonal ``c`` of the base network, whose per-unit
  first-layer and readout scales are equal, ``lambda = 0``): ``c`` multiplies every weight, so
  ``u^2 + v^2`` by ``c^2``: ``c_pt = c0 c^2``; kappa ``init`` multiplies ``u`` by kappa:
  ``c_pt = c0 c^2 (kappa^2 + 1)/2``, ``lambda_pt = c0 c^2 (kappa^2 - 1)/2``; the FT readout re-init
  has the base readout's scale times gamma: ``gamma_ft = gamma sqrt(c0 / 2)``; kappa ``rebalance``
  (FT first layer ``u_m -> kappa u_m``, readout ``gamma -> gamma / kappa``) gives the merged FT scale
  ``k = kappa^2 (1 + lambda/c)(c + sqrt(c^2 + beta_pt^2)) + gamma^2 / kappa^2``, which is exactly the
  ``k`` of ``Init(c_pt, c_pt((1 + lambda/c) kappa^2 - 1), gamma / kappa)`` (valid while
  ``(1 + lambda/c) kappa^2 <= 2``).
* **Not identified** by the network: ``c0`` and the effective ``alpha = n_FT / D_eff``.  Both are
  scanned over the config's ``[theory]`` grids; ``predicted_sign`` is +1 / -1 only where every grid
  point with a non-negligible difference (``|dE| > 1e-3 max E``) gives that sign, else 0 (the theory
  predicts nothing robust).  The same sign is used for every ``n_FT``.

The four regimes: the mean error over the ``alpha`` grid of each regime representative, per ``c0``
and task type; the predicted best is the regime best at every ``c0`` (else empty).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ...config import Init, Task
from ...errors import ParameterError
from .design import REGIMES, lever_points, regime_point

PRED_COLUMNS = ("study", "task_type", "lever", "arm", "low", "high", "predicted_sign", "n_grid", "n_plus", "n_minus",
                "min_rel_diff", "max_rel_diff", "rho_pt", "rho_shared", "rho_new")
REGIME_PRED_COLUMNS = ("study", "task_type", "c0", "regime", "mean_error", "rank", "theory_regime",
                       "predicted_best")
#: A difference below this fraction of the larger error counts as no difference (replica accuracy ~1e-8).
NEGLIGIBLE = 1e-3


def task_of(cfg, task_type: str) -> Task:
    """The diagonal model's task statistics matched to a study's FT task type (module docstring)."""
    p = cfg["protocol"]
    if cfg["study"] == "teacher":
        D, n_pt, n_sub, n_new = p.d, p.n_pt_features, p.n_subset, p.n_new
    else:
        D, n_pt, n_sub, n_new = 10, p.n_pt_classes, 2, 2
    rho_pt = n_pt / D
    if task_type == "mix" and cfg["study"] != "teacher":
        raise ParameterError(f"task_type='mix' is invalid for study {cfg['study']!r}; valid: the teacher study")
    shared, new = {"subset": (n_sub / D, 0.0), "same": (rho_pt, 0.0), "new": (0.0, n_new / D),
                   "mix": (n_sub / D, n_sub / D)}[task_type]
    return Task(rho_pt, shared, new)


def diagonal_init(c0: float, c: float, kappa_init: float, kappa_rebalance: float, gamma: float) -> Init:
    """The diagonal model's (c_pt, lambda_pt, gamma_ft) of a network lever point (module docstring)."""
    cc = c0 * c * c * (kappa_init ** 2 + 1) / 2
    lam = c0 * c * c * (kappa_init ** 2 - 1) / 2
    g = gamma * math.sqrt(c0 / 2)
    if kappa_rebalance != 1.0:
        lam = cc * ((1 + lam / cc) * kappa_rebalance ** 2 - 1)
        g = g / kappa_rebalance
    return Init(cc, lam, g)


def _errors(task, init, alphas) -> np.ndarray:
    from ...replica import generalization_error  # noqa: PLC0415
    return np.asarray(generalization_error(task, init, np.asarray(alphas, dtype=float)), dtype=float)


def lever_predictions(cfg) -> list[dict]:
    """One row per (task type, lever, arm, adjacent value pair): the predicted sign and its support."""
    th = cfg["theory"]
    rows = []
    groups: dict[tuple, list] = {}
    for lever, value, arm, pt in lever_points(cfg):
        groups.setdefault((lever, arm), []).append((value, pt))
    for t in cfg["task_types"]:
        task = task_of(cfg, t)
        for (lever, arm), vals in groups.items():
            vals = sorted(vals)
            for (lo, plo), (hi, phi) in zip(vals[:-1], vals[1:]):
                diffs = []
                for c0 in th["c0"]:
                    e_lo, e_hi = _errors(task, diagonal_init(c0, *plo), th["alpha"]), \
                        _errors(task, diagonal_init(c0, *phi), th["alpha"])
                    diffs += list((e_hi - e_lo) / np.maximum(np.maximum(e_hi, e_lo), 1e-300))
                d = np.array(diffs)
                big = np.abs(d) > NEGLIGIBLE
                n_plus, n_minus = int(np.sum(d[big] > 0)), int(np.sum(d[big] < 0))
                sign = 1 if n_plus and not n_minus else (-1 if n_minus and not n_plus else 0)
                rows.append({"study": cfg["study"], "task_type": t, "lever": lever, "arm": arm, "low": lo, "high": hi,
                             "predicted_sign": sign, "n_grid": len(d), "n_plus": n_plus, "n_minus": n_minus,
                             "min_rel_diff": float(d.min()), "max_rel_diff": float(d.max()),
                             "rho_pt": task.rho_pt, "rho_shared": task.rho_shared, "rho_new": task.rho_new})
    return rows


def regime_predictions(cfg) -> list[dict]:
    """Mean error over the alpha grid of each regime representative, per (task type, c0), with ranks."""
    from ...regime import regime  # noqa: PLC0415
    th = cfg["theory"]
    rows = []
    for t in cfg["task_types"]:
        task = task_of(cfg, t)
        per_c0 = {}
        for c0 in th["c0"]:
            errs = {}
            for r in REGIMES:
                init = diagonal_init(c0, *regime_point(cfg, r))
                errs[r] = (float(np.mean(_errors(task, init, th["alpha"]))), regime(task, init).regime)
            per_c0[c0] = errs
        bests = {min(e, key=lambda r: e[r][0]) for e in per_c0.values()}
        best = bests.pop() if len(bests) == 1 else ""
        for c0, errs in per_c0.items():
            order = sorted(REGIMES, key=lambda r: errs[r][0])
            for r in REGIMES:
                rows.append({"study": cfg["study"], "task_type": t, "c0": c0, "regime": r, "mean_error": errs[r][0],
                             "rank": order.index(r) + 1, "theory_regime": str(getattr(errs[r][1], "value", errs[r][1])),
                             "predicted_best": best})
    return rows


def write_predictions(folder, cfgs) -> list[Path]:
    """``predictions.csv`` and ``regime_predictions.csv`` of the study configs ``cfgs`` in ``folder``."""
    from ...fileio import write_csv_atomic  # noqa: PLC0415
    preds = [r for c in cfgs for r in lever_predictions(c)]
    regs = [r for c in cfgs for r in regime_predictions(c)]
    folder = Path(folder)
    return [write_csv_atomic(folder / "predictions.csv", PRED_COLUMNS, preds),
            write_csv_atomic(folder / "regime_predictions.csv", REGIME_PRED_COLUMNS, regs)]
