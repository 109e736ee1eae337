"""Results documents: write atomically, read back, refuse what is not one."""

import contextlib
import json
import os
import sys
from pathlib import Path

import pytest

from sovaudit.errors import SovauditError
from sovaudit.results import FORMAT_VERSION, ResultsDocument, load_results, make_provenance, write_results


def _doc() -> ResultsDocument:
    return ResultsDocument(
        audit="tokenizers",
        signature="corpus:x@00000000|v:0.1.0",
        settings={"reference": "eng"},
        provenance=make_provenance(),
        rows=[{"tokenizer": "bytes", "language": "eng", "tokens": 10, "premium": 1.0, "nested": {"a": 1}}],
        mof={"class": None},  # audits may add top-level objects
    )


def test_round_trip_keeps_rows_and_extra_fields(tmp_path: Path) -> None:
    path = write_results(_doc(), tmp_path / "out")
    assert path.name == "results.json"
    back = load_results(tmp_path / "out")
    assert back.rows == _doc().rows
    assert back.model_extra == {"mof": {"class": None}}
    assert back.format_version == FORMAT_VERSION
    assert back.provenance.packages["pydantic"]
    csv_text = (tmp_path / "out" / "rows.csv").read_text()
    assert csv_text.splitlines()[0] == "tokenizer,language,tokens,premium"
    assert not list((tmp_path / "out").glob(".*tmp*"))


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("{not json", "not valid JSON"), (json.dumps({"rows": []}), "not a sovaudit results document")],
)
def test_bad_results_files_give_one_line_errors(tmp_path: Path, content: str, fragment: str) -> None:
    p = tmp_path / "results.json"
    p.write_text(content)
    with pytest.raises(SovauditError, match=fragment) as err:
        load_results(p)
    assert "\n" not in str(err.value)


def test_missing_results_file(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match="no results file"):
        load_results(tmp_path)


def test_newer_format_is_refused(tmp_path: Path) -> None:
    doc = _doc()
    doc.format_version = FORMAT_VERSION + 1
    write_results(doc, tmp_path)
    with pytest.raises(SovauditError, match="upgrade sovaudit"):
        load_results(tmp_path)


def test_a_failed_write_leaves_the_earlier_results_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_results(_doc(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / f".results.json.tmp-{os.getpid()}").mkdir()  # results.json cannot be written
    doc = _doc()
    doc.rows = [{"tokenizer": "chars", "language": "eng", "tokens": 9, "premium": 1.0}]
    with pytest.raises(SovauditError, match="cannot write the results to"):
        write_results(doc, out)
    (out / f".results.json.tmp-{os.getpid()}").rmdir()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # rows.csv untouched too


def test_provenance_records_the_cpu_capability(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which SIMD kernels computed the numbers: CPU model and flags, torch's and llama.cpp's kernel levels."""
    torch = pytest.importorskip("torch")
    with contextlib.suppress(ImportError):
        import llama_cpp  # noqa: F401  (loaded, so recorded)
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "avx2")  # recorded as set (torch read it at import)
    cpu = make_provenance().cpu
    assert cpu["machine"] and cpu["model"] and "simd" in cpu
    assert cpu["torch_capability"] == torch.backends.cpu.get_cpu_capability()
    assert cpu["ATEN_CPU_CAPABILITY"] == "avx2"
    if "llama_cpp" in sys.modules:
        assert cpu["llama_cpp"].startswith("CPU :")  # llama_print_system_info(): its kernel levels
    doc = _doc().model_copy(update={"provenance": make_provenance()})
    write_results(doc, tmp_path / "out")
    assert load_results(tmp_path / "out").provenance.cpu == doc.provenance.cpu
    old = json.loads((tmp_path / "out" / "results.json").read_text())
    del old["provenance"]["cpu"]  # documents made before the field read back with none (not this machine's)
    assert ResultsDocument.model_validate(old).provenance.cpu == {}
