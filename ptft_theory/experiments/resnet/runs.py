"""One run of the protocol (:mod:`.protocol`): the PT network (cached on disk per protocol, seed, c_pt
and kappa), fine-tuning, and the measured results."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import numpy as np

from ..sweep import config_key, derive_seed
from .protocol import PT_CODE_VERSION, Protocol, code_hash, validate_levers
from .splits import balanced_sample, channel_stats, class_split, load_splits, select_per_class, to_tensors
from .training import device_name, error_rate, fine_tune, penultimate, train


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
        stats = channel_stats(protocol.dataset, None if data_root is None else str(data_root), download)
        seed_cfg = {k: v for k, v in cfg.items() if k != "code"}  # seeds do not change with the code
        rng = np.random.default_rng(derive_seed({**seed_cfg, "purpose": "pt_data"}))
        idx, lab = select_per_class(train_split, pt_classes, protocol.n_pt_per_class, rng, "n_pt_per_class")
        x, y = to_tensors(train_split, idx, lab, protocol, stats, device)
        t0 = time.perf_counter()
        fit = train(model, x, y, epochs=protocol.pt_epochs, lr=protocol.lr_pt, momentum=protocol.momentum,
                    weight_decay=protocol.weight_decay, batch_size=protocol.batch_size,
                    loss_threshold=protocol.pt_loss_threshold, seed=derive_seed({**seed_cfg, "purpose": "pt_sgd"}))
        tidx, tlab = select_per_class(test_split, pt_classes, protocol.n_test_per_class,
                             np.random.default_rng(derive_seed({**seed_cfg, "purpose": "pt_test"})), "n_test_per_class")
        xt, yt = to_tensors(test_split, tidx, tlab, protocol, stats, device)
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
    stats = channel_stats(protocol.dataset, root, download)
    run_cfg = {"protocol": dataclasses.asdict(protocol), "seed": seed, "n_ft": n_ft}
    xi, yi = balanced_sample(train_split, ft_classes, n_ft, np.random.default_rng(derive_seed({**run_cfg, "purpose": "ft_data"})))
    x, y = to_tensors(train_split, xi, yi, protocol, stats, device)
    ti, tl = select_per_class(test_split, ft_classes, protocol.n_test_per_class,
                     np.random.default_rng(derive_seed({"purpose": "ft_test", "seed": seed,
                                                        "protocol": dataclasses.asdict(protocol)})),
                     "n_test_per_class")
    xt, yt = to_tensors(test_split, ti, tl, protocol, stats, device)
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


def json_safe(out: dict) -> dict:
    """A run's results with non-finite floats as None: a diverged run (non-finite weights) keeps
    JSON and CSV valid."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in out.items()}
