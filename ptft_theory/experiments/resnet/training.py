"""Training and measuring a network of the protocol (:mod:`.protocol`): devices, SGD on the
cross-entropy, error rate, penultimate features, linear CKA, relative weight change, and fine-tuning
with its probes.  Shared with the transformer checks."""

from __future__ import annotations

import math
import os

import numpy as np

from ...errors import ParameterError


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
