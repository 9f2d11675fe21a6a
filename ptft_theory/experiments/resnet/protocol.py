"""The Fig. 4 protocol: pretrain a scaled resnet18 on some classes, fine-tune on held-out classes.

One *run* is (protocol, seed, c_pt, kappa, gamma_ft, n_ft):

1. Classes are permuted per seed; the first ``n_pt_classes`` are the PT classes, the next
   ``n_ft_classes`` the FT classes (``task="binary"``: two; ``"multiclass"``: any number >= 2).
2. PT: ``n_pt_per_class`` training images per PT class (0 = all), a resnet18 from a per-seed init
   scaled by ``c_pt`` and ``kappa`` (:func:`~ptft_theory.experiments.resnet.model.scale_network`), SGD on the
   cross-entropy, no augmentation, until the epoch's mean train loss is below ``pt_loss_threshold``
   or ``pt_epochs`` epochs.  The PT network is cached on disk per (protocol, seed, c_pt, kappa).
3. FT: the readout is re-initialised (per-seed draw) times ``gamma_ft``; ``n_ft`` training images of
   the FT classes (balanced, per-seed draw), all weights trained the same way until the train loss
   is below ``ft_loss_threshold`` or ``ft_epochs`` epochs.
4. Measured: ``test_error`` (FT classes' test images, eval-mode BN); ``richness`` = relative change
   of the kappa-scaled parameters (stem, stages 1-3) during FT, ``||theta_end - theta_start|| /
   ||theta_start||`` (``richness_all``: every parameter but the readout); ``pt_dependence`` = linear
   CKA between the penultimate features of the PT network and of the FT network on ``n_probe`` FT
   test images (1: FT kept the PT representation; near 0: it replaced it).

Every random draw (class permutation, init, readout, subsample, SGD order) has its own seed derived
from the run's config with :func:`ptft_theory.experiments.sweep.derive_seed`; the init and the class split depend
only on ``seed`` (and the data set), so runs that differ in (c_pt, kappa, gamma_ft, n_ft) share them.

This module: the protocol's fields and their checks.  The images a run uses: :mod:`.splits`; training
and the measurements: :mod:`.training`; a run (the cached PT network, FT, the results): :mod:`.runs`.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from ... import _validate as V
from ...errors import ParameterError
from ..sweep import code_fingerprint
from . import data as D
from .memory import check_memory

TASKS = ("binary", "multiclass")
#: Salt of the PT-checkpoint cache keys (the keys also hold :func:`code_hash`).
PT_CODE_VERSION = "resnet-pt-1"


@functools.lru_cache(maxsize=None)
def code_hash() -> str:
    """Short SHA-256 of the code a run can execute: part of every cached run's and PT network's key, so
    editing it recomputes instead of reusing stale results.

    Computed, not listed by hand (:func:`ptft_theory.experiments.sweep.code_fingerprint`): every source file of
    the installed package (a run imports the package, whose ``__init__`` imports most of it; the
    hand-written list protocol/model/data missed ``_validate`` and the package ``__init__``), with
    the Python, torch, torchvision and numpy versions.
    """
    return code_fingerprint(Path(__file__).resolve().parent.parent.parent, distributions=("torch", "torchvision", "numpy"))


@dataclasses.dataclass(frozen=True)
class Protocol:
    """Everything a run depends on except (seed, c_pt, kappa, gamma_ft, n_ft); validated at construction.

    Attributes:
        dataset: "cifar100" or "fashion_mnist".
        task: "binary" (``n_ft_classes`` = 2) or "multiclass".
        n_pt_classes, n_ft_classes: classes used at PT and at FT (disjoint; their sum <= classes available).
        n_pt_per_class: PT training images per class (0 = all).
        n_test_per_class: test images per class for the errors (0 = all).
        image_size: inputs resized to this side length (0 = native: 32 CIFAR, 28 Fashion-MNIST).
        width: channels of resnet18's first stage (torchvision: 64).
        stem: "imagenet" (torchvision's) or "cifar" (3x3, no pool).
        batch_size: SGD mini-batch size (batches have at least this many images, so BN always sees >= 2).
        lr_pt, lr_ft, momentum, weight_decay: SGD hyper-parameters.
        pt_epochs, ft_epochs: epoch caps.
        pt_loss_threshold, ft_loss_threshold: stop when an epoch's mean train loss is below this.
        n_probe: FT test images for the CKA probe.
    """

    dataset: str = "fashion_mnist"
    task: str = "binary"
    n_pt_classes: int = 6
    n_ft_classes: int = 2
    n_pt_per_class: int = 250
    n_test_per_class: int = 500
    image_size: int = 0
    width: int = 64
    stem: str = "imagenet"
    batch_size: int = 50
    lr_pt: float = 0.01
    lr_ft: float = 0.01
    momentum: float = 0.9
    weight_decay: float = 0.0
    pt_epochs: int = 8
    ft_epochs: int = 30
    pt_loss_threshold: float = 0.01
    ft_loss_threshold: float = 0.01
    n_probe: int = 500

    def __post_init__(self):
        if self.dataset not in D.DATASETS:
            raise ParameterError(f"dataset={self.dataset!r} is invalid; valid: {', '.join(D.DATASETS)}")
        if self.task not in TASKS:
            raise ParameterError(f"task={self.task!r} is invalid; valid: {', '.join(TASKS)}")
        for name in ("n_pt_classes", "width", "batch_size", "pt_epochs", "ft_epochs", "n_probe"):
            V.positive_int(name, getattr(self, name))
        if self.task == "binary" and self.n_ft_classes != 2:
            raise ParameterError(f"n_ft_classes={self.n_ft_classes!r} is invalid for task='binary'; valid: 2")
        if V.positive_int("n_ft_classes", self.n_ft_classes) < 2:
            raise ParameterError(f"n_ft_classes={self.n_ft_classes!r} is invalid; valid range: n_ft_classes >= 2")
        for name in ("n_pt_per_class", "n_test_per_class", "image_size"):
            v = getattr(self, name)
            if not (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
                raise ParameterError(f"{name}={v!r} is invalid; valid range: an integer >= 0 (0 = all / native)")
        if self.stem not in ("imagenet", "cifar"):
            raise ParameterError(f"stem={self.stem!r} is invalid; valid: imagenet, cifar")
        check_training(self)
        check_memory(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Protocol":
        return protocol_from_dict(cls, d)


def check_training(protocol):
    """The optimiser fields a protocol shares with the transformer's: ``lr_pt``, ``lr_ft`` > 0;
    ``weight_decay``, ``pt_loss_threshold``, ``ft_loss_threshold`` >= 0; 0 <= ``momentum`` < 1."""
    for name in ("lr_pt", "lr_ft"):
        V.positive(name, getattr(protocol, name))
    for name in ("weight_decay", "pt_loss_threshold", "ft_loss_threshold"):
        V.nonnegative(name, getattr(protocol, name))
    if not 0 <= V.finite_scalar("momentum", protocol.momentum) < 1:
        raise ParameterError(f"momentum={protocol.momentum!r} is invalid; valid range: 0 <= momentum < 1")


def protocol_from_dict(cls, d: dict):
    """``cls(**d)`` for a protocol dataclass, naming the first key of ``d`` that is not a field."""
    names = {f.name for f in dataclasses.fields(cls)}
    bad = sorted(set(d) - names)
    if bad:
        raise ParameterError(f"protocol key {bad[0]!r} is invalid; valid: {', '.join(sorted(names))}")
    return cls(**d)


def validate_levers(c_pt, kappa, gamma_ft, n_ft) -> tuple[float, float, float, int]:
    """c_pt > 0, kappa > 0, gamma_ft >= 0, n_ft an integer >= 2."""
    n = V.positive_int("n_ft", n_ft)
    if n < 2:
        raise ParameterError(f"n_ft={n_ft!r} is invalid; valid range: n_ft >= 2 (BatchNorm needs two images)")
    return V.positive("c_pt", c_pt), V.positive("kappa", kappa), V.nonnegative("gamma_ft", gamma_ft), n
