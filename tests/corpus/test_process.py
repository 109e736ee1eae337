"""Counting one shard: paragraphs decide bytes, majorities decide documents; scripts, duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovaudit import run
from sovaudit.audits.corpus.process import ShardSettings, count_shard
from sovaudit.audits.corpus.readers import plan_shards

EN = "All human beings are born free and equal in dignity and rights, and should act in brotherhood."
FR = "Tous les êtres humains naissent libres et égaux en dignité et en droits, et agissent en frères."
UZ_CYRL = (
    "Барча одамлар эркин, қадр-қиммат ва ҳуқуқларда тенг бўлиб туғиладилар. Улар ақл ва виждон соҳибидирлар."
)


def counts_of(path: Path, **kw):
    (shard,) = plan_shards([path], "text")
    return count_shard(shard, ShardSettings(lid="pycld2", **kw))


def test_mixed_document_counts_paragraphs_by_language_and_document_by_majority(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"text": f"{EN}\n{FR}\n{FR}\n12345 ---"}) + "\n", encoding="utf-8")
    c = counts_of(f)
    en, fr, und = c.languages["eng_Latn"], c.languages["fra_Latn"], c.languages["und"]
    assert (en.paragraphs, fr.paragraphs, und.paragraphs) == (1, 2, 1)
    assert en.bytes == len(EN.encode()) and fr.bytes == 2 * len(FR.encode()) and und.bytes == len("12345 ---")
    assert (en.documents, fr.documents, und.documents) == (0, 1, 0)
    assert fr.document_bytes == en.bytes + fr.bytes + und.bytes
    assert c.read["documents"] == 1 and c.read["paragraphs"] == 4


def test_a_tie_in_bytes_goes_to_the_smaller_label_whatever_the_order(tmp_path: Path) -> None:
    digits = "1" * len(EN.encode())  # letterless: und, as many bytes as the English paragraph
    f = tmp_path / "c.jsonl"
    docs = [f"{EN}\n{digits}", f"{digits}\n{EN}", f"{digits}\n{digits}\n{EN}"]
    f.write_text("".join(json.dumps({"text": d}) + "\n" for d in docs), encoding="utf-8")
    c = counts_of(f)
    en, und = c.languages["eng_Latn"], c.languages["und"]
    assert (en.documents, und.documents) == (2, 1)  # "eng_Latn" < "und"; the third has more und bytes
    assert en.document_bytes == 4 * len(EN.encode()) and und.document_bytes == 3 * len(EN.encode())
    assert en.bytes == 3 * len(EN.encode()) and und.bytes == 4 * len(EN.encode())


def test_script_mismatch(tmp_path: Path) -> None:
    # CLD2 names Cyrillic Uzbek "uz", whose default script is Latin: the audit shows the mismatch
    f = tmp_path / "c.txt"
    f.write_text(f"{UZ_CYRL}\n\n{EN}\n", encoding="utf-8")
    c = counts_of(f)
    uz = c.languages["uzb_Latn"]
    assert uz.script_mismatch == 1 and uz.scripts == {"Cyrl": 1}
    assert c.languages["eng_Latn"].script_mismatch == 0


def test_empty_documents_and_duplicates(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    recs = [{"text": EN}, {"text": "  " + EN + "  \n\n"}, {"text": ""}, {"text": FR}]
    f.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    c = counts_of(f)
    assert c.read["empty_documents"] == 1
    en = c.languages["eng_Latn"]
    assert en.documents == 2 and len(en.doc_hashes) == 1  # equal after stripping lines


@pytest.mark.parametrize("near_dup", [False, True])
def test_near_duplicates_with_minhash(tmp_path: Path, near_dup: bool) -> None:
    base = [
        f"{EN} Paragraph {i} talks about article {i} of the declaration in some detail." for i in range(12)
    ]
    docs = ["\n".join(base)]
    for k in range(4):  # each copy changes one word: near, not exact, duplicates
        changed = list(base)
        changed[k] = changed[k].replace("detail", "depth")
        docs.append("\n".join(changed))
    docs.append("\n".join(f"{FR} Numéro {i}." for i in range(12)))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "d.jsonl").write_text("".join(json.dumps({"text": d}) + "\n" for d in docs))
    doc = run("corpus", paths=(str(tmp_path / "c"),), out=str(tmp_path / "o"), near_dup=near_dup)
    en = next(r for r in doc.rows if r["language"] == "eng_Latn")
    assert en["duplicate_documents"] == 0
    if near_dup:
        assert en["near_duplicate_documents"] == 4 and en["near_duplicate_rate"] == pytest.approx(0.8)
        assert "near:minhash64" in doc.signature.split("|")
    else:
        assert "near_duplicate_rate" not in en


def test_edited_file_changes_signature_and_reruns_only_its_shard(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"{EN}\n", encoding="utf-8")
    (corpus / "b.txt").write_text(f"{FR}\n", encoding="utf-8")
    first = run("corpus", paths=(str(corpus),), out=str(tmp_path / "o"))
    (corpus / "b.txt").write_text(f"{FR}\n{FR}\n", encoding="utf-8")
    second = run("corpus", paths=(str(corpus),), out=str(tmp_path / "o"))
    assert second.signature != first.signature
    assert second.summary["shards"] == {"total": 2, "computed": 1, "skipped_finished": 1}
    fr = next(r for r in second.rows if r["language"] == "fra_Latn")
    assert fr["paragraphs"] == 2


def test_duplicates_across_files_formats_and_shards_with_their_definitions(tmp_path: Path) -> None:
    """Exact: equal after stripping lines and dropping blank ones, case kept, across files and shards.
    Near (MinHash): a one-word edit of a ~35-word document is linked; a different document is not."""
    d = [
        "Everyone has the right to life, liberty and security of person.\nNo one shall be held in slavery or "
        "servitude; slavery and the slave trade shall be prohibited in all their forms again.",
        "No one shall be subjected to torture or to cruel, inhuman or degrading treatment or punishment.\n"
        "Everyone has the right to recognition everywhere as a person before the law.",
        "All are equal before the law and are entitled without any discrimination to equal protection of "
        "the law.\nEveryone has the right to an effective remedy by the competent national tribunals.",
        "No one shall be subjected to arbitrary arrest, detention or exile.\nEveryone is entitled in full "
        "equality to a fair and public hearing by an independent and impartial tribunal, again and again.",
    ]
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("\n\n".join(d) + "\n", encoding="utf-8")
    again = [d[0], "  " + d[1].replace("\n", "\n\n   ") + " ", d[2].upper(), d[3].replace("again", "anew", 1)]
    (root / "b.jsonl").write_text("".join(json.dumps({"text": x}) + "\n" for x in again), encoding="utf-8")
    doc = run("corpus", paths=(str(root),), out=str(tmp_path / "o"), near_dup=True)
    (en,) = [r for r in doc.rows if r["language"] == "eng_Latn"]
    assert (
        en["documents"] == 8 and en["duplicate_documents"] == 2
    )  # d0 and the re-spaced d1; not the upper case
    assert en["near_duplicate_documents"] == 3  # ... plus the one-word edit of d3
    s = doc.summary
    assert s["duplicate_documents"] == 2 and s["near_duplicate_documents"] == 3
    assert s["low_confidence_paragraphs"] == sum(
        sum(r["confidence_hist"][:5]) for r in doc.rows if r["language"] != "und"
    )
    assert s["script_mismatch_paragraphs"] == 0
