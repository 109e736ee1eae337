"""Fixtures for the report tests."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import pytest
from report_docs import make_tokenizer_doc

from sovaudit.report.render import SectionFallbackWarning
from sovaudit.results import ResultsDocument


@pytest.fixture(autouse=True)
def sections_must_not_fall_back() -> Iterator[None]:
    """In the report tests a section plugin that fails is an error, not a quiet fallback."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SectionFallbackWarning)
        yield


@pytest.fixture
def tokenizer_doc() -> ResultsDocument:
    return make_tokenizer_doc()


@pytest.fixture
def doc_factory() -> Callable[..., ResultsDocument]:
    return make_tokenizer_doc
