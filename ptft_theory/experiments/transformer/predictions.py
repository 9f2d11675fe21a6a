"""Predicted signs of the lever effects in the transformer study, derived from the diagonal theory.

The mapping (a config's ``[theory]`` table; docs/networks.md states it):

* **Coordinates** are the ``D = (p - 1) / 2`` Fourier frequencies of the token embedding (the
  features the network's first layer holds).  PT (``a + b``) uses ``n_key`` of them:
  ``rho_pt = n_key / D``.  The FT tasks: ``subset`` (one key frequency): ``rho_shared = 1 / D``,
  ``rho_new = 0``; ``same`` (``a - b``: every key frequency, recombined): ``rho_shared = rho_pt``,
  ``rho_new = 0``; ``new`` (multiplication, not PT's frequencies): ``rho_shared = 0``,
  ``rho_new = 1 - rho_pt``.  Shared signs independent.
* **Sample ratio** ``alpha = n_ft / p**2``: the share of the input space FT sees.
* **Levers** (the network lever multiplies weights, the diagonal ``c_pt`` is a squared weight scale):
  ``c`` -> ``c_pt = c0 c**2``; ``kappa`` (first layer times ``kappa``, second divided by it, from
  balanced ``u^2 = v^2 = c0 / 2``) -> ``c_pt = c0 (kappa**2 + kappa**-2) / 2``,
  ``lambda_pt = c0 (kappa**2 - kappa**-2) / 2``; ``gamma`` -> ``gamma_ft = g0 gamma``.  Both arms use
  the same mapping: the theory's levers act at PT init (the ``init`` arm); for the ``rebalance`` arm
  (a rescaling after PT at a fixed PT function) it is exact for the coordinates PT left alone and an
  approximation on PT's support.

For every (task, lever, arm, n_ft) the replica FT error (:func:`ptft_theory.generalization_error`)
is evaluated at the lever's lowest and highest value; ``predicted_sign = sign(E_high - E_low)``, 0
where ``|E_high - E_low| < min_effect``.  ``robust`` says whether the sign is the same for the base
scales ``c0`` and ``g0`` times 1/4 and 4 (all nine combinations; ``robust_check = false`` in
``[theory]`` skips it, as the smoke runs do: None).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

PREDICTION_COLUMNS = ("study", "task_type", "lever", "arm", "n_ft", "low", "high", "alpha", "E_low", "E_high",
                      "predicted_sign", "robust")
#: Arms a lever is run in: c and kappa at PT init and as a rebalancing at FT start; gamma only at FT.
LEVER_ARMS = {"c": ("rebalance", "init"), "kappa": ("rebalance", "init"), "gamma": ("rebalance",)}


def task_statistics(task_type: str, p: int, n_key: int):
    """The :class:`~ptft_theory.Task` an FT task maps to (module docstring)."""
    from ... import Task  # noqa: PLC0415
    from ...errors import ParameterError  # noqa: PLC0415
    d = (p - 1) // 2
    if not (isinstance(n_key, int) and 1 <= n_key < d):
        raise ParameterError(f"n_key={n_key!r} is invalid; valid range: an integer in [1, {d - 1}]")
    rho_pt = n_key / d
    stats = {"subset": (1 / d, 0.0), "same": (rho_pt, 0.0), "new": (0.0, 1 - rho_pt)}
    if task_type not in stats:
        raise ParameterError(f"task_type={task_type!r} is invalid; valid: {', '.join(stats)}")
    return Task(rho_pt, *stats[task_type])


def theory_init(lever: str, value: float, base: dict, c0: float, g0: float):
    """The :class:`~ptft_theory.Init` of a network lever point (the other levers at ``base``)."""
    from ... import Init  # noqa: PLC0415
    pt = {**base, lever: value}
    c, kappa, gamma = float(pt["c"]), float(pt["kappa"]), float(pt["gamma"])
    c_pt = c0 * c * c
    return Init(c_pt * (kappa ** 2 + kappa ** -2) / 2, c_pt * (kappa ** 2 - kappa ** -2) / 2, g0 * gamma)


def _sign(x: float, min_effect: float) -> int:
    return 0 if abs(x) < min_effect else int(math.copysign(1, x))


def predict(cfg: dict) -> list[dict]:
    """The prediction rows of a study config (``study``, ``p``, ``tasks``, ``n_ft``, ``base``,
    ``vary``, ``theory`` with ``c0``, ``g0``, ``n_key``, ``scheme``, ``min_effect``)."""
    from ... import generalization_error  # noqa: PLC0415
    th, p = cfg["theory"], cfg["p"]
    alphas = [n / p ** 2 for n in cfg["n_ft"]]
    rows = []
    for task_type in cfg["tasks"]:
        task = task_statistics(task_type, p, int(th["n_key"]))
        for lever, values in cfg["vary"].items():
            low, high = min(values), max(values)

            def err(value, c0, g0):
                init = theory_init(lever, value, cfg["base"], c0, g0)
                return [float(e) for e in np.asarray(generalization_error(task, init, alphas, th["scheme"]))]

            nominal = (err(low, th["c0"], th["g0"]), err(high, th["c0"], th["g0"]))
            grid = itertools.product((0.25, 1.0, 4.0), repeat=2) if th.get("robust_check", True) else ()
            others = [(err(low, th["c0"] * a, th["g0"] * b), err(high, th["c0"] * a, th["g0"] * b)) for a, b in grid]
            for i, n in enumerate(cfg["n_ft"]):
                sign = _sign(nominal[1][i] - nominal[0][i], th["min_effect"])
                robust = all(_sign(hi[i] - lo[i], th["min_effect"]) == sign for lo, hi in others) if others else None
                for arm in LEVER_ARMS[lever]:
                    rows.append(dict(zip(PREDICTION_COLUMNS, (cfg["study"], task_type, lever, arm, int(n), low, high,
                                                              alphas[i], nominal[0][i], nominal[1][i], sign,
                                                              robust))))
    return rows
