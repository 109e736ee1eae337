"""FLORES-200 folders and FLORES+ parquet folders, including bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fixtures import FLORES, write_flores200, write_floresplus

from sovaudit.corpora import load_corpus
from sovaudit.corpora.flores import read_flores200, read_floresplus
from sovaudit.errors import SovauditError


def test_flores200_default_split_is_devtest(tmp_path: Path) -> None:
    corpus = load_corpus(f"flores200:{write_flores200(tmp_path)}")
    assert corpus.name == "flores200-devtest"
    assert corpus.segment_ids == ("devtest:0", "devtest:1", "devtest:2")
    assert corpus.languages == ["cmn_Hant", "eng_Latn", "swh_Latn"]
    assert corpus.segments("swh_Latn") == FLORES["swh_Latn"]
    assert corpus.license == "CC-BY-SA-4.0" and corpus.notes == ()


def test_flores200_dev_split_and_parent_folder(tmp_path: Path) -> None:
    write_flores200(tmp_path / "flores200_dataset")
    corpus = load_corpus(f"flores200:{tmp_path}@dev")
    assert corpus.segment_ids[0] == "dev:0"
    assert corpus.texts["eng_Latn"]["dev:0"] == "One. (dev)"


def test_flores200_mismatched_line_counts_are_reported_not_dropped(tmp_path: Path) -> None:
    langs = dict(FLORES, kik_Latn=["Ĩmwe."])
    corpus = read_flores200(write_flores200(tmp_path, langs))
    assert "kik_Latn" in corpus.languages
    assert corpus.coverage("kik_Latn") == pytest.approx(1 / 3)
    assert corpus.aligned("eng_Latn", "kik_Latn") == ["devtest:0"]
    assert corpus.notes == (
        "flores200-devtest: kik_Latn has 1 lines, most languages 3; its 1 lines are aligned,"
        " the last 2 segments are missing",
    )


def test_flores200_a_longer_language_is_reported(tmp_path: Path) -> None:
    corpus = read_flores200(
        write_flores200(tmp_path, dict(FLORES, fra_Latn=["Un.", "Deux.", "Trois.", "Quatre."]))
    )
    assert len(corpus.segment_ids) == 3 and corpus.coverage("eng_Latn") == 1.0
    assert corpus.segments("fra_Latn") == ["Un.", "Deux.", "Trois."]
    assert any("fra_Latn has 4 lines, most languages 3" in n for n in corpus.notes)


def test_flores200_blank_lines_are_missing_segments(tmp_path: Path) -> None:
    corpus = read_flores200(write_flores200(tmp_path, dict(FLORES, fra_Latn=["Un.", "", "Trois."])))
    assert corpus.aligned("fra_Latn") == ["devtest:0", "devtest:2"]
    assert any("fra_Latn has 1 blank lines" in n for n in corpus.notes)


def test_flores200_line_endings_and_bom(tmp_path: Path) -> None:
    write_flores200(tmp_path)
    (tmp_path / "devtest" / "eng_Latn.devtest").write_bytes("\ufeffOne.\r\nTwo.\r\nThree.\r\n".encode())
    assert read_flores200(tmp_path).segments("eng_Latn") == ["One.", "Two.", "Three."]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "corpus folder not found"),
        (lambda p: p.mkdir(), "not in the FLORES-200 layout"),
        (lambda p: (p.mkdir(), (p / "devtest").mkdir()), "holds no <code>.devtest files"),
        (lambda p: p.write_text("x"), "is a file, not a FLORES-200 folder"),
    ],
)
def test_flores200_bad_folders(tmp_path: Path, setup, message: str) -> None:
    target = tmp_path / "flores"
    setup(target)
    with pytest.raises(SovauditError, match=message) as err:
        load_corpus(f"flores200:{target}")
    assert "\n" not in str(err.value)


def test_flores200_empty_language_file(tmp_path: Path) -> None:
    write_flores200(tmp_path)
    (tmp_path / "devtest" / "swh_Latn.devtest").write_text("\n\n", encoding="utf-8")
    with pytest.raises(SovauditError, match=r"swh_Latn\.devtest is empty"):
        read_flores200(tmp_path)


def test_flores200_non_utf8_names_file_and_offset(tmp_path: Path) -> None:
    write_flores200(tmp_path)
    (tmp_path / "devtest" / "fra_Latn.devtest").write_bytes(b"Un.\nD\xe9ux.\nTrois.\n")
    with pytest.raises(
        SovauditError, match=r"fra_Latn\.devtest is not UTF-8 \(invalid byte 0xe9 at byte offset 5\)"
    ):
        read_flores200(tmp_path)


def test_flores200_all_is_dev_then_devtest_as_petrov_et_al(tmp_path: Path) -> None:
    root = write_flores200(tmp_path)
    (root / "dev" / "kik_Latn.dev").write_text("Ĩmwe.\nIĩrĩ.\nIthatũ.\n", encoding="utf-8")  # dev only
    corpus = load_corpus(f"flores200:{root}@all")
    assert corpus.name == "flores200-dev+devtest"
    assert corpus.segment_ids == ("dev:0", "dev:1", "dev:2", "devtest:0", "devtest:1", "devtest:2")
    # Petrov et al.'s text: the dev lines, then the devtest lines (joined later with single spaces)
    assert corpus.segments("eng_Latn") == [
        "One. (dev)",
        "Two. (dev)",
        "Three. (dev)",
        "One.",
        "Two.",
        "Three.",
    ]
    assert corpus.coverage("kik_Latn") == pytest.approx(1 / 2)
    assert "flores200-dev+devtest: kik_Latn has no flores200-devtest file" in corpus.notes
    assert corpus.digest != load_corpus(f"flores200:{root}").digest


def test_floresplus_all(tmp_path: Path) -> None:
    corpus = load_corpus(f"floresplus:{write_floresplus(tmp_path)}@all")
    assert corpus.name == "floresplus-dev+devtest"
    assert corpus.segment_ids == ("dev:0", "dev:1", "dev:2", "devtest:0", "devtest:1", "devtest:2")
    assert corpus.segments("swh_Latn")[2:4] == ["dev sentensi 2.", "devtest sentensi 0."]


def test_flores200_bad_split(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match="unknown FLORES split 'test'"):
        load_corpus(f"flores200:{write_flores200(tmp_path)}@test")


def test_floresplus_folder(tmp_path: Path) -> None:
    corpus = load_corpus(f"floresplus:{write_floresplus(tmp_path)}")
    assert corpus.name == "floresplus-devtest"
    # two varieties of one code are told apart by their glottocodes
    assert corpus.languages == ["apc_Arab_nort3139", "apc_Arab_sout3123", "eng_Latn", "swh_Latn"]
    assert corpus.segment_ids == ("devtest:0", "devtest:1", "devtest:2")
    assert corpus.texts["swh_Latn"]["devtest:1"] == "devtest sentensi 1."
    assert corpus.coverage("apc_Arab_sout3123") == pytest.approx(2 / 3)
    assert any("apc_Arab_sout3123 has 2 of 3 segments" in n for n in corpus.notes)
    assert corpus.language_meta["apc_Arab_nort3139"] == {
        "iso639_3": "apc",
        "script": "Arab",
        "glottocode": "nort3139",
    }
    dev = read_floresplus(tmp_path, "dev")
    assert dev.texts["eng_Latn"]["dev:0"] == "dev sentence 0."


def test_floresplus_file_without_language_columns_uses_its_name(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    (tmp_path / "devtest").mkdir()
    pq.write_table(pa.table({"text": ["a", "b"]}), tmp_path / "devtest" / "xyz_Latn.parquet")
    corpus = read_floresplus(tmp_path)
    assert corpus.languages == ["xyz_Latn"] and corpus.segments("xyz_Latn") == ["a", "b"]


def test_floresplus_bad_input(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    with pytest.raises(SovauditError, match="not in the FLORES\\+ layout"):
        read_floresplus(tmp_path)
    (tmp_path / "devtest").mkdir()
    pq.write_table(pa.table({"sentence": ["a"]}), tmp_path / "devtest" / "x.parquet")
    with pytest.raises(SovauditError, match="has no 'text' column"):
        read_floresplus(tmp_path)
    (tmp_path / "devtest" / "x.parquet").write_bytes(b"not parquet")
    with pytest.raises(SovauditError, match="not a readable parquet file"):
        read_floresplus(tmp_path)
    with pytest.raises(SovauditError, match="FLORES\\+ source not found"):
        read_floresplus(str(tmp_path / "missing"))
