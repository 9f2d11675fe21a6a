"""resnet18 (torchvision) with a width multiplier, and the paper's c_PT / kappa / gamma_FT scaling.

Conventions
-----------
* ``stem="imagenet"`` is torchvision's resnet18 unchanged (7x7 stride-2 conv and max-pool);
  ``stem="cifar"`` replaces them by a 3x3 stride-1 conv and no pool (the usual CIFAR ResNet).
* ``width`` is the number of channels of the first stage (torchvision: 64); stage ``i`` has
  ``width * 2**i`` channels.  ``width=64, in_channels=3, stem="imagenet"`` *is*
  ``torchvision.models.resnet18`` (same modules, same parameter shapes).
* **Scaling** (:func:`scale_network`): every parameter (conv weights, BN weights *and* biases, readout
  weight and bias) is multiplied by ``c_pt``; the parameters of :data:`KAPPA_MODULES` (the stem and
  the first three residual stages) additionally by ``kappa``.
* **The BatchNorm fix.**  A conv followed by BN is invariant to the conv weight's scale, so scaling
  the convs alone changes nothing in the forward pass (only the gradients, by ``1/scale``).  Scaling
  each BN's weight *and* bias multiplies that BN's output by the same factor, which ReLU and the
  residual sums carry to the next BN: the output of every stage, and hence of the network's features,
  is multiplied by the scale of that stage's BNs, and the logits by ``c_pt**2`` (features times
  readout), as a two-layer network's output scales with the product of its layers.  Because the
  next BN renormalises, ``kappa`` leaves the forward pass unchanged and acts through the dynamics
  (gradients of the kappa-scaled parameters scale by ``1/kappa``, their relative updates by
  ``1/kappa**2``): a smaller kappa makes the early layers move relatively more, as a smaller first
  layer does in the diagonal network.  Tests check both facts.
"""

from __future__ import annotations

import torch
from torch import nn
from torchvision.models.resnet import BasicBlock, ResNet

from ... import _validate as V
from ...errors import ParameterError

#: Modules multiplied by kappa: the stem and the first three of resnet18's four residual stages.
KAPPA_MODULES = ("conv1", "bn1", "layer1", "layer2", "layer3")
STEMS = ("imagenet", "cifar")


def build_resnet18(num_classes: int, *, width: int = 64, in_channels: int = 3, stem: str = "imagenet",
                   seed: int = 0) -> ResNet:
    """A torchvision resnet18 (``BasicBlock``, ``[2, 2, 2, 2]``) with torchvision's init, drawn from ``seed``."""
    num_classes = V.positive_int("num_classes", num_classes)
    width = V.positive_int("width", width)
    in_channels = V.positive_int("in_channels", in_channels)
    if stem not in STEMS:
        raise ParameterError(f"stem={stem!r} is invalid; valid: {', '.join(STEMS)}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        m = ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)
        if width != 64 or in_channels != 3 or stem != "imagenet":
            m.inplanes = width
            if stem == "imagenet":
                m.conv1 = nn.Conv2d(in_channels, width, kernel_size=7, stride=2, padding=3, bias=False)
            else:
                m.conv1 = nn.Conv2d(in_channels, width, kernel_size=3, stride=1, padding=1, bias=False)
                m.maxpool = nn.Identity()
            m.bn1 = nn.BatchNorm2d(width)
            m.layer1 = m._make_layer(BasicBlock, width, 2)
            m.layer2 = m._make_layer(BasicBlock, 2 * width, 2, stride=2)
            m.layer3 = m._make_layer(BasicBlock, 4 * width, 2, stride=2)
            m.layer4 = m._make_layer(BasicBlock, 8 * width, 2, stride=2)
            m.fc = nn.Linear(8 * width, num_classes)
            for mod in m.modules():  # torchvision's init (ResNet.__init__)
                if isinstance(mod, nn.Conv2d):
                    nn.init.kaiming_normal_(mod.weight, mode="fan_out", nonlinearity="relu")
                elif isinstance(mod, nn.BatchNorm2d):
                    nn.init.constant_(mod.weight, 1)
                    nn.init.constant_(mod.bias, 0)
    return m


def module_of(name: str) -> str:
    """Top-level module of a parameter name (``"layer2.0.conv1.weight"`` -> ``"layer2"``)."""
    return name.split(".", 1)[0]


def kappa_parameters(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """The (name, parameter) pairs multiplied by kappa (those of :data:`KAPPA_MODULES`)."""
    return [(n, p) for n, p in model.named_parameters() if module_of(n) in KAPPA_MODULES]


@torch.no_grad()
def scale_network(model: nn.Module, c_pt: float, kappa: float = 1.0) -> nn.Module:
    """Multiply every parameter by ``c_pt``, and those of :data:`KAPPA_MODULES` by ``kappa`` too (in place).

    BN running statistics are buffers, not parameters, and are left alone (they track the
    normalised conv outputs, which the scale does not change).
    """
    c_pt = V.positive("c_pt", c_pt)
    kappa = V.positive("kappa", kappa)
    for name, p in model.named_parameters():
        p.mul_(c_pt * (kappa if module_of(name) in KAPPA_MODULES else 1.0))
    return model


@torch.no_grad()
def reset_readout(model: nn.Module, num_classes: int, gamma_ft: float, seed: int) -> nn.Module:
    """Replace the readout by a freshly initialised ``nn.Linear`` (torchvision's default init, from
    ``seed``) multiplied by ``gamma_ft`` (weight and bias), in place; ``gamma_ft = 0`` is a zero readout."""
    gamma_ft = V.nonnegative("gamma_ft", gamma_ft)
    num_classes = V.positive_int("num_classes", num_classes)
    old = model.fc
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        fc = nn.Linear(old.in_features, num_classes)
    fc.weight.mul_(gamma_ft)
    fc.bias.mul_(gamma_ft)
    model.fc = fc.to(old.weight.device)
    return model


def features(model: ResNet, x: torch.Tensor) -> torch.Tensor:
    """The penultimate features (global-average-pooled output of ``layer4``), shape (N, 8 * width)."""
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    x = model.layer4(model.layer3(model.layer2(model.layer1(x))))
    return torch.flatten(model.avgpool(x), 1)


def module_norms(model: nn.Module, key=module_of) -> dict[str, float]:
    """Euclidean norm of all parameters of each top-level module (``conv1``, ``bn1``, ``layer1``, ..., ``fc``);
    ``key`` maps a parameter name to its module."""
    sq: dict[str, float] = {}
    for n, p in model.named_parameters():
        sq[key(n)] = sq.get(key(n), 0.0) + float(p.detach().double().pow(2).sum())
    return {k: v ** 0.5 for k, v in sq.items()}
