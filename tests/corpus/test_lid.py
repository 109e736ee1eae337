"""Language identifiers: label normalisation, the built-in detectors, and a real (tiny) fastText model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovaudit.audits.corpus import CorpusSpec, run_corpus_audit
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
    doc = run_corpus_audit(CorpusSpec(paths=(str(corpus),), out=str(tmp_path / "o"), lid=str(tiny_fasttext)))
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
