"""ResNet validation of the PT+FT theory on real images (docs/design.md section 5, rung 5; the paper's Fig. 4).

A torchvision resnet18 is pretrained (PT) on some classes and fine-tuned (FT) on held-out classes,
with the paper's three initialisation levers (arXiv 2602.20062, Fig. 4):

* ``c_pt``: every weight of the network is multiplied by it before PT (absolute scale);
* ``kappa``: the stem and the first three residual stages are multiplied by it as well (relative
  scale, the analogue of ``lambda_pt``: ``kappa < 1`` = smaller earlier layers);
* ``gamma_ft``: at FT the readout is re-initialised and multiplied by it.

BatchNorm makes a conv weight's scale invisible to the forward pass, so the BN affine parameters
are scaled with the convs (:func:`~ptft_theory.experiments.resnet.model.scale_network`).

Modules: :mod:`.model` (build and scale), :mod:`.data` (CIFAR-100 and Fashion-MNIST from disk),
:mod:`.protocol` (the protocol's fields), :mod:`.splits` (the images a run uses), :mod:`.training`
(SGD, errors, probes), :mod:`.runs` (the cached PT network, FT, one run), :mod:`.sweep` (the runs of a config),
:mod:`.figure` (Fig. 4 from the results CSV); the command is :mod:`ptft_theory.cli.resnet`.  torch is imported only inside this subpackage.
"""
