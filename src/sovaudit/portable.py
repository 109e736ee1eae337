"""Paths as recorded in results and manifests: ``$SOVAUDIT_HOME/...`` for the asset cache, else absolute.

Another machine finds its own copy of an asset under its own ``SOVAUDIT_HOME``, and a signed file does not
reveal the signer's home folder.
"""

from __future__ import annotations

from pathlib import Path

HOME_PREFIX = "$SOVAUDIT_HOME/"


def portable_path(path: Path) -> str:
    """``$SOVAUDIT_HOME/...`` for a file in the asset cache; the absolute path otherwise."""
    from .assets.store import home

    resolved = path.resolve()
    try:
        return HOME_PREFIX + resolved.relative_to(home().resolve()).as_posix()
    except ValueError:
        return str(resolved)


def local_path(text: str) -> Path:
    """Inverse of :func:`portable_path` on this machine."""
    from .assets.store import home

    return home() / text[len(HOME_PREFIX) :] if text.startswith(HOME_PREFIX) else Path(text)
