"""Mergeable counts of the corpus audit: one :class:`CorpusCounts` per shard, summed with ``+``.

Every measure in the results is a pure function of these integers (see ``reduce.py``); nothing is
averaged per document. Exact duplicates are found across shards by merging per-language sets of 64-bit
hashes of the normalised document text (sorted ``uint64`` arrays; 8 bytes per distinct document at the
reduce). Near duplicates (optional) keep MinHash-LSH band keys per document (``BANDS`` x 8 bytes) and are
clustered at the reduce.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

HIST_BINS = 10  # confidence histogram: [0, .1), [.1, .2), ... [.9, 1.0]
BANDS = 16  # MinHash LSH: 16 bands x 4 rows of a 64-permutation MinHash


def _encode(arr: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(arr, dtype="<u8").tobytes()).decode("ascii")


def _decode(text: str, width: int = 1) -> np.ndarray:
    arr = np.frombuffer(base64.b64decode(text), dtype="<u8").astype(np.uint64)
    return arr.reshape(-1, width) if width > 1 else arr


def _empty_hashes() -> np.ndarray:
    return np.zeros(0, dtype=np.uint64)


def _empty_bands() -> np.ndarray:
    return np.zeros((0, BANDS), dtype=np.uint64)


def _add_dicts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return dict(sorted(out.items()))


@dataclass
class LangCounts:
    """Counts for one language label (``eng_Latn``) in one or more shards."""

    documents: int = 0  # documents whose majority language, by UTF-8 bytes of paragraphs, is this one
    paragraphs: int = 0  # paragraphs (non-empty lines) identified as this language
    bytes: int = 0  # UTF-8 bytes of those paragraphs
    document_bytes: int = 0  # UTF-8 bytes of the documents counted in ``documents``
    confidence_hist: list[int] = field(default_factory=lambda: [0] * HIST_BINS)  # paragraphs per bin
    script_mismatch: int = 0  # paragraphs written in another script than the label expects
    scripts: dict[str, int] = field(default_factory=dict)  # paragraphs per script found in the text
    doc_hashes: np.ndarray = field(default_factory=_empty_hashes)  # distinct normalised-text hashes
    doc_bands: np.ndarray = field(default_factory=_empty_bands)  # one row of LSH band keys per document

    def __add__(self, other: LangCounts) -> LangCounts:
        return LangCounts(
            documents=self.documents + other.documents,
            paragraphs=self.paragraphs + other.paragraphs,
            bytes=self.bytes + other.bytes,
            document_bytes=self.document_bytes + other.document_bytes,
            confidence_hist=[a + b for a, b in zip(self.confidence_hist, other.confidence_hist, strict=True)],
            script_mismatch=self.script_mismatch + other.script_mismatch,
            scripts=_add_dicts(self.scripts, other.scripts),
            doc_hashes=np.union1d(self.doc_hashes, other.doc_hashes).astype(np.uint64),
            doc_bands=np.concatenate([self.doc_bands, other.doc_bands]),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (hash arrays as base64 of little-endian uint64)."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["doc_hashes"] = _encode(np.sort(self.doc_hashes))
        out["doc_bands"] = _encode(self.doc_bands)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LangCounts:
        """Inverse of :meth:`to_dict`."""
        kw = dict(data)
        kw["doc_hashes"] = _decode(kw.get("doc_hashes", ""))
        kw["doc_bands"] = _decode(kw.get("doc_bands", ""), BANDS) if kw.get("doc_bands") else _empty_bands()
        kw["confidence_hist"] = list(kw.get("confidence_hist", [0] * HIST_BINS))
        return cls(**kw)


READ_FIELDS = (
    "files",  # files (or file parts) read to the end
    "empty_files",  # files with no bytes at all
    "documents",  # documents seen, all languages
    "empty_documents",  # documents with no text (counted, not identified)
    "paragraphs",  # paragraphs identified
    "bytes",  # UTF-8 bytes of identified paragraphs
    "capped_lines",  # lines/records/values longer than the cap (--max-line-mb)
    "capped_bytes",  # their bytes beyond the cap, counted nowhere else (a JSONL record: all, it cannot parse)
    "replacement_chars",  # U+FFFD inserted while decoding bytes that are not UTF-8
    "bad_records",  # JSON lines that do not parse, or records whose text field is not a string
    "missing_field",  # records without the text field
    "skipped_files",  # truncated or unreadable files: counted and skipped, none of their text counted
)


@dataclass
class CorpusCounts:
    """Per-language counts plus reading statistics; the unit result of one shard."""

    languages: dict[str, LangCounts] = field(default_factory=dict)
    read: dict[str, int] = field(default_factory=lambda: dict.fromkeys(READ_FIELDS, 0))
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it was skipped (first 200 kept)

    def lang(self, label: str) -> LangCounts:
        """The counts of ``label``, created on first use."""
        found = self.languages.get(label)
        if found is None:
            found = self.languages[label] = LangCounts()
        return found

    def __add__(self, other: CorpusCounts) -> CorpusCounts:
        langs = dict(self.languages)
        for label, counts in other.languages.items():
            langs[label] = langs[label] + counts if label in langs else counts
        problems = dict(sorted({**self.problems, **other.problems}.items())[:200])
        return CorpusCounts(dict(sorted(langs.items())), _add_dicts(self.read, other.read), problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "languages": {k: v.to_dict() for k, v in sorted(self.languages.items())},
            "read": dict(self.read),
            "problems": dict(self.problems),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusCounts:
        """Inverse of :meth:`to_dict`."""
        return cls(
            languages={k: LangCounts.from_dict(v) for k, v in data.get("languages", {}).items()},
            read={**dict.fromkeys(READ_FIELDS, 0), **data.get("read", {})},
            problems=dict(data.get("problems", {})),
        )


def merge_all(parts: Iterable[CorpusCounts]) -> CorpusCounts:
    """Sum many shard counts; hash sets are concatenated and deduplicated once at the end (fast)."""
    total = CorpusCounts()
    hashes: dict[str, list[np.ndarray]] = {}
    bands: dict[str, list[np.ndarray]] = {}
    for part in parts:
        for label, lc in part.languages.items():
            hashes.setdefault(label, []).append(lc.doc_hashes)
            bands.setdefault(label, []).append(lc.doc_bands)
        stripped = CorpusCounts(
            {k: _without_arrays(v) for k, v in part.languages.items()}, part.read, part.problems
        )
        total = total + stripped
    for label, lc in total.languages.items():
        lc.doc_hashes = np.unique(np.concatenate(hashes[label])).astype(np.uint64)
        lc.doc_bands = np.concatenate(bands[label]) if bands[label] else _empty_bands()
    return total


def _without_arrays(lc: LangCounts) -> LangCounts:
    return LangCounts(
        documents=lc.documents,
        paragraphs=lc.paragraphs,
        bytes=lc.bytes,
        document_bytes=lc.document_bytes,
        confidence_hist=list(lc.confidence_hist),
        script_mismatch=lc.script_mismatch,
        scripts=dict(lc.scripts),
    )
