"""Nonlinear studies of the PT+FT levers with pre-registered predictions (docs/networks.md).

Two studies on one machinery: ``teacher`` (a two-layer ReLU MLP on a synthetic teacher with a known
feature dictionary) and ``fashion`` (a three-layer ReLU MLP on downsampled Fashion-MNIST), each with
FT task types ``subset`` / ``same`` / ``new`` relative to what PT used, the levers c, kappa (arms
``init`` and ``rebalance``) and gamma, and the four regime representatives.

Modules: :mod:`.net` (networks, levers, GD, probes; numpy), :mod:`.tasks` (data), :mod:`.protocol`
(one PT+FT run, PT cache), :mod:`.study` (configs, the runs of a study, raw CSVs), :mod:`.predict`
(predictions from the diagonal theory), :mod:`.verdicts` (verdicts and the regime comparison),
:mod:`.figure`; the command is :mod:`ptft_theory.cli.nonlinear`.
"""
