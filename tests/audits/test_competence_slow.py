"""The competence audit with the real embedded Gemma 3 270M on UDHR: pinned bits per byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovaudit.cli import main

# measured with transformers 5.24 / torch 2.13 CPU, fp32 (hf backend, every token scored from <bos>)
PINNED = {"eng": 0.63127, "swh": 1.88238, "wol": 3.55957}


@pytest.mark.slow
def test_gemma3_udhr_bits_per_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    args = ["competence", "--model", "gemma3-270m", "--corpus", "udhr", "--out", str(tmp_path / "out")]
    for lang in PINNED:
        args += ["--language", lang]
    assert main([*args, "--bootstrap", "200"]) == 0
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    rows = {r["language"]: r for r in doc["rows"]}
    for lang, want in PINNED.items():
        assert rows[lang]["bits_per_byte"] == pytest.approx(want, abs=2e-3), lang
        assert rows[lang]["segments"] == 31
    assert rows["wol"]["vs_ngram"] > 1 > rows["eng"]["vs_ngram"]  # Wolof: worse than a 5-gram floor
    assert any("training data" in n for n in doc["notes"])
