"""The images a run uses (:mod:`.protocol`): the seeded class split, per-class and balanced samples,
normalised tensors."""

from __future__ import annotations

import functools

import numpy as np

from ...errors import ParameterError
from ..sweep import derive_seed
from . import data as D
from .protocol import Protocol


@functools.lru_cache(maxsize=2)
def load_splits(dataset: str, root: str | None, download: bool):
    """(train, test) of ``dataset``, loaded once per process (the last two data sets kept)."""
    return D.load(dataset, root, download=download)


@functools.lru_cache(maxsize=2)
def channel_stats(dataset: str, root: str | None, download: bool):
    """Per-channel mean and standard deviation of the training images (scaled to [0, 1])."""
    train, _ = load_splits(dataset, root, download)
    x = train.images.astype(np.float32) / 255.0
    return x.mean(axis=(0, 2, 3)), x.std(axis=(0, 2, 3)) + 1e-8


def class_split(protocol: Protocol, seed: int, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(PT classes, FT classes) for this seed: a seeded permutation of all classes, PT first."""
    need = protocol.n_pt_classes + protocol.n_ft_classes
    if need > num_classes:
        raise ParameterError(f"n_pt_classes + n_ft_classes = {need} is invalid for dataset={protocol.dataset!r}; "
                         f"valid range: <= {num_classes}")
    rng = np.random.default_rng(derive_seed({"purpose": "classes", "dataset": protocol.dataset, "seed": seed}))
    perm = rng.permutation(num_classes)
    return perm[:protocol.n_pt_classes], perm[protocol.n_pt_classes:need]


def select_per_class(split: D.ImageData, classes, per_class: int, rng, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Indices of ``per_class`` images (0 = all) of each class, labels remapped to 0..len(classes)-1."""
    idx, lab = [], []
    for j, c in enumerate(classes):
        pool = np.flatnonzero(split.labels == c)
        if per_class:
            if per_class > len(pool):
                raise ParameterError(f"{what}={per_class} per class is invalid for class {int(c)} "
                                 f"({split.class_names[c]!r}); valid range: <= {len(pool)}")
            pool = rng.choice(pool, size=per_class, replace=False)
        idx.append(pool)
        lab.append(np.full(len(pool), j))
    return np.concatenate(idx), np.concatenate(lab)


def balanced_sample(split: D.ImageData, classes, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images of ``classes``, as balanced as possible (class j gets n // K, +1 for the first n % K)."""
    k = len(classes)
    counts = [n // k + (1 if j < n % k else 0) for j in range(k)]
    idx, lab = [], []
    for j, (c, m) in enumerate(zip(classes, counts)):
        pool = np.flatnonzero(split.labels == c)
        if m > len(pool):
            raise ParameterError(f"n_ft={n} is invalid: class {int(c)} ({split.class_names[c]!r}) has {len(pool)} "
                             f"training images; valid range: 2 <= n_ft <= {k * min(len(np.flatnonzero(split.labels == cc)) for cc in classes)}")
        idx.append(rng.choice(pool, size=m, replace=False))
        lab.append(np.full(m, j))
    return np.concatenate(idx), np.concatenate(lab)


def to_tensors(split: D.ImageData, idx, labels, protocol, stats, device):
    """Images ``idx`` of ``split`` normalised by the channel ``stats`` (resized to the protocol's
    ``image_size``) and their ``labels``, as torch tensors on ``device``."""
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415
    mean, std = stats
    x = (split.images[idx].astype(np.float32) / 255.0 - mean[None, :, None, None]) / std[None, :, None, None]
    x = torch.from_numpy(x)
    if protocol.image_size and protocol.image_size != x.shape[-1]:
        x = F.interpolate(x, size=(protocol.image_size, protocol.image_size), mode="bilinear",
                          antialias=True, align_corners=False)
    return x.to(device), torch.as_tensor(np.asarray(labels), dtype=torch.long, device=device)
