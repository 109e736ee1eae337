"""Every bundle test uses its own keyring (``SOVAUDIT_KEYRING``), never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "trusted-keys.json"
    monkeypatch.setenv("SOVAUDIT_KEYRING", str(path))
    return path
