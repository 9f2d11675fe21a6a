"""Batched FT for the clean transformer study: many FT runs, from one or several PT networks, in one computation.

Every FT run of the study (:func:`~.clean.fine_tune_run`) is a small full-batch gradient-descent problem
whose per-step cost is in good part torch's per-operation overhead (most of it at n_FT = 48, less at 192;
``benchmarks/transformer_ft_bench.py`` measures the ratio, 3.8x for 21 runs per batch on 2026-12-08, the
rest being arithmetic and memory traffic).  :func:`fine_tune_batch` runs ``R`` of them as one: the parameters of the runs are stacked along a leading run axis (the
readouts, whose class counts differ between tasks, padded with zero rows whose logits are masked to
``-inf``: their softmax weight and gradient are exactly 0), the training sets padded to the largest
``n_ft`` with a per-run sample mask, so each run's loss is the mean over its own samples and, since the
runs share no parameter, the gradient of the summed losses is each run's own gradient.  Each run has
its own step size.  After every loss evaluation each run's stopping rule is applied exactly as in
:func:`~.clean.fine_tune_run` (same order: diverged, threshold, plateau, cap); a run that stops is taken
out of the batch with its parameters as they are (no further update), its stop step, loss and reason
recorded, and the batch continues with the remaining runs.  So each run follows the trajectory its own
rule defines; the arithmetic differs from the per-run reference only in float rounding (batched matrix
products, a masked sum instead of a mean), which the tests bound.

The start (levers, readout, step size, data) and the probes at the end are the reference's own code
(:func:`~.clean.ft_setup`, :func:`~.clean.ft_result`); only the gradient-descent loop is batched.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ...errors import ParameterError
from . import clean as C


def _stack(setups: list[dict], dev) -> tuple:
    """The runs' parameters stacked on a leading run axis (readouts zero-padded to the most classes) and
    the (R, C_max) mask of each run's real classes."""
    import torch  # noqa: PLC0415
    names = [n for n, _ in setups[0]["model"].named_parameters()]
    cmax = max(s["model"].unembed.weight.shape[0] for s in setups)
    params = {}
    for name in names:
        ts = [dict(s["model"].named_parameters())[name].detach() for s in setups]
        if name.startswith("unembed."):
            ts = [torch.cat([t, t.new_zeros((cmax - t.shape[0], *t.shape[1:]))]) for t in ts]
        params[name] = torch.stack(ts).clone().requires_grad_(True)
    ncls = torch.tensor([s["model"].unembed.weight.shape[0] for s in setups], device=dev)
    return params, torch.arange(cmax, device=dev)[None, :] < ncls[:, None]


def _bt(w):
    return w.transpose(1, 2)


def _gather_rows(table, idx):
    """``table[r, idx[r, i]]`` for a (R, V, d) table and (R, M) indices: (R, M, d).  One ``index_select`` of
    the (R V, d) table: the same values as ``torch.gather``, and its backward (an ``index_add`` over the indices
    in order) sums each row's gradient in the same order as gather's scatter-add, so the results are
    bit-identical on the CPU (tested; CUDA's scatter-add and index_add use atomics, in no fixed order), at
    about a sixth of gather's time at the study's sizes (measured, 21 runs x 576 rows).  Indices are not
    bounds-checked per run: they must be < V (tokens are)."""
    import torch  # noqa: PLC0415
    r, v, d = table.shape
    flat = (idx + torch.arange(r, device=idx.device)[:, None] * v).reshape(-1)
    return torch.index_select(table.reshape(r * v, d), 0, flat).reshape(r, -1, d)


def _one_block(P: dict, x, n_heads: int):
    """The last-position output (R, N, d) of a one-block network, rearranged (exact in exact arithmetic):
    the block's input is the embedding, so its keys and values are rows of the (vocabulary x d) tables
    ``tok W^T`` gathered per token plus ``pos W^T`` (linearity), and the last position's query meets
    the ``T`` keys elementwise (a batched product of (1 x d/H) by (d/H x T) blocks is slow)."""
    import torch  # noqa: PLC0415
    r, n, t = x.shape
    tok, pos, w = P["embed.tok.weight"], P["embed.pos"][:, :t], P["blocks.0.qkv.weight"]
    d = tok.shape[-1]
    dh = d // n_heads
    k, v = (_gather_rows(torch.bmm(tok, _bt(w[:, j * d:(j + 1) * d])), x.reshape(r, n * t)).reshape(r, n, t, d)
            + torch.bmm(pos, _bt(w[:, j * d:(j + 1) * d]))[:, None] for j in (1, 2))  # (R, N, T, d)
    h = _gather_rows(tok, x[:, :, -1]) + pos[:, None, -1]  # the last position's embedding (R, N, d)
    q = torch.bmm(h, _bt(w[:, :d]))  # (R, N, d)
    logits = (q[:, :, None] * k).reshape(r, n, t, n_heads, dh).sum(-1) / math.sqrt(dh)  # (R, N, T, H)
    att = torch.softmax(logits, dim=2)
    o = (att[..., None] * v.reshape(r, n, t, n_heads, dh)).sum(2).reshape(r, n, d)
    return h + torch.bmm(o, _bt(P["blocks.0.out.weight"]))


def _forward(P: dict, x, n_layers: int, n_heads: int):
    """Logits (R, N, C_max) of the stacked :class:`~.model.TinyTransformer` (``norm = "none"``) on tokens
    ``x`` (R, N, T): the model's forward pass with a run axis in front; the last block computes only the
    last position (its query attends to every position, as in the model); one block: :func:`_one_block`."""
    import torch  # noqa: PLC0415
    r, n, t = x.shape
    if n_layers == 1:
        h = _one_block(P, x, n_heads)
    else:
        h = _gather_rows(P["embed.tok.weight"], x.reshape(r, n * t)).reshape(r, n, t, -1) + P["embed.pos"][:, None, :t]
    d = h.shape[-1]
    dh = d // n_heads
    for i in range(n_layers):
        b, w = f"blocks.{i}.", P[f"blocks.{i}.qkv.weight"]
        if n_layers > 1:
            q, k, v = (z.reshape(r, n, t, n_heads, dh).transpose(2, 3)
                       for z in torch.bmm(h.reshape(r, n * t, d), _bt(w)).split(d, dim=-1))  # (R, N, H, T, dh)
            logits = q @ k.transpose(-1, -2) / math.sqrt(dh)
            if i == n_layers - 1:
                logits, h = logits[..., -1:, :], h[:, :, -1:]
            else:
                mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
                logits = logits.masked_fill(~mask, -math.inf)
            sh = h.shape
            o = (torch.softmax(logits, dim=-1) @ v).transpose(2, 3).reshape(r, -1, d)
            h = h + torch.bmm(o, _bt(P[b + "out.weight"])).reshape(sh)
            if i == n_layers - 1:
                h = h[:, :, 0]
        sh = h.shape
        z = torch.relu(torch.baddbmm(P[b + "mlp_in.bias"][:, None], h.reshape(r, -1, d), _bt(P[b + "mlp_in.weight"])))
        h = h + torch.baddbmm(P[b + "mlp_out.bias"][:, None], z, _bt(P[b + "mlp_out.weight"])).reshape(sh)
    return torch.baddbmm(P["unembed.bias"][:, None], h, _bt(P["unembed.weight"]))


def fine_tune_batch(protocol: C.CleanProtocol, pt_model, data: dict, keys, specs: list[dict], *, seed: int,
                    task_k1: int | None = None, sources: list[tuple] | None = None) -> list[dict]:
    """The FT runs ``specs`` (dicts of :func:`~.clean.fine_tune_run`'s ``task, n_ft, arm, c, kappa, gamma``)
    from ``pt_model``, batched (module docstring); one record per spec, as :func:`~.clean.fine_tune_run`'s
    (``seconds``: the batch's time divided evenly among its runs).  ``sources``: per spec its own
    ``(pt_model, keys, task_k1)`` (runs from several PT networks of one seed in one batch, e.g. the ``init``
    arm's); then ``pt_model``, ``keys`` and ``task_k1`` are not used."""
    import torch  # noqa: PLC0415
    import torch.nn.functional as F  # noqa: PLC0415
    if not specs:
        return []
    if sources is None:
        sources = [(pt_model, keys, task_k1)] * len(specs)
    if len(sources) != len(specs):
        raise ParameterError(f"sources has {len(sources)} entries; valid: one per spec ({len(specs)})")
    for m, _, _ in sources:
        if getattr(m, "norm", "none") != "none":
            raise ParameterError(f"norm={m.norm!r} is invalid for the batched FT; valid: 'none'")
    t0 = time.perf_counter()
    setups = [C.ft_setup(protocol, m, data, k, s["task"], s["n_ft"], arm=s["arm"], c=s["c"], kappa=s["kappa"],
                         gamma=s["gamma"], seed=seed, task_k1=k1) for s, (m, k, k1) in zip(specs, sources)]
    dev = setups[0]["model"].unembed.weight.device
    params, cls_mask = _stack(setups, dev)
    nmax = max(len(s["y"]) for s in setups)
    x = torch.stack([torch.cat([s["x"], s["x"].new_zeros((nmax - len(s["x"]), s["x"].shape[1]))]) for s in setups])
    y = torch.stack([torch.cat([s["y"], s["y"].new_zeros(nmax - len(s["y"]))]) for s in setups])
    n = torch.tensor([len(s["y"]) for s in setups], device=dev)
    smask = (torch.arange(nmax, device=dev)[None, :] < n[:, None]).to(params["embed.pos"].dtype)
    lr = torch.tensor([s["lr"] for s in setups], dtype=params["embed.pos"].dtype, device=dev)
    live = np.arange(len(specs))  # the run ids still in the batch, in batch order
    best = np.full((protocol.ft_steps + 1, len(specs)), np.nan)  # best train loss so far, per step and run
    done: dict[int, tuple] = {}
    w, rtol, thr = protocol.ft_plateau_window, protocol.ft_plateau_rtol, protocol.ft_loss_threshold
    n_layers, n_heads = len(setups[0]["model"].blocks), setups[0]["model"].blocks[0].n_heads
    for step in range(protocol.ft_steps + 1):
        logits = _forward(params, x, n_layers, n_heads).masked_fill(~cls_mask[:, None, :], -math.inf)
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none").reshape(y.shape)
        loss = (ce * smask).sum(1) / n
        lv = loss.detach().double().cpu().numpy()
        best[step, live] = lv if step == 0 else np.minimum(lv, best[step - 1, live])
        plateau = (bool(w) and step >= w) & (best[step, live] > (1 - rtol) * best[max(step - w, 0), live])
        stop = np.select([~np.isfinite(lv), lv < thr, plateau, np.full(len(live), step == protocol.ft_steps)],
                         ["diverged", "threshold", "plateau", "cap"], "")  # the order of :func:`~.clean.fine_tune_run`
        ended = np.flatnonzero(stop != "")
        for j in ended:
            done[int(live[j])] = (step, float(lv[j]), stop[j], {k: v[j].detach().clone() for k, v in params.items()})
        if len(ended) == len(live):
            break
        grads = torch.autograd.grad(loss.sum(), list(params.values()))
        with torch.no_grad():
            if len(ended):  # the stopped runs leave the batch: no further update touches them
                keep = torch.as_tensor(np.flatnonzero(stop == ""), device=dev)
                live = live[keep.cpu().numpy()]
                params = {k: v.detach()[keep] for k, v in params.items()}
                grads = [g[keep] for g in grads]
                x, y, n, smask, lr, cls_mask = (t[keep] for t in (x, y, n, smask, lr, cls_mask))
            for v, g in zip(params.values(), grads):
                v.sub_(g * lr.view(-1, *([1] * (v.dim() - 1))))
        params = {k: v.detach().requires_grad_(True) for k, v in params.items()}
    seconds = (time.perf_counter() - t0) / len(specs)
    out = []
    for rid, s in enumerate(setups):
        step, lv, why, final = done[rid]
        with torch.no_grad():
            for name, q in s["model"].named_parameters():
                q.copy_(final[name][:q.shape[0]] if name.startswith("unembed.") else final[name])
        out.append(C.ft_result(protocol, s, sources[rid][1], steps=step, loss=lv, stop=why, seconds=seconds))
    return out
