"""Properties of the corpus audit's readers (src/sovaudit/audits/corpus/readers.py): ``.jsonl`` (plain,
``.gz``, ``.zst``), ``.txt`` and ``.parquet`` files cut into shards.

Round trip and sharding: random documents written in the format, cut into byte-range shards of a random
size, read back to the same documents (JSONL, parquet: one document per record, its paragraphs the
stripped non-empty lines; TXT: the same paragraphs in the same order, since a blank-line document that
straddles a cut counts as two documents, as documented). Robustness: damaged files yield documents
(bad records counted) or raise ``TruncatedInput`` (the audit counts the shard as unreadable) or a one-line
:class:`SovauditError`; nothing else.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import example, given, settings
from hypothesis import strategies as st
from props_helpers import PROFILE, mutated, reads_or_refuses, texts

from sovaudit.audits.corpus.counts import READ_FIELDS
from sovaudit.audits.corpus.readers import TruncatedInput, iter_documents, paragraphs, plan_shards

docs_strategy = st.lists(texts(max_size=12, long=False, forbid="\ufeff"), min_size=1, max_size=12)


def write(path: Path, docs: list[str]) -> None:
    jsonl = "".join(json.dumps({"text": d}, ensure_ascii=False) + "\n" for d in docs).encode()
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(jsonl, mtime=0))
    elif path.name.endswith(".zst"):
        path.write_bytes(zstandard.ZstdCompressor().compress(jsonl))
    elif path.suffix == ".parquet":
        pq.write_table(pa.table({"text": docs}), path, row_group_size=3)
    elif path.suffix == ".txt":
        path.write_text("\n\n".join(docs) + "\n", encoding="utf-8")
    else:
        path.write_bytes(jsonl)


def read_all(path: Path, shard_bytes: int) -> tuple[list[list[str]], dict[str, int]]:
    read = dict.fromkeys(READ_FIELDS, 0)
    out: list[list[str]] = []
    for shard in plan_shards([path], "text", shard_bytes):
        out.extend(iter_documents(shard, "text", 1 << 20, read))
    return out, read


@settings(PROFILE)
@given(
    docs_strategy,
    st.sampled_from(["c.jsonl", "c.jsonl.gz", "c.jsonl.zst", "c.parquet", "c.txt"]),
    st.integers(1, 400),
)
def test_any_shard_size_reads_the_same_documents(
    tmp_path_factory: pytest.TempPathFactory, docs: list[str], name: str, shard_bytes: int
) -> None:
    path = tmp_path_factory.mktemp("corpus") / name
    write(path, docs)
    got, read = read_all(path, shard_bytes)
    assert read["bad_records"] == 0
    if name == "c.txt":  # paragraphs are the stripped "\n"-lines; blank lines split documents
        want = [line.strip() for d in docs for line in d.split("\n") if line.strip()]
        assert [p for d in got for p in d] == want
    else:
        assert got == [paragraphs(d) for d in docs]


@settings(PROFILE)
@given(
    docs_strategy,
    st.sampled_from(["c.jsonl", "c.jsonl.gz", "c.jsonl.zst", "c.parquet", "c.txt"]),
    st.integers(1, 400),
    st.data(),
)
@example(  # junk after a zstd frame raised ZstdError from plan_shards (fixed)
    docs=["x"], name="c.jsonl.zst", shard_bytes=44, data=None
)
def test_damaged_corpus_files_are_counted_or_refused(
    tmp_path_factory: pytest.TempPathFactory,
    docs: list[str],
    name: str,
    shard_bytes: int,
    data: st.DataObject | None,
) -> None:
    path = tmp_path_factory.mktemp("corpus") / name
    write(path, docs)
    raw = path.read_bytes()
    path.write_bytes(data.draw(mutated(raw)) if data is not None else raw + b"(\xb5/\xfd junk")
    with contextlib.suppress(TruncatedInput):  # the audit counts such a shard as unreadable
        reads_or_refuses(lambda: read_all(path, shard_bytes), path)
