"""Cache keys, seeds and code fingerprints of sweep points: a canonical JSON text of a config, its
SHA-256, and a hash of all the code a point can run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Sequence

from ..errors import ParameterError


def canonical_json(config) -> str:
    """The canonical JSON text of a config: sorted keys, no whitespace, floats by ``repr``.

    Raises ValueError for values JSON cannot represent exactly (NaN, infinity, arbitrary objects),
    so two different configs can never share a key by accident.
    """
    try:
        return json.dumps(config, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as e:
        raise ParameterError(f"config={config!r} is not a JSON config (dict of str, int, float, bool, None, "
                         f"lists, dicts; finite floats): {e}") from None


#: Salt mixed into every cache key.  Bump it whenever the computation behind a cached point changes
#: (a solver fix, a new replica scheme), so stale results are recomputed rather than reused.
CODE_VERSION = "ptft-sweep-1"


def config_key(config, salt: str = CODE_VERSION) -> str:
    """Hex SHA-256 of ``salt`` and the canonical JSON of ``config``: the point's cache key."""
    return hashlib.sha256((salt + "\n" + canonical_json(config)).encode()).hexdigest()


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
