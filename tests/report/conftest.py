"""Fixtures for the report tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from report_docs import make_tokenizer_doc

from sovaudit.results import ResultsDocument


@pytest.fixture
def tokenizer_doc() -> ResultsDocument:
    return make_tokenizer_doc()


@pytest.fixture
def doc_factory() -> Callable[..., ResultsDocument]:
    return make_tokenizer_doc
