"""The sweep engine shared by the network checks (``ptft resnet run``, ``ptft transformer run``).

A sweep config (TOML) names ``seeds``, an ``n_ft`` grid, a base point ``[base]`` of the three levers
(``c_pt``, ``kappa``, ``gamma_ft``) and the values ``[vary]`` each lever takes while the other two stay
at the base (the paper's Fig. 4 panels a, b, c); an optional ``[quick]`` table is merged over it.
Every run is cached by a hash of its full config (:func:`~ptft_theory.experiments.sweep.run_sweep`),
so an interrupted sweep resumes; the results go to ``<out>/results/<kind>/<name>.csv`` and a figure.
A config is a path, or the name of a config shipped with the package (``ptft_theory/configs/``).
"""

from __future__ import annotations

import re
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
#: A config's ``name`` becomes one file name under ``<out>``: one path component of safe characters
#: (no separator, no leading dot, so never ``..`` or a hidden file), at most 100 of them.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
#: Keys that must hold a TOML array, and those that must hold a table, in every sweep config.
LIST_KEYS = ("seeds", "n_ft", "ft_ops")
TABLE_KEYS = ("base", "vary", "protocol")


def read_sweep_config(path, quick: bool, keys) -> dict:
    """A TOML sweep config (``[quick]`` merged with ``quick``) holding every one of ``keys``; ``path`` is a
    file or the name of a shipped config (:func:`resolve_config`)."""
    path = resolve_config(path)
    cfg = read_toml_config(path, quick)
    for key in keys:
        if key not in cfg:
            raise ParameterError(f"config {path}: key {key!r} is missing")
    check_shapes(cfg, path)
    return cfg


def check_name(name, path) -> str:
    """A config's ``name``: one path component of safe characters (:data:`NAME_PATTERN`), so the files
    named after it stay inside ``--out`` (``"../x"`` or ``"/abs/x"`` would write outside it)."""
    if not (isinstance(name, str) and NAME_PATTERN.fullmatch(name)):
        raise ParameterError(f"config {path}: name={name!r} is invalid; valid: one file-name component of "
                             "letters, digits, '_', '.', '-' (not starting with '.'), at most 100 characters")
    return name


def check_shapes(cfg: dict, path) -> None:
    """Each key of :data:`LIST_KEYS` present holds a non-empty array, each of :data:`TABLE_KEYS` a table,
    each ``[vary]`` lever an array, and ``name`` is safe (:func:`check_name`); the error names the key."""
    if "name" in cfg:
        check_name(cfg["name"], path)
    for key in LIST_KEYS:
        if key in cfg and not (isinstance(cfg[key], list) and cfg[key]):
            raise ParameterError(f"config {path}: {key}={cfg[key]!r} is invalid; valid: a non-empty array, "
                                 f"e.g. {key} = [...]")
    for key in TABLE_KEYS:
        if key in cfg and not isinstance(cfg[key], dict):
            raise ParameterError(f"config {path}: {key}={cfg[key]!r} is invalid; valid: a table [{key}]")
    for lever, values in cfg.get("vary", {}).items():
        if not isinstance(values, list):
            raise ParameterError(f"config {path}: vary.{lever}={values!r} is invalid; valid: an array of values")


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
