"""Where sweep points run: worker processes (one BLAS thread each, ended with their parent) and the
optional Ray backend."""

from __future__ import annotations

import os
import sys
import time

from .. import _validate as V


def limit_blas_threads(n: int = 1) -> int:
    """Set the thread count of every BLAS (OpenBLAS, MKL, BLIS) already loaded in this process; returns how
    many libraries were set.

    Sweeps run one point per process, so BLAS threads only oversubscribe the cores: on a shared
    2-core machine 18 D = 1000 implicit-bias solves took 29 s with OpenBLAS's default threads and
    0.5 s with one (measured once, while other jobs ran).  Uses threadpoolctl (portable: Linux, macOS,
    Windows); the limit holds for the rest of the process.
    """
    from threadpoolctl import ThreadpoolController  # noqa: PLC0415
    n = V.positive_int("n", n)
    blas = ThreadpoolController().select(user_api="blas")
    blas.limit(limits=n)  # not used as a context manager: the limit stays
    return len(blas.lib_controllers)


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
    """Import Ray, or raise :class:`~ptft_theory.errors.MissingExtraError` naming the extra to install."""
    from ..extras import require  # noqa: PLC0415
    return require("ray", "backend='ray'")


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
