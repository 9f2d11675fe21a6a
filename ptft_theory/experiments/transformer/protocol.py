"""The PT+FT protocol on modular arithmetic: pretrain a scaled transformer on ``a + b``, fine-tune on
another operation.

One *run* is (protocol, seed, c_pt, kappa, gamma_ft, ft_op, n_ft):

1. Split (:func:`~ptft_theory.experiments.transformer.tasks.split`): the ``p**2`` pairs into a train pool
   (``train_frac``) and a test pool, per seed.
2. PT: a :class:`~ptft_theory.experiments.transformer.model.TinyTransformer` from a per-seed init, scaled by
   ``c_pt`` and ``kappa`` (:func:`~ptft_theory.experiments.transformer.model.scale_network`), trained full-batch
   on the whole train pool labelled by ``pt_op``, until the train loss is below
   ``pt_loss_threshold`` or ``pt_steps`` steps.  Cached on disk per (protocol, seed, c_pt, kappa).
3. FT: the readout is re-initialised (per-seed draw) times ``gamma_ft``; the first ``n_ft`` pairs
   of a per-seed permutation of the train pool, labelled by ``ft_op``; every weight trained the same
   way until the train loss is below ``ft_loss_threshold`` or ``ft_steps`` steps.
4. Measured: ``test_accuracy`` (the test pool labelled by ``ft_op``; ``test_accuracy_unseen``: on
   the test pairs whose swap ``(b, a)`` is not among the FT pairs, which a commutative operation
   cannot answer by symmetry; ``pt_test_accuracy_unseen`` likewise for PT); ``richness`` = relative change
   ``||theta_end - theta_start|| / ||theta_start||`` of the kappa-scaled parameters (embeddings and
   the first ``kappa_blocks`` blocks) during FT (``richness_all``: every parameter but the readout);
   ``pt_dependence`` = linear CKA between the PT network's and the FT network's readout inputs on
   ``n_probe`` test-pool inputs (1: FT kept the PT representation; near 0: it replaced it).
5. Baseline (:func:`scratch_one`): the same init, scaled by the same levers, trained on the FT data
   without PT; FT test accuracy above it means PT helped, below it that PT hurt.

Optimiser: full-batch Adam (``betas = (0.9, 0.98)``, no weight decay: weight decay is itself a
lever on richness) or full-batch gradient descent with momentum (``optimizer = "sgd"``).  Adam is the
default because one learning rate then serves every lever value: its steps have a size set by
``lr``, not by the gradient, where plain gradient descent at ``c_pt = 2`` needs a far smaller step
than at ``c_pt = 0.5``.  Adam keeps the levers' direction (a parameter ``s`` times smaller moves
``s`` times more relative to its size, gradient flow ``s**2``) but not gradient flow's rates.

Every random draw has its own seed from :func:`ptft_theory.experiments.sweep.derive_seed`: the split, the init and
the FT subsample depend only on ``seed`` and the task fields, so runs differing in the levers,
``ft_op`` or ``n_ft`` share them.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import time
from pathlib import Path

import numpy as np

from ... import _validate as V
from ...errors import ParameterError
from ..resnet.protocol import check_training, protocol_from_dict
from ..resnet.runs import json_safe, load_or_train
from ..resnet.training import device_name, fine_tune
from ..sweep import code_fingerprint, derive_seed
from . import tasks as T

OPTIMIZERS = ("adam", "sgd")
DTYPES = ("float32", "float64")
#: Salt of the PT-checkpoint cache keys (the keys also hold :func:`code_hash`).
PT_CODE_VERSION = "transformer-pt-1"


@functools.lru_cache(maxsize=None)
def code_hash() -> str:
    """Short SHA-256 of the code a run can execute: part of every cached run's and PT network's key.

    Computed, not listed by hand (:func:`ptft_theory.experiments.sweep.code_fingerprint`): every source file of the
    installed package, with the Python, torch and numpy versions."""
    return code_fingerprint(Path(__file__).resolve().parent.parent.parent, distributions=("torch", "numpy"))


@dataclasses.dataclass(frozen=True)
class Protocol:
    """Everything a run depends on except (seed, c_pt, kappa, gamma_ft, ft_op, n_ft); validated at construction.

    Attributes:
        p: the prime modulus.
        train_frac: fraction of the ``p**2`` pairs in the train pool (the rest is the test pool).
        pt_op: the PT operation (:data:`~ptft_theory.experiments.transformer.tasks.OPS`).
        d_model, n_heads, d_mlp, n_layers, norm: the transformer (``norm``: "none" or "layernorm").
        kappa_blocks: blocks multiplied by kappa besides the embeddings (0..n_layers).
        optimizer: "adam" or "sgd" (full-batch both); momentum: SGD's.
        lr_pt, lr_ft, weight_decay: step sizes and (decoupled for Adam) weight decay.
        pt_steps, ft_steps: step caps; pt_loss_threshold, ft_loss_threshold: stop below this train loss.
        n_test: test-pool pairs evaluated (0 = all); n_probe: test-pool inputs for the CKA probe.
        dtype: "float32" or "float64".
    """

    p: int = 59
    train_frac: float = 0.5
    pt_op: str = "add"
    d_model: int = 128
    n_heads: int = 4
    d_mlp: int = 512
    n_layers: int = 1
    norm: str = "none"
    kappa_blocks: int = 1
    optimizer: str = "adam"
    momentum: float = 0.9
    lr_pt: float = 1e-3
    lr_ft: float = 1e-3
    weight_decay: float = 0.0
    pt_steps: int = 2000
    ft_steps: int = 1000
    pt_loss_threshold: float = 1e-3
    ft_loss_threshold: float = 1e-3
    n_test: int = 0
    n_probe: int = 500
    dtype: str = "float32"

    def __post_init__(self):
        T.check_p(self.p)
        T.split(self.p, self.train_frac, 0)  # validates train_frac
        T.check_op("pt_op", self.pt_op)
        for name in ("d_model", "n_heads", "d_mlp", "n_layers", "pt_steps", "ft_steps", "n_probe"):
            V.positive_int(name, getattr(self, name))
        if self.d_model % self.n_heads:
            raise ParameterError(f"n_heads={self.n_heads!r} is invalid for d_model={self.d_model}; "
                                 "valid: a divisor of d_model")
        for name, valid in (("norm", ("none", "layernorm")), ("optimizer", OPTIMIZERS), ("dtype", DTYPES)):
            if getattr(self, name) not in valid:
                raise ParameterError(f"{name}={getattr(self, name)!r} is invalid; valid: {', '.join(valid)}")
        if not (isinstance(self.kappa_blocks, int) and 0 <= self.kappa_blocks <= self.n_layers):
            raise ParameterError(f"kappa_blocks={self.kappa_blocks!r} is invalid; valid range: "
                                 f"an integer in [0, n_layers={self.n_layers}]")
        if not (isinstance(self.n_test, int) and not isinstance(self.n_test, bool) and self.n_test >= 0):
            raise ParameterError(f"n_test={self.n_test!r} is invalid; valid range: an integer >= 0 (0 = all)")
        check_training(self)
        check_memory(self)

    @property
    def n_train(self) -> int:
        return len(T.split(self.p, self.train_frac, 0)[0])

    @classmethod
    def from_dict(cls, d: dict) -> "Protocol":
        return protocol_from_dict(cls, d)


def check_memory(protocol: Protocol) -> None:
    """Raise, naming the size that dominates, when a lower bound of a run's memory exceeds this machine's:
    the pair table (:data:`~.tasks.BYTES_PER_PAIR` per pair), the full-batch embeddings and logits of
    the train pool, and parameters with gradients and Adam's two moments (4 copies)."""
    P = protocol
    item = 4 if P.dtype == "float32" else 8
    n_train = P.train_frac * P.p**2
    # the blocks' parameters are charged to whichever of their sizes is furthest above its default
    blocks = max(("n_layers", "d_model", "d_mlp"), key=lambda k: getattr(P, k) / getattr(Protocol, k))
    terms = {"p": T.BYTES_PER_PAIR * P.p**2 + item * n_train * P.p,
             "d_model": item * ((2 * P.p + 1) * P.d_model * 4 + 3 * n_train * P.d_model)}
    terms[blocks] = terms.get(blocks, 0) + item * 4 * P.n_layers * (4 * P.d_model**2 + 2 * P.d_model * P.d_mlp)
    name = max(terms, key=terms.get)
    V.fits_memory(name, getattr(P, name), sum(terms.values()),
                  f"a run with p={P.p}, d_model={P.d_model}, d_mlp={P.d_mlp}, n_layers={P.n_layers} ({P.dtype})")


def validate_run(protocol: Protocol, c_pt, kappa, gamma_ft, ft_op, n_ft) -> tuple[float, float, float, str, int]:
    """c_pt > 0, kappa > 0, gamma_ft >= 0, ft_op one of the ops, 1 <= n_ft <= the train pool."""
    n = V.positive_int("n_ft", n_ft)
    if n > protocol.n_train:
        raise ParameterError(f"n_ft={n_ft!r} is invalid; valid range: 1 <= n_ft <= {protocol.n_train} "
                             f"(the train pool of p={protocol.p}, train_frac={protocol.train_frac})")
    return (V.positive("c_pt", c_pt), V.positive("kappa", kappa), V.nonnegative("gamma_ft", gamma_ft),
            T.check_op("ft_op", ft_op), n)


# ----------------------------------------------------------------------------------- training
def train(model, x, y, *, steps: int, lr: float, optimizer: str = "adam", momentum: float = 0.9,
          weight_decay: float = 0.0, loss_threshold: float = 0.0) -> dict:
    """Full-batch training on the cross-entropy.

    Stops at the first step whose train loss (before the update) is below ``loss_threshold``, or
    after ``steps`` updates.  Returns ``steps`` (updates made), the last train ``loss``,
    ``converged``, ``diverged``.
    """
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415
    if optimizer == "adam":
        opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=weight_decay)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    model.train()
    loss = math.inf
    for step in range(steps + 1):
        out = F.cross_entropy(model(x), y)
        loss = float(out.detach())
        if not math.isfinite(loss):
            return {"steps": step, "loss": None, "converged": False, "diverged": True}
        if loss < loss_threshold:
            return {"steps": step, "loss": loss, "converged": True, "diverged": False}
        if step == steps:
            break
        opt.zero_grad(set_to_none=True)
        out.backward()
        opt.step()
    return {"steps": steps, "loss": loss, "converged": False, "diverged": False}


def accuracy(model, x, y, batch: int = 4096) -> float | None:
    """Fraction of (x, y) the model classifies right; None for no examples."""
    import torch  # noqa: PLC0415
    if not len(x):
        return None
    model.eval()
    with torch.no_grad():
        right = sum(int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum()) for i in range(0, len(x), batch))
    return right / len(x)


def readout_inputs(model, x):
    """The readout's inputs (:meth:`TinyTransformer.features`), float64 on the CPU."""
    import torch  # noqa: PLC0415
    model.eval()
    with torch.no_grad():
        return model.features(x).double().cpu()


# --------------------------------------------------------------------------------------- data
def _tensors(protocol: Protocol, rows, op: str, device):
    import torch  # noqa: PLC0415
    pairs = T.all_pairs(protocol.p)[rows]
    return (torch.as_tensor(T.tokens(pairs, protocol.p), device=device),
            torch.as_tensor(T.labels(pairs, op, protocol.p), device=device))


def _task_seed_cfg(protocol: Protocol, seed: int) -> dict:
    return {"p": protocol.p, "train_frac": protocol.train_frac, "seed": int(seed)}


def pools(protocol: Protocol, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(train pool, FT order of the train pool, test pool) for this seed."""
    cfg = _task_seed_cfg(protocol, seed)
    tr, te = T.split(protocol.p, protocol.train_frac, derive_seed({**cfg, "purpose": "split"}))
    order = np.random.default_rng(derive_seed({**cfg, "purpose": "ft_data"})).permutation(tr)
    if protocol.n_test:
        te = np.sort(np.random.default_rng(derive_seed({**cfg, "purpose": "test"})).permutation(te)[:protocol.n_test])
    return tr, order, te


def _model(protocol: Protocol, seed: int):
    import torch  # noqa: PLC0415
    from .model import build_transformer  # noqa: PLC0415
    return build_transformer(protocol.p, d_model=protocol.d_model, n_heads=protocol.n_heads, d_mlp=protocol.d_mlp,
                             n_layers=protocol.n_layers, norm=protocol.norm,
                             seed=derive_seed({"purpose": "init", "seed": int(seed)}), dtype=getattr(torch, protocol.dtype))


def pt_config(protocol: Protocol, seed: int, c_pt: float, kappa: float) -> dict:
    """What a PT network depends on (its cache key): the PT fields of the protocol, seed, c_pt, kappa."""
    ft_only = {"lr_ft", "ft_steps", "ft_loss_threshold", "n_test", "n_probe"}
    p = {k: v for k, v in dataclasses.asdict(protocol).items() if k not in ft_only}
    return {"kind": "transformer_pt", "code": code_hash(), "protocol": p, "seed": int(seed),
            "c_pt": float(c_pt), "kappa": float(kappa)}


def pretrain(protocol: Protocol, seed: int, c_pt: float, kappa: float, *, device="cpu", cache_dir=None):
    """The PT network and its metrics: from ``<cache_dir>/pt/<key>.pt`` if there, else trained and saved."""
    from .model import scale_network  # noqa: PLC0415
    model = _model(protocol, seed)

    def fit():
        scale_network(model, c_pt, kappa, protocol.kappa_blocks)
        model.to(device)
        tr, _, te = pools(protocol, seed)
        x, y = _tensors(protocol, tr, protocol.pt_op, device)
        t0 = time.perf_counter()
        r = train(model, x, y, steps=protocol.pt_steps, lr=protocol.lr_pt, optimizer=protocol.optimizer,
                  momentum=protocol.momentum, weight_decay=protocol.weight_decay,
                  loss_threshold=protocol.pt_loss_threshold)
        return {"pt_steps": r["steps"], "pt_train_loss": r["loss"], "pt_diverged": r["diverged"],
                "pt_test_accuracy": accuracy(model, *_tensors(protocol, te, protocol.pt_op, device)),
                "pt_test_accuracy_unseen": accuracy(model, *_tensors(protocol, te[T.swap_unseen(tr, te, protocol.p)],
                                                                    protocol.pt_op, device)),
                "pt_seconds": time.perf_counter() - t0}

    return load_or_train(model, pt_config(protocol, seed, c_pt, kappa), PT_CODE_VERSION, fit, device, cache_dir)


def _ft_data(protocol: Protocol, seed: int, ft_op: str, n_ft: int, device):
    """(x, y): the first ``n_ft`` pairs of the FT order; (xt, yt): the test pool; all labelled by
    ``ft_op``; and the mask of the test pairs whose swap is not among the ``n_ft``."""
    import torch  # noqa: PLC0415
    _, order, te = pools(protocol, seed)
    unseen = torch.as_tensor(T.swap_unseen(order[:n_ft], te, protocol.p), device=device)
    return (*_tensors(protocol, order[:n_ft], ft_op, device), *_tensors(protocol, te, ft_op, device), unseen)


def _ft_train(protocol: Protocol, x, y):
    """The FT training function (``fit(model)``) of the protocol on (x, y)."""
    return lambda m: train(m, x, y, steps=protocol.ft_steps, lr=protocol.lr_ft, optimizer=protocol.optimizer,
                           momentum=protocol.momentum, weight_decay=protocol.weight_decay,
                           loss_threshold=protocol.ft_loss_threshold)


def _ft_metrics(model, fit: dict, x, y, xt, yt, unseen, device, t0) -> dict:
    return {"test_accuracy": accuracy(model, xt, yt), "train_accuracy": accuracy(model, x, y),
            "test_accuracy_unseen": accuracy(model, xt[unseen], yt[unseen]),
            "ft_steps": fit["steps"], "ft_train_loss": fit["loss"], "ft_converged": fit["converged"],
            "ft_diverged": fit["diverged"], "n_test": len(xt), "device": device_name(device),
            "seconds": time.perf_counter() - t0}


def run_one(protocol: Protocol, seed: int, c_pt: float, kappa: float, gamma_ft: float, ft_op: str, n_ft: int, *,
            device: str = "cpu", cache_dir=None) -> dict:
    """One PT+FT run; returns the measured quantities (a JSON-serialisable dict, see the module docstring)."""
    import torch  # noqa: PLC0415
    from .model import kappa_modules, module_of, reset_readout  # noqa: PLC0415
    c_pt, kappa, gamma_ft, ft_op, n_ft = validate_run(protocol, c_pt, kappa, gamma_ft, ft_op, n_ft)
    t0 = time.perf_counter()
    x, y, xt, yt, unseen = _ft_data(protocol, seed, ft_op, n_ft, device)
    probe = np.random.default_rng(derive_seed({**_task_seed_cfg(protocol, seed), "purpose": "probe"}))
    probe = torch.as_tensor(probe.permutation(len(xt))[:protocol.n_probe], device=device)

    model, pt_metrics = pretrain(protocol, seed, c_pt, kappa, device=device, cache_dir=cache_dir)
    feats_pt = readout_inputs(model, xt[probe])
    model = reset_readout(copy.deepcopy(model), gamma_ft, derive_seed({"purpose": "readout", "seed": int(seed)}))
    kappa_mods = kappa_modules(model, protocol.kappa_blocks)
    fit, probes = fine_tune(model, _ft_train(protocol, x, y), early=lambda n: module_of(n) in kappa_mods,
                            readout="unembed", features=readout_inputs, probe_x=xt[probe], feats_pt=feats_pt)
    return json_safe({**_ft_metrics(model, fit, x, y, xt, yt, unseen, device, t0), **probes, **pt_metrics})


def scratch_one(protocol: Protocol, seed: int, c_pt: float, kappa: float, ft_op: str, n_ft: int, *,
                device: str = "cpu") -> dict:
    """The no-PT baseline: the PT network's init (same seed, scaled by ``c_pt`` and ``kappa``) trained
    on the FT data directly, as FT trains; the same test pool.  Says whether PT helped or hurt."""
    from .model import scale_network  # noqa: PLC0415
    c_pt, kappa, _, ft_op, n_ft = validate_run(protocol, c_pt, kappa, 0.0, ft_op, n_ft)
    t0 = time.perf_counter()
    x, y, xt, yt, unseen = _ft_data(protocol, seed, ft_op, n_ft, device)
    model = scale_network(_model(protocol, seed), c_pt, kappa, protocol.kappa_blocks).to(device)
    return json_safe(_ft_metrics(model, _ft_train(protocol, x, y)(model), x, y, xt, yt, unseen, device, t0))
