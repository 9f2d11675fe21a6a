"""Bias-free ReLU MLPs (numpy, float64) with the three levers, gradient-descent training and the two probes.

A network is a list of weight matrices ``[W1, ..., WL]`` (``W1``: first layer, the analogue of the
diagonal model's ``u``; ``WL``: the readout, ``v``), ``f(x) = WL relu(... relu(W1 x))``.  Without
biases every hidden layer is positively homogeneous, so

* ``c`` (all weights times ``c``) multiplies the output by ``c^L``;
* ``kappa`` at initialisation (arm ``init``) multiplies ``W1`` only;
* ``kappa`` as a rebalancing at FT start (arm ``rebalance``): ``W1 * kappa`` and the next layer
  ``/ kappa`` leaves the function *exactly* unchanged (``relu(kappa z) = kappa relu(z)`` for
  ``kappa > 0``); in a two-layer network the next layer is the (re-initialised) readout, so its draw
  ``gamma * v0`` becomes ``gamma * v0 / kappa`` and the FT start function is unchanged as well.

Probes (:func:`probes`), both unchanged by any rescaling of a layer:

* **richness** = ``1 - A(K_start, K_end)``, ``A`` the alignment ``<K, K'>_F / (|K|_F |K'|_F)`` of the
  penultimate-feature kernels ``K = Phi Phi^T`` on probe inputs at FT start and end.  Multiplying any
  layer by ``s > 0`` multiplies ``Phi`` by ``s`` (homogeneity) and ``K`` by ``s^2``, which ``A``
  divides out: it moves only when the features change direction, never mechanically with a scale.
* **pt_dependence** = share of the FT change of the first layer that lies in what PT learned:
  ``|dW P|_F^2 / |dW|_F^2``, ``dW = W1_end - W1_start`` (FT), ``P`` the projector on the top right
  singular vectors of the PT change ``W1_pt_end - W1_pt_init`` (those holding 90 % of its energy).
  A ratio of norms of one matrix: invariant to its scale; chance level is ``rank / d``.
"""

from __future__ import annotations

import math

import numpy as np

#: Energy share of the PT change kept in the "what PT learned" subspace of the PT-dependence probe.
PT_ENERGY = 0.9


def features(ws, x):
    """The readout's input (penultimate features) for a batch ``x`` (rows)."""
    h = x
    for w in ws[:-1]:
        h = np.maximum(h @ w.T, 0.0)
    return h


def forward(ws, x):
    """``WL relu(... relu(W1 x))`` for a batch ``x`` (rows)."""
    return features(ws, x) @ ws[-1].T


def loss_and_grads(ws, x, y):
    """(sum of squared residuals, gradients of ``0.5 mean_n |f(x_n) - y_n|^2``) by backpropagation."""
    hs = [x]
    for w in ws[:-1]:
        hs.append(np.maximum(hs[-1] @ w.T, 0.0))
    r = hs[-1] @ ws[-1].T - y
    sq = float(np.sum(r * r))
    delta = r / x.shape[0]
    grads = [None] * len(ws)
    for i in range(len(ws) - 1, -1, -1):
        grads[i] = delta.T @ hs[i]
        if i:
            delta = (delta @ ws[i]) * (hs[i] > 0)
    return sq, grads


def init_network(sizes, rng, balanced: bool):
    """Weights for layer sizes ``[d, h1, ..., out]`` drawn from ``rng``, output identically zero.

    Units come in pairs with equal incoming weights and opposite readouts, so ``f = 0`` at
    initialisation (the network analogue of the diagonal model's two sign branches, ``beta(0) = 0``).
    ``balanced`` (two-layer networks): every unit's incoming row has norm ``h^(-1/4)`` and its readout
    weight is ``+-h^(-1/4)`` (per unit ``|w|^2 = v^2``: the analogue of ``lambda = 0``).  Otherwise
    He-normal hidden layers (std ``sqrt(2 / fan_in)``) and a readout of std ``1 / sqrt(fan_in)``.
    """
    sizes = list(sizes)
    half = sizes[-2] // 2
    if sizes[-2] % 2:
        raise ValueError(f"width={sizes[-2]} must be even (units come in pairs)")
    ws = []
    for i, (fi, fo) in enumerate(zip(sizes[:-1], sizes[1:])):
        last_hidden = i == len(sizes) - 3
        if i == len(sizes) - 2:  # readout: opposite signs on the two halves
            v = (rng.choice([-1.0, 1.0], size=(fo, half)) * fi ** -0.25 if balanced
                 else rng.standard_normal((fo, half)) / math.sqrt(fi))
            ws.append(np.concatenate([v, -v], axis=1))
            continue
        n = half if last_hidden else fo
        if balanced:
            g = rng.standard_normal((n, fi))
            w = fo ** -0.25 * g / np.linalg.norm(g, axis=1, keepdims=True)
        else:
            w = math.sqrt(2.0 / fi) * rng.standard_normal((n, fi))
        ws.append(np.concatenate([w, w], axis=0) if last_hidden else w)
    return ws


def apply_init_levers(ws, c: float, kappa: float):
    """PT initialisation levers: every layer times ``c``, the first layer times ``kappa`` as well."""
    return [w * c * (kappa if i == 0 else 1.0) for i, w in enumerate(ws)]


def rebalance(ws, kappa: float):
    """``W1 * kappa``, ``W2 / kappa``: the same function (exactly, for ``kappa > 0``), other relative scale."""
    if not kappa > 0:
        raise ValueError(f"kappa={kappa!r} must be > 0")
    out = [w.copy() for w in ws]
    out[0] = out[0] * kappa
    out[1] = out[1] / kappa
    return out


def relative_mse(ws, x, y) -> float:
    """``sum |f(x) - y|^2 / sum |y|^2`` (the diagonal model's relative error, on test inputs)."""
    return float(np.sum((forward(ws, x) - y) ** 2) / np.sum(y ** 2))


def train_gd(ws, x, y, *, lr: float, max_steps: int, tol: float, max_halvings: int = 6) -> dict:
    """Full-batch gradient descent on ``0.5 mean_n |f(x_n) - y_n|^2`` until the relative train loss
    ``sum |f - y|^2 / sum |y|^2 < tol`` or ``max_steps``.

    A step size that makes the loss non-finite or grow 1e4-fold restarts the run from ``ws`` with half
    the step (at most ``max_halvings`` times; then the run is reported ``diverged``).  Returns the
    trained weights and ``steps, rel_loss, converged, diverged, lr``.
    """
    y2 = float(np.sum(y ** 2))
    for _ in range(max_halvings + 1):
        ps = [w.copy() for w in ws]
        rel0, bad, steps, rel = None, False, 0, math.inf
        with np.errstate(over="ignore", invalid="ignore"):
            for steps in range(max_steps + 1):
                sq, grads = loss_and_grads(ps, x, y)
                rel = sq / y2
                rel0 = rel if rel0 is None else rel0
                if not math.isfinite(rel) or rel > 1e4 * max(rel0, 1.0):
                    bad = True
                    break
                if rel < tol or steps == max_steps:
                    break
                for p, g in zip(ps, grads):
                    p -= lr * g
        if not bad:
            return {"ws": ps, "steps": steps, "rel_loss": rel, "converged": rel < tol, "diverged": False, "lr": lr}
        lr /= 2
    return {"ws": [w.copy() for w in ws], "steps": 0, "rel_loss": math.inf, "converged": False,
            "diverged": True, "lr": lr}


def kernel_alignment(a, b) -> float:
    """``<K_a, K_b>_F / (|K_a|_F |K_b|_F)`` for ``K = Phi Phi^T`` (via the small ``Phi^T Phi`` products)."""
    ab = float(np.sum((a.T @ b) ** 2))
    aa = float(np.sum((a.T @ a) ** 2))
    bb = float(np.sum((b.T @ b) ** 2))
    if aa == 0.0 or bb == 0.0:
        return float("nan")
    return ab / math.sqrt(aa * bb)


def learned_subspace(delta_pt, energy: float = PT_ENERGY):
    """(projector, rank): the top right singular vectors of the PT change holding ``energy`` of it."""
    _, s, vh = np.linalg.svd(delta_pt, full_matrices=False)
    e = np.cumsum(s ** 2) / np.sum(s ** 2)
    r = int(np.searchsorted(e, energy)) + 1
    v = vh[:r]
    return v.T @ v, r


def probes(ws_start, ws_end, x_probe, projector) -> dict:
    """``richness`` and ``pt_dependence`` (module docstring) of one FT run."""
    rich = 1.0 - kernel_alignment(features(ws_start, x_probe), features(ws_end, x_probe))
    dw = ws_end[0] - ws_start[0]
    tot = float(np.sum(dw ** 2))
    dep = float(np.sum((dw @ projector) ** 2)) / tot if tot > 0 else float("nan")
    return {"richness": rich, "pt_dependence": dep}
