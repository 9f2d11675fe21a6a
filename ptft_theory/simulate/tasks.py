"""Seeded teachers and data (docs/design.md section 1).

A fraction ``rho_pt`` of the D coordinates carries the PT teacher; the FT teacher lives on
``rho_shared * D`` of those plus ``rho_new * D`` coordinates outside the PT support.  Non-zero
entries are ``+-amp`` with random signs; a shared coordinate's FT sign is independent of its PT sign
unless ``task.shared_signs`` says ``"equal"`` or ``"opposite"``.  Counts are ``rho * D`` allocated by
largest remainder (:func:`class_counts`): they sum to D, and a class the task asks for never gets none.

Data rows are iid ``N(0, I_D)`` (unscaled, so ``E[(x . beta)^2] = ||beta||^2``) and
``y = X beta + sigma * xi`` with ``xi ~ N(0, 1)``: ``sigma`` is the per-sample label-noise standard
deviation in the units of y.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .. import _validate as V
from .._argorder import found_at, legacy_order
from ..config import Task
from ..errors import ParameterError, ParameterTypeError

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

    success = True  #: the result contract's field: a draw that cannot be made raises instead

    @property
    def message(self) -> str:
        n = {CLASS_NAMES[c]: int(np.sum(self.classes == c)) for c in (PT_ONLY, SHARED, NEW, UNUSED)}
        return f"D={self.classes.size}: " + ", ".join(f"{k} {v}" for k, v in n.items())

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict of the fields."""
        from ..results import plain
        return plain({**dataclasses.asdict(self), "success": self.success, "message": self.message})

    def __repr__(self) -> str:  # short: the class counts, not the vectors
        return f"Teachers({self.message}; beta_pt, beta_ft, classes: <arrays ({self.classes.size},)>)"


#: A pt_only or unused class whose fraction of D is at most this counts as not requested (those fractions
#: carry the rounding of rho_pt - rho_shared and 1 - rho_pt - rho_new, e.g. 5.6e-17 for Task(0.7, 0.7, 0.3)).
EMPTY_CLASS_FRACTION = 1e-12
#: Order in which classes with equal remainders receive the leftover coordinates.
_TIE_ORDER = (SHARED, NEW, PT_ONLY, UNUSED)


def class_counts(D: int, task: Task) -> dict[int, int]:
    """Number of coordinates per class for dimension D.

    The class fractions (pt_only ``rho_pt - rho_shared``, shared ``rho_shared``, new ``rho_new``,
    unused ``1 - rho_pt - rho_new``) times D are allocated by the largest-remainder method: every
    class gets the floor of its quota, and the coordinates left over go to the largest remainders
    (ties: shared, new, pt_only, unused).  The counts are non-negative and sum to D; a quota that is
    an integer is met exactly (``D = 1000`` with fractions in 0.001 steps), so then the counts are
    ``rho * D``.

    Raises
    ------
    ParameterError
        A class the task asks for (fraction > 0) gets no coordinate: D is too small for the task.
    """
    D = V.positive_int("D", D)
    if not isinstance(task, Task):
        raise ParameterTypeError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    frac = {PT_ONLY: task.rho_pt - task.rho_shared, SHARED: task.rho_shared, NEW: task.rho_new,
            UNUSED: 1.0 - task.rho_pt - task.rho_new}
    # only the fractions computed by subtraction carry rounding; rho_shared and rho_new are the user's own
    # numbers, so a positive one is a request however small (Task(1e-12, 1e-12, 1e-12) at D = 8 then
    # raises below, as Task(0.1, 0.05, 0.05) does, instead of returning all-zero teachers)
    frac = {c: (f if f > EMPTY_CLASS_FRACTION or c in (SHARED, NEW) else 0.0) for c, f in frac.items()}
    quota = {c: f * D for c, f in frac.items()}
    # round quotas within 1e-9 of an integer to it (0.29 * 100 = 28.999999999999996)
    quota = {c: (round(q) if abs(q - round(q)) <= 1e-9 * max(1.0, q) else q) for c, q in quota.items()}
    counts = {c: int(math.floor(q)) for c, q in quota.items()}
    left = D - sum(counts.values())
    order = sorted(_TIE_ORDER, key=lambda c: (-(quota[c] - counts[c]), _TIE_ORDER.index(c)))
    for c in order[:max(left, 0)]:
        counts[c] += 1
    empty = [CLASS_NAMES[c] for c in _TIE_ORDER if frac[c] > 0 and counts[c] == 0]
    if empty:
        smallest = min(frac[c] for c in _TIE_ORDER if frac[c] > 0 and counts[c] == 0)
        inv = 1.0 / smallest  # inf for a subnormal fraction (5e-324): no D can serve it
        need = f"D >= {math.ceil(inv - 1e-9)} suffices" if math.isfinite(inv) else f"D >= 1/{smallest:.3g}, beyond any array"
        raise ParameterError(
            f"D={D} is invalid for this task: the {' and '.join(empty)} class(es) get no coordinate "
            f"(fractions {', '.join(f'{CLASS_NAMES[c]}={frac[c]:.6g}' for c in _TIE_ORDER)} of D); "
            f"valid range: D large enough that every requested class gets a coordinate ({need})")
    return counts


@legacy_order(("D", "task", "seed"), lambda a, k: not isinstance(a[0], Task) and found_at(a, k, 1, "task", Task))
def make_teachers(task: Task, D: int, seed) -> Teachers:
    """Draw the PT and FT teachers for ``task`` in dimension ``D`` (seeded)."""
    D = V.positive_int("D", D)
    V.fits_memory("D", D, 48 * D, "the teachers (six length-D arrays)")
    if not isinstance(task, Task):
        raise ParameterTypeError(f"task must be a ptft_theory.Task; got {type(task).__name__}")
    rng = np.random.default_rng(V.seed("seed", seed))
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
    V.fits_memory("N", N, 8 * N * beta.size, f"the (N, D = {beta.size}) float64 data")
    sigma = V.nonnegative("sigma", sigma)
    rng = np.random.default_rng(V.seed("seed", seed))
    X = rng.standard_normal((N, beta.size))
    y = X @ beta + sigma * rng.standard_normal(N)
    return X, y


def relative_error(beta_hat, beta_star) -> np.ndarray:
    """``||beta_hat - beta*||^2 / ||beta*||^2`` along the last axis (the test MSE over signal power)."""
    beta_hat = V.finite_array("beta_hat", beta_hat)
    beta_star = V.finite_array("beta_star", beta_star)
    if beta_star.ndim == 0 or beta_hat.shape[-1:] != beta_star.shape[-1:]:
        raise ParameterError(f"beta_hat of shape {beta_hat.shape} and beta_star of shape {beta_star.shape} do not "
                             "match; valid: arrays with the same last axis (D)")
    if np.any(np.sum(beta_star**2, axis=-1) == 0):
        raise ParameterError("beta_star is zero: the relative error is undefined; valid range: ||beta_star|| > 0")
    return np.sum((beta_hat - beta_star) ** 2, axis=-1) / np.sum(beta_star**2, axis=-1)


def mean_se(values) -> tuple[float, float]:
    """Mean and standard error (ddof 1) of a sample of at least two values."""
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(v.size))
