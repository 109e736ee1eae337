"""A model audit (competence, tiny random model) gives identical rows on every executor.

Local, a 2-worker process pool (one model per worker process) and a real local Ray cluster with 2 workers
(one model per Ray worker process) score the same units, so rows and per-item logs are equal bit for bit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audits"))

from competence_fixtures import tiny_model, write_corpus

from sovaudit.runner import RunOptions, run_audit


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("exec")
    return tiny_model(root / "tiny"), write_corpus(root / "c.tsv", n_segments=10)


def _spec(model: Path, corpus: Path) -> dict[str, object]:
    return {
        "model": {"spec": str(model)},
        "corpus": f"tsv:{corpus}",
        "languages": ("swh", "fra", "ell"),
        "bootstrap": 50,
    }


def _run(setup: tuple[Path, Path], out: Path, executor: str, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(out.parent / f"{executor}.sqlite"))  # no shared answers
    doc, stats = run_audit(
        "competence", _spec(*setup), RunOptions(out, executor, 2 if executor != "local" else None)
    )
    assert stats.computed == stats.total == 4  # eng (the reference), swh, fra, ell
    assert stats.answers_computed == 40 and stats.answers_cached == 0
    return doc


def test_local_and_process_pool_give_identical_rows(setup, tmp_path, monkeypatch) -> None:
    local = _run(setup, tmp_path / "local", "local", monkeypatch)
    pool = _run(setup, tmp_path / "process", "process", monkeypatch)
    assert pool.rows == local.rows and pool.items == local.items  # type: ignore[attr-defined]
    assert pool.signature == local.signature  # type: ignore[attr-defined]


@pytest.mark.slow
def test_ray_gives_identical_rows(setup, tmp_path, monkeypatch) -> None:
    pytest.importorskip("ray")
    local = _run(setup, tmp_path / "local", "local", monkeypatch)
    on_ray = _run(setup, tmp_path / "ray", "ray", monkeypatch)
    assert on_ray.rows == local.rows and on_ray.items == local.items  # type: ignore[attr-defined]
