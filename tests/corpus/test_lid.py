"""Language identifiers: label normalisation, the built-in detectors, and a real (tiny) fastText model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovaudit import run
from sovaudit.audits.corpus.audit import CorpusAuditSpec
from sovaudit.audits.corpus.lid import BUILTIN, DEFAULT_LID, Detector, get_detector, normalise_label
from sovaudit.audits.corpus.scripts import dominant_script, dominant_scripts, script_matches
from sovaudit.errors import SovauditError


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("en", "eng_Latn"),
        ("__label__eng_Latn", "eng_Latn"),
        ("__label__srp_Latn", "srp_Latn"),
        ("sr", "srp_Cyrl"),
        ("zh-Hant", "zho_Hant"),
        ("cmn", "zho_Hans"),
        ("arb_Arab", "ara_Arab"),
        ("iw", "heb_Hebr"),
        ("un", "und"),
        ("", "und"),
        ("__label__qqq_Zzzz", "und"),
    ],
)
def test_normalise_label(raw: str, label: str) -> None:
    assert normalise_label(raw) == label


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n == "lingua" else n for n in BUILTIN]
)  # lingua takes ~10 s to load its models
def test_builtin_detectors(name: str) -> None:
    det = get_detector(name)
    assert isinstance(det, Detector)
    got = det.detect(
        [
            "All human beings are born free and equal in dignity and rights.",
            "Tous les êtres humains naissent libres et égaux en dignité et en droits.",
            "Все люди рождаются свободными и равными в своем достоинстве и правах.",
        ]
    )
    assert [lab for lab, _c in got] == ["eng_Latn", "fra_Latn", "rus_Cyrl"]
    assert all(0.0 <= c <= 1.0 for _l, c in got)
    assert "eng_Latn" in det.labels() and det.version and det.version != "unknown"
    assert get_detector(name) is det  # loaded once per process


def test_default_is_builtin() -> None:
    assert DEFAULT_LID in BUILTIN


def test_unknown_detector() -> None:
    with pytest.raises(SovauditError, match="unknown language identifier 'nope'"):
        get_detector("nope")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Hello world", "Latn"),
        ("Привет мир", "Cyrl"),
        ("人人生而自由", "Hani"),
        ("すべての人間は生まれながらにして自由", "Jpan"),
        ("모든 인간은", "Hang"),
        ("كل الناس", "Arab"),
        ("12345 !!", ""),
    ],
)
def test_dominant_script(text: str, script: str) -> None:
    assert dominant_script(text) == script


_MIXED_CHARS = st.sampled_from(
    [
        *"aZé1 .-_",
        "\u0416",
        "\u03a9",
        "\u05d0",
        "\u0628",
        "\u0915",
        "\u3042",
        "\u30a2",
        "\u4e00",
        "\uac00",
        "\uff21",
        "\uff76",
        "\u0e01",
        "\u1200",
        "\ud800",
        "\U0001f600",
        "\U00010400",
        "\u01c5",
        "\u0660",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_MIXED_CHARS, max_size=120), max_size=40))
def test_dominant_scripts_is_dominant_script_on_each_text(texts: list[str]) -> None:
    assert dominant_scripts(texts) == [dominant_script(t) for t in texts]


def test_dominant_scripts_on_udhr(udhr_texts: dict[str, list[str]]) -> None:
    texts = [t for paras in udhr_texts.values() for t in paras] + ["", "1" * 60 + "abc", "1" * 900 + "Ж"]
    assert dominant_scripts(texts) == [dominant_script(t) for t in texts]


def test_script_matches() -> None:
    assert script_matches("Hans", "Hani") and script_matches("Jpan", "Hani") and script_matches("Latn", "")
    assert not script_matches("Cyrl", "Latn")


@pytest.fixture(scope="module")
def tiny_fasttext(tmp_path_factory: pytest.TempPathFactory, udhr_texts: dict[str, list[str]]) -> Path:
    """A fastText supervised LID model trained in seconds on UDHR paragraphs of three languages."""
    pytest.importorskip("fasttext")
    d = tmp_path_factory.mktemp("ft")
    train = d / "train.txt"
    lines = []
    for label in ("eng_Latn", "fra_Latn", "rus_Cyrl"):
        for para in udhr_texts[label]:
            lines.append(f"__label__{label} {para}")
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = d / "tiny-lid.bin"
    # trained in a fresh process: after py3langid or lingua ran in this one, fastText training hits NaN
    script = (
        "import fasttext, sys; fasttext.train_supervised(input=sys.argv[1], epoch=30, lr=0.1, dim=16, minn=2,"
        " maxn=4, bucket=20000, thread=1, seed=1, verbose=0).save_model(sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", script, str(train), str(path)], check=True, timeout=120)
    return path


def test_fasttext_model_from_a_path(
    tiny_fasttext: Path, udhr_texts: dict[str, list[str]], tmp_path: Path
) -> None:
    det = get_detector(str(tiny_fasttext))
    assert det.labels() == ["eng_Latn", "fra_Latn", "rus_Cyrl"]
    got = det.detect([udhr_texts["fra_Latn"][3], udhr_texts["rus_Cyrl"][4], udhr_texts["eng_Latn"][5]])
    assert [lab for lab, _c in got] == ["fra_Latn", "rus_Cyrl", "eng_Latn"]
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n\n".join(udhr_texts["fra_Latn"][:10] + udhr_texts["eng_Latn"][:10]) + "\n")
    doc = run("corpus", paths=(str(corpus),), out=str(tmp_path / "o"), lid=str(tiny_fasttext))
    assert {r["language"] for r in doc.rows} == {"fra_Latn", "eng_Latn"}
    assert f"|lid:tiny-lid.bin-{det.version}|" in doc.signature


def test_not_a_fasttext_model(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a model")
    pytest.importorskip("fasttext")
    with pytest.raises(SovauditError, match="not a fastText model"):
        get_detector(str(bad))


def test_cld2_survives_control_characters_and_surrogates() -> None:
    det = get_detector("pycld2")
    got = det.detect(["Все люди рождаются свободными\x92 и равными в своем достоинстве.", "x\ud800y"])
    assert got[0][0] == "rus_Cyrl" and len(got) == 2  # the mojibake U+0092 no longer costs the paragraph


@pytest.mark.parametrize("style", ["glotlid", "lid176"])
def test_fasttext_labels_through_the_cli_match_the_country(
    tmp_path: Path, udhr_texts: dict[str, list[str]], style: str
) -> None:
    """``__label__swh_Latn`` (GlotLID/OpenLID) and ``__label__sw`` (lid.176) both become swa_Latn, the code
    CLDR gives Kenya's Swahili speakers: the row has speakers and Swahili is not listed as absent."""
    pytest.importorskip("fasttext")
    import json

    raw = {"glotlid": ("eng_Latn", "swh_Latn"), "lid176": ("en", "sw")}[style]
    train = tmp_path / "train.txt"
    lines = [f"__label__{raw[0]} {p}" for p in udhr_texts["eng_Latn"]]
    lines += [f"__label__{raw[1]} {p}" for p in udhr_texts["swa_Latn"]]
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = tmp_path / f"{style}.bin"
    script = (
        "import fasttext, sys; fasttext.train_supervised(input=sys.argv[1], epoch=30, lr=0.1, dim=16, minn=2,"
        " maxn=4, bucket=20000, thread=1, seed=1, verbose=0).save_model(sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", script, str(train), str(model)], check=True, timeout=120)
    corpus = tmp_path / "c.jsonl"
    docs = udhr_texts["swa_Latn"][:12] + udhr_texts["eng_Latn"][:4]
    corpus.write_text("".join(json.dumps({"body": d}) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "o"
    cli = [sys.executable, "-m", "sovaudit.cli", "corpus", str(corpus), "--out", str(out)]
    run = subprocess.run(
        [*cli, "--lid", str(model), "--text-field", "body", "--country", "KE"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rows = {r["language"]: r for r in result["rows"]}
    assert set(rows) == {"swa_Latn", "eng_Latn"}
    assert rows["swa_Latn"]["documents"] == 12 and rows["swa_Latn"]["speakers"] > 30_000_000
    assert rows["swa_Latn"]["representation_ratio"] == pytest.approx(
        rows["swa_Latn"]["share"] / rows["swa_Latn"]["speaker_share"]
    )
    absent = {a["language"] for a in result["summary"]["absent_languages"]}
    assert "kik_Latn" in absent and not any(a.startswith(("swa", "swh", "eng")) for a in absent)


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match=r"fastText model file .* does not exist"):
        get_detector(str(tmp_path / "lid.176.bin"))


def test_a_builtin_name_wins_over_a_file_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sovaudit.audits.corpus import plan_units

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pycld2").write_text("not a model")
    (tmp_path / "c.txt").write_text("All human beings are born free and equal in dignity and rights.\n")
    _units, _files, settings = plan_units(CorpusAuditSpec(paths=("c.txt",), lid="pycld2"))
    assert settings.lid == "pycld2"
