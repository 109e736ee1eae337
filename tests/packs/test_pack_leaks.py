"""Leak detection: a pack's canary and 13-gram overlaps (GPT-3 appendix C) found in a corpus, reported per
item by id and line, never with the item's text."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from sovaudit.cli import main
from sovaudit.packs import load_pack, new_canary, new_pack
from sovaudit.packs.leaks import find_leaks, item_ngrams

CANARY = "SOVAUDIT-CANARY-7f1c2b9e-0d4a-4c55-9a51-2f8e3d6b1a70"
LONG = (
    "During the long dry season which traditional practice helps farmers in the northern Sahel keep "
    "their soil moist and fertile"
)  # 20 words
MEDIUM = "Which tree fixes nitrogen in Sahelian parklands"  # 7 words + 2 options = 9 words
SHORT = "Name a millet"  # 3 words: too short to search


def make_pack(root: Path) -> Path:
    root.mkdir()
    (root / "pack.yaml").write_text(
        "name: leak-pack\nversion: '1'\nauthors: [A]\nlicence: CC-BY-4.0\nlanguages: [en]\n"
        f"domain: agriculture\ndescription: test\nvisibility: secret\ncanary: {CANARY}\n",
        encoding="utf-8",
    )
    (root / "items.csv").write_text(
        "id,language,topic,type,question,options,correct,accepted,normalise\n"
        f"long,en,soil,short,{LONG},,,zai pits,text\n"
        f"medium,en,trees,mc,{MEDIUM},Faidherbia albida | Neem,A,,\n"
        f"short,en,crops,short,{SHORT},,,pearl millet,text\n",
        encoding="utf-8",
    )
    return root


def test_ngrams_follow_the_gpt3_rule(tmp_path: Path) -> None:
    pack = load_pack(make_pack(tmp_path / "p"))
    by_id = {it.id: item_ngrams(it) for it in pack.items}
    n_long = len(LONG.split()) + 2  # + the accepted answer "zai pits"
    assert all(len(g) == 13 for g in by_id["long"]) and len(by_id["long"]) == n_long - 13 + 1
    medium = "which tree fixes nitrogen in sahelian parklands faidherbia albida neem"
    assert by_id["medium"] == {tuple(medium.split())}
    assert by_id["short"] == set()


def test_corpus_search_finds_canary_and_overlaps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack_dir = make_pack(tmp_path / "p")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    w = LONG.split()
    (corpus / "web.txt").write_text(
        "nothing here\n"
        + "Blog: " + " ".join(w[3:16]).upper() + "!! more\n"  # 13 words of LONG, other case
        + " ".join(w[:12]) + "\n"  # 12 words only: no hit
        + f"{SHORT} is a question\n",
        encoding="utf-8",
    )  # fmt: skip
    with gzip.open(corpus / "crawl.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"text": f"copied pack file {CANARY} here"}) + "\n")
        f.write(json.dumps({"text": f"{MEDIUM}? Faidherbia albida, neem."}) + "\n")
    report = find_leaks(load_pack(pack_dir), [corpus])
    assert report.canary_hits == {f"{(corpus / 'crawl.jsonl.gz').as_posix()}": [1]}
    assert {k: v.where for k, v in report.items.items()} == {
        "long:en": {(corpus / "web.txt").as_posix(): [2]},
        "medium:en": {(corpus / "crawl.jsonl.gz").as_posix(): [2]},
    }
    assert (report.searched, report.too_short, report.documents) == (2, 1, 6)
    out = tmp_path / "out"
    assert main(["corpus", str(corpus), "--leaks", str(pack_dir), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "item long:en: 1 overlapping documents" in printed and "CANARY" in printed
    saved = (out / "leaks.json").read_text(encoding="utf-8")
    for secret in (LONG, MEDIUM, "zai pits", "Faidherbia", "Sahel"):
        assert secret.lower() not in printed.lower() and secret.lower() not in saved.lower()
    assert json.loads(saved)["leaks"][0]["items"]["medium:en"]["hits"] == 1


def test_clean_corpus_exits_zero(tmp_path: Path) -> None:
    pack_dir = make_pack(tmp_path / "p")
    (tmp_path / "clean.txt").write_text("millet and sorghum grow in dry places\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["corpus", str(tmp_path / "clean.txt"), "--leaks", str(pack_dir), "--out", str(out)]) == 0
    assert json.loads((out / "leaks.json").read_text())["leaks"][0]["items"] == {}


def test_new_pack_carries_a_fresh_canary(tmp_path: Path) -> None:
    a, b = load_pack(new_pack(tmp_path / "a", "a", ["en"])), load_pack(new_pack(tmp_path / "b", "b", ["en"]))
    assert a.meta.canary.startswith("SOVAUDIT-CANARY-") and a.meta.canary != b.meta.canary != new_canary()
    assert a.meta.visibility == "public"
