"""Compiled replica moments: ``_csrc/replica_moments.c`` + the generated ``kernels/_generated/kernels_c.h``.

The C file holds the same algorithms as the numpy/Python path of :mod:`ptft_theory.replica`
(safeguarded Newton prox, quadrature sums, analytic Jacobian, damped Newton on the fixed point) and
no formula of its own: every expression comes
from the generated header.  It is compiled on first use with the system C compiler (``$CC``, else
``cc``) into a private folder ``clib-<uid>`` of the cache (``$PTFT_CACHE_DIR``, else
``~/.cache/ptft-theory``; created 0700, owner and mode checked before every load) under a name that
hashes the sources and flags, written atomically with the SHA-256 of its bytes beside it, and loaded
with ctypes only when the bytes match that digest (else rebuilt; see :func:`library`).

Without a compiler (or with ``PTFT_NO_C=1``) :func:`library` returns None and the replica solver
uses numpy: same results to rounding, ~10x slower.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import hmac
import os
import shutil
import stat
import subprocess
import tempfile
import warnings
from pathlib import Path

import numpy as np

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # ptft_theory/ (the sources live in _csrc/ and kernels/_generated/)
SOURCES = (PACKAGE_DIR / "_csrc" / "replica_moments.c", PACKAGE_DIR / "kernels" / "_generated" / "kernels_c.h")
# No -ffast-math: the prox convergence test and the overflow guards rely on IEEE semantics.
CFLAGS = ("-O2", "-fno-math-errno", "-std=c99", "-shared", "-fPIC")


def cache_dir() -> Path:
    return Path(os.environ.get("PTFT_CACHE_DIR") or Path.home() / ".cache" / "ptft-theory")


def private_dir() -> Path:
    """``<cache_dir>/clib-<uid>``: the folder the library is built into and loaded from (0700, ours)."""
    return cache_dir() / f"clib-{os.getuid()}"


def library_path(tag: str) -> Path:
    return private_dir() / f"replica_moments_{tag}.so"


def _ensure_private(folder: Path) -> None:
    """Create ``folder`` 0700; raise PermissionError unless it is a real folder we own that nobody else
    can write or read (a folder someone else planted at the predictable name is never used)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        raise PermissionError(f"{folder} is not a folder owned by uid {os.getuid()}")
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise PermissionError(f"{folder} has mode {stat.S_IMODE(st.st_mode):o}; 700 is needed")


def _digest_path(target: Path) -> Path:
    return target.with_suffix(".sha256")


def _compile(target: Path) -> bool:
    """Build the library into ``target`` and record its SHA-256 beside it (both atomically)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return False
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / target.name
        cmd = [cc, *CFLAGS, f"-I{SOURCES[1].parent}", "-o", str(out), str(SOURCES[0]), "-lm"]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError):
            return False
        os.chmod(out, 0o700)
        digest = Path(tmp) / "digest"
        digest.write_text(hashlib.sha256(out.read_bytes()).hexdigest() + "\n")
        os.replace(out, target)  # atomic: concurrent processes never load a half-written library
        os.replace(digest, _digest_path(target))
    return True


def _open_verified(target: Path):
    """``(fd, sha256)`` of ``target`` opened without following links, when it is a regular file we own,
    writable by nobody else, whose bytes match the digest recorded when we built it; else None.
    Loading through the fd (``/proc/self/fd/N``) loads exactly the bytes checked."""
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        ok = stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not stat.S_IMODE(st.st_mode) & 0o022
        h = hashlib.sha256()
        while ok and (chunk := os.read(fd, 1 << 20)):
            h.update(chunk)
        recorded = _digest_path(target).read_text().strip() if ok else ""
        if ok and hmac.compare_digest(recorded, h.hexdigest()):
            return fd, h.hexdigest()
    except OSError:
        pass
    os.close(fd)
    return None


@functools.lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """``"c-library=<sha256 of the loaded .so>"``, or ``"c-library=none"`` when the numpy path runs.

    Part of the figure points' cache key (:func:`ptft_theory.experiments.points.code_hash`): the library is
    built at run time, so its bytes (compiler, flags) are code the points run as well.
    """
    lib = library()
    if lib is None:
        return "c-library=none"
    return "c-library=" + lib.ptft_sha256[:16]


@functools.lru_cache(maxsize=1)
def library():
    """The loaded library, or None (no compiler, compile error, ``PTFT_NO_C=1``, or no private folder).

    The library lives in :func:`private_dir` (created 0700; its owner and mode are checked) with the
    SHA-256 of its bytes recorded at build time.  A file there that is not ours, is writable by others,
    or does not match its recorded digest (planted, truncated, stale) is rebuilt, never loaded.
    """
    if os.environ.get("PTFT_NO_C") == "1":
        return None
    h = hashlib.sha256()
    for p in SOURCES:
        h.update(p.read_bytes())
    h.update(" ".join(CFLAGS).encode())
    target = library_path(h.hexdigest()[:16])
    try:
        _ensure_private(target.parent)
    except OSError as e:
        warnings.warn(f"compiled replica moments disabled (numpy path used): {e}", RuntimeWarning, stacklevel=2)
        return None
    opened = _open_verified(target)
    if opened is None:
        if not _compile(target):
            return None
        opened = _open_verified(target)
        if opened is None:
            return None
    fd, digest = opened
    try:
        proc_fd = Path(f"/proc/self/fd/{fd}")
        lib = ctypes.CDLL(str(proc_fd if proc_fd.exists() else target))
    except OSError:
        return None
    finally:
        os.close(fd)
    lib.ptft_sha256 = digest
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
