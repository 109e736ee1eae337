"""Content digests of inputs (``sovaudit.inputs``): what changes them, what does not, how runs use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sovaudit.audits.base import AuditSpec
from sovaudit.inputs import InputRecord, combined_digest, input_field, input_fields, spec_inputs
from sovaudit.registry import audits
from sovaudit.signature import parse_signature, with_inputs_part


class _Spec(AuditSpec):
    corpus: str = input_field("udhr", kind="corpus")
    files: tuple[str, ...] = input_field((), kind="data")
    name: str = "eng"


def _edit_keep_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    st = path.stat()
    data = path.read_bytes()
    with path.open("r+b") as f:
        f.write(data.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))  # the hash cache lives there


def test_marked_fields_are_the_inputs() -> None:
    assert input_fields(_Spec) == {"corpus": "corpus", "files": "data"}


def test_file_digest_follows_content_even_with_size_and_mtime_kept(tmp_path: Path) -> None:
    f = tmp_path / "c.tsv"
    f.write_text("id\teng\tfra\ns1\tHello\tBonjour\n", encoding="utf-8")
    spec = _Spec(corpus=f"tsv:{f}")
    (before,) = spec_inputs(spec)
    assert before.kind == "file" and before.field == "corpus" and before.bytes == f.stat().st_size
    again = spec_inputs(spec)[0]  # from the hash cache now
    assert again.sha256 == before.sha256
    _edit_keep_size_and_mtime(f, b"Bonjour", b"Bonsoir")
    (after,) = spec_inputs(spec)
    assert after.sha256 != before.sha256 and after.bytes == before.bytes


def test_folder_digest_covers_names_and_contents(tmp_path: Path) -> None:
    d = tmp_path / "pack"
    d.mkdir()
    (d / "a.csv").write_text("x\n", encoding="utf-8")
    (d / "b.yaml").write_text("y\n", encoding="utf-8")
    spec = _Spec(files=(str(d),))
    first = spec_inputs(spec)[1]
    assert first.kind == "folder" and first.files == 2 and first.field == "files[0]"
    (d / "b.yaml").rename(d / "c.yaml")
    renamed = spec_inputs(spec)[1]
    assert renamed.sha256 != first.sha256
    (d / "c.yaml").rename(d / "b.yaml")
    assert spec_inputs(spec)[1].sha256 == first.sha256  # the same names and bytes: the same digest
    (d / "extra.txt").write_text("", encoding="utf-8")
    assert spec_inputs(spec)[1].sha256 != first.sha256


def test_a_link_out_of_an_input_folder_is_refused(tmp_path: Path) -> None:
    from sovaudit.errors import SovauditError

    d = tmp_path / "data"
    d.mkdir()
    (tmp_path / "secret.txt").write_text("outside\n", encoding="utf-8")
    (d / "x.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(SovauditError, match="links outside its folder"):
        spec_inputs(_Spec(files=(str(d),)))


def test_asset_names_use_the_pinned_digest_and_other_names_are_not_inputs() -> None:
    records = spec_inputs(_Spec(corpus="udhr", files=("bytes",)))
    assert [(r.field, r.kind) for r in records] == [("corpus", "asset")]
    assert len(records[0].sha256) == 64


def test_combined_digest_is_order_independent_and_signature_part_is_replaced() -> None:
    a = InputRecord(field="a", kind="file", value="x", sha256="1" * 64)
    b = InputRecord(field="b", kind="file", value="y", sha256="2" * 64)
    assert combined_digest([a, b]) == combined_digest([b, a]) != combined_digest([a])
    sig = with_inputs_part("audit:x.1|spec:abcd1234|v:0.1.0", "f" * 64)
    assert parse_signature(sig) == [
        ("audit", "x.1"),
        ("spec", "abcd1234"),
        ("in", "ffffffff"),
        ("v", "0.1.0"),
    ]
    assert with_inputs_part(sig, "0" * 64).count("|in:") == 1


def test_every_registered_audit_declares_its_path_fields() -> None:
    """A spec field whose name says it holds a path or data must be marked as an input."""
    pathlike = {"corpus", "paths", "pack", "data", "predictions", "statements", "declarations", "models"}
    for name in audits.names():
        spec_type = audits.get(name).Spec
        declared = set(input_fields(spec_type))
        assert pathlike & set(spec_type.model_fields) <= declared, name


def test_python_dash_m_sovaudit_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sovaudit", "--help"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0 and "Usage" in out.stdout


def test_composed_corpus_specs_and_bundled_tokenizers_name_their_assets(tmp_path: Path) -> None:
    from sovaudit.audits.tokenizer_tax.audit import TokenizersSpec

    text = tmp_path / "luy.tsv"
    text.write_text("eng\tluy\nHello\tMulembe\n", encoding="utf-8")
    spec = TokenizersSpec(corpus=f"shipped:30+text:{text}", tokenizers=("gpt2", "bytes"))
    got = [(r.field, r.kind) for r in spec_inputs(spec)]
    assert got == [
        ("corpus.flores200", "asset"),
        ("corpus.udhr", "asset"),
        ("corpus.text[0]", "file"),
        ("tokenizers[0]", "asset"),  # gpt2's vocabulary; the bytes baseline reads nothing
    ]
