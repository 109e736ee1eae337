"""Properties of the document readers: results documents (``results.json`` + ``rows.csv``), bundle
manifests, probe packs (``pack.yaml`` + item files), openness declarations (MOT YAML) and the shipped
asset catalogue.

Round trip: a random results document written by ``write_results`` loads back equal, and its rows.csv
holds the rows' values; the catalogue's entries survive dump/validate. Robustness: damaged files either
read or raise a one-line :class:`SovauditError` naming the file (``check_pack`` reports problems instead
of raising; ``verify_bundle`` reports a damaged manifest instead of raising).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from props_helpers import PROFILE, mutated, reads_or_refuses, texts

from sovaudit.assets.catalogue import Asset, catalogue
from sovaudit.audits.openness.declarations import load_declaration, mof_input
from sovaudit.audits.openness.mof import evaluate
from sovaudit.audits.openness.rules import builtin_declaration_text
from sovaudit.bundle.manifest import read_manifest, verify_bundle, write_manifest
from sovaudit.csvsafe import FORMULA_START
from sovaudit.errors import SovauditError
from sovaudit.packs import check_pack, load_pack, new_pack
from sovaudit.results import ResultsDocument, load_results, write_results

cell = texts(max_size=8)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    texts(max_size=6, long=False),
)


@st.composite
def documents(draw: st.DrawFn) -> ResultsDocument:
    columns = draw(
        st.lists(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), min_size=1, max_size=4, unique=True)
    )
    rows = [{c: draw(scalar) for c in columns} for _ in range(draw(st.integers(0, 4)))]
    return ResultsDocument(
        audit=draw(st.from_regex(r"[a-z]{1,10}", fullmatch=True)),
        signature=draw(texts(max_size=3, long=False)),
        settings={"x": draw(scalar)},
        rows=rows,
        row_columns=columns,
        summary={"s": draw(cell)},
        items=[{"t": draw(cell)}],
        notes=draw(st.lists(cell, max_size=2)),
    )


@settings(PROFILE, max_examples=30)
@given(documents())
def test_results_round_trip(tmp_path_factory: pytest.TempPathFactory, doc: ResultsDocument) -> None:
    out = tmp_path_factory.mktemp("res")
    path = write_results(doc, out)
    back = load_results(path)
    assert back.model_dump() == doc.model_dump()
    if not doc.rows:  # no rows, no table (by design: an older table would not match)
        assert not (out / "rows.csv").exists()
        return
    got = list(csv.DictReader(io.StringIO((out / "rows.csv").read_text(encoding="utf-8"), newline="")))
    assert len(got) == len(doc.rows)
    for g, r in zip(got, doc.rows, strict=True):  # floats are written with repr(): exact
        for k, v in r.items():
            if isinstance(v, float):
                assert float(g[k]) == v
            elif isinstance(v, str):  # a formula-like cell gets one leading quote (OWASP), nothing else
                assert g[k] == ("'" + v if v.startswith(FORMULA_START) else v)


@settings(PROFILE, max_examples=30)
@given(documents(), st.data())
def test_results_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, doc: ResultsDocument, data: st.DataObject
) -> None:
    path = write_results(doc, tmp_path_factory.mktemp("res"))
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: load_results(path), path)


@settings(PROFILE, max_examples=30)
@given(st.sampled_from(["format_version", "rows", "provenance", "items", "audit", "settings"]), st.data())
def test_results_wrong_types_refused(
    tmp_path_factory: pytest.TempPathFactory, field: str, data: st.DataObject
) -> None:
    path = write_results(ResultsDocument(audit="a", signature="s"), tmp_path_factory.mktemp("res"))
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw[field] = data.draw(
        st.one_of(
            scalar, st.lists(scalar, max_size=2), st.dictionaries(st.text(max_size=3), scalar, max_size=2)
        )
    )
    path.write_text(json.dumps(raw), encoding="utf-8")
    reads_or_refuses(lambda: load_results(path), path)


# -- bundle manifest ---------------------------------------------------------------------------------


@settings(PROFILE, max_examples=30)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z]{1,6}\.txt", fullmatch=True), st.binary(max_size=50), min_size=1, max_size=3
    ),
    st.data(),
)
def test_manifest_round_trip_and_damage(
    tmp_path_factory: pytest.TempPathFactory, files: dict[str, bytes], data: st.DataObject
) -> None:
    bundle = tmp_path_factory.mktemp("bundle")
    for name, content in files.items():
        (bundle / name).write_bytes(content)
    write_manifest(bundle, use_cache=False)
    raw, manifest = read_manifest(bundle)
    assert manifest is not None and set(files) <= set(manifest["files"])
    assert verify_bundle(bundle, check_inputs=False, use_cache=False).ok
    (bundle / "manifest.json").write_bytes(data.draw(mutated(raw)))
    report = reads_or_refuses(lambda: verify_bundle(bundle, check_inputs=False, use_cache=False), bundle)
    assert not isinstance(report, SovauditError), report  # a damaged manifest is reported, never raised


# -- probe packs ---------------------------------------------------------------------------------------


@settings(PROFILE, max_examples=40)
@given(st.sampled_from(["pack.yaml", "items.csv"]), st.data())
def test_pack_damaged_reports_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, victim: str, data: st.DataObject
) -> None:
    root = new_pack(tmp_path_factory.mktemp("pack") / "p", "p", ["en", "sw"])
    assert load_pack(root).items  # the starter pack is valid
    path = root / victim
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    pack, problems = check_pack(root)  # never raises: every problem is listed
    assert (pack is None) == bool(problems)
    assert all("\n" not in str(p) for p in problems)
    reads_or_refuses(lambda: load_pack(root), root)


# -- openness declarations ----------------------------------------------------------------------------


@settings(PROFILE, max_examples=40)
@given(st.sampled_from(["gemma3-270m", "smollm2-135m"]), st.data())
def test_declaration_damaged_reads_or_refuses(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: st.DataObject
) -> None:
    text = builtin_declaration_text(name)
    assert text is not None
    path = tmp_path_factory.mktemp("decl") / f"{name}.yaml"
    path.write_bytes(data.draw(mutated(text.encode("utf-8"))))

    def read() -> Any:
        decl = load_declaration(path)
        return evaluate(mof_input(decl))  # interpreting the fields must not crash either

    reads_or_refuses(read, path)


# -- the shipped asset catalogue ---------------------------------------------------------------------


def test_catalogue_entries_round_trip() -> None:
    for name, asset in catalogue().items():
        again = Asset.model_validate(json.loads(json.dumps(asset.model_dump(mode="json"))))
        assert again == asset and again.name == name


@settings(PROFILE, max_examples=30)
@given(documents())
def test_results_format_1_migrates_to_the_same_document(
    tmp_path_factory: pytest.TempPathFactory, doc: ResultsDocument
) -> None:
    """A version-1 document (no audit_version or row_columns; items an undeclared extra) reads as the
    current document with the same content."""
    raw = json.loads(doc.model_dump_json())
    raw["format_version"] = 1
    for gone in ("audit_version", "row_columns"):
        raw.pop(gone)
    path = tmp_path_factory.mktemp("res") / "results.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    back = load_results(path)
    want = doc.model_copy(update={"audit_version": "", "row_columns": []})
    assert back.model_dump() == want.model_dump()


# -- openness evidence from a model folder (model card front matter, config.json) ------------------


CARD = "---\nlicense: apache-2.0\ndatasets:\n- HuggingFaceFW/fineweb\n---\n# Model\n"
CONFIG = '{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}'


@settings(PROFILE, max_examples=40)
@given(st.sampled_from(["README.md", "config.json"]), st.data())
@example(victim="config.json", data=None)  # config.json holding a list, not an object (fixed)
def test_evidence_from_damaged_model_folder(
    tmp_path_factory: pytest.TempPathFactory, victim: str, data: st.DataObject | None
) -> None:
    from sovaudit.audits.openness.evidence import gather

    root = tmp_path_factory.mktemp("model")
    (root / "README.md").write_text(CARD, encoding="utf-8")
    (root / "config.json").write_text(CONFIG, encoding="utf-8")
    path = root / victim
    if data is None:
        path.write_text('[{"architectures": [1, 2]}]', encoding="utf-8")
    else:
        path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: gather(root), root)


# -- Röttger et al.'s prompt templates (templates/prompt_templates.csv) ----------------------------------


@settings(PROFILE, max_examples=40)
@given(
    st.lists(st.tuples(st.from_regex(r"t[0-9]{1,3}", fullmatch=True), cell), min_size=1, max_size=5),
    st.data(),
)
def test_rottger_templates_round_trip_and_damage(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]], data: st.DataObject
) -> None:
    from sovaudit.audits.politics.prompts import _rows

    path = tmp_path_factory.mktemp("rottger") / "prompt_templates.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["templ_id", "templ_prompt"])
        w.writerows(rows)
    assert [(r["templ_id"], r["templ_prompt"]) for r in _rows(path)] == rows
    path.write_bytes(data.draw(mutated(path.read_bytes())))
    reads_or_refuses(lambda: _rows(path), path)


@settings(PROFILE, max_examples=40)
@given(
    st.lists(texts(max_size=10, strip_nonempty=True), min_size=3, max_size=3),
    st.sampled_from(["csv", "jsonl"]),
)
@example(questions=["a\u2028b", "c", "d"], fmt="jsonl")  # U+2028 split a JSONL line (fixed)
def test_pack_items_round_trip(
    tmp_path_factory: pytest.TempPathFactory, questions: list[str], fmt: str
) -> None:
    """The starter pack's items with random question texts, written as CSV (quoted as spreadsheets do) or
    JSONL, load with exactly those questions (stripped, as documented)."""
    root = new_pack(tmp_path_factory.mktemp("pack") / "p", "p", ["en"])
    rows = list(csv.DictReader(io.StringIO((root / "items.csv").read_text(encoding="utf-8"))))
    for row, q in zip(rows, questions, strict=True):
        row["question"] = q
    (root / "items.csv").unlink()
    if fmt == "csv":
        with open(root / "items.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    else:
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (root / "items.jsonl").write_text(body, encoding="utf-8")
        meta = (root / "pack.yaml").read_text(encoding="utf-8").replace("- items.csv", "- items.jsonl")
        (root / "pack.yaml").write_text(meta, encoding="utf-8")
    pack = load_pack(root)
    assert [it.question for it in pack.items] == [q.strip() for q in questions]
