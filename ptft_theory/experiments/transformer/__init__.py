"""Transformer validation of the PT+FT theory on modular arithmetic (the paper's newer
version reports the same levers on transformers trained on modular arithmetic).

A small decoder-only transformer is pretrained (PT) on ``(a + b) mod p`` and fine-tuned (FT) on a
related operation (``a - b``, ``a + 2b``: the same Fourier structure) and an unrelated one
(``a * b``), with the paper's three initialisation levers, as in :mod:`ptft_theory.experiments.resnet`:

* ``c_pt``: every parameter multiplied by it before PT;
* ``kappa``: the embeddings and the first block(s) multiplied by it as well (``kappa < 1``:
  smaller early layers, the analogue of ``lambda_pt < 0``);
* ``gamma_ft``: at FT the readout (unembedding) is re-initialised and multiplied by it.

Modules: :mod:`.tasks` (the task generator and split), :mod:`.model` (build and scale, the
LayerNorm fix), :mod:`.protocol` (PT, FT, probes, one run), :mod:`.sweep` (``ptft transformer
run|figure``, on the ResNet sweep's machinery), :mod:`.figure`.  No data download: everything runs
offline.  torch is imported only inside this subpackage.
"""
