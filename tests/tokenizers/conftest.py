"""Fixtures for the tokenizer tests: tokenizer files the tests write."""

from __future__ import annotations

from pathlib import Path

import pytest
from tok_fixtures import write_hf, write_quicktok, write_sentencepiece, write_tiktoken


@pytest.fixture
def tiktoken_file(tmp_path: Path) -> Path:
    return write_tiktoken(tmp_path / "tiny.tiktoken")


@pytest.fixture
def quicktok_file(tmp_path: Path) -> Path:
    return write_quicktok(tmp_path / "tiny.vocab")


@pytest.fixture
def hf_folder(tmp_path: Path) -> Path:
    write_hf(tmp_path / "tinyhf")
    return tmp_path / "tinyhf"


@pytest.fixture(scope="session")
def spm_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sentencepiece(tmp_path_factory.mktemp("spm") / "tiny.model")
