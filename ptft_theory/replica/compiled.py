"""Compiled replica moments: ``_csrc/replica_moments.c`` + the generated ``kernels/_generated/kernels_c.h``.

The C file holds the same algorithms as the numpy/Python path of :mod:`ptft_theory.replica`
(safeguarded Newton prox, quadrature sums, analytic Jacobian, damped Newton on the fixed point) and
no formula of its own: every expression comes
from the generated header.  It is compiled on first use with the system C compiler (``$CC``, else
``cc``) into a cache folder (``$PTFT_CACHE_DIR``, else ``~/.cache/ptft-theory``) under a name that
hashes the sources and flags, written atomically, and loaded with ctypes.

Without a compiler (or with ``PTFT_NO_C=1``) :func:`library` returns None and the replica solver
uses numpy: same results to rounding, ~10x slower.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # ptft_theory/ (the sources live in _csrc/ and kernels/_generated/)
SOURCES = (PACKAGE_DIR / "_csrc" / "replica_moments.c", PACKAGE_DIR / "kernels" / "_generated" / "kernels_c.h")
# No -ffast-math: the prox convergence test and the overflow guards rely on IEEE semantics.
CFLAGS = ("-O2", "-fno-math-errno", "-std=c99", "-shared", "-fPIC")


def cache_dir() -> Path:
    return Path(os.environ.get("PTFT_CACHE_DIR") or Path.home() / ".cache" / "ptft-theory")


def _compile(target: Path) -> bool:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / target.name
        cmd = [cc, *CFLAGS, f"-I{SOURCES[1].parent}", "-o", str(out), str(SOURCES[0]), "-lm"]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError):
            return False
        os.replace(out, target)  # atomic: concurrent processes never load a half-written library
    return True


def library_path(tag: str) -> Path:
    return cache_dir() / f"replica_moments_{tag}.so"


@functools.lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """``"c-library=<sha256 of the loaded .so>"``, or ``"c-library=none"`` when the numpy path runs.

    Part of the figure points' cache key (:func:`ptft_theory.experiments.points.code_hash`): the library is
    built at run time, so its bytes (compiler, flags) are code the points run as well.
    """
    lib = library()
    if lib is None:
        return "c-library=none"
    return "c-library=" + hashlib.sha256(Path(lib._name).read_bytes()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def library():
    """The loaded library, or None (no compiler, compile error, or ``PTFT_NO_C=1``)."""
    if os.environ.get("PTFT_NO_C") == "1":
        return None
    h = hashlib.sha256()
    for p in SOURCES:
        h.update(p.read_bytes())
    h.update(" ".join(CFLAGS).encode())
    target = library_path(h.hexdigest()[:16])
    try:
        if not target.exists() and not _compile(target):
            return None
        lib = ctypes.CDLL(str(target))
    except OSError:
        return None
    # Arrays travel as raw pointers (see pointer()): the callers keep them alive, C-contiguous float64.
    dp = ctypes.c_void_p
    lib.ptft_replica_moments.argtypes = [ctypes.c_int, ctypes.c_int, dp, dp, dp, dp, dp, dp, ctypes.c_double,
                                         ctypes.c_double, ctypes.c_int, dp, dp]
    lib.ptft_replica_moments.restype = ctypes.c_int
    lib.ptft_replica_newton.argtypes = [ctypes.c_int, ctypes.c_int, dp, dp, dp, dp, dp, dp, ctypes.c_double,
                                        ctypes.c_double, ctypes.c_double, ctypes.c_double, ctypes.c_int, dp, dp]
    lib.ptft_replica_newton.restype = ctypes.c_int
    lib.ptft_seed_state.argtypes = [ctypes.c_int, ctypes.c_int, dp, dp, ctypes.c_int, dp, dp]
    lib.ptft_seed_state.restype = None
    return lib


def pointer(a: np.ndarray) -> int:
    """The address of a C-contiguous float64 array (the caller keeps ``a`` alive while it is used)."""
    if a.dtype != np.float64 or not a.flags.c_contiguous:
        raise TypeError("compiled moments need C-contiguous float64 arrays")
    return a.ctypes.data
