"""Items written in the studio's form, checked by the probe-pack validator before they are stored.

A form gives the pack columns (``id``, ``language``, ``topic``, ``type``, ``question``, ``options``,
``correct``, ``accepted``, ``normalise``, ``source``, ``source_url``) and the studio's own fields
(``reference``, ``rubric``, ``tags``, ``country``). Types ``mc``, ``short`` and ``agree`` are checked by
the very function that checks a pack's rows (:func:`sovaudit.packs.load._item`), so the messages are the
pack validator's; type ``open`` (a free answer graded by people) needs an id, a language, a topic and a
question.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import languages
from ..packs.format import ITEM_COLUMNS
from .db import ITEM_TYPES

PACK_FIELDS = ITEM_COLUMNS  # the probe-pack format's columns, one list for both
STUDIO_FIELDS = ("reference", "rubric", "tags", "country")
MAX_LEN = 20_000


def check_item(form: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """``(record, extra, problems)`` from a submitted form; ``problems`` empty when the item is valid."""
    from ..packs.format import PackMeta
    from ..packs.load import Problem, _item

    record = {k: str(form.get(k, "") or "").strip() for k in PACK_FIELDS}
    record["type"] = record["type"].lower()
    extra = {
        k: str(form.get(k, "") or "").strip() for k in STUDIO_FIELDS if str(form.get(k, "") or "").strip()
    }
    problems: list[str] = []
    for k, v in {**record, **extra}.items():
        if len(v) > MAX_LEN:
            problems.append(f"column '{k}': is longer than {MAX_LEN} characters")
    lang = record["language"]
    if lang and not languages.is_known(lang):
        problems.append(f"column 'language': '{lang}' is not a known language code (e.g. sw, en, luy)")
    if record["type"] not in ITEM_TYPES:
        problems.append(
            f"column 'type': '{record['type']}' is not a type; use mc, short, agree or open (free answer)"
        )
    if problems:
        return record, extra, problems
    if record["type"] == "open":
        for col in ("id", "language", "topic", "question"):
            if not record[col]:
                problems.append(f"column '{col}': is empty; every item needs it")
        return record, extra, problems
    meta = PackMeta(
        name="studio",
        version="0",
        authors=["studio"],
        licence="unknown",
        languages=[lang or "en"],
        domain="studio",
        description="studio",
    )
    found: list[Problem] = []
    _item("form", 0, dict(record), meta, found)
    problems += [f"column '{p.column}': {p.message}" if p.column else p.message for p in found]
    return record, extra, problems
