"""The settings of an opinions run (its own module: the audit and its reduce both read it)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...inputs import input_field
from ..base import ModelAuditSpec


class OpinionsSpec(ModelAuditSpec):
    """Settings of an opinions run."""

    data: str = input_field(kind="opinions")
    data_sha256: str | None = None  # the published file's SHA-256: checked before any work when given
    countries: tuple[str, ...] = ()  # the user's countries: ISO 3166 codes or names as the file spells them
    prompting: Literal["default", "cross-national"] = "default"
    permutations: int = Field(4, ge=1, le=26)
    language: str = "en"
    bootstrap: int = Field(1000, ge=0)
    seed: int = Field(0, ge=0)  # numpy refuses a negative seed: refuse it before any work
    skip_bad_rows: bool = False
    limit: int | None = Field(None, ge=1)  # the first N questions only
    shard_size: int = Field(100, ge=1)
