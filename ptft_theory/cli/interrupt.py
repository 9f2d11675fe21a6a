"""Reliable Ctrl-C for ``ptft``: an interrupt is never lost, whatever code it lands in.

Python turns SIGINT into a KeyboardInterrupt wherever the main thread happens to be.  When that is a
finaliser (``__del__``, a weakref callback, a generator closed by the garbage collector) the exception
cannot propagate: Python prints "Exception ignored in ..." and the run goes on (1 of 12 Ctrl-C during
``ptft figures --quick`` was lost so, and the command exited 0).  :func:`catch_interrupts`

* records every SIGINT (so the command exits 130 even if every KeyboardInterrupt were swallowed), and
* re-delivers a swallowed KeyboardInterrupt: ``sys.unraisablehook`` sees it and wakes a helper thread
  that sends SIGINT again a moment later, so it is raised anew in the main thread, outside the
  finaliser (and again, should that land in a finaliser too).

Finished work is kept as before: sweeps write each point as it arrives and every file is written
atomically (:mod:`ptft_theory.fileio`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time


#: Delay of a re-delivered SIGINT: long against the microseconds the hook takes to return (a handler run
#: inside the hook would be swallowed again), short against a person waiting.
REDELIVERY_DELAY = 0.02


@contextlib.contextmanager
def catch_interrupts():
    """Yield a list that gets one entry per SIGINT received while the block runs (main thread only;
    elsewhere nothing is installed and the list stays empty)."""
    seen: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield seen
        return
    previous_hook = sys.unraisablehook
    wake, stop = threading.Event(), threading.Event()

    def resend():  # a helper thread, started before anything can be swallowed
        while wake.wait() and not stop.is_set():
            wake.clear()
            time.sleep(REDELIVERY_DELAY)
            if not stop.is_set():
                os.kill(os.getpid(), signal.SIGINT)

    def on_sigint(signum, frame):
        seen.append(signum)
        raise KeyboardInterrupt

    def redeliver(unraisable):
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            wake.set()  # no waiting here: the helper sends SIGINT once this hook has returned
            return
        previous_hook(unraisable)

    try:
        previous_handler = signal.signal(signal.SIGINT, on_sigint)
    except (ValueError, OSError):  # no signals here (e.g. an embedded interpreter)
        yield seen
        return
    helper = threading.Thread(target=resend, name="ptft-interrupt-redelivery", daemon=True)
    helper.start()
    sys.unraisablehook = redeliver
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))  # late re-deliveries: count only
        stop.set()
        wake.set()
        helper.join()
        signal.signal(signal.SIGINT, previous_handler)
        sys.unraisablehook = previous_hook
