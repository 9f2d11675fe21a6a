"""A small decoder-only transformer in plain torch, and the paper's c_PT / kappa / gamma_FT scaling.

Architecture (:class:`TinyTransformer`)
---------------------------------------
``embed`` (token embedding of the ``p + 1`` tokens ``0..p-1`` and ``=``, plus a learned position
embedding) -> ``n_layers`` pre-norm residual blocks ``blocks.i`` (causal multi-head attention without
biases, then a ReLU MLP ``d -> d_mlp -> d`` with biases) -> ``unembed`` (the readout: ``nn.Linear(d, p)``)
read at the last position (the ``=`` token).  Init: embeddings N(0, 1) (torch's default), linear
layers torch's default (uniform, +-1/sqrt(fan_in)), so activations are O(1) at ``c_pt = 1``.

``norm="none"`` (the default) has no normalisation layer, as in the usual grokking transformers
(Nanda et al. 2023): then ``c_pt`` scales the network's output as an init scale does in the diagonal
network (logits grow with a power of ``c_pt``), and ``kappa`` changes the forward pass as well as the
dynamics.  ``norm="layernorm"`` adds a LayerNorm in front of each sub-layer and of the readout; a
LayerNorm divides out the scale of its input, so scaling the weights in front of it alone is a
no-op in the forward pass.  **The LayerNorm fix** (as the ResNet's BatchNorm fix): the LayerNorms'
affine parameters (weight *and* bias) are scaled with their module, which multiplies each
LayerNorm's output by exactly that factor (tested in float64).

Scaling (:func:`scale_network`): every parameter times ``c_pt``; the parameters of the
``kappa`` modules -- ``embed`` and the first ``kappa_blocks`` blocks -- times ``kappa`` as well
(the analogue of ``lambda_PT < 0``: smaller early layers for ``kappa < 1``).  :func:`reset_readout`
re-initialises ``unembed`` times ``gamma_ft``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ... import _validate as V
from ...errors import ParameterError
from ..resnet.model import module_norms as _module_norms

NORMS = ("none", "layernorm")
SEQ_LEN = 3  # "a b ="


def module_of(name: str) -> str:
    """The lever module of a parameter name: ``embed``, ``blocks.<i>``, ``ln_f`` or ``unembed``."""
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "blocks" else parts[0]


class _Embed(nn.Module):
    def __init__(self, vocab: int, d: int):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(SEQ_LEN, d))

    def forward(self, tokens):
        return self.tok(tokens) + self.pos[: tokens.shape[1]]


def _norm(kind: str, d: int) -> nn.Module:
    return nn.LayerNorm(d) if kind == "layernorm" else nn.Identity()


class Block(nn.Module):
    """Pre-norm residual block: causal multi-head self-attention (no biases), then a ReLU MLP."""

    def __init__(self, d: int, n_heads: int, d_mlp: int, norm: str):
        super().__init__()
        self.n_heads = n_heads
        self.ln1, self.ln2 = _norm(norm, d), _norm(norm, d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.out = nn.Linear(d, d, bias=False)
        self.mlp_in = nn.Linear(d, d_mlp)
        self.mlp_out = nn.Linear(d_mlp, d)

    def forward(self, x, last_only: bool = False):
        """``x`` (N, T, d) -> (N, T, d); ``last_only``: only the last position's output, (N, 1, d)."""
        n, t, d = x.shape
        h = self.n_heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q, k, v = (z.reshape(n, t, h, d // h).transpose(1, 2) for z in (q, k, v))
        if last_only:  # the last query attends to every position: no mask needed
            q, x = q[:, :, -1:], x[:, -1:]
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // h), dim=-1)
        else:
            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
            att = torch.softmax((q @ k.transpose(-1, -2) / math.sqrt(d // h)).masked_fill(~mask, -math.inf), dim=-1)
        x = x + self.out((att @ v).transpose(1, 2).reshape(n, x.shape[1], d))
        return x + self.mlp_out(torch.relu(self.mlp_in(self.ln2(x))))


class TinyTransformer(nn.Module):
    """Decoder-only transformer on ``a b =``; ``forward`` returns the logits over the ``p`` residues."""

    def __init__(self, p: int, d_model: int = 128, n_heads: int = 4, d_mlp: int = 512, n_layers: int = 1,
                 norm: str = "none"):
        super().__init__()
        p, d_model, n_heads = V.positive_int("p", p), V.positive_int("d_model", d_model), V.positive_int("n_heads", n_heads)
        if d_model % n_heads:
            raise ParameterError(f"n_heads={n_heads!r} is invalid for d_model={d_model}; valid: a divisor of d_model")
        if norm not in NORMS:
            raise ParameterError(f"norm={norm!r} is invalid; valid: {', '.join(NORMS)}")
        self.p, self.norm = p, norm
        self.embed = _Embed(p + 1, d_model)
        self.blocks = nn.ModuleList([Block(d_model, n_heads, V.positive_int("d_mlp", d_mlp), norm)
                                     for _ in range(V.positive_int("n_layers", n_layers))])
        self.ln_f = _norm(norm, d_model)
        self.unembed = nn.Linear(d_model, p)

    def features(self, tokens):
        """The readout's input at the last position (after the final LayerNorm, if any): (N, d_model)."""
        x = self.embed(tokens)
        for i, blk in enumerate(self.blocks):
            x = blk(x, last_only=i == len(self.blocks) - 1)
        return self.ln_f(x[:, -1])

    def forward(self, tokens):
        return self.unembed(self.features(tokens))


def build_transformer(p: int, *, d_model: int = 128, n_heads: int = 4, d_mlp: int = 512, n_layers: int = 1,
                      norm: str = "none", seed: int = 0, dtype=torch.float32) -> TinyTransformer:
    """A :class:`TinyTransformer` with its init drawn from ``seed`` (the global RNG is left alone)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        m = TinyTransformer(p, d_model, n_heads, d_mlp, n_layers, norm)
    return m.to(dtype)


def kappa_modules(model: TinyTransformer, kappa_blocks: int) -> tuple[str, ...]:
    """The modules multiplied by kappa: ``embed`` and blocks ``0..kappa_blocks-1``."""
    n = len(model.blocks)
    if not (isinstance(kappa_blocks, int) and 0 <= kappa_blocks <= n):
        raise ParameterError(f"kappa_blocks={kappa_blocks!r} is invalid; valid range: an integer in [0, n_layers={n}]")
    return ("embed",) + tuple(f"blocks.{i}" for i in range(kappa_blocks))


def kappa_parameters(model: TinyTransformer, kappa_blocks: int) -> list[tuple[str, nn.Parameter]]:
    """The (name, parameter) pairs multiplied by kappa."""
    mods = kappa_modules(model, kappa_blocks)
    return [(n, p) for n, p in model.named_parameters() if module_of(n) in mods]


@torch.no_grad()
def scale_network(model: TinyTransformer, c_pt: float, kappa: float = 1.0, kappa_blocks: int = 1,
                  *, scale_norms: bool = True) -> TinyTransformer:
    """Multiply every parameter by ``c_pt``, those of :func:`kappa_modules` by ``kappa`` too (in place).

    ``scale_norms=False`` leaves the LayerNorms' affine parameters alone (the no-op the fix removes;
    only for the tests that show it).
    """
    c_pt, kappa = V.positive("c_pt", c_pt), V.positive("kappa", kappa)
    mods = kappa_modules(model, kappa_blocks)
    norm_params = {f"{n}.{q}" for n, m in model.named_modules() if isinstance(m, nn.LayerNorm) for q in ("weight", "bias")}
    for name, p in model.named_parameters():
        if scale_norms or name not in norm_params:
            p.mul_(c_pt * (kappa if module_of(name) in mods else 1.0))
    return model


@torch.no_grad()
def reset_readout(model: TinyTransformer, gamma_ft: float, seed: int) -> TinyTransformer:
    """Re-initialise ``unembed`` (torch's default init, from ``seed``) times ``gamma_ft``, weight and
    bias, in place (a final LayerNorm stays: it is part of the body); ``gamma_ft = 0`` is a zero readout."""
    gamma_ft = V.nonnegative("gamma_ft", gamma_ft)
    old = model.unembed
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        new = nn.Linear(old.in_features, old.out_features)
    new = new.to(device=old.weight.device, dtype=old.weight.dtype)
    new.weight.mul_(gamma_ft)
    new.bias.mul_(gamma_ft)
    model.unembed = new
    return model


def module_norms(model: nn.Module) -> dict[str, float]:
    """Euclidean norm of the parameters of each lever module (``embed``, ``blocks.i``, ``ln_f``, ``unembed``)."""
    return _module_norms(model, module_of)
