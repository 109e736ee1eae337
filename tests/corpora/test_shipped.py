"""The shipped FLORES-200 asset and the composed corpus (FLORES-200 first, UDHR for the rest)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from corpus_fixtures import write_flores200

from sovaudit.corpora import load_corpus, select_languages
from sovaudit.corpora.flores import read_flores200
from sovaudit.corpora.shipped import ComposedCorpus, compose, parse_spec
from sovaudit.corpora.udhr import read_udhr_folder
from sovaudit.errors import SovauditError

FLORES = {
    "eng_Latn": ["One.", "Two.", "Three."],
    "swh_Latn": ["Moja.", "Mbili.", "Tatu."],
    "kik_Latn": ["Ĩmwe.", "Igĩrĩ.", "Ithatũ."],
    "gaz_Latn": ["Tokko.", "Lama.", "Sadii."],
}


def _composed(tmp_path: Path, udhr_dir: Path, limit: int | None = None) -> ComposedCorpus:
    flores = read_flores200(write_flores200(tmp_path / "flores", FLORES, split_dev=False))
    udhr = read_udhr_folder(udhr_dir)
    # a Borana Oromo translation filed as the package files it: code gax, iso6393 'gaz'
    meta = {**udhr.language_meta, "gax": {"bcp47": "om", "iso639_3": "gaz", "name": "Oromo, Borana"}}
    texts = {**udhr.texts, "gax": {"1": "Namni hundinuu bilisa.", "2": "Mirga."}}
    return compose(flores, replace(udhr, texts=texts, language_meta=meta), limit)


def test_each_language_comes_from_one_corpus_and_english_from_both(tmp_path: Path, udhr_dir: Path) -> None:
    c = _composed(tmp_path, udhr_dir)
    meta = c.language_meta
    assert meta["kik_Latn"]["corpus"] == "flores200"
    assert meta["cmn_hant"]["corpus"] == "udhr"  # not in this FLORES: UDHR measures it
    assert "swh" not in c.texts  # FLORES has Swahili: the UDHR translation is not used
    assert "eng_Latn" not in c.texts and meta["eng"]["corpus"] == "flores200+udhr"
    flores_ids = c.groups["flores200"]
    assert c.aligned("kik_Latn", "eng") == list(flores_ids)  # same content as the reference, never mixed
    assert set(c.aligned("cmn_hant", "eng")) <= set(c.groups["udhr"])
    assert c.segments("eng", flores_ids) == ["One.", "Two.", "Three."]
    assert c.coverage("kik_Latn") == 1.0  # against its own corpus, not the union of both
    assert c.coverage("arb") < 1.0  # the fixture's partial UDHR translation stays partial
    chosen, _ = select_languages(c, ["cmn_hant"], None, "eng")
    assert any("very likely seen in training" in n for n in chosen.notes)  # UDHR-measured: a caveat kept


def test_different_varieties_of_one_macrolanguage_are_both_kept_and_labelled(
    tmp_path: Path, udhr_dir: Path
) -> None:
    c = _composed(tmp_path, udhr_dir)
    assert c.language_meta["gaz_Latn"]["variety"] == "West Central Oromo"
    assert c.language_meta["gax"]["iso639_3"] == "gax"  # the package's 'gaz' label is not taken as is
    assert c.language_meta["gax"]["variety"] == "Borana-Arsi-Guji Oromo"
    assert any("gax" in n and "iso6393 'gaz'" in n for n in c.notes)
    chosen, _ = select_languages(c, ["om"], None, "eng")
    assert {"gax", "gaz_Latn"} <= set(chosen.languages)


def test_limit_and_subset_keep_the_groups(tmp_path: Path, udhr_dir: Path) -> None:
    c = _composed(tmp_path, udhr_dir, limit=2)
    assert c.name == "flores200-devtest-2+udhr"
    assert len(c.groups["flores200"]) == 2
    sub = c.subset(["eng", "kik_Latn"])
    assert isinstance(sub, ComposedCorpus) and sub.groups == c.groups
    assert sub.coverage("kik_Latn") == 1.0


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("shipped", (None, "devtest")), ("shipped:100", (100, "devtest")), ("shipped:5@all", (5, "all"))],
)
def test_parse_spec(spec: str, expected: tuple[int | None, str]) -> None:
    assert parse_spec(spec) == expected


@pytest.mark.parametrize("spec", ["shipped:0", "shipped:x", "shipped@test", "shippedx"])
def test_bad_specs_are_one_line_errors(spec: str) -> None:
    with pytest.raises(SovauditError):
        parse_spec(spec)


def test_tax_plan_counts_partial_against_the_languages_own_corpus(tmp_path: Path, udhr_dir: Path) -> None:
    from sovaudit.audits.tokenizer_tax.method import plan_texts

    c = _composed(tmp_path, udhr_dir)
    plans, _, notes = plan_texts(c, ["eng", "kik_Latn", "arb"], "eng")
    by = {p.language: p for p in plans}
    assert by["kik_Latn"].ref_segments == 3  # FLORES sentences, not FLORES + UDHR
    assert by["arb"].ref_segments == len(c.groups["udhr"])
    assert not any(n.startswith("kik_Latn: partial") for n in notes)
    assert any(n.startswith("arb: partial") for n in notes)


# -- the real shipped asset ---------------------------------------------------------------------------


@pytest.mark.slow
def test_bundled_archive_matches_its_catalogue_entry() -> None:
    from sovaudit.assets.catalogue import get_asset
    from sovaudit.assets.store import bundled_archive

    asset = get_asset("flores200")
    src = asset.sources[0]
    path = bundled_archive(src)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == src.sha256 and len(data) == src.size
    assert len(data) < 25_000_000  # the package stays reasonable
    assert asset.license == "CC-BY-SA-4.0" and "NLLB Team" in asset.citation and "Goyal" in asset.citation
    assert "365c3f85bdb302fdcf6d389f5f1651e4ef041741" in asset.origin


@pytest.mark.slow
def test_real_flores200_and_shipped_corpus_for_kenya() -> None:
    both = load_corpus("flores200@all")
    assert both.name == "flores200-dev+devtest" and len(both.segment_ids) == 2009
    assert len(both.languages) == 204 and both.license == "CC-BY-SA-4.0"
    from sovaudit.corpora.shipped import flores200_root

    folder = load_corpus(f"flores200:{flores200_root()}")  # the reader reads the installed asset's folder
    assert len(folder.segment_ids) == 1012
    assert folder.texts["kik_Latn"]["devtest:0"] == both.texts["kik_Latn"]["devtest:0"]
    shipped = load_corpus("shipped")
    chosen, _ = select_languages(shipped, None, "KE", "eng")
    corpus_of = {c: chosen.language_meta[c]["corpus"] for c in chosen.languages}
    for code in ("kik_Latn", "luo_Latn", "kam_Latn", "swh_Latn", "som_Latn", "gaz_Latn"):
        assert corpus_of[code] == "flores200"
    assert corpus_of["045"] == "udhr"  # Maasai: UDHR only
    assert corpus_of["gax"] == "udhr"  # Borana Oromo: UDHR, beside FLORES's West Central Oromo


@pytest.mark.slow
def test_assets_list_shows_flores200_licence_citation_origin_and_hash() -> None:
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "sovaudit.cli", "assets", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "3000"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if "│ flores200 " in x)
    for part in (
        "CC-BY-SA-4.0",
        "NLLB Team",
        "Goyal",
        "AleksandarPetrov/tokenization-fairness",
        "365c3f85bdb3",
    ):
        assert part in line, part
    assert "618f99fe6e712fc1f803a2285d1f0949bb20a89231d7c72ae4778ea69e93536e" in line


def test_spec_inputs_name_the_assets_and_files_a_spec_reads() -> None:
    from sovaudit.corpora.shipped import spec_inputs

    assert spec_inputs("shipped:30") == (["flores200", "udhr"], [])
    assert spec_inputs("shipped+text:/x/luy.tsv") == (["flores200", "udhr"], ["/x/luy.tsv"])
    assert spec_inputs("flores200@all") == (["flores200"], [])
    assert spec_inputs("udhr") == ([], [])
