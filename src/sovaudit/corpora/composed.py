"""A parallel corpus composed of several corpora's segment groups (FLORES-200, UDHR, a user's text), and
the names both the shipped corpora and a user's text use (one module both import: no cycle)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .base import ParallelCorpus

REFERENCE = "eng"


@dataclass(frozen=True)
class ComposedCorpus(ParallelCorpus):
    """A parallel corpus made of several corpora's segment groups (``groups``: group name -> its ids)."""

    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def scope(self, language: str) -> tuple[str, ...]:
        """The segment ids of the corpus (or corpora) the language's text comes from."""
        group = self.language_meta.get(language, {}).get("corpus")
        if isinstance(group, str) and group in self.groups:
            return self.groups[group]
        return self.segment_ids

    def coverage(self, language: str) -> float:
        """Fraction of its own corpus's segments that ``language`` has."""
        ids = self.scope(language)
        lang = self.texts.get(language, {})
        return sum(1 for i in ids if lang.get(i, "").strip()) / len(ids) if ids else 0.0

    def subset(self, languages: Iterable[str]) -> ComposedCorpus:
        """A composed corpus restricted to ``languages``."""
        base = ParallelCorpus.subset(self, languages)
        return ComposedCorpus(**{k: getattr(base, k) for k in _FIELDS}, groups=self.groups)


_FIELDS = ("name", "segment_ids", "texts", "license", "origin", "version", "language_meta", "notes")


def _variety_name(iso: str) -> str:
    import langcodes

    try:
        return str(langcodes.Language.get(iso).display_name("en"))
    except (ValueError, LookupError):
        return ""
