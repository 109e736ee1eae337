"""Pieces every parallel-corpus audit puts in its results document: corpus identity and language columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import SovauditError
from ..results import AssetRecord
from ..signature import hashed

if TYPE_CHECKING:
    from ..corpora.base import ParallelCorpus

#: the columns that describe a language in the tax and competence rows, in order (each audit adds its
#: subject column first and its metrics after)
LANGUAGE_COLUMNS = (
    "language",
    "language_name",
    "endonym",
    "iso639_3",
    "script",
    "corpus",
    "variety",
    "segments",
    "coverage",
    "tokens",
    "bytes",
    "chars",
)


def corpus_kind(corpus: ParallelCorpus) -> str:
    """The corpus name before any ``:`` (``flores200`` of ``flores200:DIR@devtest``)."""
    return corpus.name.split(":")[0]


def corpus_part(corpus: ParallelCorpus) -> tuple[str, str]:
    """The signature part ``("corpus", "<kind>@<8hex>")``: the corpus kind and its content hash."""
    return "corpus", hashed(corpus_kind(corpus) or "corpus", corpus.digest)


def corpus_record(corpus: ParallelCorpus) -> AssetRecord:
    """The provenance record of a corpus: its content hash, version, license and origin."""
    return AssetRecord(
        name=corpus.name,
        kind="corpus",
        version=corpus.version,
        sha256=corpus.digest,
        license=corpus.license,
        origin=corpus.origin,
    )


def describe_language(corpus: ParallelCorpus, code: str, text: str = "") -> dict[str, str]:
    """``language_name``, ``endonym`` (CLDR), ``iso639_3``, ``script``, ``corpus`` (which corpus measured it:
    ``flores200``/``udhr`` in the composed corpus, else the corpus kind) and ``variety`` (the individual
    language the text is, e.g. ``West Central Oromo (gaz)``, where the corpus says) of a corpus code.

    When the code names no known language (UDHR's ``und`` entries), the script is the one that dominates
    ``text``.
    """
    from .. import languages as L

    meta: Mapping[str, Any] = corpus.language_meta.get(code, {})
    lang = None
    for candidate in (meta.get("bcp47"), code):
        if candidate:
            try:
                lang = L.resolve(str(candidate))
                break
            except SovauditError:
                continue
    script = str(lang.script or "") if lang else ""
    if not script and text:
        from .corpus.scripts import dominant_script

        script = dominant_script(text)
    from ..names import endonym

    iso = str(meta.get("iso639_3") or (lang.iso639_3 if lang else ""))
    variety = str(meta.get("variety") or "")
    return {
        "language_name": str(meta.get("name") or (lang.name if lang else "")),
        "endonym": endonym(iso or (lang.tag if lang else "")) if (iso or lang) else "",
        "iso639_3": iso,
        "script": script,
        "corpus": str(meta.get("corpus") or corpus_kind(corpus)),
        "variety": f"{variety} ({iso})" if variety and iso else variety,
    }
