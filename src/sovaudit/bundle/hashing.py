"""SHA-256 of files, with a small cache for big inputs that live outside a bundle (model weights, corpora).

Files inside a bundle are always read in full when a bundle is verified (the point is to catch any edit).
Inputs outside it (a 300 MB model file) are hashed once per content version: the cache maps
``(real path, size, mtime_ns, ctime_ns, inode)`` to the digest, in ``$SOVAUDIT_HOME/hash-cache.json``.
Anything that writes a file changes its ctime (which, unlike mtime, no user call can set back), so a stale
entry is never used, even after an in-place edit of the same size with the mtime restored; pass
``use_cache=False`` (CLI: ``--rehash``) to read every input again anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

CACHE_FILE = "hash-cache.json"


def sha256_path(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class HashCache:
    """Digests of files keyed by real path, size, mtime, ctime and inode; saved under ``SOVAUDIT_HOME``."""

    def __init__(self, path: Path | None = None, enabled: bool = True) -> None:
        if path is None and enabled:
            from ..assets.store import home

            path = home() / CACHE_FILE
        self.path = path
        self.enabled = enabled
        self._entries: dict[str, str] = {}
        self._dirty = False
        if enabled and path is not None and path.is_file():
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self._entries = {str(k): str(v) for k, v in data.items()}

    @staticmethod
    def _key(path: Path) -> str:
        st = path.stat()
        return f"{os.path.realpath(path)}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{st.st_ino}"

    def sha256(self, path: Path) -> str:
        """The file's digest: from the cache when size, mtime, ctime and inode are unchanged, else read."""
        if not self.enabled:
            return sha256_path(path)
        key = self._key(path)
        digest = self._entries.get(key)
        if digest is None:
            digest = sha256_path(path)
            prefix = key.rsplit("|", 4)[0] + "|"
            for old in [k for k in self._entries if k.startswith(prefix)]:
                del self._entries[old]  # an older version of the same file
            self._entries[key] = digest
            self._dirty = True
        return digest

    def save(self) -> None:
        """Write the cache (best effort: a read-only home only costs a rehash next time)."""
        if not (self.enabled and self._dirty and self.path is not None):
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
            tmp.write_text(json.dumps(self._entries, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
            self._dirty = False
