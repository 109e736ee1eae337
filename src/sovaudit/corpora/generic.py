"""Generic parallel corpora: a TSV table or a JSONL file.

TSV: a header row with an ``id`` column and one column per language (``id<TAB>eng_Latn<TAB>swh_Latn``), then
one row per segment. JSONL: one object per segment, ``{"id": "s1", "eng_Latn": "...", "swh_Latn": "..."}``,
or the long form, one object per segment and language: ``{"id": "s1", "language": "swh_Latn", "text": "."}``.
Segment ids must be unique (per language in the long form); an empty cell means the language lacks that
segment (reported through coverage and notes, never dropped).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..errors import SovauditError
from .base import ParallelCorpus
from .readers import allow_long_csv_fields, read_utf8


def _finish(name: str, path: Path, ids: list[str], texts: dict[str, dict[str, str]]) -> ParallelCorpus:
    if not ids or not texts:
        raise SovauditError(f"{path} holds no segments", "add rows: an id and one text per language")
    notes = []
    for lang in sorted(texts):
        if not texts[lang]:
            raise SovauditError(
                f"{path}: language '{lang}' has no text at all", "fill its column or remove it"
            )
        if len(texts[lang]) < len(ids):
            notes.append(f"{name}: {lang} has {len(texts[lang])} of {len(ids)} segments")
    return ParallelCorpus(
        name=name, segment_ids=tuple(ids), texts=texts, origin=str(path), notes=tuple(notes)
    )


def read_tsv(path: Path) -> ParallelCorpus:
    """Read a TSV corpus (header: ``id`` + one column per language)."""
    path = Path(path)
    text = read_utf8(path)
    allow_long_csv_fields()
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        rows = [r for r in reader if r and any(c.strip() for c in r)]
    except csv.Error as exc:  # e.g. a stray carriage return inside a line
        raise SovauditError(
            f"{path} is not a readable TSV file ({exc})", "one segment per line, tab-separated"
        ) from exc
    if not rows:
        raise SovauditError(f"{path} is empty", "write a header row: id<TAB>lang1<TAB>lang2 ...")
    header = [h.strip() for h in rows[0]]
    if "id" not in header or len(header) < 2:
        raise SovauditError(
            f"{path} is not a parallel TSV"
            " (its header needs an 'id' column and at least one language column)",
            "write a header row: id<TAB>lang1<TAB>lang2 ...",
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise SovauditError(
            f"{path}: column {dupes[0]} appears twice in the header", "give each language one column"
        )
    id_col = header.index("id")
    langs = [(i, h) for i, h in enumerate(header) if i != id_col]
    ids: list[str] = []
    seen: set[str] = set()
    texts: dict[str, dict[str, str]] = {h: {} for _, h in langs}
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise SovauditError(
                f"{path}: row {line_no} has {len(row)} fields, the header {len(header)}",
                "a text must not contain a tab",
            )
        seg = row[id_col].strip() if id_col < len(row) else ""
        if not seg:
            raise SovauditError(f"{path}: row {line_no} has no id", "give every row an id")
        if seg in seen:
            raise SovauditError(f"{path}: id '{seg}' appears twice (row {line_no})", "make the ids unique")
        ids.append(seg)
        seen.add(seg)
        for i, lang in langs:
            cell = row[i] if i < len(row) else ""
            if cell.strip():
                texts[lang][seg] = cell
    return _finish(f"tsv-{path.stem}", path, ids, texts)


def read_jsonl(path: Path) -> ParallelCorpus:
    """Read a JSONL corpus (wide objects per segment, or long ``{id, language, text}`` objects)."""
    path = Path(path)
    text = read_utf8(path)
    ids: list[str] = []
    seen: set[str] = set()
    texts: dict[str, dict[str, str]] = {}
    # split on "\n" only: str.splitlines() also splits at U+2028/U+0085, which JSON strings may hold raw
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SovauditError(
                f"{path}: line {line_no} is not valid JSON ({exc.msg})",
                "write one JSON object per line",
            ) from exc
        except RecursionError:
            raise SovauditError(
                f"{path}: line {line_no}: JSON nested too deep", "write one flat JSON object per line"
            ) from None
        if not isinstance(obj, dict) or "id" not in obj:
            raise SovauditError(
                f"{path}: line {line_no} is not an object with an 'id'", 'write {"id": ..., "<lang>": text}'
            )
        seg = str(obj["id"])
        if seg not in seen:
            seen.add(seg)
            ids.append(seg)
        if "language" in obj and "text" in obj:
            pairs = [(str(obj["language"]), obj["text"])]
        else:
            pairs = [(k, v) for k, v in obj.items() if k != "id"]
            if seg in texts.get("\0wide", {}):
                raise SovauditError(
                    f"{path}: id '{seg}' appears twice (line {line_no})", "make the ids unique"
                )
            texts.setdefault("\0wide", {})[seg] = ""
        for lang, value in pairs:
            if not isinstance(value, str):
                raise SovauditError(
                    f"{path}: line {line_no}: the text of '{lang}' is not a string", "texts must be strings"
                )
            lang_texts = texts.setdefault(lang, {})
            if seg in lang_texts:
                raise SovauditError(
                    f"{path}: id '{seg}' has two texts for {lang} (line {line_no})", "make the ids unique"
                )
            if value.strip():
                lang_texts[seg] = value
    texts.pop("\0wide", None)
    return _finish(f"jsonl-{path.stem}", path, ids, texts)
