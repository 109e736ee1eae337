"""The politics tests install the shipped assets (8values, Röttger templates) into a per-session home."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def _politics_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(autouse=True)
def _home(_politics_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(_politics_home))
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    from sovaudit.audits.politics import prompts

    prompts.rottger_files.cache_clear()
