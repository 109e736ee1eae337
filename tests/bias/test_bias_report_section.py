"""The bias report section renders scores, sentences and items from a results document, escaped."""

from __future__ import annotations

import json
from pathlib import Path

from sovaudit.cli import main


def test_section_renders_and_escapes(bbq_dir: Path, hand_predictions: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert (
        main(["bias", "--data", str(bbq_dir), "--predictions", str(hand_predictions), "--out", str(out)]) == 0
    )
    doc = json.loads((out / "results.json").read_text())
    doc["notes"].append("<script>alert(1)</script>")
    (out / "results.json").write_text(json.dumps(doc))
    html_path = tmp_path / "r.html"
    assert main(["report", str(out), "--out", str(html_path)]) == 0
    html = html_path.read_text()
    assert "in ambiguous contexts the model picked the stereotyped answer in 60%" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "bbq · Age (12 items)" in html
