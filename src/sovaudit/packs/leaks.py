"""Leak detection: has a pack's text reached a corpus (a model's training data, a web crawl)?

Two signals, reported per item and never with the item's text:

- the pack's **canary**, a unique string written in ``pack.yaml`` (``canary:``; ``sovaudit pack new`` writes
  one). Whoever copies the pack's files copies the canary too; finding it in a corpus is proof of a leak;
- **13-gram overlaps**, the decontamination rule of the GPT-3 paper (Brown et al. 2020, appendix C): an
  item is flagged when any run of 13 consecutive words of it (question, options and accepted answers,
  lower-cased, words as Unicode ``\\w+``) occurs in a corpus document. As in that paper, an item shorter than
  13 words is matched on all its words when it has at least :data:`MIN_WORDS` (shorter ones would match by
  chance, and are counted as not searched).

Corpus files: plain text (one document per line) and JSON Lines (a text field per line), either
optionally gzip-compressed. Hits name the file and line numbers only.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import SovauditError
from .format import Pack, PackItem

NGRAM = 13
MIN_WORDS = 8
MAX_LINES_LISTED = 5
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-cased Unicode words."""
    return _WORD.findall(text.lower())


def item_text(item: PackItem) -> str:
    """Everything of an item that a leak could copy: question, options and accepted answers."""
    return " ".join([item.question, *item.options, *item.accepted])


def item_key(item: PackItem) -> str:
    """``id:language``, as in a sealed bundle."""
    return f"{item.id}:{item.language}"


def item_ngrams(item: PackItem) -> set[tuple[str, ...]]:
    """The item's 13-grams; its whole word sequence if it has 8-12 words; nothing if fewer."""
    w = words(item_text(item))
    if len(w) >= NGRAM:
        return {tuple(w[i : i + NGRAM]) for i in range(len(w) - NGRAM + 1)}
    return {tuple(w)} if len(w) >= MIN_WORDS else set()


@dataclass
class ItemHits:
    """Where one item's n-grams were found."""

    hits: int = 0
    where: dict[str, list[int]] = field(default_factory=dict)  # file -> first line numbers


@dataclass
class LeakReport:
    """Canary hits and per-item overlaps of one pack against a corpus."""

    pack: str
    canary: str
    canary_hits: dict[str, list[int]] = field(default_factory=dict)
    items: dict[str, ItemHits] = field(default_factory=dict)
    searched: int = 0
    too_short: int = 0
    documents: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (no item text)."""
        return {
            "pack": self.pack,
            "canary_present": bool(self.canary),
            "canary_hits": self.canary_hits,
            "items_searched": self.searched,
            "items_too_short": self.too_short,
            "documents": self.documents,
            "ngram": NGRAM,
            "items": {k: {"hits": v.hits, "where": v.where} for k, v in sorted(self.items.items())},
        }

    def lines(self) -> list[str]:
        """One line per finding (item ids, files, line numbers; never text)."""
        out = []
        for f, ls in sorted(self.canary_hits.items()):
            out.append(f"CANARY of pack {self.pack} found in {f} (lines {', '.join(map(str, ls))})")
        for k, v in sorted(self.items.items()):
            where = "; ".join(f"{f} lines {', '.join(map(str, ls))}" for f, ls in sorted(v.where.items()))
            out.append(f"item {k}: {v.hits} overlapping documents ({where})")
        canary = (
            "no canary in pack.yaml" if not self.canary else f"canary found in {len(self.canary_hits)} files"
        )
        out.append(
            f"leaks: pack {self.pack}: {len(self.items)} of {self.searched} items overlap "
            f"({self.too_short} too short to search), {canary}, {self.documents} documents read"
        )
        return out


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def documents(path: Path, text_field: str = "text") -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each document of a .txt/.jsonl file (optionally .gz)."""
    jsonl = ".jsonl" in path.suffixes or ".json" in path.suffixes
    with _open(path) as f:
        for n, line in enumerate(f, 1):
            if not jsonl:
                yield n, line
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get(text_field), str):
                yield n, rec[text_field]


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the files inside folders named (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise SovauditError(f"corpus path {p} does not exist", "pass existing files or folders")
    return out


def find_leaks(pack: Pack, paths: Iterable[str | Path], text_field: str = "text") -> LeakReport:
    """Search the corpus for the pack's canary and for 13-gram overlaps with its items."""
    report = LeakReport(pack.meta.name, pack.meta.canary)
    index: dict[tuple[str, ...], set[str]] = {}
    for it in pack.items:
        grams = item_ngrams(it)
        if not grams:
            report.too_short += 1
            continue
        report.searched += 1
        for g in grams:
            index.setdefault(g, set()).add(item_key(it))
    sizes = sorted({len(g) for g in index})
    canary = pack.meta.canary
    for path in corpus_files(paths):
        name = path.as_posix()
        for line_no, text in documents(path, text_field):
            report.documents += 1
            if canary and canary in text:
                listed = report.canary_hits.setdefault(name, [])
                if len(listed) < MAX_LINES_LISTED:
                    listed.append(line_no)
            if not index:
                continue
            w = words(text)
            found: set[str] = set()
            for n in sizes:
                for i in range(len(w) - n + 1):
                    keys = index.get(tuple(w[i : i + n]))
                    if keys:
                        found |= keys
            for k in found:
                hit = report.items.setdefault(k, ItemHits())
                hit.hits += 1
                lines = hit.where.setdefault(name, [])
                if len(lines) < MAX_LINES_LISTED:
                    lines.append(line_no)
    return report
