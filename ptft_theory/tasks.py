"""Seeded teachers and data (DESIGN.md section 1).

A fraction ``rho_pt`` of the D coordinates carries the PT teacher; the FT teacher lives on
``rho_shared * D`` of those plus ``rho_new * D`` coordinates outside the PT support.  Non-zero
entries are ``+-amp`` with random signs; a shared coordinate's FT sign is independent of its PT sign
unless ``task.shared_signs`` says ``"equal"`` or ``"opposite"``.  Counts are ``round(rho * D)``.

Data rows are iid ``N(0, I_D)`` (unscaled, so ``E[(x . beta)^2] = ||beta||^2``) and
``y = X beta + sigma * xi`` with ``xi ~ N(0, 1)``: ``sigma`` is the per-sample label-noise standard
deviation in the units of y.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _validate as V
from .config import Task

#: Coordinate classes, as stored in :attr:`Teachers.classes`.
UNUSED, PT_ONLY, SHARED, NEW = 0, 1, 2, 3
CLASS_NAMES = {UNUSED: "unused", PT_ONLY: "pt_only", SHARED: "shared", NEW: "new"}


@dataclasses.dataclass(frozen=True)
class Teachers:
    """PT and FT teachers of one draw.

    Attributes:
        beta_pt: (D,) PT teacher.
        beta_ft: (D,) FT teacher.
        classes: (D,) int, one of UNUSED, PT_ONLY, SHARED, NEW.
    """

    beta_pt: np.ndarray
    beta_ft: np.ndarray
    classes: np.ndarray


def class_counts(D: int, task: Task) -> dict[int, int]:
    """Number of coordinates per class for dimension D (``round(rho * D)``)."""
    n_pt = int(round(task.rho_pt * D))
    n_sh = int(round(task.rho_shared * D))
    n_new = int(round(task.rho_new * D))
    return {PT_ONLY: n_pt - n_sh, SHARED: n_sh, NEW: n_new, UNUSED: D - n_pt - n_new}


def make_teachers(D: int, task: Task, seed) -> Teachers:
    """Draw the PT and FT teachers for ``task`` in dimension ``D`` (seeded)."""
    D = V.positive_int("D", D)
    if not isinstance(task, Task):
        raise ValueError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    rng = np.random.default_rng(seed)
    counts = class_counts(D, task)
    n_pt = counts[PT_ONLY] + counts[SHARED]
    perm = rng.permutation(D)
    shared = perm[: counts[SHARED]]
    pt_only = perm[counts[SHARED]: n_pt]
    new = perm[n_pt: n_pt + counts[NEW]]
    classes = np.full(D, UNUSED)
    classes[pt_only], classes[shared], classes[new] = PT_ONLY, SHARED, NEW
    beta_pt = np.zeros(D)
    beta_ft = np.zeros(D)
    signs_pt = rng.choice([-1.0, 1.0], size=D)
    signs_ft = rng.choice([-1.0, 1.0], size=D)
    pt_support = np.concatenate([shared, pt_only])
    beta_pt[pt_support] = task.a_pt * signs_pt[pt_support]
    ft_support = np.concatenate([shared, new])
    beta_ft[ft_support] = task.a_ft * signs_ft[ft_support]
    if task.shared_signs == "equal":
        beta_ft[shared] = task.a_ft * signs_pt[shared]
    elif task.shared_signs == "opposite":
        beta_ft[shared] = -task.a_ft * signs_pt[shared]
    return Teachers(beta_pt=beta_pt, beta_ft=beta_ft, classes=classes)


def sample_data(N: int, beta, sigma: float = 0.0, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (N, D) with iid N(0, 1) entries and ``y = X beta + sigma xi`` (seeded)."""
    N = V.positive_int("N", N)
    beta = V.finite_array("beta", beta, ndim=1)
    sigma = V.nonnegative("sigma", sigma)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, beta.size))
    y = X @ beta + sigma * rng.standard_normal(N)
    return X, y


def relative_error(beta_hat, beta_star) -> np.ndarray:
    """``||beta_hat - beta*||^2 / ||beta*||^2`` along the last axis (the test MSE over signal power)."""
    beta_hat = np.asarray(beta_hat, dtype=float)
    beta_star = np.asarray(beta_star, dtype=float)
    return np.sum((beta_hat - beta_star) ** 2, axis=-1) / np.sum(beta_star**2, axis=-1)
