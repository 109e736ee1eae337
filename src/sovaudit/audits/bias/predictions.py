"""``--predictions PRED.jsonl``: answers produced elsewhere (an API model, a human baseline), scored here.

One JSON object per line: ``category`` (the data file's category, e.g. ``Age``), ``example_id`` and
``prediction`` (the chosen answer's index, 0-2). Every problem is one error naming file, line and fix,
raised before any work: a line that is not JSON, a missing key, an index outside 0-2, a category the data
does not have, an unknown ``example_id``, and a second prediction for the same item (never averaged).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...errors import SovauditError
from .bbq import read_jsonl_objects
from .items import Item


def item_key(item: Item) -> tuple[str, str]:
    """(category as the data file names it, example_id): BBQ's name-proxy items keep their file category."""
    return str(item.meta.get("file_category", item.category)), item.example_id


def read_predictions(path: Path, items: list[Item]) -> dict[tuple[str, str], int]:
    """``(category, example_id) -> answer index`` for the items of one benchmark."""
    if not path.is_file():
        raise SovauditError(f"--predictions {path}: no such file", "pass a JSONL file of predictions")
    by_key = {item_key(it): it for it in items}
    categories = sorted({k[0] for k in by_key})
    out: dict[tuple[str, str], int] = {}
    fix = 'write one object per line: {"category": ..., "example_id": ..., "prediction": 0}'
    for where, d in read_jsonl_objects(path, fix):
        if any(k not in d for k in ("category", "example_id", "prediction")):
            raise SovauditError(
                f"{where}: needs the keys category, example_id and prediction",
                'write {"category": "Age", "example_id": 0, "prediction": 2}',
            )
        pred = d["prediction"]
        if isinstance(pred, bool) or not isinstance(pred, int) or not 0 <= pred <= 2:
            raise SovauditError(
                f"{where}: prediction {pred!r} is not an answer index 0, 1 or 2",
                "give the chosen answer's index (ans0 -> 0, ans1 -> 1, ans2 -> 2)",
            )
        key = (str(d["category"]), str(d["example_id"]))
        if key[0] not in categories:
            raise SovauditError(
                f"{where}: category {key[0]!r} is not in the data",
                f"use one of: {', '.join(categories)} (or add its file with --data)",
            )
        if key not in by_key:
            raise SovauditError(
                f"{where}: example_id {key[1]!r} is not in category {key[0]!r}",
                "use the example_id of the data file",
            )
        if pred >= len(by_key[key].answers):
            raise SovauditError(
                f"{where}: prediction {pred} but the item has {len(by_key[key].answers)} answers",
                "give an index of one of its answers",
            )
        if key in out:
            raise SovauditError(
                f"{where}: a second prediction for {key[0]} example {key[1]}",
                "keep one prediction per item (duplicates are never averaged)",
            )
        out[key] = pred
    if not out:
        raise SovauditError(f"--predictions {path}: no predictions", "write one JSON object per line")
    return out


def file_digest(path: Path) -> str:
    """SHA-256 of the predictions file (part of the signature)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
