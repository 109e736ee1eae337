"""Readers: formats, deterministic sharding, and bad input counted rather than crashing."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from sovaudit.audits.corpus.counts import READ_FIELDS
from sovaudit.audits.corpus.readers import (
    TruncatedInput,
    discover,
    iter_documents,
    plan_shards,
)
from sovaudit.errors import SovauditError

DOCS = [f"Document number {i}.\nIt has a second line {i}." for i in range(300)]


def read_all(files: list[Path], shard_bytes: int = 1 << 30, field: str = "text", cap: int = 1 << 20):
    read = dict.fromkeys(READ_FIELDS, 0)
    docs = []
    for shard in plan_shards(files, field, shard_bytes):
        docs.extend(iter_documents(shard, field, cap, read))
    return docs, read


def jsonl_bytes(docs: list[str]) -> bytes:
    return "".join(json.dumps({"text": d}) + "\n" for d in docs).encode()


@pytest.mark.parametrize("name", ["c.jsonl", "c.jsonl.gz", "c.jsonl.zst", "c.parquet", "c.txt", "c.arrow"])
def test_each_format_yields_the_same_documents(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(jsonl_bytes(DOCS)))
    elif name.endswith(".zst"):
        path.write_bytes(zstandard.ZstdCompressor().compress(jsonl_bytes(DOCS)))
    elif name.endswith(".parquet"):
        pq.write_table(pa.table({"text": DOCS}), path, row_group_size=50)
    elif name.endswith(".arrow"):
        table = pa.table({"text": DOCS})
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=64)
    elif name.endswith(".txt"):
        path.write_text("\n\n".join(DOCS) + "\n")
    else:
        path.write_bytes(jsonl_bytes(DOCS))
    docs, read = read_all([path])
    assert ["\n".join(d) for d in docs] == DOCS
    assert read["files"] == 1 and read["bad_records"] == 0


@pytest.mark.parametrize("shard_bytes", [1, 7, 100, 1000, 4096])
def test_byte_range_shards_partition_lines_exactly(tmp_path: Path, shard_bytes: int) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(jsonl_bytes(DOCS))
    docs, _ = read_all([path], shard_bytes=shard_bytes)
    assert ["\n".join(d) for d in docs] == DOCS


def test_parquet_row_group_shards(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"text": DOCS}), path, row_group_size=50)
    shards = plan_shards([path], "text", shard_bytes=1)
    assert [(s.start, s.end) for s in shards] == [(i, i + 1) for i in range(6)]
    docs, _ = read_all([path], shard_bytes=1)
    assert ["\n".join(d) for d in docs] == DOCS
    assert plan_shards([path], "text", 1) == shards  # deterministic, ids included
    assert len({s.id for s in shards}) == 6


def test_truncated_compressed_files_raise_for_the_shard(tmp_path: Path) -> None:
    data = jsonl_bytes(DOCS * 20)
    gz, zst = gzip.compress(data), zstandard.ZstdCompressor().compress(data)
    (tmp_path / "a.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    (tmp_path / "b.jsonl.zst").write_bytes(zst[: len(zst) // 2])
    for f in sorted(tmp_path.iterdir()):
        (shard,) = plan_shards([f], "text")
        with pytest.raises(TruncatedInput):
            list(iter_documents(shard, "text", 1 << 20, dict.fromkeys(READ_FIELDS, 0)))


def test_non_utf8_and_capped_lines_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(
        b"caf\xe9 ok\n" + b"x" * 5000 + b"\nshort line\n\xef\xbf\xbd already a replacement char\n"
    )
    docs, read = read_all([path], cap=1000)
    assert read["replacement_chars"] == 1  # the lone \xe9, not the real U+FFFD
    assert read["capped_lines"] == 1
    assert docs[0][0] == "caf\ufffd ok" and docs[0][1] == "x" * 1000 and docs[0][2] == "short line"
    assert read["capped_bytes"] == 4001  # the 4,000 x beyond the cap and the newline


def test_a_cap_inside_a_character_cuts_before_it_and_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes("ж".encode() * 1000 + b"\nend\n")  # 2,000 bytes; a cap of 999 falls inside a character
    docs, read = read_all([path], cap=999)
    assert docs == [["ж" * 499, "end"]]
    assert read["replacement_chars"] == 0 and read["capped_lines"] == 1 and read["capped_bytes"] == 1003


@pytest.mark.parametrize("name", ["c.parquet", "c.arrow"])
def test_a_huge_table_value_is_capped_and_counted(tmp_path: Path, name: str) -> None:
    table = pa.table({"text": ["short one", "é" * 3000]})
    if name.endswith(".parquet"):
        pq.write_table(table, tmp_path / name)
    else:
        with pa.OSFile(str(tmp_path / name), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
    docs, read = read_all([tmp_path / name], cap=1001)
    assert docs == [["short one"], ["é" * 500]]
    assert (
        read["capped_lines"] == 1 and read["capped_bytes"] == 6000 - 1001 and read["replacement_chars"] == 0
    )


def test_jsonl_bad_records_counted(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        b'{"text": "good"}\nnot json\n{"other": 1}\n{"text": 5}\n' + b'{"text": "' + b"y" * 3000 + b'"}\n'
    )
    docs, read = read_all([path], cap=1000)
    assert docs == [["good"]]
    assert read["bad_records"] == 3 and read["missing_field"] == 1 and read["capped_lines"] == 1
    assert read["capped_bytes"] == 3000 + len(b'{"text": ""}\n')  # the whole record: it cannot be parsed


def test_missing_text_field_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_bytes(b'{"body": "x"}\n')
    pq.write_table(pa.table({"body": ["x"]}), tmp_path / "d.parquet")
    for f in ("c.jsonl", "d.parquet"):
        with pytest.raises(SovauditError, match=r"text field 'text' not found.*body.*--text-field"):
            plan_shards([tmp_path / f], "text")
    assert plan_shards([tmp_path / "c.jsonl"], "body")


def test_discover_folders_globs_and_errors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a\n")
    (tmp_path / "b.jsonl.zst").write_bytes(b"")
    (tmp_path / "notes.md").write_text("skip me")
    assert [p.name for p in discover([str(tmp_path)])] == ["b.jsonl.zst", "a.txt"]
    assert [p.name for p in discover([str(tmp_path / "**" / "*.txt")])] == ["a.txt"]
    with pytest.raises(SovauditError, match="does not exist"):
        discover([str(tmp_path / "missing")])
    with pytest.raises(SovauditError, match="no file matches"):
        discover([str(tmp_path / "*.parquet")])
    with pytest.raises(SovauditError, match="not a corpus file"):
        discover([str(tmp_path / "notes.md")])


def test_empty_file_counted(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    docs, read = read_all([tmp_path / "e.txt"])
    assert docs == [] and read["empty_files"] == 1


def test_hugging_face_save_to_disk_folder(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_dict({"text": DOCS, "n": list(range(len(DOCS)))}).save_to_disk(str(tmp_path / "ds"))
    files = discover([str(tmp_path / "ds")])
    assert files and all(f.suffix == ".arrow" for f in files)  # dataset_info.json / state.json are not text
    docs, read = read_all(files)
    assert ["\n".join(d) for d in docs] == DOCS and read["files"] == len(files)


def test_json_lone_surrogates_are_replaced_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"text": "broken \\ud800 pair"}\n')
    docs, read = read_all([path])
    assert docs == [["broken \ufffd pair"]] and read["replacement_chars"] == 1


@pytest.mark.parametrize("suffix", [".jsonl", ".txt", ".jsonl.gz"])
def test_a_utf8_byte_order_mark_is_not_text(tmp_path: Path, suffix: str) -> None:
    """Files saved by Windows tools often open with a BOM: the first JSON record must still parse, and the
    BOM's 3 bytes are not counted as text."""
    body = (jsonl_bytes(DOCS[:3]) if suffix.startswith(".jsonl") else "\n\n".join(DOCS[:3]).encode()) + b"\n"
    data = b"\xef\xbb\xbf" + body
    path = tmp_path / f"c{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    docs, read = read_all([path])
    assert ["\n".join(d) for d in docs] == DOCS[:3]
    assert read["bad_records"] == 0 and read["replacement_chars"] == 0
    lines = [p for d in docs for p in d]
    for shard_bytes in (40, 100):  # byte-range shards still partition the lines exactly
        if not suffix.endswith(".gz"):
            assert [p for d in read_all([path], shard_bytes=shard_bytes)[0] for p in d] == lines
