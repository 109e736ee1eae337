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
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import compress, islice
from typing import Any

import numpy as np

from ...errors import require
from .counts import BANDS, HIST_BINS, CorpusCounts
from .lid import UNDETERMINED, Detector, get_detector
from .readers import DEFAULT_MAX_LINE_BYTES, Document, Shard, TruncatedInput, iter_documents
from .scripts import dominant_scripts, script_matches

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
    digests: dict[str, list[bytes]] = {}  # label -> 8-byte blake2b digests of its documents
    bands: dict[str, list[np.ndarray]] = {}
    docs = iter_documents(shard, settings.text_field, settings.max_line_bytes, counts.read)
    try:
        for batch in _batched(docs, BATCH_DOCS):
            _count_batch(batch, detector, counts, settings, digests, bands)
    except TruncatedInput as exc:
        skipped = CorpusCounts()
        skipped.read["skipped_files"] = 1
        skipped.problems[shard.path] = str(exc)[:300]
        return skipped
    for label, lc in counts.languages.items():
        found = digests.get(label)
        if found:  # each digest read as a little-endian uint64
            lc.doc_hashes = np.unique(np.frombuffer(b"".join(found), dtype="<u8").astype(np.uint64))
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
    digests: dict[str, list[bytes]],
    bands: dict[str, list[np.ndarray]],
) -> None:
    """Count a batch of documents: per-paragraph work stays in C-level maps, Python loops run per document."""
    read = counts.read
    lid_chars = s.lid_chars
    flat = [para for doc in batch for para in doc]
    # 1. the script of every paragraph; the detector sees those with letters, in one call
    scripts = dominant_scripts(flat)
    found = detector.detect([para[:lid_chars] for para in compress(flat, scripts)])
    if len(found) == len(flat):
        labels = [label for label, _conf in found]
        confs = [conf for _label, conf in found]
    else:  # paragraphs without letters are ``und`` with confidence 0 (histogram bin 0)
        nxt = iter(found).__next__
        pairs = [nxt() if script else _UND_PAIR for script in scripts]
        labels = [label for label, _conf in pairs]
        confs = [conf for _label, conf in pairs]
    last_bin = HIST_BINS - 1
    bins = [b if (b := int(conf * HIST_BINS)) < last_bin else last_bin for conf in confs]
    # 2. per document: its UTF-8 text (hashed), paragraph byte lengths, total bytes
    near_dup = s.near_dup
    bands_of_docs: list[np.ndarray] = []
    sizes: list[int] = []  # paragraphs per non-empty document
    lengths: list[int] = []  # UTF-8 bytes per paragraph (the joining newlines are not counted)
    encoded_docs: list[bytes] = []
    for doc in batch:
        if not doc:
            read["empty_documents"] += 1
            continue
        norm = "\n".join(doc)  # paragraphs are stripped lines: blank lines and line edges already gone
        encoded = norm.encode("utf-8")
        encoded_docs.append(encoded)
        sizes.append(len(doc))
        lengths.extend(map(len, doc) if len(encoded) == len(norm) else map(len, encoded.split(b"\n")))
        if near_dup:
            bands_of_docs.append(_bands(norm))
    read["documents"] += len(batch)
    read["paragraphs"] += len(flat)
    if not flat:
        return
    # 3. bytes per (document, label): each document counts for the label with most bytes (ties: smaller)
    names = sorted(set(labels))
    ids = np.fromiter(map({lab: k for k, lab in enumerate(names)}.__getitem__, labels), np.int64, len(labels))
    nbytes = np.array(lengths, dtype=np.int64)
    ndocs, nlab = len(sizes), len(names)
    owner = np.repeat(np.arange(ndocs), sizes)
    per_doc = np.zeros((ndocs, nlab), dtype=np.int64)
    np.add.at(per_doc, (owner, ids), nbytes)
    major = per_doc.argmax(axis=1)  # the first maximum: the smallest label among equals
    totals = per_doc.sum(axis=1)
    label_bytes = per_doc.sum(axis=0).tolist()
    read["bytes"] += int(totals.sum())
    doc_count = np.bincount(major, minlength=nlab).tolist()
    doc_sums = np.zeros(nlab, dtype=np.int64)
    np.add.at(doc_sums, major, totals)
    doc_bytes = doc_sums.tolist()
    blake2b = hashlib.blake2b
    for k, encoded in zip(major.tolist(), encoded_docs, strict=True):
        digests.setdefault(names[k], []).append(blake2b(encoded, digest_size=8).digest())
    for k, label in enumerate(names):
        lc = counts.lang(label)
        lc.bytes += label_bytes[k]
        if doc_count[k]:
            lc.documents += doc_count[k]
            lc.document_bytes += doc_bytes[k]
    if near_dup:
        for k, row in zip(major.tolist(), bands_of_docs, strict=True):
            bands.setdefault(names[k], []).append(row)
    # 4. paragraph tallies, folded into LangCounts once per batch
    for (label, script, b), n in Counter(zip(labels, scripts, bins, strict=True)).items():
        lc = counts.lang(label)
        lc.paragraphs += n
        lc.confidence_hist[b] += n
        if script:
            lc.scripts[script] = lc.scripts.get(script, 0) + n
            if label != UNDETERMINED and not script_matches(label.rpartition("_")[2], script):
                lc.script_mismatch += n


_UND_PAIR = (UNDETERMINED, 0.0)


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
