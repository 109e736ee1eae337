"""One in-memory type for every parallel corpus: segments aligned across languages by segment id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..errors import SovauditError


@dataclass(frozen=True)
class ParallelCorpus:
    """Aligned segments per language.

    ``segment_ids`` is the corpus-wide order of segment keys (e.g. ``"preamble", "1", ... "30"`` for UDHR,
    ``"dev:0"...`` for FLORES). ``texts[lang][seg_id]`` is that language's text of the segment; a language
    may lack some segments (a partial translation): :meth:`aligned` and :meth:`coverage` make that explicit
    instead of dropping the language. Language keys are the codes *as the corpus names them* (``swh`` in UDHR,
    ``swh_Latn`` in FLORES-200).
    """

    name: str
    segment_ids: tuple[str, ...]
    texts: Mapping[str, Mapping[str, str]]
    license: str = ""
    origin: str = ""
    version: str = ""
    # corpus-specific metadata per language (e.g. UDHR's bcp47, name, direction, stage)
    language_meta: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    # problems met while reading (e.g. a file that was skipped), shown in results notes
    notes: tuple[str, ...] = ()

    @property
    def languages(self) -> list[str]:
        """Language codes in sorted order."""
        return sorted(self.texts)

    def has(self, language: str) -> bool:
        """Whether the corpus has any text for ``language``."""
        return language in self.texts

    def segments(self, language: str, ids: Iterable[str] | None = None) -> list[str]:
        """The texts of ``language`` for ``ids`` (default: all it has), in corpus order."""
        if language not in self.texts:
            raise SovauditError(
                f"language '{language}' is not in corpus {self.name}",
                "list the corpus languages with: sovaudit corpora languages SPEC",
            )
        lang = self.texts[language]
        wanted = self.segment_ids if ids is None else list(ids)
        return [lang[i] for i in wanted if i in lang]

    def aligned(self, *languages: str) -> list[str]:
        """Segment ids present (non-empty) in every one of ``languages``, in corpus order."""
        for lang in languages:
            self.segments(lang, ())  # raises for unknown languages
        return [i for i in self.segment_ids if all(self.texts[lang].get(i, "").strip() for lang in languages)]

    def scope(self, language: str) -> tuple[str, ...]:
        """The segment ids ``language`` is measured against (all of them; a composed corpus: its own part)."""
        return self.segment_ids

    def coverage(self, language: str) -> float:
        """Fraction of the corpus's segments that ``language`` has (1.0 = fully parallel)."""
        if not self.segment_ids:
            return 0.0
        lang = self.texts.get(language, {})
        return sum(1 for i in self.segment_ids if lang.get(i, "").strip()) / len(self.segment_ids)

    @property
    def digest(self) -> str:
        """SHA-256 over the corpus content (ids and texts, languages sorted): identifies the data exactly."""
        h = hashlib.sha256()
        for lang in self.languages:
            h.update(lang.encode() + b"\0")
            for seg_id in self.segment_ids:
                text = self.texts[lang].get(seg_id)
                if text is not None:
                    h.update(seg_id.encode() + b"\0" + text.encode("utf-8") + b"\0")
        return h.hexdigest()

    def subset(self, languages: Iterable[str]) -> ParallelCorpus:
        """A corpus restricted to ``languages`` (unknown ones raise)."""
        langs = list(dict.fromkeys(languages))
        for lang in langs:
            self.segments(lang, ())
        return ParallelCorpus(
            name=self.name,
            segment_ids=self.segment_ids,
            texts={lang: self.texts[lang] for lang in langs},
            license=self.license,
            origin=self.origin,
            version=self.version,
            language_meta={k: v for k, v in self.language_meta.items() if k in langs},
            notes=self.notes,
        )
