"""Small I/O helpers shared by the figure and validation jobs: atomic, resumable CSV tables."""

from __future__ import annotations

import csv
import os
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
