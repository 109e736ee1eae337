"""``verify --recompute N``: re-run drawn units of a runner-made bundle; compare with the stored ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bundle_fixtures import TEXTS, make_run

from sovaudit.bundle import Tolerance, recompute, write_manifest
from sovaudit.bundle.keys import new_key_pair
from sovaudit.bundle.recompute import differences
from sovaudit.bundle.trust import trust
from sovaudit.cli import main
from sovaudit.errors import SovauditError


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    b = tmp_path / "bundle"
    make_run(b / "tiny" / "a")
    make_run(b / "tiny" / "b", {"eng": ["one two"], "swh": ["habari yako"]})
    key, pub = new_key_pair(tmp_path / "keys")
    trust(pub)
    write_manifest(b, [], {}, key=key)
    return b


def test_the_runner_writes_spec_json_beside_results(bundle) -> None:
    saved = json.loads((bundle / "tiny" / "a" / "spec.json").read_text())
    assert saved == {"audit": "bundle-tiny", "audit_version": "1", "spec": {"texts": TEXTS}}


def test_recompute_confirms_the_numbers(bundle) -> None:
    report = recompute(bundle, 100, seed=3)
    assert report.ok, report.lines()
    assert report.total_units == len(TEXTS) + 2 and len(report.checks) == report.total_units
    assert all(c.mode == "exact" for c in report.checks)  # same machine: same hardware class
    drawn = [c.shard for c in recompute(bundle, 2, seed=3).checks]
    assert drawn == [c.shard for c in recompute(bundle, 2, seed=3).checks]  # the seed names the draw


def test_recompute_catches_a_tampered_shard_result(bundle, capsys) -> None:
    shard = bundle / "tiny" / "a" / "shards" / "lang-ell.json"
    body = json.loads(shard.read_text())
    body["result"]["ratio"] *= 1.01
    shard.write_text(json.dumps(body, sort_keys=True))
    report = recompute(bundle, 100, seed=0)
    bad = [c for c in report.checks if not c.ok]
    assert [(c.run, c.shard) for c in bad] == [("tiny/a", "lang-ell")]
    assert "result.ratio" in bad[0].differences[0]
    assert main(["verify", str(bundle), "--recompute", "100", "--seed", "0"]) == 1
    out = capsys.readouterr().out
    assert "changed: tiny/a/shards/lang-ell.json: recomputed result differs" in out
    assert "changed: tiny/a/shards/lang-ell.json\n" in out  # the hash check names it too


def test_a_shard_from_other_settings_is_caught(bundle) -> None:
    shard = bundle / "tiny" / "b" / "shards" / "lang-eng.json"
    body = json.loads(shard.read_text())
    body["subject"] = "0" * 16
    shard.write_text(json.dumps(body))
    bad = [c for c in recompute(bundle, 100, seed=0).checks if not c.ok]
    assert len(bad) == 1 and "subject" in bad[0].differences[0]


def test_intact_bundle_recompute_via_cli(bundle, capsys) -> None:
    assert main(["verify", str(bundle), "--recompute", "3"]) == 0
    out = capsys.readouterr().out
    assert "recompute: 3 of 6 units (seed " in out and "0 differ" in out


def test_float_tolerance_applies_only_across_hardware_classes() -> None:
    stored = {"n": 3, "x": [1.0, 2.0], "ok": True}
    close = {"n": 3, "x": [1.0, 2.0 * (1 + 1e-6)], "ok": True}
    assert differences(stored, close, None) == ["result.x[1]: 2.0 stored, 2.000002 recomputed"]
    assert differences(stored, close, Tolerance()) == []
    assert differences(stored, {**close, "n": 4}, Tolerance()) == ["result.n: 3 stored, 4 recomputed"]
    assert differences(stored, {**close, "ok": False}, Tolerance()) == [
        "result.ok: True stored, False recomputed"
    ]
    assert differences(stored, {"n": 3}, None) == [
        "result.ok: only in the stored result",
        "result.x: only in the stored result",
    ]


def test_recompute_needs_run_folders(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SovauditError, match=r"no run folder with spec\.json"):
        recompute(tmp_path / "empty", 3)


def test_recompute_turns_the_models_answer_cache_off() -> None:
    from sovaudit.audits.base import ModelAuditSpec, ModelRef
    from sovaudit.bundle.recompute import without_cache

    spec = ModelAuditSpec(model=ModelRef(spec="gemma3-270m"))
    assert spec.model.cache and not without_cache(spec).model.cache  # type: ignore[attr-defined]
    assert without_cache(without_cache(spec)) == without_cache(spec)


def test_hardware_class_compares_what_both_runs_record() -> None:
    from sovaudit.bundle.recompute import same_hardware_class

    here = {
        "platform": "Linux-x86_64",
        "cpu": {"simd": "avx2"},
        "packages": {"torch": "2.13", "numpy": "2.3"},
    }
    assert same_hardware_class({"platform": "Linux-x86_64", "packages": {"torch": "2.13"}}, here)
    assert same_hardware_class(
        {**here, "platform": "other kernel"}, here
    )  # the cpu decides when both have it
    assert not same_hardware_class({**here, "cpu": {"simd": "avx512f"}}, here)
    assert not same_hardware_class({**here, "packages": {"torch": "2.12"}}, here)
    assert not same_hardware_class({"platform": "Darwin-arm64"}, here)


def test_recompute_runs_only_what_a_trusted_key_signed(bundle, capsys, _keyring) -> None:
    _keyring.unlink()  # the signer is no longer trusted: its spec (models, endpoints) is not acted on
    assert main(["verify", str(bundle), "--recompute", "3"]) == 3
    out = capsys.readouterr().out
    assert "recompute: not run (the manifest is not signed by a trusted key)" in out
    assert "units (seed" not in out
