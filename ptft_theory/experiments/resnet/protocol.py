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
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import time
from pathlib import Path

import numpy as np

from ... import _validate as V
from ...errors import ParameterError
from .memory import check_memory
from ..sweep import code_fingerprint, config_key, derive_seed
from . import data as D

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


# ------------------------------------------------------------------------------------- device
def resolve_device(device: str = "auto") -> str:
    """``"auto"`` -> ``"cuda"`` when available, else ``"cpu"``; ``"cpu"``/``"cuda[:i]"`` as given."""
    import torch  # noqa: PLC0415
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu" or device.startswith("cuda"):
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ParameterError(f"device={device!r} is invalid here: CUDA is not available; valid: cpu, auto")
        return device
    raise ParameterError(f"device={device!r} is invalid; valid: auto, cpu, cuda, cuda:N")


def device_name(device: str) -> str:
    """A human-readable name of the device (the GPU model, or ``cpu (N cores)``)."""
    import torch  # noqa: PLC0415
    if device.startswith("cuda"):
        return torch.cuda.get_device_name(torch.device(device))
    return f"cpu ({os.cpu_count()} cores, {torch.get_num_threads()} threads)"


# --------------------------------------------------------------------------------------- data
@functools.lru_cache(maxsize=2)
def load_splits(dataset: str, root: str | None, download: bool):
    return D.load(dataset, root, download=download)


@functools.lru_cache(maxsize=2)
def _channel_stats(dataset: str, root: str | None, download: bool):
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


def _select(split: D.ImageData, classes, per_class: int, rng, what: str) -> tuple[np.ndarray, np.ndarray]:
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


def _balanced(split: D.ImageData, classes, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
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


def _tensor(split: D.ImageData, idx, labels, protocol, stats, device):
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415
    mean, std = stats
    x = (split.images[idx].astype(np.float32) / 255.0 - mean[None, :, None, None]) / std[None, :, None, None]
    x = torch.from_numpy(x)
    if protocol.image_size and protocol.image_size != x.shape[-1]:
        x = F.interpolate(x, size=(protocol.image_size, protocol.image_size), mode="bilinear",
                          antialias=True, align_corners=False)
    return x.to(device), torch.as_tensor(np.asarray(labels), dtype=torch.long, device=device)


# ----------------------------------------------------------------------------------- training
def train(model, x, y, *, epochs: int, lr: float, momentum: float, weight_decay: float, batch_size: int,
          loss_threshold: float, seed: int) -> dict:
    """SGD on the cross-entropy over shuffled mini-batches (order from ``seed``).

    Stops after the first epoch whose mean train loss is below ``loss_threshold``, or after
    ``epochs``.  Returns ``epochs`` run, the last epoch's mean ``loss``, ``converged``, ``diverged``.
    """
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    rng = np.random.default_rng(seed)
    n = len(x)
    n_batches = max(1, n // batch_size)  # every batch >= batch_size images (or all n >= 2)
    loss_mean = math.inf
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for b in np.array_split(rng.permutation(n), n_batches):
            b = torch.as_tensor(b, device=x.device)
            loss = F.cross_entropy(model(x[b]), y[b])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(b)
        loss_mean = total / n
        if not math.isfinite(loss_mean):
            return {"epochs": epoch, "loss": None, "converged": False, "diverged": True}
        if loss_mean < loss_threshold:
            return {"epochs": epoch, "loss": loss_mean, "converged": True, "diverged": False}
    return {"epochs": epochs, "loss": loss_mean, "converged": False, "diverged": False}


def error_rate(model, x, y, batch: int = 1000) -> float:
    """Classification error of ``model`` (eval mode) on (x, y)."""
    import torch  # noqa: PLC0415
    model.eval()
    wrong = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            wrong += int((model(x[i:i + batch]).argmax(1) != y[i:i + batch]).sum())
    return wrong / len(x)


def penultimate(model, x, batch: int = 1000):
    """Eval-mode penultimate features of x, float64 on the CPU."""
    import torch  # noqa: PLC0415
    from .model import features  # noqa: PLC0415
    model.eval()
    with torch.no_grad():
        return torch.cat([features(model, x[i:i + batch]).double().cpu() for i in range(0, len(x), batch)])


def linear_cka(a, b) -> float:
    """Linear CKA (Kornblith et al. 2019) of two feature matrices (N x d1, N x d2): 1 = same up to
    rotation and scale, 0 = orthogonal.  Centred over the N examples; 0 when either is constant."""
    import torch  # noqa: PLC0415
    a = torch.as_tensor(a, dtype=torch.float64)
    b = torch.as_tensor(b, dtype=torch.float64)
    a = a - a.mean(0)
    b = b - b.mean(0)
    na, nb = torch.linalg.matrix_norm(a.T @ a), torch.linalg.matrix_norm(b.T @ b)
    if float(na) == 0.0 or float(nb) == 0.0:
        return 0.0
    return float(torch.linalg.matrix_norm(b.T @ a) ** 2 / (na * nb))


def relative_change(before: dict, model, names) -> float:
    """``||theta - theta_before|| / ||theta_before||`` over the named parameters."""
    params = dict(model.named_parameters())
    num = sum(float((params[n].detach() - before[n]).double().pow(2).sum()) for n in names)
    den = sum(float(before[n].double().pow(2).sum()) for n in names)
    return math.sqrt(num / den) if den > 0 else 0.0


# ----------------------------------------------------------------------------------------- run
def _atomic_torch_save(obj, path: Path):
    import torch  # noqa: PLC0415
    from ...fileio import atomic_path  # noqa: PLC0415
    with atomic_path(path) as tmp:
        torch.save(obj, tmp)


def pt_config(protocol: Protocol, seed: int, c_pt: float, kappa: float) -> dict:
    """What a PT network depends on (its cache key): the PT fields of the protocol, seed, c_pt, kappa."""
    ft_only = {"task", "n_ft_classes", "lr_ft", "ft_epochs", "ft_loss_threshold", "n_probe"}
    p = {k: v for k, v in dataclasses.asdict(protocol).items() if k not in ft_only}
    return {"kind": "resnet_pt", "code": code_hash(), "protocol": p, "seed": int(seed), "c_pt": float(c_pt), "kappa": float(kappa)}


def load_or_train(model, cfg: dict, salt: str, fit, device="cpu", cache_dir=None):
    """``(model, metrics)``: the state and metrics cached in ``<cache_dir>/pt/<key of cfg>.pt`` if
    there (a corrupt file is retrained), else ``metrics = fit()`` (trains ``model`` in place, on
    ``device``) saved there atomically.  Shared by the ResNet and transformer PT caches."""
    import torch  # noqa: PLC0415
    path = Path(cache_dir) / "pt" / f"{config_key(cfg, salt)}.pt" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            blob = torch.load(path, map_location="cpu", weights_only=True)
            model.load_state_dict(blob["state"])
            return model.to(device), dict(blob["metrics"])
        except Exception:  # a corrupt checkpoint: retrain
            pass
    metrics = fit()
    if path is not None:
        _atomic_torch_save({"state": {k: v.detach().cpu() for k, v in model.state_dict().items()},
                            "metrics": metrics, "config": cfg}, path)
    return model, metrics


def pretrain(protocol: Protocol, seed: int, c_pt: float, kappa: float, *, data_root=None, download=False,
             device="cpu", cache_dir=None):
    """The PT network and its metrics: loaded from ``<cache_dir>/pt/<key>.pt`` if there, else trained and saved."""
    from .model import build_resnet18, scale_network  # noqa: PLC0415
    cfg = pt_config(protocol, seed, c_pt, kappa)
    train_split, test_split = load_splits(protocol.dataset, None if data_root is None else str(data_root), download)
    pt_classes, _ = class_split(protocol, seed, train_split.num_classes)
    model = build_resnet18(protocol.n_pt_classes, width=protocol.width, in_channels=train_split.images.shape[1],
                           stem=protocol.stem, seed=derive_seed({"purpose": "init", "seed": seed}))

    def fit():
        scale_network(model, c_pt, kappa)
        model.to(device)
        stats = _channel_stats(protocol.dataset, None if data_root is None else str(data_root), download)
        seed_cfg = {k: v for k, v in cfg.items() if k != "code"}  # seeds do not change with the code
        rng = np.random.default_rng(derive_seed({**seed_cfg, "purpose": "pt_data"}))
        idx, lab = _select(train_split, pt_classes, protocol.n_pt_per_class, rng, "n_pt_per_class")
        x, y = _tensor(train_split, idx, lab, protocol, stats, device)
        t0 = time.perf_counter()
        fit = train(model, x, y, epochs=protocol.pt_epochs, lr=protocol.lr_pt, momentum=protocol.momentum,
                    weight_decay=protocol.weight_decay, batch_size=protocol.batch_size,
                    loss_threshold=protocol.pt_loss_threshold, seed=derive_seed({**seed_cfg, "purpose": "pt_sgd"}))
        tidx, tlab = _select(test_split, pt_classes, protocol.n_test_per_class,
                             np.random.default_rng(derive_seed({**seed_cfg, "purpose": "pt_test"})), "n_test_per_class")
        xt, yt = _tensor(test_split, tidx, tlab, protocol, stats, device)
        return {"pt_epochs": fit["epochs"], "pt_train_loss": fit["loss"], "pt_diverged": fit["diverged"],
                "pt_test_error": error_rate(model, xt, yt), "pt_seconds": time.perf_counter() - t0}

    return load_or_train(model, cfg, PT_CODE_VERSION, fit, device, cache_dir)


def run_one(protocol: Protocol, seed: int, c_pt: float, kappa: float, gamma_ft: float, n_ft: int, *,
            data_root=None, download: bool = False, device: str = "cpu", cache_dir=None) -> dict:
    """One PT+FT run; returns the measured quantities (a JSON-serialisable dict, see the module docstring)."""
    import copy  # noqa: PLC0415
    import torch  # noqa: PLC0415
    from .model import KAPPA_MODULES, module_of, reset_readout  # noqa: PLC0415
    c_pt, kappa, gamma_ft, n_ft = validate_levers(c_pt, kappa, gamma_ft, n_ft)
    t0 = time.perf_counter()
    root = None if data_root is None else str(data_root)
    train_split, test_split = load_splits(protocol.dataset, root, download)
    pt_classes, ft_classes = class_split(protocol, seed, train_split.num_classes)
    stats = _channel_stats(protocol.dataset, root, download)
    run_cfg = {"protocol": dataclasses.asdict(protocol), "seed": seed, "n_ft": n_ft}
    xi, yi = _balanced(train_split, ft_classes, n_ft, np.random.default_rng(derive_seed({**run_cfg, "purpose": "ft_data"})))
    x, y = _tensor(train_split, xi, yi, protocol, stats, device)
    ti, tl = _select(test_split, ft_classes, protocol.n_test_per_class,
                     np.random.default_rng(derive_seed({"purpose": "ft_test", "seed": seed,
                                                        "protocol": dataclasses.asdict(protocol)})),
                     "n_test_per_class")
    xt, yt = _tensor(test_split, ti, tl, protocol, stats, device)
    probe = np.random.default_rng(derive_seed({"purpose": "probe", "seed": seed})).permutation(len(xt))[:protocol.n_probe]
    probe = torch.as_tensor(probe, device=xt.device)

    model, pt_metrics = pretrain(protocol, seed, c_pt, kappa, data_root=data_root, download=download,
                                 device=device, cache_dir=cache_dir)
    feats_pt = penultimate(model, xt[probe])
    model = copy.deepcopy(model)
    reset_readout(model, protocol.n_ft_classes, gamma_ft, derive_seed({"purpose": "readout", "seed": seed}))
    fit, probes = fine_tune(
        model, lambda m: train(m, x, y, epochs=protocol.ft_epochs, lr=protocol.lr_ft, momentum=protocol.momentum,
                               weight_decay=protocol.weight_decay, batch_size=protocol.batch_size,
                               loss_threshold=protocol.ft_loss_threshold,
                               seed=derive_seed({**run_cfg, "c_pt": c_pt, "kappa": kappa, "gamma_ft": gamma_ft,
                                                 "purpose": "ft_sgd"})),
        early=lambda n: module_of(n) in KAPPA_MODULES, readout="fc", features=penultimate, probe_x=xt[probe],
        feats_pt=feats_pt)
    out = {
        "test_error": error_rate(model, xt, yt),
        "train_error": error_rate(model, x, y),
        **probes,
        "ft_epochs": fit["epochs"], "ft_train_loss": fit["loss"], "ft_converged": fit["converged"],
        "ft_diverged": fit["diverged"], **pt_metrics,
        "pt_classes": " ".join(str(int(c)) for c in pt_classes),
        "ft_classes": " ".join(str(int(c)) for c in ft_classes),
        "n_test": len(xt), "device": device_name(device), "seconds": time.perf_counter() - t0,
    }
    return json_safe(out)


def fine_tune(model, fit, *, early, readout: str, features, probe_x, feats_pt) -> tuple[dict, dict]:
    """Train ``model`` (readout already reset) with ``fit(model)``; returns its result and the probes:
    ``richness`` (relative change of the parameters whose names satisfy ``early``), ``richness_all``
    (every parameter outside the module ``readout``) and ``pt_dependence`` (linear CKA of
    ``feats_pt`` and ``features(model, probe_x)`` after FT).  Shared with the transformer check."""
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    result = fit(model)
    return result, {
        "richness": relative_change(before, model, [n for n in before if early(n)]),
        "richness_all": relative_change(before, model, [n for n in before if n.split(".", 1)[0] != readout]),
        "pt_dependence": linear_cka(feats_pt, features(model, probe_x)),
    }


def json_safe(out: dict) -> dict:
    """A run's results with non-finite floats as None: a diverged run (non-finite weights) keeps
    JSON and CSV valid."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in out.items()}
