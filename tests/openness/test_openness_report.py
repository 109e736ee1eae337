"""The openness section of the report: rendered from a results document only, with every string escaped."""

from __future__ import annotations

from openness_helpers import CLASS_3, mot_yaml

from sovaudit import run
from sovaudit.report import render_report
from sovaudit.results import ResultsDocument


def test_openness_section_renders_and_escapes(tmp_path, write):
    text = mot_yaml({n: "Apache-2.0" for n in CLASS_3}, name="<script>alert(1)</script>")
    text = text.replace("name: Model card", "name: Model card\n    component_path: <script>alert(2)</script>")
    doc = run("openness", declarations=[str(write("d.yml", text))])
    html = render_report([ResultsDocument.model_validate_json(doc.model_dump_json())])
    assert "Openness (MOF, OSAID 1.0, openness index)" in html
    assert "<script>alert(" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "class 3 (Class III - Open Model)" in html
    assert "OSAID 1.0:</strong> does not meet" in html
    assert 'id="open1-1-mof"' in html and 'id="open1-1-index"' in html


def test_section_survives_a_partial_document():
    doc = ResultsDocument(audit="openness", signature="decl:x@00000000|v:0.1.0", rows=[{"subject": "x"}])
    html = render_report([doc])
    assert "no class reached" in html


def test_each_model_has_a_plain_verdict_and_each_component_its_evidence(tmp_path, write):
    text = mot_yaml({n: "Apache-2.0" for n in CLASS_3}, name="Tiny")
    doc = run("openness", declarations=[str(write("d.yml", text))])
    comps = doc.rows[0]["mof"]["components"]
    by = {c["name"]: c["evidence"] for c in comps}
    assert by["Model card"] == f"declared, not verified: {tmp_path / 'd.yml'}"
    assert by["Datasets"] == "not found, not declared"
    html = render_report([ResultsDocument.model_validate_json(doc.model_dump_json())])
    assert "Open Source AI under OSAID 1.0: no — data information, code fall short" in html
    assert "Model Openness Framework: class 3 (Class III - Open Model) reached." in html
    assert "European Open Source AI Index:" in html
    assert "<em>invalid</em> = listed, but its license is not open" in html
    assert ">evidence" in html
