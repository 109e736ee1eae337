"""OSAID 1.0 verdicts and the openness index (14 parameters, total out of 14)."""

from __future__ import annotations

import pytest
import yaml
from openness_helpers import ALL_REQUIRED, CLASS_3, mot_yaml

from sovaudit.audits.openness import index as oi
from sovaudit.audits.openness.declarations import mof_input, parse_declaration
from sovaudit.audits.openness.mof import evaluate
from sovaudit.audits.openness.osaid import osaid_verdict


def verdicts(components, global_licenses=None):
    decl = parse_declaration(mot_yaml(components, global_licenses), "t.yml")
    mof = evaluate(mof_input(decl))
    return mof, osaid_verdict(mof)


def test_osaid_meets_when_all_three_elements_hold():
    _, v = verdicts({n: "Apache-2.0" for n in ALL_REQUIRED})
    assert v["meets"] and v["verdict"] == "meets" and v["reasons"] == []
    assert v["parameters"]["meets"] and v["code"]["meets"] and v["data_information"]["meets"]


def test_osaid_parameters_need_osi_terms():
    comps = {n: "Apache-2.0" for n in ALL_REQUIRED}
    comps["Model parameters (Final)"] = "Gemma Terms of Use"
    _, v = verdicts(comps)
    assert not v["meets"] and v["reasons"] == ["parameters does not meet the definition"]
    assert "not OSI-approved" in v["parameters"]["reasons"][0]


def test_osaid_open_data_license_is_not_osi_for_code():
    comps = {n: "Apache-2.0" for n in ALL_REQUIRED}
    comps["Training code"] = "CC-BY-4.0"  # open to the MOF tool, but not an OSI-approved license
    mof, v = verdicts(comps)
    assert mof.klass == 1
    assert not v["code"]["meets"]
    assert any("Training code: CC-BY-4.0 is not OSI-approved" in r for r in v["code"]["reasons"])


def test_osaid_unknown_license_and_missing_data_information():
    comps = {n: "Apache-2.0" for n in CLASS_3 if n != "Data card"}
    comps["Inference code"] = "Our Own Terms"
    _, v = verdicts(comps)
    assert not v["data_information"]["meets"]
    assert any("unknown" in r for r in v["code"]["reasons"])
    assert set(v["reasons"]) == {
        "data information does not meet the definition",
        "code does not meet the definition",
    }


def test_index_derived_from_mof_totals():
    mof, _ = verdicts({n: "Apache-2.0" for n in ALL_REQUIRED})
    idx = oi.derive(mof, None, "Apache-2.0")
    assert len(idx["parameters"]) == 14 and idx["out_of"] == 14
    # open: opencode, llmdata, llmweights, license = 4
    # partial (documentation available, completeness not judged): code, architecture, preprint, modelcard,
    # datasheet = 5; closed (not shown by MOF): rldata, rlweights, paper, package, api
    assert idx["total"] == 6.5
    assert idx["counts"] == {"open": 4, "partial": 5, "closed": 5}
    unknown = [p["key"] for p in idx["parameters"] if p["basis"] == "unknown"]
    assert unknown == ["rldata", "rlweights", "paper", "package", "api"]


def test_index_partial_for_restrictive_weights():
    mof, _ = verdicts({"Model parameters (Final)": "Llama 2 Community License", "Model card": "MIT"})
    idx = oi.derive(mof, None, "Llama 2 Community License")
    by = {p["key"]: p["class"] for p in idx["parameters"]}
    assert by["llmweights"] == "partial" and by["license"] == "closed" and by["modelcard"] == "partial"
    assert idx["total"] == 1.0


def test_index_documentation_is_not_rated_by_its_license():
    # a model card under a restrictive license is as available as one under CC-BY: both partial when derived
    for lic in ("Gemma Terms of Use", "CC-BY-4.0"):
        mof, _ = verdicts({"Model card": lic, "Technical report": lic})
        by = {p["key"]: p for p in oi.derive(mof)["parameters"]}
        assert by["modelcard"]["class"] == by["preprint"]["class"] == "partial"
        assert "not judged" in by["modelcard"]["reason"]


def test_index_source_code_partial_when_only_some_code_is_open():
    # the index's criteria: "Some source code is open" -> partial
    mof, _ = verdicts({"Inference code": "Apache-2.0", "Model architecture": "Apache-2.0"})
    by = {p["key"]: p for p in oi.derive(mof)["parameters"]}
    assert by["opencode"]["class"] == "partial" and "Inference code" in by["opencode"]["reason"]
    mof2, _ = verdicts({"Inference code": "Llama 2 Community License"})
    assert {p["key"]: p["class"] for p in oi.derive(mof2)["parameters"]}["opencode"] == "closed"


def test_index_from_project_yaml():
    raw = {"project": {"name": "X", "license": "Apache-2.0"}, "org": {"name": "Y"}}
    ratings = [
        "open",
        "partial",
        "closed",
        "open",
        "partial",
        "open",
        "closed",
        "open",
        "open",
        "closed",
        "partial",
        "partial",
        "closed",
        "open",
    ]
    for key, rating in zip(oi.PARAMETERS, ratings, strict=True):
        raw[key] = {"class": rating, "link": None, "notes": f"note {key}"}
    decl = parse_declaration(yaml.safe_dump(raw), "x.yaml")
    idx = oi.from_index_yaml(decl)
    assert idx["total"] == pytest.approx(6 * 1 + 4 * 0.5)
    assert idx["counts"] == {"open": 6, "partial": 4, "closed": 4}
    del raw["api"]
    idx2 = oi.from_index_yaml(parse_declaration(yaml.safe_dump(raw), "x.yaml"))
    api = next(p for p in idx2["parameters"] if p["key"] == "api")
    assert api["class"] == "closed" and api["basis"] == "unknown"


def test_osaid_code_includes_validation_and_testing_code():
    # OSAID 1.0 Code: "... validation and testing ..." -> the MOF's Evaluation code is required
    comps = {n: "Apache-2.0" for n in ALL_REQUIRED if n != "Evaluation code"}
    _, v = verdicts(comps)
    assert not v["code"]["meets"]
    assert "Evaluation code: not released (or not declared)" in v["code"]["reasons"]


def test_osaid_supporting_libraries_count_only_if_used():
    comps = {n: "Apache-2.0" for n in ALL_REQUIRED}
    _, v = verdicts(comps)  # not listed: not judged
    assert v["code"]["meets"] and not any("Supporting" in r for r in v["code"]["reasons"])
    _, v2 = verdicts({**comps, "Supporting libraries and tools": "Acme Tools EULA"})
    assert not v2["code"]["meets"]
    assert any(r.startswith("Supporting libraries and tools:") for r in v2["code"]["reasons"])


@pytest.mark.parametrize("placeholder", ["Component not included", "Component not include."])
def test_component_not_included_is_not_released(placeholder):
    # the tool scores it 'invalid' (class unchanged), but OSAID and the index must not call it released
    comps = {n: "Apache-2.0" for n in ALL_REQUIRED}
    comps["Data card"] = placeholder
    comps["Training code"] = placeholder
    mof, v = verdicts(comps)
    card = next(c for c in mof.components if c.name == "Data card")
    assert card.status == "invalid" and not card.released
    assert mof.klass is None
    assert "Data card: not released (or not declared)" in v["data_information"]["reasons"]
    assert any(r.startswith("Training code: declared as not released") for r in v["code"]["reasons"])
    params = {p["key"]: p for p in oi.derive(mof)["parameters"]}
    assert params["datasheet"]["class"] == "closed"
    assert params["opencode"]["class"] == "partial"  # training code not released, the other code open
    assert params["opencode"]["reason"].startswith("no training code")
