"""Kenya's languages from the shipped corpora: FLORES-200 first, UDHR for the rest (real assets, gpt2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovaudit.cli import main


@pytest.mark.slow
def test_tokenizers_for_kenya_measure_its_languages_with_names_and_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tok"
    assert main(["tokenizers", "--country", "KE", "--tokenizer", "gpt2", "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rows = {r["language"]: r for r in doc["rows"]}
    assert doc["settings"]["corpus"] == "flores200-devtest+udhr"
    for code, name, native in [
        ("kik_Latn", "Kikuyu", "Gikuyu"),
        ("luo_Latn", "Luo (Kenya and Tanzania)", "Dholuo"),
        ("kam_Latn", "Kamba", "Kikamba"),
        ("swh_Latn", "Swahili", "Kiswahili"),
        ("som_Latn", "Somali", "Soomaali"),
    ]:
        assert rows[code]["language_name"] == name and rows[code]["endonym"] == native
        assert rows[code]["corpus"] == "flores200" and rows[code]["segments"] == 1012
        assert rows[code]["premium"] > 1.5  # GPT-2's tax on Kenya's languages is real
    assert rows["045"]["language_name"] == "Maasai" and rows["045"]["corpus"] == "udhr"
    assert rows["gaz_Latn"]["variety"] == "West Central Oromo (gaz)"
    assert rows["gax"]["variety"] == "Borana-Arsi-Guji Oromo (gax)"
    cov = doc["summary"]["speaker_coverage"]
    assert 0.75 <= cov < 1.0
    unmeasured = [e["language"] for e in doc["summary"]["speaker_coverage_detail"]["unmeasured"]]
    assert unmeasured[:4] == ["luy", "kln", "guz", "mer"]  # no public text: largest first
    # per-segment counts for the country index's interval: every shared segment, the reference's beside it
    kik = [i for i in doc["items"] if i["language"] == "kik_Latn"]
    assert len(kik) == 1012 and all(i["tokens"] > 0 and i["ref_tokens"] > 0 for i in kik)
    joined = sum(i["tokens"] for i in kik) / sum(i["ref_tokens"] for i in kik)
    assert joined == pytest.approx(rows["kik_Latn"]["premium"], rel=0.02)  # differ only at the joins
    printed = capsys.readouterr().out
    assert "Kikuyu (Gikuyu)" in printed and "speaker coverage" in printed
