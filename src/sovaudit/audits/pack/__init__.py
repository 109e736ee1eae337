"""The probe-pack audit: a model scored on a country's own items (format and loading: ``sovaudit.packs``)."""

from __future__ import annotations

from .audit import PackAudit, PackSpec

__all__ = ["PackAudit", "PackSpec"]
