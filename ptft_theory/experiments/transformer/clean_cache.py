"""The clean transformer study's cache: every entry goes through :class:`~ptft_theory.experiments.sweep.Cache`.

Three kinds of entry, each keyed by everything it depends on and the package's code hash
(:func:`~.protocol.code_hash`), each stored with the sweep cache's digest (an edited, truncated,
foreign or stale entry is recomputed, never served; strict JSON, ``allow_nan=False``):

* ``clean_pt_draw``: one PT draw (seed, draw, ``c``, ``kappa`` at PT init) keyed by the PT part of the
  protocol only (:data:`PT_FIELDS`), so a change of the FT protocol reuses the PT networks; the
  network's parameters are stored (base64 of their bytes) with its held-out accuracy, steps and seconds;
* ``clean_ft_run``: one FT run (:func:`~.clean.fine_tune_run`'s record);
* ``clean_phase``: a (seed, phase) result (its rows and PT rows), what ``--cached-only`` reads.

Non-finite numbers in a result are stored and returned as ``None`` (an empty CSV cell), so a result
reads the same computed or cached.
"""

from __future__ import annotations

import base64
import dataclasses
import math
from pathlib import Path

import numpy as np

from ..sweep import Cache
from . import clean as C

CACHE_VERSION = "transformer-clean-2"
PT_FIELDS = ("p", "train_frac", "d_model", "n_heads", "d_mlp", "n_layers", "pt_init_scale", "lr_pt", "weight_decay_pt",
             "grokfast_alpha", "grokfast_lambda", "pt_steps", "pt_check_every", "pt_target", "dtype")


def open_cache(cache_dir) -> Cache:
    return Cache(Path(cache_dir), salt=CACHE_VERSION)


def finite_or_none(obj):
    """``obj`` with every non-finite float replaced by None (recursively through dicts and lists)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_or_none(v) for v in obj]
    return obj


def _code() -> str:
    from .protocol import code_hash  # noqa: PLC0415
    return code_hash()


def cached(cache: Cache | None, key: dict, compute, cached_only: bool = False):
    """The result of ``key`` from ``cache`` (None: no cache), else ``compute()`` stored there; with
    ``cached_only``, None instead of computing."""
    key = {**key, "code": _code()}
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    if cached_only:
        return None
    res = finite_or_none(compute())
    if cache is not None:
        cache.put(key, res)
    return res


def phase_key(cfg: dict, seed: int, phase: str) -> dict:
    return {"kind": "clean_phase", **{k: cfg[k] for k in ("study", "n_ft", "tasks", "base", "vary", "ft_batched")},
            "protocol": dataclasses.asdict(cfg["protocol"]), "seed": int(seed), "phase": phase}


def _state_to_json(model) -> dict:
    return {name: {"dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape),
                   "data": base64.b64encode(t.detach().cpu().contiguous().numpy().tobytes()).decode()}
            for name, t in model.state_dict().items()}


def _state_from_json(model, state: dict):
    import torch  # noqa: PLC0415
    sd = {name: torch.from_numpy(np.frombuffer(base64.b64decode(v["data"]), dtype=v["dtype"]).reshape(v["shape"]).copy())
          for name, v in state.items()}
    model.load_state_dict(sd)
    return model


def pt_draw_fn(cache: Cache | None, protocol: C.CleanProtocol, data: dict, seed: int, c: float, kappa: float,
               device="cpu"):
    """A ``draw -> (model, accuracy, steps, seconds)`` function for :func:`~.clean.pretrain` that reads
    and writes ``clean_pt_draw`` entries (``seconds``: the draw's compute time when it was computed)."""
    pt = {k: getattr(protocol, k) for k in PT_FIELDS}

    def draw_fn(draw: int):
        box = {}

        def compute():
            model, acc, steps, secs = C.pretrain_draw(protocol, data, seed, draw, c, kappa, device)
            box["model"] = model
            return {"accuracy": acc, "steps": steps, "seconds": secs, "state": _state_to_json(model)}

        res = cached(cache, {"kind": "clean_pt_draw", "pt": pt, "seed": int(seed), "draw": int(draw), "c": float(c),
                             "kappa": float(kappa)}, compute)
        model = box.get("model")
        if model is None:
            model = _state_from_json(C.build_model(protocol, seed, draw, c, kappa, "cpu"), res["state"]).to(device)
        return model, res["accuracy"], res["steps"], res["seconds"]

    return draw_fn
