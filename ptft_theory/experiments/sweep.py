"""Resumable parameter sweeps: a per-point cache keyed by a hash of the point's full config.

A *point* is a JSON-serialisable ``dict`` (its full config, including a ``"kind"`` naming the
function that computes it); its result is a JSON-serialisable ``dict``.  :func:`run_sweep`

* looks every point up in a :class:`Cache` under ``sha256(json(config, sort_keys) + CODE_VERSION)``
  and computes only the missing ones, so an interrupted run resumes where it stopped and a changed
  config recomputes only the points whose config changed;
* writes each result as soon as it arrives, atomically (temporary file, then ``os.replace``), from
  the driving process only (workers never touch the cache);
* runs the missing points serially, on ``workers`` local processes (``concurrent.futures``), or on
  Ray (``backend="ray"``, optional: ``pip install 'ptft-theory[ray]'``);
* reports progress on stderr.

Seeds are derived from configs (:func:`derive_seed`), never from the clock or the order of
evaluation, so results do not depend on the backend, the number of workers, or on resuming.

Examples
--------
>>> import tempfile
>>> def square(cfg):
...     return {"y": cfg["x"] ** 2}
>>> with tempfile.TemporaryDirectory() as d:
...     out = run_sweep(square, [{"x": 1}, {"x": 2}], cache_dir=d, progress=False)
...     again = run_sweep(square, [{"x": 1}, {"x": 2}], cache_dir=d, progress=False)
>>> [r["y"] for r in out], again == out
([1, 4], True)
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import enum
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .. import _validate as V
from ..errors import BackendUnavailableError, ParameterError  # noqa: F401  (BackendUnavailableError re-exported)
from ..fileio import atomic_path
# the keys, seeds and fingerprints of points, and where they run: re-exported (callers import them from here)
from .hashing import (CODE_DISTRIBUTIONS, CODE_SUFFIXES, CODE_VERSION, canonical_json, code_files,  # noqa: F401
                      code_fingerprint, config_key, derive_seed)
from .workers import evaluate_ray, limit_blas_threads, ray_module, watch_parent  # noqa: F401


class SweepBackend(enum.StrEnum):
    """Where :func:`run_sweep` evaluates points (the plain strings work too)."""

    LOCAL = "local"
    RAY = "ray"


BACKENDS = tuple(b.value for b in SweepBackend)


def _worker_init(blas_threads, parent_pid=None):
    if parent_pid is not None:
        watch_parent(parent_pid)
    if blas_threads:
        limit_blas_threads(blas_threads)


# --------------------------------------------------------------------------------------- cache
@dataclasses.dataclass(frozen=True)
class Cache:
    """One JSON file per point, ``<root>/<key[:2]>/<key>.json``, holding the config and the result.

    Attributes:
        root: directory (created on first write).
        salt: code-version salt of the keys (default :data:`CODE_VERSION`).
    """

    root: Path
    salt: str = CODE_VERSION

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))

    def key(self, config) -> str:
        return config_key(config, self.salt)

    def path(self, config) -> Path:
        k = self.key(config)
        return self.root / k[:2] / f"{k}.json"

    def get(self, config):
        """The cached result of ``config``, or None (also for an unreadable/corrupt file)."""
        p = self.path(config)
        try:
            record = json.loads(p.read_text())
        except (OSError, ValueError):
            return None
        if record.get("config") != json.loads(canonical_json(config)):
            return None  # a hash collision or a hand-edited file: recompute
        return record.get("result")

    def put(self, config, result) -> Path:
        """Write ``result`` for ``config`` atomically (temporary file in the same folder, ``os.replace``)."""
        p = self.path(config)
        p.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"salt": self.salt, "config": json.loads(canonical_json(config)), "result": result},
                          sort_keys=True, allow_nan=False)
        with atomic_path(p) as tmp:
            tmp.write_text(text)
        return p


# ------------------------------------------------------------------------------------ progress
class Progress:
    """Plain-text progress on stderr: ``desc: i/n (x%) elapsed, eta``.

    On a terminal the line is redrawn in place; otherwise (logs, CI) a line is printed at most every
    ``every`` seconds and at the end.
    """

    def __init__(self, total: int, desc: str = "", *, enabled: bool = True, stream=None, every: float = 10.0):
        self.total, self.desc, self.enabled = int(total), desc, enabled
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = every
        self.done = 0
        self.t0 = time.perf_counter()
        self._last = -math.inf

    def _line(self) -> str:
        el = time.perf_counter() - self.t0
        pct = 100.0 * self.done / self.total if self.total else 100.0
        eta = el / self.done * (self.total - self.done) if self.done else float("nan")
        eta_s = f", eta {eta:.0f}s" if self.done and self.done < self.total else ""
        return f"{self.desc}: {self.done}/{self.total} ({pct:.0f}%) {el:.0f}s{eta_s}"

    def update(self, n: int = 1):
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty:
            self.stream.write("\r" + self._line())
            self.stream.flush()
        elif now - self._last >= self.every or self.done >= self.total:
            self.stream.write(self._line() + "\n")
            self.stream.flush()
            self._last = now

    def close(self):
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


# --------------------------------------------------------------------------------------- sweep
@dataclasses.dataclass(frozen=True)
class SweepStats:
    """What a sweep did: ``cached`` points read back, ``computed`` points evaluated now."""

    total: int
    cached: int
    computed: int


def run_sweep(fn: Callable[[dict], dict], configs: Sequence[dict], cache_dir, *, workers: int = 1,
              backend: SweepBackend | str = "local", progress: bool = True, desc: str = "sweep",
              stats: list | None = None, blas_threads: int | None = 1) -> list[dict]:
    """Evaluate ``fn(config)`` for every config, reusing cached results; returns results in input order.

    Parameters
    ----------
    fn : callable
        A module-level (picklable) function ``config -> dict`` of JSON-serialisable values.
    configs : sequence of dict
        Full configs of the points (anything the result depends on must be in them).
    cache_dir : path
        Cache root (see :class:`Cache`).
    workers : int
        Local processes (``backend="local"``); 1 runs in this process.  Ray ignores it and uses
        the cluster's resources.
    backend : {"local", "ray"}
    progress : bool
        Report progress on stderr.
    desc : str
        Label of the progress line.
    stats : list, optional
        If given, a :class:`SweepStats` is appended (how many points came from the cache).
    blas_threads : int or None
        BLAS threads in each local worker process (default 1, see :func:`limit_blas_threads`);
        None leaves them alone.  With ``workers=1`` this process's BLAS is left alone (call
        :func:`limit_blas_threads` yourself, as ``ptft figures`` does).

    Notes
    -----
    If ``fn`` raises, the points finished so far stay cached and the exception propagates; a rerun
    computes only what is missing.  Duplicate configs are computed once.
    """
    workers = V.positive_int("workers", workers)
    if backend not in BACKENDS:
        raise ParameterError(f"backend={backend!r} is invalid; valid: {', '.join(BACKENDS)}")
    cache = Cache(Path(cache_dir))
    configs = [json.loads(canonical_json(c)) for c in configs]
    keys = [cache.key(c) for c in configs]
    results: dict[str, dict] = {}
    todo: dict[str, dict] = {}
    for key, cfg in zip(keys, configs):
        if key in results or key in todo:
            continue
        hit = cache.get(cfg)
        if hit is not None:
            results[key] = hit
        else:
            todo[key] = cfg
    n_cached = len(results)
    bar = Progress(len(results) + len(todo), desc, enabled=progress and bool(todo))
    bar.done = n_cached
    try:
        for key, result in _evaluate(fn, todo, workers, backend, blas_threads):
            cache.put(todo[key], result)
            results[key] = result
            bar.update()
    finally:
        bar.close()
    if stats is not None:
        stats.append(SweepStats(total=len(configs), cached=n_cached, computed=len(todo)))
    return [results[k] for k in keys]


def _evaluate(fn, todo: dict, workers: int, backend: str, blas_threads=None) -> Iterable[tuple[str, dict]]:
    if not todo:
        return
    if backend == "ray":
        yield from evaluate_ray(fn, todo)
    elif workers == 1:
        for key, cfg in todo.items():
            yield key, fn(cfg)
    else:
        with cf.ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                                    initargs=(blas_threads, os.getpid())) as pool:
            futures = {pool.submit(fn, cfg): key for key, cfg in todo.items()}
            try:
                for fut in cf.as_completed(futures):
                    yield futures[fut], fut.result()
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
