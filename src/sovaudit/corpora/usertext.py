"""A user's own parallel text (``--text FILE``) joined to the shipped corpora, for languages no corpus has.

No public evaluation text exists for Luyia, Kalenjin, Gusii, Meru or Teso. A country can have some made
(e.g. 100 FLORES sentences translated by local linguists) and give it as a TSV or JSONL file in the generic
layouts of :mod:`sovaudit.corpora.generic`, with an English column (``eng`` or ``eng_Latn``) beside each
language's column. Its segments form a group of their own in the composed corpus (ids ``text:<id>``), each of
its languages is compared with the file's own English, and every row it gives says ``corpus: text:<file>``;
a note names the file and its SHA-256: those numbers rest on the user's text, not on a published corpus.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import SovauditError
from ..languages import is_known, match_codes, resolve
from .base import ParallelCorpus
from .composed import REFERENCE, ComposedCorpus, _variety_name


def read_user_text(path: Path) -> ParallelCorpus:
    """The file as a parallel corpus (JSONL for ``.jsonl``/``.json``, else TSV)."""
    from .generic import read_jsonl, read_tsv

    path = Path(path).expanduser()
    if not path.is_file():
        raise SovauditError(f"--text file not found: {path}", "give a TSV or JSONL file of parallel text")
    return read_jsonl(path) if path.suffix.lower() in (".jsonl", ".json") else read_tsv(path)


def join_user_text(corpus: ComposedCorpus, path: Path) -> ComposedCorpus:
    """``corpus`` plus the languages of the user's file, each against the file's own English."""
    path = Path(path).expanduser()
    user = read_user_text(path)
    refs = match_codes(REFERENCE, user.languages)
    if not refs:
        raise SovauditError(
            f"{path.name} has no English column (eng or eng_Latn)",
            "add the English text of each segment: the language is measured against it",
        )
    ref = refs[0]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    group = f"text:{path.name}"
    ids = {i: f"text:{i}" for i in user.segment_ids}
    texts = {k: dict(v) for k, v in corpus.texts.items()}
    meta = {k: dict(v) for k, v in corpus.language_meta.items()}
    notes = list(corpus.notes)
    added = []
    for code in user.languages:
        if code == ref:
            continue
        if not is_known(code):
            raise SovauditError(
                f"{path.name}: column '{code}' is not a language code",
                "name each column by a BCP-47 tag or ISO 639-3 code, e.g. luy or luy_Latn",
            )
        key = code if code not in texts else f"{code}+text"
        lang = resolve(code)
        iso = code.split("_")[0].lower() if len(code.split("_")[0]) == 3 else lang.iso639_3
        texts[key] = {ids[i]: t for i, t in user.texts[code].items()}
        meta[key] = {
            "corpus": group,
            "source_code": code,
            "iso639_3": iso,
            "script": lang.script or "",
            "variety": _variety_name(iso),
            "user_text": {"file": str(path), "sha256": digest},
        }
        added.append(key)
        notes.append(
            f"{key} ({lang.name}): measured on the user's own text {path.name} (SHA-256 {digest[:16]}…,"
            f" {len(user.texts[code])} segments against its own English): these numbers rest on that text"
            " alone, on no published corpus"
        )
    if not added:
        raise SovauditError(f"{path.name} has only English", "add a column for the language to measure")
    texts[REFERENCE] = {**texts[REFERENCE], **{ids[i]: t for i, t in user.texts[ref].items()}}
    groups = {**corpus.groups, group: tuple(ids.values())}
    return ComposedCorpus(
        name=f"{corpus.name}+text",
        segment_ids=(*corpus.segment_ids, *ids.values()),
        texts=texts,
        license=f"{corpus.license}; {path.name}: the user's",
        origin=f"{corpus.origin} | user text: {path} (SHA-256 {digest})",
        version=corpus.version,
        language_meta=meta,
        notes=tuple(notes),
        groups=groups,
    )


__all__ = ["join_user_text", "read_user_text"]
