"""The lever points of a study config: each lever's values with the others at the base, and the four
regime representatives (used by the runs, :mod:`.study`, and the predictions, :mod:`.predict`)."""

from __future__ import annotations

LEVERS = ("c", "kappa", "gamma")
REGIMES = ("I", "II", "III", "IV")


def lever_points(cfg) -> list[tuple]:
    """(lever, value, arm, (c, kappa_init, kappa_rebalance, gamma)) for every lever value."""
    b = cfg["base"]
    out = [("c", float(v), "init", (float(v), 1.0, 1.0, float(b["gamma"]))) for v in cfg["vary"].get("c", [])]
    for arm in cfg["kappa_arms"]:
        for v in cfg["vary"].get("kappa", []):
            pt = (float(b["c"]), float(v), 1.0, float(b["gamma"])) if arm == "init" else \
                 (float(b["c"]), 1.0, float(v), float(b["gamma"]))
            out.append(("kappa", float(v), arm, pt))
    out += [("gamma", float(v), "ft", (float(b["c"]), 1.0, 1.0, float(v))) for v in cfg["vary"].get("gamma", [])]
    return out


def regime_point(cfg, name) -> tuple:
    r = cfg["regimes"][name]
    return (float(r["c"]), float(r["kappa"]), 1.0, float(r["gamma"]))
