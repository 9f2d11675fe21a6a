"""A lower bound of a ResNet run's memory, checked against this machine's before anything is allocated."""

from __future__ import annotations

from ... import _validate as V

#: resnet18's parameter count at width 64 (torchvision, 1000 classes: 11.7e6; the trunk alone 11.2e6).
RESNET18_PARAMS = 11.2e6


def check_memory(protocol) -> None:
    """Raise, naming the size that dominates, when a lower bound of a run's memory exceeds this machine's:
    the trunk's parameters with gradients and momentum (3 float32 copies, scaling as width**2) and the
    first convolution's output for one batch (float32, stride 2 with the imagenet stem)."""
    P = protocol
    side = P.image_size or 32
    side = side / 2 if P.stem == "imagenet" else side
    terms = {"width": 3 * 4 * RESNET18_PARAMS * (P.width / 64) ** 2,
             "image_size" if P.image_size > 32 else "batch_size": 4 * P.batch_size * P.width * side * side}
    name = max(terms, key=terms.get)
    V.fits_memory(name, getattr(P, name), sum(terms.values()),
                  f"a run with width={P.width}, image_size={P.image_size}, batch_size={P.batch_size}")
