"""OSI Open Source AI Definition 1.0: data information, code and parameters, each under OSI-approved terms.

A release *meets* the definition when all three hold; each element carries its reasons:

* **parameters** — the final model parameters are under an OSI-approved license;
* **code** — "the complete source code used to train and run the system ... code used for processing and
  filtering data, code used for training ..., validation and testing, supporting libraries like tokenizers
  ..., inference code, and model architecture" (OSAID 1.0, *Code*), under OSI-approved licenses: the MOF
  components Data preprocessing code, Training code, Evaluation code (validation and testing), Inference
  code and Model architecture are each required; Supporting libraries and tools (OSAID: "if used") counts
  only when the release lists it, and then must be under an OSI-approved license too;
* **data information** — the training data is described: a data card and a listing of the data sets (MOF
  Data card + Datasets, or a sovaudit declaration's ``training_data``), and a declaration that does not say
  the description is incomplete. Data itself may be unshareable under OSAID 1.0; its description may not.
"""

from __future__ import annotations

from typing import Any

from .declarations import SovauditDeclaration
from .licenses import identify
from .mof import ComponentVerdict, MofVerdict

CODE_COMPONENTS = (
    "Data preprocessing code",
    "Training code",
    "Evaluation code",
    "Inference code",
    "Model architecture",
)
# OSAID 1.0 lists supporting libraries "if used": judged only when the release lists them.
CODE_IF_USED = ("Supporting libraries and tools",)


def _osi(c: ComponentVerdict | None) -> tuple[bool, str]:
    if c is None or c.status == "missing":
        return False, "not released (or not declared)"
    if not c.released:
        return False, f"declared as not released ('{c.license}')"
    if c.license is None:
        return False, "no license"
    info = identify(c.license)
    if info.osi_approved:
        return True, f"{info.id} (OSI-approved)"
    if info.status == "unknown":
        return False, f"license '{c.license}' is unknown, so not OSI-approved"
    if info.status == "placeholder":
        return False, f"license '{c.license}' names no license"
    return False, f"{info.label} is not OSI-approved"


def osaid_verdict(mof: MofVerdict, decl: SovauditDeclaration | None = None) -> dict[str, Any]:
    """Meets / does not meet OSAID 1.0, with reasons for each of its three elements."""
    comps = {c.name: c for c in mof.components}
    ok_p, why_p = _osi(comps.get("Model parameters (Final)"))
    parameters = {"meets": ok_p, "reasons": [f"Model parameters (Final): {why_p}"]}
    code_reasons, code_ok = [], True
    used = [n for n in CODE_IF_USED if n in comps and comps[n].released]
    for name in (*CODE_COMPONENTS, *used):
        ok, why = _osi(comps.get(name))
        code_ok = code_ok and ok
        code_reasons.append(f"{name}: {why}")
    code = {"meets": code_ok, "reasons": code_reasons}
    data_reasons, data_ok = [], True
    card = comps.get("Data card")
    if card is None or not card.released:
        data_ok = False
        data_reasons.append("Data card: not released (or not declared)")
    else:
        data_reasons.append(f"Data card: released ({card.license or 'no license'})")
    listed = comps.get("Datasets")
    has_list = (listed is not None and listed.released) or bool(decl and decl.training_data)
    if not has_list:
        data_ok = False
        data_reasons.append("Datasets: no listing of the training data")
    else:
        data_reasons.append("Datasets: the training data is listed")
    if decl and decl.data_information is not None:
        if not decl.data_information.complete:
            data_ok = False
            note = f" ({decl.data_information.note})" if decl.data_information.note else ""
            data_reasons.append(f"the declaration says the data description is incomplete{note}")
        elif not has_list or card is None or not card.released:
            pass
        else:
            data_reasons.append("the declaration says the data description is complete")
    data = {"meets": data_ok, "reasons": data_reasons}
    meets = ok_p and code_ok and data_ok
    failing = [
        k
        for k, v in (("data information", data), ("code", code), ("parameters", parameters))
        if not v["meets"]
    ]
    return {
        "definition": "OSI Open Source AI Definition 1.0",
        "meets": meets,
        "verdict": "meets" if meets else "does not meet",
        "data_information": data,
        "code": code,
        "parameters": parameters,
        "reasons": [] if meets else [f"{k} does not meet the definition" for k in failing],
    }
