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
import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .. import _validate as V
from .cache import CODE_VERSION, Cache, canonical_json, config_key  # noqa: F401  (re-exported: the sweep's cache)


class SweepBackend(enum.StrEnum):
    """Where :func:`run_sweep` evaluates points (the plain strings work too)."""

    LOCAL = "local"
    RAY = "ray"


BACKENDS = tuple(b.value for b in SweepBackend)


from ..errors import BackendUnavailableError, ParameterError  # noqa: E402  (BackendUnavailableError re-exported)


# ------------------------------------------------------------------------------------- hashing
def source_hash(folder, names) -> str:
    """Short SHA-256 of the named files under ``folder`` (a missing file counts as empty).

    Prefer :func:`code_fingerprint`, which finds the files itself: a hand-written list misses the
    code a point reaches indirectly (issue 12: edits of the C moments reused stale replica points).
    """
    h = hashlib.sha256()
    for rel in names:
        f = Path(folder) / rel
        h.update(rel.encode() + b"\0" + (f.read_bytes() if f.exists() else b"") + b"\0")
    return h.hexdigest()[:16]


#: Suffixes of the package files a point can execute (Python sources, the C moments and their header).
CODE_SUFFIXES = (".py", ".c", ".h")
#: Distributions whose version is part of :func:`code_fingerprint` (read from metadata, never imported).
CODE_DISTRIBUTIONS = ("numpy", "scipy", "mpmath", "sympy", "torch", "gmpy2", "python-flint")


def code_files(folder) -> list[Path]:
    """Every source file (:data:`CODE_SUFFIXES`) under ``folder``, sorted, ``__pycache__`` excluded."""
    folder = Path(folder)
    return sorted(p for p in folder.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()
                  and "__pycache__" not in p.relative_to(folder).parts)


def _versions(names) -> str:
    from importlib import metadata
    import platform
    out = [f"python={platform.python_version()}", f"machine={platform.machine()}"]
    for n in names:
        try:
            out.append(f"{n}={metadata.version(n)}")
        except metadata.PackageNotFoundError:
            out.append(f"{n}=absent")
    return ";".join(out)


def code_fingerprint(folder, extra: Sequence[str] = (), distributions: Sequence[str] = CODE_DISTRIBUTIONS) -> str:
    """Short SHA-256 of all code under ``folder`` that a point can run, computed, not listed by hand.

    Covers every ``*.py``, ``*.c`` and ``*.h`` file under ``folder`` (path and bytes), the versions of
    Python and of ``distributions``, and the strings in ``extra`` (e.g. the hash of a library
    compiled at run time).  The whole package rather than an import graph: importing any module runs
    the package's ``__init__`` (which imports most of it), and kernels are also imported by name.  Put in a point's config, any edit of the package, a new dependency
    version or a rebuilt library changes every key, so no cached result (or cached failure)
    outlives the code that made it.
    """
    folder = Path(folder).resolve()
    h = hashlib.sha256()
    for f in code_files(folder):
        h.update(f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(_versions(distributions).encode() + b"\0")
    for e in extra:
        h.update(str(e).encode() + b"\0")
    return h.hexdigest()[:16]


def derive_seed(config) -> int:
    """A 63-bit seed derived from a config (independent of the code-version salt).

    Examples
    --------
    >>> derive_seed({"rep": 0, "D": 1000}) == derive_seed({"D": 1000, "rep": 0})
    True
    """
    return int(hashlib.sha256(("seed\n" + canonical_json(config)).encode()).hexdigest()[:16], 16) >> 1


# ---------------------------------------------------------------------------------- BLAS threads
_BLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                 "openblas_set_num_threads64_", "openblas_set_num_threads", "MKL_Set_Num_Threads")


def limit_blas_threads(n: int = 1) -> int:
    """Set the thread count of every OpenBLAS/MKL already loaded in this process; returns how many were set.

    Sweeps run one point per process, so BLAS threads only oversubscribe the cores: on a shared
    2-core machine 18 D = 1000 implicit-bias solves took 29 s with OpenBLAS's default threads and
    0.5 s with one (measured once, while other jobs ran).  Uses the libraries' own C entry points (no new dependency);
    Linux only (reads /proc/self/maps), a no-op elsewhere.
    """
    import ctypes
    n = V.positive_int("n", n)
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f
                           if ("openblas" in line.lower() or "mkl_rt" in line.lower()) and "/" in line})
    except OSError:
        return 0
    count = 0
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _BLAS_SETTERS:
            fn = getattr(lib, name, None)
            if fn is not None:
                fn(ctypes.c_int(n))
                count += 1
    return count


_PR_SET_PDEATHSIG = 1


def _watch_parent(parent_pid: int, period: float = 0.5):
    """End this worker process as soon as the sweep's driving process is gone.

    On Linux the kernel sends SIGKILL when the parent exits (``prctl(PR_SET_PDEATHSIG)``); a daemon
    thread also polls the parent's pid (other systems, or a worker whose direct parent is a fork
    server).  Without this, a SIGKILLed ``ptft figures --workers N`` left its workers computing for
    minutes (issue 12).
    """
    import signal
    import threading
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    start_ppid = os.getppid()

    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def loop():
        while True:
            if os.getppid() != start_ppid or not alive(parent_pid):
                os._exit(1)
            time.sleep(period)

    if os.getppid() != start_ppid or not alive(parent_pid):
        os._exit(1)
    threading.Thread(target=loop, name="ptft-parent-watch", daemon=True).start()


def _worker_init(blas_threads, parent_pid=None):
    if parent_pid is not None:
        _watch_parent(parent_pid)
    if blas_threads:
        limit_blas_threads(blas_threads)


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
        yield from _evaluate_ray(fn, todo)
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


def ray_module():
    """Import Ray, or raise :class:`BackendUnavailableError` telling how to install it."""
    try:
        import ray  # noqa: PLC0415
    except ImportError:
        raise BackendUnavailableError("backend='ray' needs Ray, which is not installed: "
                                      "pip install 'ptft-theory[ray]' (or use --backend local)") from None
    return ray


def _evaluate_ray(fn, todo: dict):
    """Run the points as Ray tasks (``RAY_ADDRESS`` picks a cluster; otherwise a local instance)."""
    ray = ray_module()
    if not ray.is_initialized():
        ray.init(address=os.environ.get("RAY_ADDRESS") or None, ignore_reinit_error=True,
                 log_to_driver=False)
    remote = ray.remote(fn)
    refs = {remote.remote(cfg): key for key, cfg in todo.items()}
    pending = list(refs)
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                yield refs[ref], ray.get(ref)
    except BaseException:
        for ref in pending:
            ray.cancel(ref)
        raise
