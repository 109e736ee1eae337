"""The data files of the openness audit, loaded and validated with pydantic (read once, cached)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, Field

ContentType = Literal["code", "data", "document"]


class MofComponent(BaseModel):
    """One of the 17 MOF components (``mof.settings.yml``)."""

    id: int
    name: str
    content_type: list[ContentType]
    class_: int = Field(alias="class", ge=1, le=3)
    required: bool


class ToolLicense(BaseModel):
    """An entry of the tool's own license list (``mof-licenses.json``)."""

    id: str
    types: list[ContentType]
    osi: bool
    fsf: bool


class MofRules(BaseModel):
    """Everything the MOF evaluator needs: components, classes, and the tool's license rules."""

    framework: dict[str, str]
    classes: dict[int, str]
    components: list[MofComponent]
    technical_report_id: int
    research_paper_id: int
    open_data_licenses: list[str]
    placeholders: list[str]
    tool_licenses: list[ToolLicense]

    def by_name(self) -> dict[str, MofComponent]:
        """Components keyed by their exact name."""
        return {c.name: c for c in self.components}

    def by_id(self) -> dict[int, MofComponent]:
        """Components keyed by id."""
        return {c.id: c for c in self.components}

    def required(self, klass: int) -> list[int]:
        """Required component ids of one class, in settings order (``ComponentManager::getRequired``)."""
        return [c.id for c in self.components if c.class_ == klass and c.required]

    def optional(self, klass: int) -> list[int]:
        """Ids of the optional components of one class (``ComponentManager::getOptional``)."""
        return [c.id for c in self.components if c.class_ == klass and not c.required]


class KnownLicense(BaseModel):
    """A license without an SPDX id (or an SPDX license spelled out), with its spellings and text markers."""

    id: str
    name: str
    url: str = ""
    spdx: str | None = None
    names: list[str] = Field(default_factory=list)
    markers: list[str] = Field(default_factory=list)


class KnownLicenses(BaseModel):
    """``known_licenses.yaml``."""

    licenses: list[KnownLicense]
    placeholders: dict[Literal["unlicensed", "not_included", "other"], list[str]]
    aliases: dict[str, str]


def _load(name: str) -> object:
    text = resources.files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def mof_rules() -> MofRules:
    """The MOF rules of ``data/mof.yaml``."""
    return MofRules.model_validate(_load("mof.yaml"))


@cache
def known_licenses() -> KnownLicenses:
    """The non-SPDX licenses, placeholders and aliases of ``data/known_licenses.yaml``."""
    return KnownLicenses.model_validate(_load("known_licenses.yaml"))


def builtin_declaration_text(name: str) -> str | None:
    """The text of a built-in declaration ``data/models/<name>.yaml``, or None."""
    path = resources.files(__package__).joinpath("data").joinpath("models").joinpath(f"{name}.yaml")
    return path.read_text(encoding="utf-8") if path.is_file() else None
