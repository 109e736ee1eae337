"""Adapters and recognition of local tokenizer files, on files the tests write (no assets needed)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from tok_fixtures import MERGES, byte_ranks, write_tiktoken

from sovaudit.errors import SovauditError
from sovaudit.tokenizers import Tokenizer, bundled_names, encode_batch, load_tokenizer
from sovaudit.tokenizers.base import count_batch
from sovaudit.tokenizers.bpe import read_quicktok_ranks, read_tiktoken_ranks
from sovaudit.tokenizers.registry import get_spec, registry

SAMPLES = ["the the", "a b ab", "héllo wörld", "人人生而自由", "", " leading and trailing  "]


def test_fifteen_bundled_names_in_contract_order() -> None:
    assert bundled_names() == [
        "gpt2", "cl100k_base", "o200k_base", "llama2", "llama3", "llama4", "mistral_v1", "mistral_v3",
        "tekken", "gemma3", "qwen3", "deepseek_v3", "whisper", "bytes", "chars",
    ]  # fmt: skip
    for spec in registry().tokenizers + registry().alternates:
        if spec.pattern:
            assert spec.pattern in registry().patterns, spec.name
        if spec.format not in ("bytes", "chars"):
            assert spec.asset and spec.member, spec.name


def test_unknown_name_lists_known_names() -> None:
    with pytest.raises(SovauditError) as err:
        load_tokenizer("gpt5")
    msg = str(err.value)
    assert "unknown tokenizer 'gpt5'" in msg and "cl100k_base" in msg and "deepseek_v3" in msg
    assert "\n" not in msg


@pytest.mark.parametrize(
    ("name", "text", "ids"),
    [
        ("bytes", "aé", [97, 0xC3, 0xA9]),
        ("chars", "aé人", [97, 0xE9, 0x4EBA]),
        ("bytes", "", []),
        ("chars", "", []),
    ],
)
def test_baselines(name: str, text: str, ids: list[int]) -> None:
    tok = load_tokenizer(name)
    assert isinstance(tok, Tokenizer)
    assert tok.encode(text) == ids
    assert tok.count_fallback(ids) == 0
    assert len(tok.digest) == 64


def test_tiktoken_file_with_named_and_literal_patterns(tiktoken_file: Path) -> None:
    tok = load_tokenizer(str(tiktoken_file), pattern="r50k")
    assert tok.name == "tiny"
    assert tok.digest == hashlib.sha256(tiktoken_file.read_bytes()).hexdigest()
    # r50k splits "the the" into "the", " the": both are merges
    assert tok.encode("the the") == [257, 258]
    assert tok.encode("he") == [259]
    # a literal regex that splits every character keeps only single bytes
    per_char = load_tokenizer(str(tiktoken_file), pattern=r".")
    assert per_char.encode("the the") == list(b"the the")
    assert tok.count_fallback(tok.encode("the")) == 0


def test_tiktoken_default_pattern_is_recorded(tiktoken_file: Path) -> None:
    tok = load_tokenizer(str(tiktoken_file))
    assert tok.info.pattern == registry().default_pattern  # type: ignore[attr-defined]
    assert tok.encode("the") == [257]


def test_tiktoken_text_in_a_dot_model_file_is_recognised(tmp_path: Path, tiktoken_file: Path) -> None:
    model = shutil.copy(tiktoken_file, tmp_path / "tokenizer.model")
    tok = load_tokenizer(str(model))
    assert tok.info.format == "tiktoken"  # type: ignore[attr-defined]
    assert tok.encode("the the") == [257, 258]


def test_quicktok_table_equals_tiktoken_file(
    tmp_path: Path, quicktok_file: Path, tiktoken_file: Path
) -> None:
    assert read_quicktok_ranks(quicktok_file) == read_tiktoken_ranks(tiktoken_file) == byte_ranks()
    a = load_tokenizer(str(quicktok_file), pattern="cl100k")
    b = load_tokenizer(str(tiktoken_file), pattern="cl100k")
    for text in SAMPLES:
        assert a.encode(text) == b.encode(text)


def test_quicktok_truncated_table_is_an_error(tmp_path: Path, quicktok_file: Path) -> None:
    bad = tmp_path / "bad.vocab"
    bad.write_bytes(quicktok_file.read_bytes()[:-3])
    with pytest.raises(SovauditError, match="not a quicktok-v1 vocab table"):
        load_tokenizer(str(bad))


def test_tiktoken_empty_token_is_kept(tmp_path: Path) -> None:
    ranks = byte_ranks()
    path = write_tiktoken(tmp_path / "x.tiktoken", ranks)
    path.write_bytes(path.read_bytes() + b"= 300\n")  # whisper's multilingual file ends like this
    assert read_tiktoken_ranks(path)[b""] == 300


def test_hf_folder_and_file_no_special_tokens_and_fallback(hf_folder: Path) -> None:
    by_folder = load_tokenizer(str(hf_folder))
    by_file = load_tokenizer(str(hf_folder / "tokenizer.json"))
    assert by_folder.name == by_file.name == "tinyhf"
    ids = by_folder.encode("ab a")
    assert 1 not in ids  # the template's <s> is not added
    assert by_folder.count_fallback(ids) == 0
    ids = by_folder.encode("aé")  # é is not in the vocabulary: two byte-fallback pieces
    assert by_folder.count_fallback(ids) == 2
    assert by_folder.encode("aé") == by_file.encode("aé")


def test_hf_truncation_and_padding_in_the_file_are_ignored(tmp_path: Path, hf_folder: Path) -> None:
    from tokenizers import Tokenizer as HFLib

    lib = HFLib.from_file(str(hf_folder / "tokenizer.json"))
    lib.enable_truncation(max_length=3)
    lib.enable_padding(length=50, pad_id=0, pad_token="<unk>")
    (tmp_path / "trunc").mkdir()
    lib.save(str(tmp_path / "trunc" / "tokenizer.json"))
    text = " ".join(["ab"] * 20)
    assert len(load_tokenizer(str(tmp_path / "trunc")).encode(text)) == len(
        load_tokenizer(str(hf_folder)).encode(text)
    )
    assert len(load_tokenizer(str(hf_folder)).encode(text)) == 20


def test_tekken_json_is_told_from_tokenizer_json(tmp_path: Path, hf_folder: Path) -> None:
    from sovaudit.tokenizers.registry import _is_tekken

    assert not _is_tekken(hf_folder / "tokenizer.json")
    tekken = tmp_path / "tekken.json"
    tekken.write_text('{"config": {"pattern": "x"}, "vocab": []}', encoding="utf-8")
    assert _is_tekken(tekken)


def test_sentencepiece_model_counts_byte_fallback(spm_file: Path) -> None:
    tok = load_tokenizer(str(spm_file))
    assert tok.info.format == "sentencepiece"  # type: ignore[attr-defined]
    english = tok.encode("All human beings are born free")
    assert tok.count_fallback(english) == 0
    cjk = tok.encode("人人")  # unseen characters: 3 UTF-8 bytes each, as byte pieces
    assert tok.count_fallback(cjk) == 6
    assert 1 not in english and 2 not in english  # no BOS/EOS


@pytest.mark.parametrize("kind", ["tiktoken", "quicktok", "hf", "spm", "bytes", "chars"])
def test_batch_equals_one_by_one(
    kind: str, tiktoken_file: Path, quicktok_file: Path, hf_folder: Path, spm_file: Path
) -> None:
    target = {
        "tiktoken": str(tiktoken_file),
        "quicktok": str(quicktok_file),
        "hf": str(hf_folder),
        "spm": str(spm_file),
        "bytes": "bytes",
        "chars": "chars",
    }[kind]
    tok = load_tokenizer(target)
    assert encode_batch(tok, SAMPLES) == [tok.encode(t) for t in SAMPLES]
    counts = [(len(ids), tok.count_fallback(ids)) for ids in (tok.encode(t) for t in SAMPLES)]
    assert count_batch(tok, SAMPLES) == counts


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mystery.bin", b"\x00\x01", "cannot tell what kind of tokenizer"),
        ("broken.json", b"{not json", "is not a Hugging Face tokenizer.json"),
        ("broken.model", b"this is not a model", "is not a SentencePiece model"),
        ("broken.tiktoken", b"QQ== 0\nnot-a-line\n", "is not a tiktoken rank file"),
    ],
)
def test_unreadable_local_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SovauditError, match=message) as err:
        load_tokenizer(str(path))
    assert "\n" not in str(err.value)


def test_missing_path_is_not_called_an_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match="no tokenizer file or folder at"):
        load_tokenizer(str(tmp_path / "nope" / "tokenizer.json"))


def test_folder_without_tokenizer_json(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match=r"holds no tokenizer\.json"):
        load_tokenizer(str(tmp_path))


def test_bad_pattern_is_an_error(tiktoken_file: Path) -> None:
    with pytest.raises(SovauditError, match="check the --pattern"):
        load_tokenizer(str(tiktoken_file), pattern="(unclosed")


def test_alternates_name_a_bundled_twin() -> None:
    for alt in registry().alternates:
        assert alt.twin in bundled_names()
        assert get_spec(alt.name) == alt
    assert MERGES  # the fixture's merges are what the tiktoken tests rely on


def test_duplicate_ranks_are_an_error_not_a_panic(tmp_path: Path) -> None:
    ranks = byte_ranks()
    ranks[b"xy"] = 5  # rank 5 is also byte 0x05
    path = write_tiktoken(tmp_path / "dup.tiktoken", ranks)
    with pytest.raises(SovauditError, match="share a rank"):
        load_tokenizer(str(path))


def test_colliding_local_names_are_made_distinct(tmp_path: Path, tiktoken_file: Path) -> None:
    from sovaudit.tokenizers.registry import distinct_names

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = shutil.copy(tiktoken_file, tmp_path / "a" / "tok.tiktoken")
    two = write_tiktoken(tmp_path / "b" / "tok.tiktoken", {**byte_ranks(), b"zz": 999})
    toks = distinct_names([load_tokenizer(str(one)), load_tokenizer(str(two)), load_tokenizer("bytes")])
    assert [t.name for t in toks] == [f"tok-{toks[0].digest[:8]}", f"tok-{toks[1].digest[:8]}", "bytes"]


def test_fallback_counter() -> None:
    from sovaudit.tokenizers.base import FallbackCounter

    count = FallbackCounter(frozenset({0, 3, 4}), vocab_size=10)
    assert count([0, 1, 3, 3, 9]) == 3
    assert count([]) == 0
    assert count([12, 3, -1]) == 1  # ids outside the vocabulary take the slow path
    assert not FallbackCounter(frozenset(), 10) and FallbackCounter(frozenset(), 10)([1, 2]) == 0
