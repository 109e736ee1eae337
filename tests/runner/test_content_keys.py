"""A rerun after an input changed recomputes exactly the units that read what changed.

Competence units carry their texts and read the model: editing one French sentence in place (same size,
mtime restored) recomputes the French unit only, and the rows equal a fresh run's. Tokenizer units each
read the whole corpus: every one is recomputed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audits"))

from competence_fixtures import tiny_model, write_corpus

from sovaudit.runner import RunOptions, run_audit


def _edit(path: Path, old: str, new: str) -> None:
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_competence_recomputes_only_the_edited_language(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    model, corpus = tiny_model(tmp_path / "tiny"), write_corpus(tmp_path / "c.tsv", n_segments=6)
    # each window scored alone: an edited text scored beside cached ones keeps every bit (docs/reliability.md)
    ref = {"spec": str(model), "options": {"batch_invariant": "true"}}
    spec = {"model": ref, "corpus": f"tsv:{corpus}", "languages": ("swh", "fra"), "bootstrap": 20}
    out = tmp_path / "out"
    first, stats = run_audit("competence", spec, RunOptions(out))
    assert stats.computed == 3  # eng (the reference), swh, fra
    _edit(corpus, "libres", "libris")
    again, stats = run_audit("competence", spec, RunOptions(out))
    assert (stats.computed, stats.skipped) == (1, 2)  # the French unit only
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "fresh.sqlite"))
    fresh, _ = run_audit("competence", spec, RunOptions(tmp_path / "fresh"))
    assert again.rows == fresh.rows != first.rows
    assert again.signature == fresh.signature != first.signature
    assert [r.sha256 for r in again.inputs] == [r.sha256 for r in fresh.inputs]


def test_tokenizers_recompute_every_unit_after_a_corpus_edit(tmp_path) -> None:
    corpus = write_corpus(tmp_path / "c.tsv", n_segments=4)
    spec = {"corpus": f"tsv:{corpus}", "tokenizers": ("bytes", "chars"), "languages": ("fra",)}
    out = tmp_path / "out"
    first, stats = run_audit("tokenizers", spec, RunOptions(out))
    _, stats = run_audit("tokenizers", spec, RunOptions(out))
    assert (stats.computed, stats.skipped) == (0, 2)  # unchanged: nothing recomputed
    _edit(corpus, "libres", "lïbre")  # same bytes, one character fewer
    again, stats = run_audit("tokenizers", spec, RunOptions(out))
    assert (stats.computed, stats.skipped) == (2, 0)
    fresh, _ = run_audit("tokenizers", spec, RunOptions(tmp_path / "fresh"))
    assert again.rows == fresh.rows != first.rows
    recorded = {r.field: r for r in again.inputs}
    assert recorded["corpus"].kind == "file" and recorded["corpus"].bytes == corpus.stat().st_size
