"""The command-line contract of ``sovaudit openness`` and its handling of bad input."""

from __future__ import annotations

import json

import pytest
from openness_helpers import ALL_REQUIRED, CLASS_3, MIT_TEXT, make_gguf, mot_yaml

from sovaudit.cli import main
from sovaudit.signature import parse_signature

SOV_DECL = """
sovaudit_declaration: 1
name: Tiny Open
producer: Test Lab
license: Apache-2.0
components:
  - {name: Model architecture, where: "https://example.org/code", license: Apache-2.0}
  - {name: Training code, where: "https://example.org/code", license: MIT}
  - {name: Data preprocessing code, where: "https://example.org/code", license: MIT}
  - {name: Inference code, where: "https://example.org/code", license: MIT}
  - {name: Evaluation code, where: "https://example.org/code", license: MIT}
  - {name: Data card, where: "https://example.org/data", license: CC-BY-4.0}
  - {name: Datasets, where: "https://example.org/data", license: CC-BY-4.0}
training_data:
  - {name: Corpus A, where: "https://example.org/a", license: CC-BY-4.0}
data_information: {where: "https://example.org/data", complete: true}
openness_index:
  package: {class: open, notes: "pip install tiny"}
"""


def read(out):
    return json.loads((out / "results.json").read_text())


def test_declaration_only_contract(tmp_path, write):
    decl = write("decl.yml", mot_yaml({n: "Apache-2.0" for n in CLASS_3}, name="Tiny"))
    out = tmp_path / "out"
    assert main(["openness", "--declaration", str(decl), "--out", str(out)]) == 0
    doc = read(out)
    assert doc["audit"] == "openness"
    assert doc["mof"]["class"] == 3
    assert (doc["mof"]["class_1"], doc["mof"]["class_2"], doc["mof"]["class_3"]) == (0.0, 60.0, 100.0)
    assert doc["osaid"]["verdict"] == "does not meet"
    assert doc["openness_index"]["out_of"] == 14
    assert len(doc["rows"]) == 1 and doc["rows"][0]["mof_class"] == 3
    keys = [k for k, _ in parse_signature(doc["signature"])]
    assert keys == ["decl", "rules", "in", "v"]
    assert (out / "rows.csv").is_file()


def test_class_1_declaration_and_null_class(tmp_path, write):
    good = write("good.yml", mot_yaml({n: "MIT" for n in ALL_REQUIRED}))
    bad = write("bad.yml", mot_yaml({n: "Proprietary" for n in ALL_REQUIRED}))
    for path, klass in ((good, 1), (bad, None)):
        out = tmp_path / path.stem
        assert main(["openness", "-d", str(path), "-o", str(out)]) == 0
        assert read(out)["mof"]["class"] == klass


def test_model_and_sovaudit_declaration_combined(tmp_path, write):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "LICENSE").write_text(MIT_TEXT)
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Tiny\n")
    make_gguf(folder / "tiny.gguf", {"general.name": "Tiny", "general.license": "mit"})
    decl = write("sov.yml", SOV_DECL)
    out = tmp_path / "out"
    assert main(["openness", "--model", str(folder), "--declaration", str(decl), "--out", str(out)]) == 0
    doc = read(out)
    row = doc["rows"][0]
    assert row["license"] == "MIT"  # the files win over the declared Apache-2.0 for the weights
    params = next(c for c in row["mof"]["components"] if c["name"] == "Model parameters (Final)")
    assert "found: weights tiny.gguf" in params["evidence"] and "found: license in " in params["evidence"]
    assert doc["osaid"]["verdict"] == "meets"
    statuses = {f["status"] for f in row["facts"]}
    assert statuses == {"found", "declared"}
    found = [f for f in row["facts"] if f["status"] == "found" and f["subject"] == "license"]
    assert {f["source"] for f in found} == {"LICENSE", "README.md", "tiny.gguf"}
    pkg = next(p for p in doc["openness_index"]["parameters"] if p["key"] == "package")
    assert pkg["class"] == "open" and pkg["basis"] == "declared"
    keys = [k for k, _ in parse_signature(doc["signature"])]
    assert keys == ["model", "decl", "rules", "in", "v"]


def test_several_models_one_row_each(tmp_path):
    a = make_gguf(tmp_path / "a.gguf", {"general.license": "apache-2.0"})
    b = make_gguf(tmp_path / "b.gguf", {"general.license": "gemma"})
    out = tmp_path / "out"
    assert main(["openness", "-m", str(a), "-m", str(b), "-o", str(out)]) == 0
    doc = read(out)
    assert [r["license"] for r in doc["rows"]] == ["Apache-2.0", "LicenseRef-Gemma-Terms-of-Use"]
    assert doc["mof"] == doc["rows"][0]["mof"]  # top level describes the first model
    assert [r["osaid"] for r in doc["rows"]] == ["does not meet", "does not meet"]


def test_folder_without_license_is_closed(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"\0" * 8)
    out = tmp_path / "out"
    assert main(["openness", "-m", str(folder), "-o", str(out)]) == 0
    row = read(out)["rows"][0]
    assert row["license"] == "none" and row["mof_class"] is None
    assert any("closed: no license" in f for f in row["findings"])
    lic = next(p for p in row["openness_index"]["parameters"] if p["key"] == "license")
    assert lic["class"] == "closed"
    weights = next(p for p in row["openness_index"]["parameters"] if p["key"] == "llmweights")
    assert "no license" in weights["reason"] and "None" not in weights["reason"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("release:\n  name: x\n\tcomponents: []\n", "line 3"),
        ("- just\n- a list\n", "no YAML mapping"),
        ("hello: world\n", "not a declaration"),
        ("sovaudit_declaration: 1\nname: x\nwhatever: 1\n", "whatever"),
        ("release:\n  name: x\n  components:\n    - description: no name\n", "has no name"),
        ("release:\n  name: x\n  license: MIT\n  components: []\n", "release.license is not a mapping"),
    ],
)
def test_bad_declarations_are_one_line_errors(tmp_path, write, capsys, text, needle):
    decl = write("bad.yml", text)
    out = tmp_path / "out"
    assert main(["openness", "-d", str(decl), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error:") and needle in err and "\n" not in err
    assert not (out / "results.json").exists()


def test_unknown_component_and_license_are_reported(tmp_path, write):
    text = mot_yaml({"Model architecture": "MIT", "Magic weights": "MIT", "Model card": "Frobnitz 2"})
    out = tmp_path / "out"
    assert main(["openness", "-d", str(write("d.yml", text)), "-o", str(out)]) == 0
    row = read(out)["rows"][0]
    assert any("Magic weights" in f for f in row["findings"])
    card = next(c for c in row["mof"]["components"] if c["name"] == "Model card")
    assert card["status"] == "invalid" and card["license_id"] is None


def test_missing_model_is_an_error(tmp_path, capsys):
    assert main(["openness", "-m", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    assert "no model" in capsys.readouterr().err


@pytest.mark.slow
def test_default_run_audits_both_embedded_models(tmp_path):
    out = tmp_path / "out"
    assert main(["openness", "--out", str(out)]) == 0
    doc = read(out)
    rows = {r["model"]: r for r in doc["rows"]}
    assert set(rows) == {"gemma3-270m", "smollm2-135m"}
    gemma, smol = rows["gemma3-270m"], rows["smollm2-135m"]
    assert gemma["license"] == "LicenseRef-Gemma-Terms-of-Use" and not gemma["license_osi_approved"]
    assert gemma["osaid"] == "does not meet" and gemma["mof_class"] is None
    assert smol["license"] == "Apache-2.0" and smol["license_osi_approved"]
    assert (
        smol["osaid_detail"]["parameters"]["meets"] and not smol["osaid_detail"]["data_information"]["meets"]
    )
    # the GGUF metadata reader on the embedded models
    gguf = {
        f["source"].split("/")[-1]: f["value"]
        for f in gemma["facts"] + smol["facts"]
        if f["field"] == "general.license"
    }
    assert gguf == {
        "gemma-3-270m-q4_k_m.gguf": "LicenseRef-Gemma-Terms-of-Use",
        "SmolLM2-135M-Instruct.Q4_1.gguf": "Apache-2.0",
    }


def test_unknown_license_strings_are_findings_not_guesses(tmp_path, write):
    # a component's and the release's license that nothing identifies: each named in the findings, never open
    text = mot_yaml(
        {"Model architecture": "MIT", "Model parameters (Final)": None, "Model card": "Frobnitz 2"},
        {"distribution": "Acme Open-ish Model License"},
    )
    out = tmp_path / "out"
    assert main(["openness", "-d", str(write("d.yml", text)), "-o", str(out)]) == 0
    row = read(out)["rows"][0]
    unknown = [f for f in row["findings"] if "is unknown" in f]
    assert any("Model card" in f and "Frobnitz 2" in f for f in unknown)
    assert any("Acme Open-ish Model License" in f for f in unknown)
    status = {c["name"]: c["status"] for c in row["mof"]["components"]}
    assert status["Model card"] == status["Model parameters (Final)"] == "invalid"
    assert not row["license_osi_approved"] and row["osaid"] == "does not meet"
