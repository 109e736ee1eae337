"""Fixtures: tiny random models (Gemma 3 with sliding-window layers; Llama without BOS) in tmp folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_models import make_tiny_model


@pytest.fixture(scope="session")
def tiny_gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_model(
        tmp_path_factory.mktemp("tiny") / "tiny-gemma3", "gemma3", max_position_embeddings=48
    )


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_model(
        tmp_path_factory.mktemp("tiny") / "tiny-llama", "llama", max_position_embeddings=48
    )


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer cache and converted models go to a per-test folder (assets stay in the real cache)."""
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
