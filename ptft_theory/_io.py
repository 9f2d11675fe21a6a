"""Small I/O helpers shared by the figure, ResNet and validation jobs: atomic, resumable CSV tables
and TOML configs with a ``[quick]`` override table."""

from __future__ import annotations

import copy
import csv
import os
import tomllib
from pathlib import Path


def write_csv_atomic(path, header, rows) -> Path:
    """Write ``rows`` (sequences, or dicts keyed by ``header``) under ``header`` atomically.

    The table goes to a temporary file in the same folder and replaces ``path`` with ``os.replace``,
    so a reader (or a resumed job) never sees a half-written file.  Floats keep 10 significant
    digits; None becomes an empty cell.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            values = [r[h] for h in header] if isinstance(r, dict) else r
            w.writerow(["" if x is None else (f"{x:.10g}" if isinstance(x, float) else x) for x in values])
    os.replace(tmp, path)
    return path


def read_csv_rows(path) -> list[dict]:
    """The rows of a CSV written by :func:`write_csv_atomic` (empty list when it does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open() as f:
        return list(csv.DictReader(f))


def deep_merge(base: dict, over: dict) -> dict:
    """``base`` with ``over`` merged in, nested tables key by key (both left unchanged)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def read_toml_config(path, quick: bool = False) -> dict:
    """A TOML config; with ``quick`` its ``[quick]`` table is merged over the rest (:func:`deep_merge`).
    FileNotFoundError naming the path when it is missing."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"config {path} not found")
    with open(path, "rb") as f:
        cfg = tomllib.load(f)
    quick_over = cfg.pop("quick", {})
    return deep_merge(cfg, quick_over) if quick else cfg
