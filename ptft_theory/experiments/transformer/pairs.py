"""Swap-closed splits, FT tasks with known overlap with PT, and Fourier key frequencies.

* :func:`swap_closed_split`: the ``p (p + 1) / 2`` unordered pairs ``{a, b}`` are split by a seeded
  permutation into a train part and a held-out part; each part holds *both* orders of its pairs, so
  no held-out sequence has its swap trained on (a commutative operation cannot be answered by
  symmetry).
* :func:`key_frequencies`: the dominant frequencies of a token embedding (rows ``0..p-1``) along the
  token axis: the discrete Fourier power per frequency ``k = 1..(p-1)/2`` (``k`` and ``p - k``
  together), summed over the embedding dimensions; the key set is the fewest top frequencies holding
  at least ``share`` of the non-constant power.
* :data:`FT_TASKS` and :func:`ft_labels`: ``subset`` = the quarter of the circle in which the phase
  ``2 pi k1 (a + b) / p`` of PT's top key frequency ``k1`` lies (4 classes: a coarse label of
  ``a + b`` through one key frequency); ``same`` = ``(a - b) mod p`` (``p`` classes: the same
  frequencies, recombined with the other sign); ``new`` = the quarter in which ``(a b) mod p`` lies
  (4 classes: multiplication, whose structure is the discrete logarithm, not PT's frequencies).
* :func:`fourier_share`: the share of a (centred, one-hot) target's energy over all ``p**2`` pairs
  inside the span of the 2-D Fourier modes built from a set of frequencies: how much of the task
  lies on PT's key frequencies.
"""

from __future__ import annotations

import numpy as np

from ... import _validate as V
from ...errors import ParameterError
from .tasks import check_p

FT_TASKS = ("subset", "same", "new")


def unordered_pairs(p: int) -> np.ndarray:
    """Every unordered pair ``{a, b}`` (``a <= b``) as a (p (p + 1) / 2, 2) int64 array."""
    p = check_p(p)
    a, b = np.triu_indices(p)
    return np.stack([a, b], axis=1).astype(np.int64)


def both_orders(pairs: np.ndarray) -> np.ndarray:
    """The ordered pairs of a set of unordered pairs: ``(a, b)`` and ``(b, a)`` (once where ``a = b``), sorted."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return np.unique(np.concatenate([pairs, pairs[:, ::-1]]), axis=0)


def swap_closed_split(p: int, train_frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-out) ordered pairs, each closed under ``(a, b) -> (b, a)`` and disjoint.

    ``round(train_frac * p (p + 1) / 2)`` unordered pairs (at least 1, at most all but one) go to
    the train part; the permutation is drawn from ``seed``.
    """
    un = unordered_pairs(p)
    if not 0 < V.finite_scalar("train_frac", train_frac) < 1:
        raise ParameterError(f"train_frac={train_frac!r} is invalid; valid range: 0 < train_frac < 1")
    n_train = min(len(un) - 1, max(1, round(train_frac * len(un))))
    perm = np.random.default_rng(int(seed)).permutation(len(un))
    return both_orders(un[perm[:n_train]]), both_orders(un[perm[n_train:]])


def frequency_power(embedding: np.ndarray, p: int) -> np.ndarray:
    """Fourier power of ``embedding`` (rows = tokens ``0..p-1``) per frequency ``k = 1..(p-1)/2``.

    Entry ``k - 1`` is ``|F_k|^2 + |F_{p-k}|^2`` summed over the columns, ``F`` the DFT along the
    token axis (the constant ``k = 0`` is left out)."""
    e = np.asarray(embedding, dtype=np.float64)[:p]
    f = np.abs(np.fft.fft(e, axis=0)) ** 2
    half = (p - 1) // 2
    return np.array([f[k].sum() + f[p - k].sum() for k in range(1, half + 1)])


def key_frequencies(embedding: np.ndarray, p: int, share: float = 0.5) -> tuple[int, ...]:
    """The fewest frequencies (largest power first) holding at least ``share`` of the non-constant
    Fourier power of ``embedding``; in decreasing order of power."""
    if not 0 < V.finite_scalar("share", share) <= 1:
        raise ParameterError(f"share={share!r} is invalid; valid range: 0 < share <= 1")
    power = frequency_power(embedding, p)
    order = np.argsort(-power, kind="stable")
    cum = np.cumsum(power[order]) / power.sum()
    n = int(np.searchsorted(cum, share - 1e-12) + 1)
    return tuple(int(k) + 1 for k in order[:n])


def quarter(x: np.ndarray, p: int) -> np.ndarray:
    """Which quarter of the circle the phase ``2 pi x / p`` lies in: ``floor(4 (x mod p) / p)`` in 0..3."""
    return (4 * np.mod(x, p)) // p


def ft_labels(pairs: np.ndarray, task: str, p: int, k1: int) -> np.ndarray:
    """The labels of :data:`FT_TASKS` ``task`` on ``pairs`` (``k1``: PT's top key frequency)."""
    a, b = np.asarray(pairs)[:, 0], np.asarray(pairs)[:, 1]
    if task == "subset":
        return quarter(k1 * (a + b), p).astype(np.int64)
    if task == "same":
        return np.mod(a - b, p).astype(np.int64)
    if task == "new":
        return quarter(a * b, p).astype(np.int64)
    raise ParameterError(f"task={task!r} is invalid; valid: {', '.join(FT_TASKS)}")


def n_classes(task: str, p: int) -> int:
    """Number of labels of an FT task."""
    if task not in FT_TASKS:
        raise ParameterError(f"task={task!r} is invalid; valid: {', '.join(FT_TASKS)}")
    return p if task == "same" else 4


def fourier_share(labels: np.ndarray, n_labels: int, p: int, freqs) -> float:
    """Share of the centred one-hot target over all ``p**2`` pairs (``labels`` in row order
    ``a * p + b``) inside the span of the modes ``exp(2 pi i (k1 a + k2 b) / p)`` with ``k1, k2`` in
    ``{0} u +-freqs``, without the constant mode."""
    y = np.eye(n_labels)[np.asarray(labels)].reshape(p, p, n_labels)
    y = y - y.mean(axis=(0, 1))
    f = np.abs(np.fft.fft2(y, axes=(0, 1))) ** 2
    ks = sorted({0} | {int(k) % p for k in freqs} | {(-int(k)) % p for k in freqs})
    total = f.sum()
    return float(f[np.ix_(ks, ks)].sum() / total) if total > 0 else 0.0
