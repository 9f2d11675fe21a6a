"""Where sweep points run: worker processes (one BLAS thread each, ended with their parent) and the
optional Ray backend."""

from __future__ import annotations

import os
import sys
import time

from .. import _validate as V
from ..errors import BackendUnavailableError


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


def watch_parent(parent_pid: int, period: float = 0.5):
    """End this worker process as soon as the sweep's driving process is gone.

    On Linux the kernel sends SIGKILL when the parent exits (``prctl(PR_SET_PDEATHSIG)``); a daemon
    thread also polls the parent's pid (other systems, or a worker whose direct parent is a fork
    server), so a SIGKILLed ``ptft figures --workers N`` leaves no worker computing.
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


def ray_module():
    """Import Ray, or raise :class:`BackendUnavailableError` telling how to install it."""
    try:
        import ray  # noqa: PLC0415
    except ImportError:
        raise BackendUnavailableError("backend='ray' needs Ray, which is not installed: "
                                      "pip install 'ptft-theory[ray]' (or use --backend local)") from None
    return ray


def evaluate_ray(fn, todo: dict):
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
