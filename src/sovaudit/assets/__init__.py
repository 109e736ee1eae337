"""Pinned assets (corpora, tokenizers, models) from package registries, in a verified local cache."""

from __future__ import annotations

from .catalogue import Asset, Source, catalogue, get_asset
from .store import AssetStore, default_store, home

__all__ = ["Asset", "AssetStore", "Source", "catalogue", "default_store", "get_asset", "home"]
