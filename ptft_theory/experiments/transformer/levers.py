"""The levers at a fixed PT function: function-preserving rescalings at the start of FT.

The transformer (:class:`~.model.TinyTransformer`) is not positively homogeneous as a whole (the
softmax, the residual sums, biases), but parts of it are, and those give exact rescalings:

* :func:`rebalance_blocks` (``kappa``, the analogue of moving ``u^2 - v^2`` at fixed ``beta``): in
  every block the MLP's first layer (weight and bias) times ``kappa`` and its second layer's weight
  divided by it (exact: ReLU is positively homogeneous, ``relu(kappa z) = kappa relu(z)`` for
  ``kappa > 0``), and the attention's value projection times ``kappa``, its output projection divided
  by it (exact: the block's attention output is linear in ``W_V`` then ``W_O``).  Exact with or without
  LayerNorm (the rescaled pairs sit inside a sub-layer).
* :func:`rescale_stream` (``c``, the scale of the features FT starts from): the whole residual
  stream times ``c`` -- token and position embeddings times ``c``, query and key projections divided
  by ``c`` (the attention logits ``q . k`` stay put, the values grow by ``c``), the MLP biases times
  ``c`` (the MLP is then homogeneous of degree 1 in its input) -- and the PT readout divided by ``c``:
  the PT network's logits are unchanged, the FT readout sees features ``c`` times larger.  Exact
  without normalisation layers only (a LayerNorm divides the stream's scale out), so it refuses a
  ``norm = "layernorm"`` network.  The embeddings alone cannot be rescaled exactly: scaling them
  changes every attention logit quadratically and the MLP's input relative to its bias.
* :func:`new_readout`: the FT readout, re-initialised (torch's ``Linear`` init, seeded) with
  ``n_out`` outputs, times ``gamma`` (``0``: a zero readout).
"""

from __future__ import annotations

import torch
from torch import nn

from ... import _validate as V
from ...errors import ParameterError


def _qkv_rows(block, which: str) -> slice:
    d = block.qkv.in_features
    return {"q": slice(0, d), "k": slice(d, 2 * d), "v": slice(2 * d, 3 * d)}[which]


@torch.no_grad()
def rebalance_blocks(model, kappa: float):
    """In every block: MLP ``W_in, b_in`` times ``kappa``, ``W_out`` / ``kappa``; attention ``W_V``
    times ``kappa``, ``W_O`` / ``kappa``.  The network's function is unchanged (in place)."""
    kappa = V.positive("kappa", kappa)
    for blk in model.blocks:
        blk.mlp_in.weight.mul_(kappa)
        blk.mlp_in.bias.mul_(kappa)
        blk.mlp_out.weight.div_(kappa)
        blk.qkv.weight[_qkv_rows(blk, "v")] *= kappa
        blk.out.weight.div_(kappa)
    return model


@torch.no_grad()
def rescale_stream(model, c: float):
    """The residual stream times ``c`` and the readout divided by ``c``; the function is unchanged
    (in place).  Only for ``norm = "none"``."""
    c = V.positive("c", c)
    if model.norm != "none":
        raise ParameterError(f"norm={model.norm!r} is invalid for rescale_stream; valid: 'none' "
                             "(a LayerNorm divides the stream's scale out)")
    model.embed.tok.weight.mul_(c)
    model.embed.pos.mul_(c)
    for blk in model.blocks:
        blk.qkv.weight[_qkv_rows(blk, "q")] /= c
        blk.qkv.weight[_qkv_rows(blk, "k")] /= c
        blk.mlp_in.bias.mul_(c)
        blk.mlp_out.bias.mul_(c)
    model.unembed.weight.div_(c)
    return model


@torch.no_grad()
def new_readout(model, n_out: int, gamma: float, seed: int):
    """Replace ``unembed`` by a fresh ``nn.Linear(d_model, n_out)`` (torch's init from ``seed``) times
    ``gamma``, weight and bias (in place; the body is untouched)."""
    gamma = V.nonnegative("gamma", gamma)
    n_out = V.positive_int("n_out", n_out)
    old = model.unembed
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        new = nn.Linear(old.in_features, n_out)
    new = new.to(device=old.weight.device, dtype=old.weight.dtype)
    new.weight.mul_(gamma)
    new.bias.mul_(gamma)
    model.unembed = new
    return model
