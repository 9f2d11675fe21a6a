"""The sweep's per-point cache: one JSON file per point, keyed by a hash of the point's full config.

:class:`Cache` serves an entry only when it is exactly what :meth:`Cache.put` wrote for this config
(schema, salt, config and a digest over them, docs/security.md); anything else is recomputed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from ..errors import ParameterError
from ..fileio import atomic_path

#: Salt mixed into every cache key.  Bump it whenever the computation behind a cached point changes
#: (a solver fix, a new replica scheme), so stale results are recomputed rather than reused.
CODE_VERSION = "ptft-sweep-1"


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


def config_key(config, salt: str = CODE_VERSION) -> str:
    """Hex SHA-256 of ``salt`` and the canonical JSON of ``config``: the point's cache key."""
    return hashlib.sha256((salt + "\n" + canonical_json(config)).encode()).hexdigest()


# --------------------------------------------------------------------------------------- cache
@dataclasses.dataclass(frozen=True)
class Cache:
    """One JSON file per point, ``<root>/<key[:2]>/<key>.json``, holding the config, the result and a
    digest of both (:meth:`check`); :meth:`get` serves an entry only when all of it matches.

    The cache is the user's own files, trusted like the code (docs/security.md): the digest catches
    corruption, foreign and stale entries and naive edits, not a writer who recomputes it.

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

    def check(self, config, result) -> str:
        """SHA-256 of the salt, the config and the result (canonical JSON): written with every entry,
        so a truncated, bit-flipped or hand-edited result no longer matches and is recomputed."""
        return hashlib.sha256((self.salt + "\n" + canonical_json(config) + "\n" + canonical_json(result)).encode()
                              ).hexdigest()

    def get(self, config):
        """The cached result of ``config``, or None when the entry is missing or not trustworthy.

        An entry is served only when it is strict JSON (no NaN/Infinity) of exactly the schema
        :meth:`put` writes (``salt``, ``config``, ``result`` a dict, ``check``), with this cache's salt,
        this very config (so the file's name is its key) and a ``check`` digest that matches; anything
        else (corrupt, foreign, from another code version, edited) is recomputed.
        """
        p = self.path(config)
        try:
            record = json.loads(p.read_text(), parse_constant=_no_constant)
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not (isinstance(record, dict) and set(record) == {"salt", "config", "result", "check"}
                and isinstance(record["result"], dict)):
            return None  # not what put() writes: recompute
        cfg = json.loads(canonical_json(config))
        if record["salt"] != self.salt or record["config"] != cfg:
            return None  # another code version, a hash collision or a moved file: recompute
        try:
            ok = record["check"] == self.check(cfg, record["result"])
        except ParameterError:
            return None
        return record["result"] if ok else None

    def put(self, config, result) -> Path:
        """Write ``result`` for ``config`` atomically (temporary file in the same folder, ``os.replace``)."""
        p = self.path(config)
        p.parent.mkdir(parents=True, exist_ok=True)
        cfg = json.loads(canonical_json(config))
        text = json.dumps({"salt": self.salt, "config": cfg, "result": result, "check": self.check(cfg, result)},
                          sort_keys=True, allow_nan=False)
        with atomic_path(p) as tmp:
            tmp.write_text(text)
        return p


def _no_constant(name):
    raise ValueError(f"{name} is not strict JSON")
