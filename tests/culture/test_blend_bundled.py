"""The BLEnD copy sovaudit ships: installs from the package (pinned sha256), and every country reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovaudit.audits.culture.audit import CultureAudit, CultureSpec
from sovaudit.audits.culture.blend import COUNTRIES, read_prompts, read_questions


def test_bundled_blend_plans_every_country(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))
    audit = CultureAudit()
    spec = CultureSpec(countries=("DZ", "GB"))
    units = audit.plan(spec)
    # Algeria: 500 questions in Arabic and in English (5 units each); the UK: English only
    assert [u.shard for u in units if u.shard.startswith("DZ-local")] == [
        f"DZ-local-{i:03d}" for i in range(5)
    ]
    assert not any(u.shard.startswith("GB-local") for u in units)
    assert audit.signature(spec).startswith("data:blend@")
    root = tmp_path / "home" / "assets" / "blend" / "blend"
    for code in COUNTRIES:
        questions = read_questions(root, code)
        assert len(questions) > 100, code
        prompts = read_prompts(root, code)
        assert "inst-4" in prompts and "{q}" in prompts["inst-4"][1], code
