"""The sweep engine shared by the network checks (``ptft resnet run``, ``ptft transformer run``).

A sweep config (TOML) names ``seeds``, an ``n_ft`` grid, a base point ``[base]`` of the three levers
(``c_pt``, ``kappa``, ``gamma_ft``) and the values ``[vary]`` each lever takes while the other two stay
at the base (the paper's Fig. 4 panels a, b, c); an optional ``[quick]`` table is merged over it.
Every run is cached by a hash of its full config (:func:`~ptft_theory.experiments.sweep.run_sweep`),
so an interrupted sweep resumes; the results go to ``<out>/results/<kind>/<name>.csv`` and a figure.
A config is a path, or the name of a config shipped with the package (``ptft_theory/configs/``).
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import _validate as V
from ..errors import ParameterError
from ..fileio import read_toml_config, write_csv_atomic

#: Configs shipped with the package (``--config NAME`` finds ``NAME`` or ``NAME.toml`` there).
CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"  # ptft_theory/configs
#: Default output folder, relative to the current directory (never inside the installed package).
DEFAULT_OUT = Path("validation")
#: The three levers of a network sweep.
LEVERS = ("c_pt", "kappa", "gamma_ft")


def read_sweep_config(path, quick: bool, keys) -> dict:
    """A TOML sweep config (``[quick]`` merged with ``quick``) holding every one of ``keys``; ``path`` is a
    file or the name of a shipped config (:func:`resolve_config`)."""
    path = resolve_config(path)
    cfg = read_toml_config(path, quick)
    for key in keys:
        if key not in cfg:
            raise ParameterError(f"config {path}: key {key!r} is missing")
    return cfg


def check_levers(cfg: dict, path, validate, n_min: int) -> dict:
    """Check a config's ``[base]``, ``[vary]``, ``n_ft`` and ``seeds`` (``validate(n_ft, c_pt=, kappa=,
    gamma_ft=)`` raises for a bad point; ``n_min`` is a valid n_ft); returns ``[vary]`` (default {})."""
    base = cfg["base"]
    vary = cfg.get("vary", {})
    bad = sorted(set(base) ^ set(LEVERS)) or sorted(set(vary) - set(LEVERS))
    if bad:
        raise ParameterError(f"config {path}: lever {bad[0]!r} is invalid; [base] needs exactly, and [vary] "
                         f"may hold, {', '.join(LEVERS)}")
    for n in cfg["n_ft"]:
        validate(n, **base)
    for lever, values in vary.items():
        for v in values:
            validate(n_min, **{**base, lever: v})
    for s in cfg["seeds"]:
        if not (isinstance(s, int) and s >= 0):
            raise ParameterError(f"config {path}: seed={s!r} is invalid; valid range: an integer >= 0")
    return vary


def resolve_config(path) -> Path:
    """``path`` if it exists, else the shipped config of that name (``NAME`` or ``NAME.toml``)."""
    path = Path(path)
    if path.is_file() or path.parent != Path("."):
        return path
    for cand in (CONFIG_DIR / path.name, CONFIG_DIR / f"{path.name}.toml"):
        if cand.is_file():
            return cand
    return path


def design_points(cfg: dict) -> list[dict]:
    """The (c_pt, kappa, gamma_ft) points: the base, and each lever varied with the others at the base."""
    pts = [dict(cfg["base"])]
    for lever in LEVERS:
        for v in cfg["vary"].get(lever, []):
            pts.append({**cfg["base"], lever: v})
    out, seen = [], set()
    for p in pts:
        key = tuple(float(p[k]) for k in LEVERS)
        if key not in seen:
            seen.add(key)
            out.append({k: float(p[k]) for k in LEVERS})
    return out


def sweep_to_csv(kind: str, cfg: dict, quick: bool, configs: list[dict], fn, columns, rows_of, plot, *,
                 device: str, out, cache_dir: Path, workers: int, progress: bool) -> dict:
    """Run ``configs`` through ``fn`` (cached in ``<cache_dir>/runs``, resumable), write
    ``<out>/results/<kind>/<name>[_quick].csv`` (``rows_of(configs, results)``) and ``plot`` it;
    returns paths and stats.  Shared by ``ptft resnet run`` and ``ptft transformer run``."""
    from .sweep import SweepStats, run_sweep  # noqa: PLC0415
    stats: list[SweepStats] = []
    t0 = time.perf_counter()
    results = run_sweep(fn, configs, Path(cache_dir) / "runs", workers=V.positive_int("workers", workers),
                        progress=progress, desc=f"{kind} {cfg['name']}", stats=stats, blas_threads=None)
    wall = time.perf_counter() - t0
    name = cfg["name"] + ("_quick" if quick else "")
    out = Path(out)
    csv_path = write_csv_atomic(out / "results" / kind / f"{name}.csv", columns, rows_of(configs, results))
    figs = plot(csv_path, out / "figures" / name, title=cfg.get("title"))
    return {"csv": str(csv_path), "figures": [str(p) for p in figs], "runs": len(configs),
            "computed": stats[0].computed, "cached": stats[0].cached, "seconds": wall, "device": device}
