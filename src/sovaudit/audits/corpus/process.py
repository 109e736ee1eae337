"""Count one shard: read documents, identify each paragraph's language, add everything up.

A paragraph is a non-empty line of a document; the detector sees its first ``lid_chars`` characters, its
full UTF-8 bytes are counted. A paragraph without letters is ``und`` (not sent to the detector). A
document counts for the language that holds the majority of its paragraph bytes (ties: the smaller
label), so a mixed-language document adds its paragraphs to several languages but is one document of one.
Exact duplicates compare documents after normalisation: paragraphs (stripped, non-empty lines) joined by
newlines (so blank lines and spaces at line edges do not matter; case does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any

import numpy as np

from ...errors import require
from .counts import BANDS, HIST_BINS, CorpusCounts
from .lid import UNDETERMINED, Detector, get_detector
from .readers import DEFAULT_MAX_LINE_BYTES, Document, Shard, TruncatedInput, iter_documents
from .scripts import dominant_script, script_matches

BATCH_DOCS = 256
NUM_PERM = 64
SHINGLE = 3


@dataclass(frozen=True)
class ShardSettings:
    """What a shard's counts depend on, besides its bytes (part of every unit's fingerprint)."""

    lid: str
    text_field: str = "text"
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    lid_chars: int = 1000
    near_dup: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return asdict(self)


def process_unit(payload: dict[str, Any]) -> dict[str, Any]:
    """Executor entry point: ``{"shard": ..., "settings": ...}`` -> ``CorpusCounts.to_dict()``."""
    shard = Shard.from_dict(payload["shard"])
    settings = ShardSettings(**payload["settings"])
    return count_shard(shard, settings).to_dict()


def count_shard(shard: Shard, settings: ShardSettings) -> CorpusCounts:
    """The counts of one shard; a truncated or unreadable file is counted in ``skipped_files`` only."""
    detector = get_detector(settings.lid)
    counts = CorpusCounts()
    hashes: dict[str, list[int]] = {}
    bands: dict[str, list[np.ndarray]] = {}
    docs = iter_documents(shard, settings.text_field, settings.max_line_bytes, counts.read)
    try:
        for batch in _batched(docs, BATCH_DOCS):
            _count_batch(batch, detector, counts, settings, hashes, bands)
    except TruncatedInput as exc:
        skipped = CorpusCounts()
        skipped.read["skipped_files"] = 1
        skipped.problems[shard.path] = str(exc)[:300]
        return skipped
    for label, lc in counts.languages.items():
        lc.doc_hashes = np.unique(np.array(hashes.get(label, []), dtype=np.uint64))
        if bands.get(label):
            lc.doc_bands = np.vstack(bands[label])
    counts.languages = dict(sorted(counts.languages.items()))
    return counts


def _batched(docs: Iterator[Document], n: int) -> Iterator[list[Document]]:
    while batch := list(islice(docs, n)):
        yield batch


def _count_batch(
    batch: list[Document],
    detector: Detector,
    counts: CorpusCounts,
    s: ShardSettings,
    hashes: dict[str, list[int]],
    bands: dict[str, list[np.ndarray]],
) -> None:
    read = counts.read
    lid_chars = s.lid_chars
    # 1. the script of every paragraph; the detector sees those with letters, in one call
    scripts = [[dominant_script(para) for para in doc] for doc in batch]
    to_detect = [
        para[:lid_chars]
        for doc, scs in zip(batch, scripts, strict=True)
        for para, sc in zip(doc, scs, strict=True)
        if sc
    ]
    nxt = iter(detector.detect(to_detect)).__next__
    # 2. tallies kept in plain dicts (the hot loop), folded into LangCounts once per batch
    tally: dict[tuple[str, str, int], int] = {}
    label_bytes: dict[str, int] = {}
    last_bin = HIST_BINS - 1
    for doc, scs in zip(batch, scripts, strict=True):
        read["documents"] += 1
        if not doc:
            read["empty_documents"] += 1
            continue
        doc_bytes: dict[str, int] = {}
        for para, script in zip(doc, scs, strict=True):
            if script:
                label, conf = nxt()
                b = int(conf * HIST_BINS)
                key = (label, script, b if b < last_bin else last_bin)
            else:
                label = UNDETERMINED
                key = (label, script, 0)
            tally[key] = tally.get(key, 0) + 1
            nbytes = len(para) if para.isascii() else len(para.encode("utf-8"))
            doc_bytes[label] = doc_bytes.get(label, 0) + nbytes
        total = 0
        for label, nbytes in doc_bytes.items():
            label_bytes[label] = label_bytes.get(label, 0) + nbytes
            total += nbytes
        read["paragraphs"] += len(doc)
        read["bytes"] += total
        major = (
            min(doc_bytes, key=lambda k: (-doc_bytes[k], k)) if len(doc_bytes) > 1 else next(iter(doc_bytes))
        )
        lc = counts.lang(major)
        lc.documents += 1
        lc.document_bytes += total
        norm = "\n".join(doc)  # paragraphs are stripped lines: blank lines and line edges already gone
        hashes.setdefault(major, []).append(_hash64(norm))
        if s.near_dup:
            bands.setdefault(major, []).append(_bands(norm))
    for (label, script, b), n in tally.items():
        lc = counts.lang(label)
        lc.paragraphs += n
        lc.confidence_hist[b] += n
        if script:
            lc.scripts[script] = lc.scripts.get(script, 0) + n
            if label != UNDETERMINED and not script_matches(label.rpartition("_")[2], script):
                lc.script_mismatch += n
    for label, nbytes in label_bytes.items():
        counts.lang(label).bytes += nbytes


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _bands(norm: str) -> np.ndarray:
    """MinHash (64 permutations, word 3-shingles) folded into ``BANDS`` LSH band keys."""
    datasketch: Any = require("datasketch", "corpus")
    words = norm.split()
    shingles = {" ".join(words[j : j + SHINGLE]) for j in range(max(1, len(words) - SHINGLE + 1))}
    mh = datasketch.MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch([sh.encode("utf-8") for sh in shingles])
    rows = mh.hashvalues.astype("<u8").reshape(BANDS, NUM_PERM // BANDS)
    keys = [
        int.from_bytes(
            hashlib.blake2b(b.to_bytes(1, "little") + row.tobytes(), digest_size=8).digest(), "little"
        )
        for b, row in enumerate(rows)
    ]
    return np.array(keys, dtype=np.uint64).reshape(1, BANDS)
