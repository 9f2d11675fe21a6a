"""Small I/O helpers shared by the figure, ResNet and validation jobs: atomic writes under unique
temporary names, resumable CSV tables and TOML configs with a ``[quick]`` override table."""

from __future__ import annotations

import contextlib
import copy
import csv
import os
import tempfile
import tomllib
from pathlib import Path

from .errors import ParameterError


#: The process umask, read once (os.umask can only be read by setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a fresh temporary path next to ``path``; on success it replaces ``path`` (``os.replace``).

    The temporary name is unique (``tempfile.mkstemp``), so concurrent writers of one file never
    share a temporary file: each one's ``os.replace`` is atomic and the last one wins.  On any
    exception (including KeyboardInterrupt) the temporary file is removed and ``path`` is untouched,
    so a reader never sees a half-written file.  The suffix of ``path`` is kept (matplotlib picks
    the format from it).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.stem}-", suffix=path.suffix)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; give the mode a plain open() would
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_csv_atomic(path, header, rows) -> Path:
    """Write ``rows`` (sequences, or dicts keyed by ``header``) under ``header`` atomically.

    The table goes to a uniquely named temporary file in the same folder and replaces ``path`` with
    ``os.replace`` (:func:`atomic_path`), so a reader (or a resumed or concurrent job) never sees a
    half-written file.  Floats keep 10 significant digits; None becomes an empty cell.
    """
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            values = [r[h] for h in header] if isinstance(r, dict) else r
            w.writerow(["" if x is None else (f"{x:.10g}" if isinstance(x, float) else x) for x in values])
    return path


def savefig_atomic(fig, path, **kw) -> Path:
    """``fig.savefig`` into a temporary file, then ``os.replace`` (:func:`atomic_path`): an interrupted
    or concurrent run never leaves a truncated PNG/PDF at ``path``."""
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lstrip(".") or None, **kw)
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

    Raises :class:`~ptft_theory.errors.ParameterError` naming the file when it is missing, unreadable
    or not valid TOML (a user error: the CLI prints it on one line, exit 2).
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"config {path} not found (a TOML file is needed)")
    try:
        with open(path, "rb") as f:
            cfg = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ParameterError(f"config {path} is not valid TOML: {e}") from None
    except OSError as e:
        raise ParameterError(f"config {path} cannot be read: {e.strerror or e}") from None
    quick_over = cfg.pop("quick", {})
    return deep_merge(cfg, quick_over) if quick else cfg
