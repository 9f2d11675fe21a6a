"""PT and FT tasks with a known overlap with what PT learned: ``subset``, ``same``, ``new``.

``teacher`` (synthetic): inputs ``x ~ N(0, I_d)``; the feature dictionary is ``relu(e_j . x)``,
``j = 1..d``, for a random orthonormal frame ``e`` (so distinct features use orthogonal input
directions: the nonlinear analogue of the diagonal model's coordinates, ``D = d``).  PT target:
``sum_{j in S_PT} a_j relu(e_j . x)`` with ``|S_PT| = n_pt_features`` and random signs
``a_j = +-1/sqrt(|S_PT|)``.  FT targets, fresh random signs (independent of PT's, as the diagonal
model's default), unit mean-square coefficients:

* ``subset``: the first ``n_subset`` features of ``S_PT``   (rho_shared = n_subset / d, rho_new = 0);
* ``same``: all of ``S_PT``                                 (rho_shared = rho_pt, rho_new = 0);
* ``new``: ``n_new`` features outside ``S_PT``              (rho_shared = 0, rho_new = n_new / d);
* ``mix``: the ``subset`` features and ``n_subset`` features outside ``S_PT`` (rho_shared = rho_new =
  n_subset / d; teacher only).

``fashion`` (Fashion-MNIST, 2x2-averaged to 14 x 14, standardised): per seed a class permutation;
PT regresses one-hot labels of the first ``n_pt_classes`` classes; FT is a binary task (+-1 labels):

* ``subset``: two of the PT classes; ``same``: the PT classes split in two halves (a new grouping of
  all PT classes, new head); ``new``: two held-out classes.

Every draw takes a seed derived from (study, seed, task type): the data, and so the pairing, do not
depend on the levers.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from ...errors import ParameterError
from ..hashing import derive_seed

TASK_TYPES = ("subset", "same", "new", "mix")


@dataclasses.dataclass(frozen=True)
class Split:
    """Inputs (rows) and targets (rows; one column for FT) of one split."""

    x: np.ndarray
    y: np.ndarray


def _rng(*parts) -> np.random.Generator:
    return np.random.default_rng(derive_seed({"purpose": "nonlinear", "parts": list(parts)}))


# ------------------------------------------------------------------------------------ teacher
def teacher_frame(p, seed: int):
    """(orthonormal frame e (d x d, columns), S_PT, the features outside S_PT) for this seed."""
    rng = _rng("teacher-frame", seed, p.d)
    q, _ = np.linalg.qr(rng.standard_normal((p.d, p.d)))
    perm = rng.permutation(p.d)
    return q, perm[:p.n_pt_features], perm[p.n_pt_features:]


def _teacher_split(e, idx, coef, n, rng):
    x = rng.standard_normal((n, e.shape[0]))
    y = np.maximum(x @ e[:, idx], 0.0) @ coef
    return Split(x, y[:, None])


def teacher_pt(p, seed: int) -> Split:
    e, s_pt, _ = teacher_frame(p, seed)
    rng = _rng("teacher-pt", seed)
    coef = rng.choice([-1.0, 1.0], size=len(s_pt)) / np.sqrt(len(s_pt))
    return _teacher_split(e, s_pt, coef, p.n_pt, rng)


def teacher_ft_features(p, seed: int, task_type: str) -> np.ndarray:
    """Indices (into the frame) of the features an FT task uses."""
    _, s_pt, rest = teacher_frame(p, seed)
    if task_type == "subset":
        return s_pt[:p.n_subset]
    if task_type == "same":
        return s_pt
    if task_type == "new":
        return rest[:p.n_new]
    if task_type == "mix":
        if p.n_subset > len(rest):
            raise ParameterError(f"n_subset={p.n_subset} is invalid for the mix task; valid: <= d - n_pt_features "
                                 f"= {len(rest)}")
        return np.concatenate([s_pt[:p.n_subset], rest[:p.n_subset]])
    raise ParameterError(f"task_type={task_type!r} is invalid; valid: {', '.join(TASK_TYPES)}")


def teacher_ft(p, seed: int, task_type: str, n_pool: int) -> tuple[Split, Split]:
    """(FT train pool of ``n_pool`` rows, nested in n_ft; FT test set)."""
    e, _, _ = teacher_frame(p, seed)
    idx = teacher_ft_features(p, seed, task_type)
    coef = _rng("teacher-coef", seed, task_type).choice([-1.0, 1.0], size=len(idx)) / np.sqrt(len(idx))
    return (_teacher_split(e, idx, coef, n_pool, _rng("teacher-ft", seed, task_type)),  # nested in n_pool
            _teacher_split(e, idx, coef, p.n_test, _rng("teacher-test", seed, task_type)))


# ------------------------------------------------------------------------------------ fashion
@functools.lru_cache(maxsize=1)
def fashion_arrays(root: str | None):
    """Fashion-MNIST (train, test) as (x float32 N x 196, labels), 2x2-averaged and standardised."""
    from ..resnet.data import FASHION_MNIST_DEFAULT_ROOT, load_fashion_mnist  # noqa: PLC0415
    train, test = load_fashion_mnist(root or FASHION_MNIST_DEFAULT_ROOT)
    out = []
    for s in (train, test):
        x = s.images[:, 0].astype(np.float32) / 255.0
        x = x.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(len(x), -1)
        out.append([x, s.labels])
    mu, sd = out[0][0].mean(), out[0][0].std()
    return tuple((((x - mu) / sd).astype(np.float32), y) for x, y in out)


def fashion_classes(p, seed: int):
    """(PT classes, held-out classes) for this seed."""
    perm = _rng("fashion-classes", seed).permutation(10)
    return perm[:p.n_pt_classes], perm[p.n_pt_classes:]


def _balanced(labels, groups, n, rng):
    """Indices of ``n`` images alternating between the two label groups (nested in ``n``)."""
    pools = []
    for g in groups:
        idx = np.flatnonzero(np.isin(labels, g))
        pools.append(rng.permutation(idx))
    half = [pools[0][: (n + 1) // 2], pools[1][: n // 2]]
    out = np.empty(len(half[0]) + len(half[1]), dtype=np.int64)
    out[0::2], out[1::2] = half[0], half[1]
    return out


def fashion_groups(p, seed: int, task_type: str):
    """The two class groups (+1, -1) of an FT task."""
    pt, held = fashion_classes(p, seed)
    if task_type == "subset":
        return [pt[:1], pt[1:2]]
    if task_type == "same":
        h = len(pt) // 2
        return [pt[:h], pt[h:]]
    if task_type == "new":
        return [held[:1], held[1:2]]
    raise ParameterError(f"task_type={task_type!r} is invalid for fashion; valid: subset, same, new")


def fashion_pt(p, seed: int, root=None) -> Split:
    (x, lab), _ = fashion_arrays(root)
    pt, _ = fashion_classes(p, seed)
    rng = _rng("fashion-pt", seed)
    idx = np.concatenate([rng.permutation(np.flatnonzero(lab == c))[:p.n_pt_per_class] for c in pt])
    y = (lab[idx][:, None] == pt[None, :]).astype(np.float32)
    return Split(x[idx], y)


def fashion_ft(p, seed: int, task_type: str, n_pool: int, root=None) -> tuple[Split, Split]:
    (x, lab), (xt, labt) = fashion_arrays(root)
    groups = fashion_groups(p, seed, task_type)

    def split(xx, ll, n, what):
        idx = _balanced(ll, groups, n, _rng(what, seed, task_type))
        y = np.where(np.isin(ll[idx], groups[0]), 1.0, -1.0).astype(np.float32)[:, None]
        return Split(xx[idx], y)

    return split(x, lab, n_pool, "fashion-ft"), split(xt, labt, 2 * p.n_test_per_group, "fashion-test")
