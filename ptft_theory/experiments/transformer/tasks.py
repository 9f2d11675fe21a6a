"""Modular-arithmetic tasks: the token sequence ``a b =`` -> ``(a op b) mod p`` over all ``p**2`` pairs.

Tokens ``0..p-1`` are the residues and ``p`` is ``=``.  :data:`OPS`:

* ``add``: ``a + b`` (the PT task);
* ``sub``: ``a - b`` and ``add2``: ``a + 2b`` -- the FT tasks that reuse PT structure (the same
  one-dimensional Fourier features of ``a`` and ``b``, combined with other signs or frequencies);
  the analogue of the paper's "subset" task;
* ``mul``: ``a * b`` -- unrelated to addition (its structure is the discrete logarithm); the
  analogue of the "new features" task.

:func:`split` divides the ``p**2`` pairs into a train pool and a test pool by a seeded permutation;
PT trains on the whole train pool, FT on the first ``n_ft`` pairs of a seeded permutation of the
same pool (nested: a larger ``n_ft`` contains a smaller one), and every test is on the test pool,
which no training set touches.  :func:`swap_unseen` marks the test pairs whose swapped pair was not
trained on (for a commutative operation the others can be answered by symmetry alone).
"""

from __future__ import annotations

import numpy as np

from ... import _validate as V
from ...errors import ParameterError

OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "add2": lambda a, b: a + 2 * b,
    "mul": lambda a, b: a * b,
}


def is_prime(p: int) -> bool:
    return p >= 2 and all(p % q for q in range(2, int(p ** 0.5) + 1))


#: Bytes per pair a run holds at least: the (p**2, 2) int64 pair table and the int64 permutation of split.
BYTES_PER_PAIR = 24


def check_p(p) -> int:
    p = V.positive_int("p", p)
    V.fits_memory("p", p, BYTES_PER_PAIR * p * p, f"the table of the p**2 = {p * p:.3g} pairs")  # before is_prime
    if not is_prime(p):
        raise ParameterError(f"p={p!r} is invalid; valid range: a prime >= 2")
    return p


def check_op(name: str, op) -> str:
    if op not in OPS:
        raise ParameterError(f"{name}={op!r} is invalid; valid: {', '.join(OPS)}")
    return op


def all_pairs(p: int) -> np.ndarray:
    """Every pair (a, b), a and b in 0..p-1, as a (p**2, 2) int64 array (row ``a * p + b``)."""
    p = check_p(p)
    a, b = np.divmod(np.arange(p * p, dtype=np.int64), p)
    return np.stack([a, b], axis=1)


def labels(pairs: np.ndarray, op: str, p: int) -> np.ndarray:
    """``(a op b) mod p`` for each row of ``pairs``."""
    check_op("op", op)
    return np.mod(OPS[op](pairs[:, 0], pairs[:, 1]), p).astype(np.int64)


def tokens(pairs: np.ndarray, p: int) -> np.ndarray:
    """The sequences ``a b =`` as an (N, 3) int64 array (``=`` is token ``p``)."""
    return np.concatenate([pairs, np.full((len(pairs), 1), p, dtype=np.int64)], axis=1)


def split(p: int, train_frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train pool, test pool): row indices into :func:`all_pairs`, disjoint and covering all pairs.

    The train pool holds ``round(train_frac * p**2)`` pairs (at least 1, at most ``p**2 - 1``).
    """
    p = check_p(p)
    if not 0 < V.finite_scalar("train_frac", train_frac) < 1:
        raise ParameterError(f"train_frac={train_frac!r} is invalid; valid range: 0 < train_frac < 1")
    n = p * p
    n_train = min(n - 1, max(1, round(train_frac * n)))
    perm = np.random.default_rng(int(seed)).permutation(n)
    return np.sort(perm[:n_train]), np.sort(perm[n_train:])


def swap_unseen(train_rows: np.ndarray, test_rows: np.ndarray, p: int) -> np.ndarray:
    """Mask over ``test_rows``: True where the swapped pair ``(b, a)`` is not in ``train_rows``.

    For a commutative operation (``add``, ``mul``) a test pair whose swap was trained on can be
    answered by symmetry alone; accuracy on the unseen ones measures the operation learned beyond it.
    """
    a, b = np.divmod(np.asarray(test_rows), p)
    return ~np.isin(b * p + a, np.asarray(train_rows))
