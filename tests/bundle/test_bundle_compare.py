"""``sovaudit compare``: a leaderboard across bundles that keeps incomparable results apart, saying why."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from sovaudit.bundle import compare_bundles
from sovaudit.cli import main
from sovaudit.results import ResultsDocument, write_results

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _doc(model: str, corpus: str = "udhr@3f2a9c1b", bpb: float = 1.0, languages: tuple[str, ...] = ("swh",)):
    return ResultsDocument(
        audit="competence",
        audit_version="2",
        signature=f"corpus:{corpus}|model:{model}@12345678|ref:eng|v:0.1.0",
        settings={
            "corpus": "udhr",
            "languages": list(languages),
            "model": model,
            "model_settings": {"a": model},
        },
        summary={"headline": {"bits_per_byte": bpb}, "note": "text"},
    )


@pytest.fixture
def bundles(tmp_path: Path) -> list[Path]:
    a, b, c = tmp_path / "ke-gemma", tmp_path / "ke-smol", tmp_path / "tz-gemma"
    write_results(_doc("gemma3-270m", bpb=1.25), a / "competence" / "gemma3-270m")
    write_results(_doc(EVIL, bpb=1.5), b / "competence" / "evil")
    write_results(
        _doc("gemma3-270m", corpus="udhr@99999999", languages=("swh", "kik")), c / "competence" / "g"
    )
    return [a, b, c]


def test_models_on_the_same_data_share_a_board_and_other_data_is_kept_apart(bundles) -> None:
    boards = compare_bundles(bundles)
    assert [len(b.entries) for b in boards] == [2, 1]
    assert [e.model for e in boards[0].entries] == ["gemma3-270m@12345678", f"{EVIL}@12345678"]
    why = boards[1].why_separate
    assert "signature corpus is udhr@3f2a9c1b there, udhr@99999999 here" in why
    assert 'setting \'languages\' is ["swh"] there, ["swh", "kik"] here' in why


def test_compare_page_is_escaped_and_says_why(bundles, tmp_path, capsys) -> None:
    out = tmp_path / "compare.html"
    assert main(["compare", *map(str, bundles), "--out", str(out)]) == 0
    assert "kept apart: signature corpus" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "<script>alert" not in page and 'onerror="alert' not in page
    assert html.escape(EVIL, quote=False)[:20] in page or "&lt;script&gt;alert(1)" in page
    assert "Not compared with the first competence table" in page and "1.2500" in page
    assert "http://" not in page and "https://" not in page


def test_compare_without_results_is_a_usage_error(tmp_path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["compare", str(tmp_path / "empty"), "--out", str(tmp_path / "c.html")]) == 2
    assert "no results.json" in capsys.readouterr().err
