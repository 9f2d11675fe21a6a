"""The clean transformer test: PT that generalises, levers at a fixed PT function, FT
tasks with known overlap, probes that do not move with the weight scale.

Per seed:

1. **Split** (:func:`~.pairs.swap_closed_split`): unordered pairs into a train part and a held-out
   part, both orders in each.
2. **PT** (:func:`pretrain`): a :class:`~.model.TinyTransformer` from a per-(seed, draw) init, every
   parameter times ``pt_init_scale`` (the ``init`` arm: times ``c`` too, and the embeddings and first
   block times ``kappa``), trained full-batch with AdamW (weight decay; optionally Grokfast's
   amplification of the slow gradient component, ``grokfast_alpha``, ``grokfast_lambda``) on
   ``(a + b) mod p`` over the train part, until the accuracy on the held-out pairs reaches ``pt_target`` (checked every
   ``pt_check_every`` steps) or ``pt_steps``.  A draw that does not reach it is discarded and the
   init re-drawn, at most ``max_draws`` times; every draw is counted (:func:`pretrain` returns them).
3. **What PT learned**: the held-out accuracy, the key frequencies of the token embedding
   (:func:`~.pairs.key_frequencies`), and per FT task the share of its target on those frequencies
   (:func:`~.pairs.fourier_share`) and the accuracy of a least-squares linear readout of the PT
   network's features fitted on every pair (``probe_accuracy``).
4. **FT** (:func:`fine_tune_run`): from a copy of the PT network; the ``rebalance`` arm applies ``c``
   (:func:`~.levers.rescale_stream`) and ``kappa`` (:func:`~.levers.rebalance_blocks`), both exact
   function-preserving rescalings; the readout is re-initialised with the task's classes times
   ``gamma`` (:func:`~.levers.new_readout`); full-batch plain gradient descent on the first ``n_ft``
   sequences of a per-seed order of the train part, until the train loss is below
   ``ft_loss_threshold`` (``ft_stop = "threshold"``), or has converged: its best value so far fell by less
   than the fraction ``ft_plateau_rtol`` over the last ``ft_plateau_window`` steps (``"plateau"``; a loss
   spike does not stop it; window 0: never), or
   for at most ``ft_steps`` steps (``"cap"``); the same rule for every task.  The step is ``lr_ft / E||f||^2``, ``f`` the readout inputs on the
   held-out pairs at the start of FT (after the levers): the readout's curvature scale, so the readout
   fits at the same speed whatever ``c`` (a fixed step would make ``c`` a learning-rate lever: with a
   fixed step budget, larger features fit faster), while the body's relative speed moves with the
   levers as intended.
5. **Probes**: ``test_error`` on the held-out pairs; ``richness`` = 1 - linear CKA between the
   readout inputs at the start and the end of FT on the held-out inputs (how much the
   representation moved; CKA is invariant to a rescaling of the features, so ``c`` and ``kappa`` do
   not move it mechanically); ``pt_dependence`` = share of the FT change of the token embedding inside
   the span of the Fourier vectors of PT's key frequencies (a ratio of norms: scale-free; chance
   level ``2 n_key / p``).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time

import numpy as np

from ... import _validate as V
from ...errors import ParameterError
from ..sweep import derive_seed
from . import pairs as P
from .protocol import check_memory

ARMS = ("rebalance", "init")


@dataclasses.dataclass(frozen=True)
class CleanProtocol:
    """Everything a seed's runs depend on besides the levers, the task and ``n_ft``."""

    p: int = 31
    train_frac: float = 0.8
    d_model: int = 32
    n_heads: int = 4
    d_mlp: int = 128
    n_layers: int = 1
    pt_init_scale: float = 0.125
    lr_pt: float = 1e-2
    weight_decay_pt: float = 0.3
    grokfast_alpha: float = 0.0
    grokfast_lambda: float = 0.0
    pt_steps: int = 2000
    pt_check_every: int = 50
    pt_target: float = 0.95
    max_draws: int = 3
    key_share: float = 0.5
    lr_ft: float = 0.1
    ft_steps: int = 100
    ft_loss_threshold: float = 1e-3
    ft_plateau_window: int = 0
    ft_plateau_rtol: float = 0.0
    dtype: str = "float32"

    def __post_init__(self):
        P.check_p(self.p)
        P.swap_closed_split(self.p, self.train_frac, 0)
        for name in ("d_model", "n_heads", "d_mlp", "n_layers", "pt_steps", "pt_check_every", "max_draws",
                     "ft_steps"):
            V.positive_int(name, getattr(self, name))
        if self.d_model % self.n_heads:
            raise ParameterError(f"n_heads={self.n_heads!r} is invalid for d_model={self.d_model}; "
                                 "valid: a divisor of d_model")
        for name in ("pt_init_scale", "lr_pt", "lr_ft"):
            V.positive(name, getattr(self, name))
        if not 0 <= V.finite_scalar("grokfast_alpha", self.grokfast_alpha) < 1:
            raise ParameterError(f"grokfast_alpha={self.grokfast_alpha!r} is invalid; valid range: [0, 1)")
        if not (isinstance(self.ft_plateau_window, int) and not isinstance(self.ft_plateau_window, bool)
                and self.ft_plateau_window >= 0):
            raise ParameterError(f"ft_plateau_window={self.ft_plateau_window!r} is invalid; valid: an integer >= 0 "
                                 "(0: no plateau stop)")
        if not 0 <= V.finite_scalar("ft_plateau_rtol", self.ft_plateau_rtol) < 1:
            raise ParameterError(f"ft_plateau_rtol={self.ft_plateau_rtol!r} is invalid; valid range: [0, 1)")
        for name in ("weight_decay_pt", "ft_loss_threshold", "grokfast_lambda"):
            V.nonnegative(name, getattr(self, name))
        if not 0 <= V.finite_scalar("pt_target", self.pt_target) <= 1:
            raise ParameterError(f"pt_target={self.pt_target!r} is invalid; valid range: [0, 1] (0: any PT network)")
        if not 0 < V.finite_scalar("key_share", self.key_share) <= 1:
            raise ParameterError(f"key_share={self.key_share!r} is invalid; valid range: (0, 1]")
        if self.dtype not in ("float32", "float64"):
            raise ParameterError(f"dtype={self.dtype!r} is invalid; valid: float32, float64")
        check_memory(self)  # the model's sizes, bounded by this machine's memory before anything is allocated

    @classmethod
    def from_dict(cls, d: dict) -> "CleanProtocol":
        names = {f.name for f in dataclasses.fields(cls)}
        bad = sorted(set(d) - names)
        if bad:
            raise ParameterError(f"protocol key {bad[0]!r} is invalid; valid: {', '.join(sorted(names))}")
        return cls(**d)


# ----------------------------------------------------------------------------------- data
def _tensors(seqs: np.ndarray, y: np.ndarray, p: int, device="cpu"):
    import torch  # noqa: PLC0415
    from .tasks import tokens  # noqa: PLC0415
    return (torch.as_tensor(tokens(seqs, p), device=device),
            torch.as_tensor(np.asarray(y, dtype=np.int64), device=device))


def seed_data(protocol: CleanProtocol, seed: int) -> dict:
    """The seed's split and FT order: ``train``, ``heldout`` (ordered pairs), ``ft_order`` (the train
    part in a per-seed order; FT takes its first ``n_ft``)."""
    cfg = {"p": protocol.p, "train_frac": protocol.train_frac, "seed": int(seed)}
    tr, ho = P.swap_closed_split(protocol.p, protocol.train_frac, derive_seed({**cfg, "purpose": "split"}))
    order = np.random.default_rng(derive_seed({**cfg, "purpose": "ft_order"})).permutation(len(tr))
    return {"train": tr, "heldout": ho, "ft_order": tr[order]}


def accuracy(model, x, y) -> float:
    import torch  # noqa: PLC0415
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(1) == y).double().mean())


def features(model, x) -> np.ndarray:
    import torch  # noqa: PLC0415
    model.eval()
    with torch.no_grad():
        return model.features(x).double().cpu().numpy()


# ------------------------------------------------------------------------------------- PT
def build_model(protocol: CleanProtocol, seed: int, draw: int, c: float, kappa: float, device="cpu"):
    """The PT init of (seed, draw): every parameter times ``pt_init_scale * c``, the embeddings and first block
    times ``kappa`` too."""
    import torch  # noqa: PLC0415
    from .model import build_transformer, scale_network  # noqa: PLC0415
    m = build_transformer(protocol.p, d_model=protocol.d_model, n_heads=protocol.n_heads, d_mlp=protocol.d_mlp,
                          n_layers=protocol.n_layers, norm="none",
                          seed=derive_seed({"purpose": "clean_init", "seed": int(seed), "draw": int(draw)}),
                          dtype=getattr(torch, protocol.dtype))
    return scale_network(m, protocol.pt_init_scale * c, kappa, min(1, protocol.n_layers)).to(device)


def pretrain_draw(protocol: CleanProtocol, data: dict, seed: int, draw: int, c: float = 1.0, kappa: float = 1.0,
                  device="cpu"):
    """One PT draw: (model, held-out accuracy, steps, seconds)."""
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415
    t0 = time.perf_counter()
    p = protocol.p
    model = build_model(protocol, seed, draw, c, kappa, device)
    x, y = _tensors(data["train"], np.mod(data["train"].sum(1), p), p, device)
    xh, yh = _tensors(data["heldout"], np.mod(data["heldout"].sum(1), p), p, device)
    opt = torch.optim.AdamW(model.parameters(), lr=protocol.lr_pt, betas=(0.9, 0.98),
                            weight_decay=protocol.weight_decay_pt)
    acc, ema = 0.0, {}
    for step in range(protocol.pt_steps + 1):
        if step % protocol.pt_check_every == 0 or step == protocol.pt_steps:
            acc = accuracy(model, xh, yh)
            if acc >= protocol.pt_target or step == protocol.pt_steps:
                return model, acc, step, time.perf_counter() - t0
        model.train()
        loss = F.cross_entropy(model(x), y)
        if not math.isfinite(float(loss.detach())):
            return model, accuracy(model, xh, yh), step, time.perf_counter() - t0
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if protocol.grokfast_lambda:
            _grokfast(model, ema, protocol.grokfast_alpha, protocol.grokfast_lambda)
        opt.step()
    return model, acc, protocol.pt_steps, time.perf_counter() - t0  # pragma: no cover (the loop returns)


def _grokfast(model, ema: dict, alpha: float, lam: float):
    """Grokfast-EMA (Lee et al. 2024, arXiv 2405.20233): add ``lam`` times an exponential moving
    average (factor ``alpha``) of the past gradients to each gradient, amplifying its slow part."""
    for name, q in model.named_parameters():
        if q.grad is None:
            continue
        m = ema.get(name)
        ema[name] = m = q.grad.detach().clone() if m is None else m.mul_(alpha).add_(q.grad, alpha=1 - alpha)
        q.grad.add_(m, alpha=lam)


def pretrain(protocol: CleanProtocol, data: dict, seed: int, c: float = 1.0, kappa: float = 1.0, device="cpu",
             draw_fn=None):
    """Draw PT inits until one reaches ``pt_target`` on the held-out pairs (at most ``max_draws``).

    Returns ``(model or None, record)``; ``record`` holds ``draws`` (inits tried), ``failed_draws``,
    ``pt_heldout_accuracy`` (the used draw's, or the last failed one's), ``pt_steps``, ``draw_used``
    (None when every draw failed), ``seconds`` (the compute time of all the draws, failed ones included).
    ``draw_fn(draw) -> (model, accuracy, steps, seconds)`` (default :func:`pretrain_draw`; the study's
    cached one)."""
    if draw_fn is None:
        def draw_fn(draw):
            return pretrain_draw(protocol, data, seed, draw, c, kappa, device)
    accs, secs = [], 0.0
    for draw in range(protocol.max_draws):
        model, acc, steps, s = draw_fn(draw)
        accs.append(acc)
        secs += s
        if acc >= protocol.pt_target:
            return model, {"draws": draw + 1, "failed_draws": draw, "pt_heldout_accuracy": acc, "pt_steps": steps,
                           "failed_accuracies": accs[:-1], "draw_used": draw, "seconds": secs}
    return None, {"draws": protocol.max_draws, "failed_draws": protocol.max_draws, "pt_heldout_accuracy": accs[-1],
                  "pt_steps": steps, "failed_accuracies": accs, "draw_used": None, "seconds": secs}


def linear_probe_accuracy(feats: np.ndarray, labels: np.ndarray, n_labels: int) -> float:
    """Accuracy (on the same points) of the least-squares linear readout (with a bias) of one-hot labels."""
    a = np.concatenate([feats, np.ones((len(feats), 1))], axis=1)
    w, *_ = np.linalg.lstsq(a, np.eye(n_labels)[labels], rcond=None)
    return float(((a @ w).argmax(1) == labels).mean())


def pt_summary(protocol: CleanProtocol, model, tasks) -> dict:
    """What PT learned and what each FT task shares with it: ``key_frequencies``, per task
    ``fourier_share`` and ``probe_accuracy`` (module docstring, step 3)."""
    p = protocol.p
    emb = model.embed.tok.weight.detach().double().cpu().numpy()
    keys = P.key_frequencies(emb, p, protocol.key_share)
    power = P.frequency_power(emb, p)
    allp = np.stack(np.divmod(np.arange(p * p), p), axis=1)
    feats = features(model, _tensors(allp, np.zeros(len(allp)), p, model.unembed.weight.device)[0])
    out = {"key_frequencies": list(keys), "key_power_share": float(power[[k - 1 for k in keys]].sum() / power.sum())}
    for task in tasks:
        lab = P.ft_labels(allp, task, p, keys[0])
        n = P.n_classes(task, p)
        out[task] = {"fourier_share": P.fourier_share(lab, n, p, keys),
                     "probe_accuracy": linear_probe_accuracy(feats, lab, n)}
    return out


# ------------------------------------------------------------------------------------- FT
def key_basis(p: int, keys) -> np.ndarray:
    """Orthonormal columns ``cos, sin(2 pi k a / p)`` over tokens ``a`` for the key frequencies: (p, 2 n_key)."""
    a = np.arange(p)[:, None] * np.asarray(keys)[None, :] * 2 * np.pi / p
    b = np.concatenate([np.cos(a), np.sin(a)], axis=1)
    return b / np.linalg.norm(b, axis=0)


def subspace_share(delta: np.ndarray, basis: np.ndarray) -> float:
    """``||basis^T delta||^2 / ||delta||^2`` (``basis`` orthonormal columns); 0 for no change."""
    tot = float((delta ** 2).sum())
    return float(((basis.T @ delta) ** 2).sum() / tot) if tot > 0 else 0.0


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Linear CKA of two feature matrices (rows = inputs); invariant to scaling either one."""
    x, y = x - x.mean(0), y - y.mean(0)
    num = np.linalg.norm(y.T @ x) ** 2
    den = np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)
    return float(num / den) if den > 0 else 0.0


def ft_setup(protocol: CleanProtocol, pt_model, data: dict, keys, task: str, n_ft: int, *, arm: str,
             c: float, kappa: float, gamma: float, seed: int, task_k1: int | None = None) -> dict:
    """What an FT run starts from (shared by :func:`fine_tune_run` and the batched FT of
    :mod:`.clean_batched`): ``model`` (a copy of ``pt_model`` with the levers and the new readout),
    ``lr``, the FT data ``x, y``, the held-out ``xh, yh``, the start features ``f0`` and token embedding ``e0``."""
    from .levers import new_readout, rebalance_blocks, rescale_stream  # noqa: PLC0415
    if arm not in ARMS:
        raise ParameterError(f"arm={arm!r} is invalid; valid: {', '.join(ARMS)}")
    n_ft = V.positive_int("n_ft", n_ft)
    if n_ft > len(data["ft_order"]):
        raise ParameterError(f"n_ft={n_ft!r} is invalid; valid range: 1 <= n_ft <= {len(data['ft_order'])}")
    p = protocol.p
    model = copy.deepcopy(pt_model)
    dev = model.unembed.weight.device
    if arm == "rebalance":
        rescale_stream(model, c)
        rebalance_blocks(model, kappa)
    xh = _tensors(data["heldout"], np.zeros(len(data["heldout"])), p, dev)[0]
    lr = protocol.lr_ft / float((features(model, xh) ** 2).sum(1).mean())  # in units of the FT-start features' scale
    new_readout(model, P.n_classes(task, p), gamma, derive_seed({"purpose": "clean_readout", "seed": int(seed)}))
    k1 = keys[0] if task_k1 is None else int(task_k1)
    tr = data["ft_order"][:n_ft]
    x, y = _tensors(tr, P.ft_labels(tr, task, p, k1), p, dev)
    xh, yh = _tensors(data["heldout"], P.ft_labels(data["heldout"], task, p, k1), p, dev)
    return {"model": model, "lr": lr, "x": x, "y": y, "xh": xh, "yh": yh, "f0": features(model, xh),
            "e0": model.embed.tok.weight.detach().double().cpu().numpy()[:p].copy()}


def plateaued(best: list, steps: int, window: int, rtol: float) -> bool:
    """The plateau stop: the best train loss so far (``best[t]``) fell by less than ``rtol`` over the last
    ``window`` steps (window 0: never)."""
    return bool(window) and steps >= window and best[steps] > (1 - rtol) * best[steps - window]


def ft_result(protocol: CleanProtocol, s: dict, keys, *, steps: int, loss: float, stop: str, seconds: float) -> dict:
    """The record of a finished FT run from its setup ``s`` (its ``model`` trained)."""
    model, p = s["model"], protocol.p
    if stop == "diverged":
        return {"test_error": None, "richness": None, "pt_dependence": None, "train_error": None, "ft_steps": steps,
                "ft_loss": None, "ft_diverged": True, "ft_stop": stop, "ft_lr": s["lr"], "seconds": seconds}
    delta = model.embed.tok.weight.detach().double().cpu().numpy()[:p] - s["e0"]
    return {"test_error": 1 - accuracy(model, s["xh"], s["yh"]),
            "richness": 1 - linear_cka(s["f0"], features(model, s["xh"])),
            "pt_dependence": subspace_share(delta, key_basis(p, keys)),
            "train_error": 1 - accuracy(model, s["x"], s["y"]),
            "ft_steps": steps, "ft_loss": loss, "ft_diverged": False, "ft_stop": stop, "ft_lr": s["lr"],
            "seconds": seconds}


def fine_tune_run(protocol: CleanProtocol, pt_model, data: dict, keys, task: str, n_ft: int, *, arm: str,
                  c: float, kappa: float, gamma: float, seed: int, task_k1: int | None = None) -> dict:
    """One FT run from ``pt_model`` (not modified; ``keys``: its key frequencies, for the probe; ``task_k1``:
    the subset task's frequency, default ``keys[0]``); returns ``test_error``, ``richness``,
    ``pt_dependence``, ``train_error``, ``ft_steps``, ``ft_loss``, ``ft_diverged``, ``ft_stop``, ``ft_lr``,
    ``seconds``.  The reference of the batched FT (:mod:`.clean_batched`)."""
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415
    t0 = time.perf_counter()
    s = ft_setup(protocol, pt_model, data, keys, task, n_ft, arm=arm, c=c, kappa=kappa, gamma=gamma, seed=seed,
                 task_k1=task_k1)
    model, x, y = s["model"], s["x"], s["y"]
    opt = torch.optim.SGD(model.parameters(), lr=s["lr"], momentum=0.0)
    steps, loss, stop, losses = 0, math.inf, "cap", []
    model.train()
    for steps in range(protocol.ft_steps + 1):
        out = F.cross_entropy(model(x), y)
        loss = float(out.detach())
        losses.append(loss if not losses else min(loss, losses[-1]))  # the best train loss so far
        if not math.isfinite(loss):
            stop = "diverged"
            break
        if loss < protocol.ft_loss_threshold:
            stop = "threshold"
            break
        if plateaued(losses, steps, protocol.ft_plateau_window, protocol.ft_plateau_rtol):
            stop = "plateau"  # converged: the best train loss fell by less than rtol over the last w steps
            break
        if steps == protocol.ft_steps:
            break
        opt.zero_grad(set_to_none=True)
        out.backward()
        opt.step()
    return ft_result(protocol, s, keys, steps=steps, loss=loss, stop=stop, seconds=time.perf_counter() - t0)
