"""Evidence gathering from model folders and GGUF files (tiny GGUFs written by the tests)."""

from __future__ import annotations

import json

import pytest
from openness_helpers import MIT_TEXT, make_gguf

from sovaudit.audits.openness.evidence import gather
from sovaudit.audits.openness.gguf_meta import read_gguf_metadata
from sovaudit.errors import SovauditError

CARD = """---
license: apache-2.0
datasets:
  - HuggingFaceFW/fineweb-edu
  - bigcode/the-stack
---
# A model
"""


def test_gguf_metadata_reader_reads_general_keys_only(tmp_path):
    p = make_gguf(
        tmp_path / "m.gguf",
        {
            "general.name": "Tiny",
            "general.license": "apache-2.0",
            "general.url": "https://example.org/tiny",
            "general.datasets": ["a/b", "c/d"],
        },
    )
    meta = read_gguf_metadata(p)
    assert meta["general.license"] == "apache-2.0"
    assert meta["general.datasets"] == ["a/b", "c/d"]
    assert "tokenizer.ggml.tokens" not in meta
    assert len(read_gguf_metadata(p, prefixes=())) >= len(meta) + 1  # everything when asked


def test_gguf_evidence(tmp_path):
    p = make_gguf(
        tmp_path / "m.gguf",
        {
            "general.name": "Tiny",
            "general.license": "gemma",
            "general.license.link": "https://ai.google.dev/gemma/terms",
        },
    )
    ev = gather(p)
    lic = ev.of("license")
    assert lic and lic[0].license.id == "LicenseRef-Gemma-Terms-of-Use"
    assert lic[0].status == "found" and lic[0].field == "general.license" and lic[0].source == "m.gguf"
    assert ev.of("license.link")[0].value == "https://ai.google.dev/gemma/terms"
    assert ev.of("weights")


def test_folder_evidence(tmp_path):
    (tmp_path / "LICENSE").write_text(MIT_TEXT)
    (tmp_path / "README.md").write_text(CARD)
    (tmp_path / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"]}))
    (tmp_path / "model.safetensors").write_bytes(b"\0" * 16)
    ev = gather(tmp_path)
    by_field = {f.field: f for f in ev.of("license")}
    assert by_field["text"].license.id == "MIT" and by_field["text"].source == "LICENSE"
    assert by_field["front matter: license"].license.id == "Apache-2.0"
    assert ev.of("datasets")[0].value == "HuggingFaceFW/fineweb-edu, bigcode/the-stack"
    assert ev.of("architecture config")[0].value == "LlamaForCausalLM"
    assert ev.of("Model card") and ev.of("weights")
    assert not ev.findings


def test_folder_without_license(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"\0" * 16)
    ev = gather(tmp_path)
    assert not ev.of("license")
    assert any("no license" in f for f in ev.findings)


def test_not_a_gguf(tmp_path):
    p = tmp_path / "x.gguf"
    p.write_bytes(b"NOPE" + b"\0" * 30)
    with pytest.raises(SovauditError, match="not a GGUF"):
        gather(p)
    with pytest.raises(SovauditError, match="no model"):
        gather(tmp_path / "missing")
