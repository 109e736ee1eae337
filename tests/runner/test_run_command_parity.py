"""`sovaudit run AUDIT -A ...` writes the same rows as the audit's own command (competence, tokenizers)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audits"))

from competence_fixtures import tiny_model, write_corpus

from sovaudit.cli import main


def _rows(out: Path) -> list[dict[str, object]]:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["rows"]


def test_run_competence_equals_the_competence_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "a.sqlite"))
    model, corpus = tiny_model(tmp_path / "tiny"), write_corpus(tmp_path / "c.tsv")
    own = ["competence", "--model", str(model), "--corpus", f"tsv:{corpus}", "-l", "swh", "-l", "fra"]
    assert main([*own, "--bootstrap", "50", "--out", str(tmp_path / "own")]) == 0
    generic = ["run", "competence", "-A", f"model={model}", "-A", f"corpus=tsv:{corpus}"]
    generic += ["-A", "languages=[swh, fra]", "-A", "bootstrap=50", "--out", str(tmp_path / "run")]
    assert main(generic) == 0
    assert _rows(tmp_path / "run") == _rows(tmp_path / "own")


def test_run_tokenizers_equals_the_tokenizers_command(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.tsv")
    own = [
        "tokenizers",
        "--corpus",
        f"tsv:{corpus}",
        "-t",
        "bytes",
        "-t",
        "chars",
        "--out",
        str(tmp_path / "own"),
    ]
    assert main(own) == 0
    generic = ["run", "tokenizers", "-A", f"corpus=tsv:{corpus}", "-A", "tokenizers=[bytes, chars]"]
    assert main([*generic, "--out", str(tmp_path / "run")]) == 0
    assert _rows(tmp_path / "run") == _rows(tmp_path / "own")
