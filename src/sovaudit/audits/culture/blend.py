"""Read BLEnD (Myung et al., NeurIPS 2024 Datasets; CC BY-SA 4.0) from its published ``data/`` folder.

Layout (github nlee0212/BLEnD ``data/``)::

    annotations/<Country>_data.json     {id: {question, en_question, idks: {idk, no-answer, not-applicable},
                                              annotations: [{answers, en_answers, count}]}}
    questions/<Country>_questions.csv   ,ID,Topic,Source,Question,Translation  (Question: local language,
                                        Translation: English, as released)
    prompts/<Country>_prompts.csv       id,English,Translation   (templates with {q}; inst-4 and pers-3 are
                                        the two the authors' ``model_inference.sh`` runs)

Countries, their codes and languages are the authors' tables: ``COUNTRY_ISO`` in
``evaluation/evaluation_utils.py`` and ``COUNTRY_LANG`` / ``LANG_CODE`` in ``utils.py`` /
``evaluation_utils.py`` (AS = Assam and JB = West Java are the authors' codes for regions; ``IN-AS`` and
``ID-JB`` are accepted too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...corpora.readers import csv_records
from ...errors import SovauditError

# authors' code -> (file stem, language name as the authors spell it, BCP-47 code from LANG_CODE)
COUNTRIES: dict[str, tuple[str, str, str]] = {
    "GB": ("UK", "English", "en"),
    "US": ("US", "English", "en"),
    "KR": ("South_Korea", "Korean", "ko"),
    "DZ": ("Algeria", "Arabic", "ar"),
    "CN": ("China", "Chinese", "zh"),
    "ID": ("Indonesia", "Indonesian", "id"),
    "ES": ("Spain", "Spanish", "es"),
    "IR": ("Iran", "Persian", "fa"),
    "MX": ("Mexico", "Spanish", "es"),
    "AS": ("Assam", "Assamese", "as"),
    "GR": ("Greece", "Greek", "el"),
    "ET": ("Ethiopia", "Amharic", "am"),
    "NG": ("Northern_Nigeria", "Hausa", "ha"),
    "AZ": ("Azerbaijan", "Azerbaijani", "az"),
    "KP": ("North_Korea", "Korean", "ko"),
    "JB": ("West_Java", "Sundanese", "su"),
}
ALIASES = {"UK": "GB", "IN-AS": "AS", "ID-JB": "JB"}
LANGUAGE_NAMES = {code: name for _, name, code in COUNTRIES.values()}
DEFAULT_PROMPT = "inst-4"


def country_code(value: str) -> str:
    """The authors' code for ``value`` (a code, an alias, or the file stem such as ``South_Korea``)."""
    v = value.strip()
    up = v.upper()
    if up in COUNTRIES:
        return up
    if up in ALIASES:
        return ALIASES[up]
    for code, (stem, _, _) in COUNTRIES.items():
        if v.replace(" ", "_").lower() == stem.lower():
            return code
    raise SovauditError(
        f"BLEnD has no country or region '{value}'",
        f"use one of {', '.join(sorted(COUNTRIES))} (AS = Assam, JB = West Java)",
    )


@dataclass(frozen=True)
class BlendQuestion:
    """One BLEnD short-answer question of one country, with its human answers (most voted first)."""

    id: str
    country: str
    topic: str
    question: str  # local language
    en_question: str
    annotations: tuple[dict[str, Any], ...] = ()
    idks: dict[str, int] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON."""
        return {
            "id": self.id,
            "country": self.country,
            "topic": self.topic,
            "question": self.question,
            "en_question": self.en_question,
            "annotations": list(self.annotations),
            "idks": dict(self.idks),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BlendQuestion:
        """Inverse of :meth:`to_dict`."""
        return cls(
            d["id"],
            d["country"],
            d["topic"],
            d["question"],
            d["en_question"],
            tuple(d["annotations"]),
            dict(d["idks"]),
        )


def _need(path: Path, what: str) -> Path:
    if not path.is_file():
        raise SovauditError(
            f"the BLEnD folder lacks {path.parent.name}/{path.name} ({what})",
            "point --data at BLEnD's data/ folder, or reinstall: sovaudit assets install --force blend",
        )
    return path


def _csv(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # not read_text: a "\r" inside a quoted cell stays
    except UnicodeDecodeError as exc:
        raise SovauditError(
            f"{path} is not UTF-8 text (byte {exc.start})", "use BLEnD's files as released"
        ) from exc
    return csv_records(text, path, "use BLEnD's files as released")


def read_prompts(root: Path, code: str) -> dict[str, tuple[str, str]]:
    """Prompt id -> (English template, local-language template) of a country."""
    stem = COUNTRIES[code][0]
    rows = _csv(_need(root / "prompts" / f"{stem}_prompts.csv", "prompt templates"))
    out = {}
    for r in rows:
        if r.get("id"):
            eng = r.get("English") or ""
            out[r["id"]] = (eng, r.get("Translation") or eng)
    return out


def read_questions(root: Path, code: str) -> list[BlendQuestion]:
    """The questions of a country that have an annotation entry, in the questions file's order."""
    stem = COUNTRIES[code][0]
    ann_path = _need(root / "annotations" / f"{stem}_data.json", "human answers")
    try:
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SovauditError(f"{ann_path} is not valid JSON: {exc}", "use BLEnD's files as released") from exc
    if not isinstance(ann, dict):
        raise SovauditError(f"{ann_path} is not a JSON object of questions", "use BLEnD's files as released")
    rows = _csv(_need(root / "questions" / f"{stem}_questions.csv", "questions"))
    out = []
    for r in rows:
        qid = (r.get("ID") or "").strip()
        if not qid or qid not in ann:
            continue
        entry = ann[qid]
        idks = entry.get("idks") if isinstance(entry, dict) else None
        try:
            if not isinstance(entry, dict) or not isinstance(idks or {}, dict):
                raise TypeError("an entry or its idks is not an object")
            idk_counts = {str(k): int(v) for k, v in (idks or {}).items()}
        except (TypeError, ValueError, OverflowError) as exc:
            raise SovauditError(
                f"{ann_path}: question {qid} is malformed ({exc})", "use BLEnD's files as released"
            ) from exc
        out.append(
            BlendQuestion(
                id=qid,
                country=code,
                topic=r.get("Topic") or "",
                question=entry.get("question") or r.get("Question") or "",
                en_question=entry.get("en_question") or r.get("Translation") or "",
                annotations=tuple(entry.get("annotations") or ()),
                idks=idk_counts,
            )
        )
    if not out:
        raise SovauditError(
            f"no BLEnD question of {stem} has human answers in {ann_path.name}", "check the folder"
        )
    return out


def make_prompt(template: str, question: str) -> str:
    """``model_inference.py::make_prompt``: the template with ``{q}`` replaced by the question."""
    return template.replace("{q}", question)


def replace_country_name(question: str, country_stem: str) -> str:
    """``utils.py::replace_country_name``: English questions name the country instead of 'your country'."""
    return question.replace("your country", country_stem.replace("_", " "))
