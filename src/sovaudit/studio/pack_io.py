"""Import a probe pack into the studio and export the studio's items as a probe pack, file for file.

``import_pack`` checks the pack with the probe-pack validator (:func:`sovaudit.packs.check_pack`) and
stores ``pack.yaml`` as written and each item row as read (its columns in their order, its cells as text,
or a JSONL line's values); ``export_pack`` writes them back the same way, so import then export gives
identical files. Items only the studio knows (type ``open``, reference answers, rubrics, tags) go to
``studio-items.jsonl``, a file ``pack.yaml`` does not list: ``sovaudit pack run`` ignores it and
``import_pack`` reads it back.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..errors import SovauditError
from .db import Store

STUDIO_FILE = "studio-items.jsonl"


def _layout(text: str) -> dict[str, Any]:
    return {"newline": "\r\n" if "\r\n" in text else "\n", "final": text.endswith(("\n", "\r"))}


def import_pack(store: Store, folder: str | Path, author_id: int | None = None) -> int:
    """Store the valid pack in ``folder``; returns how many item rows were imported."""
    import yaml

    from ..packs import check_pack
    from ..packs.load import PACK_FILE, _rows

    pack, problems = check_pack(folder)
    if pack is None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SovauditError(
            f"pack {folder} is not valid: {problems[0]}{more}",
            f"run `sovaudit pack validate {folder}` to list every problem",
        )
    if store.items():
        raise SovauditError(
            f"the studio in {store.data} has items already", "import into a new --data folder"
        )
    root = Path(folder)
    store.set_setting("pack.yaml", (root / PACK_FILE).read_bytes().decode("utf-8"))
    files: dict[str, Any] = {}
    n = 0
    for name in pack.meta.items:
        path = root / name
        text = path.read_bytes().decode("utf-8")
        header: list[str] = []
        if path.suffix.lower() == ".csv":
            header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))), [])
        files[name] = {**_layout(text), "header": header, "bom": text.startswith("\ufeff")}
        for _, rec in _rows(path, []):
            rec = {k: ("" if v is None else v) for k, v in rec.items()}
            store.save_item(rec, {"file": name}, author_id)
            n += 1
    extra_path = root / STUDIO_FILE
    if extra_path.is_file():
        text = extra_path.read_text(encoding="utf-8")
        files[STUDIO_FILE] = {**_layout(text), "header": [], "bom": False}
        pks = {(it["record"]["id"], it["record"]["language"]): it for it in store.items()}
        for line in text.splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if "record" in obj:  # an item only the studio knows
                store.save_item(obj["record"], {**obj.get("extra", {}), "file": STUDIO_FILE}, author_id)
                n += 1
            else:  # the studio's fields of a pack item
                it = pks[(obj["id"], obj["language"])]
                store.save_item(
                    it["record"], {**it["extra"], **obj["extra"], "annotated": True}, None, it["pk"]
                )
    store.set_setting("pack.files", json.dumps(files))
    yaml.safe_load(store.get_setting("pack.yaml"))  # stored text is the YAML as written
    return n


def _csv_text(header: list[str], records: list[dict[str, Any]], newline: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header)
    for rec in records:
        writer.writerow([rec.get(h, "") for h in header])
    return buf.getvalue()


def _studio_line(it: dict[str, Any]) -> dict[str, Any]:
    extra = {k: v for k, v in it["extra"].items() if k not in ("file", "annotated")}
    if it.get("annotation"):
        return {"id": it["record"]["id"], "language": it["record"]["language"], "extra": extra}
    return {"record": it["record"], "extra": extra}


def export_pack(store: Store, out: str | Path, meta_yaml: str | None = None) -> Path:
    """Write the studio's items as a pack folder ``out`` (refuses a non-empty folder)."""
    from ..packs.format import ITEM_COLUMNS
    from ..packs.load import PACK_FILE

    root = Path(out)
    if root.exists() and any(root.iterdir()):
        raise SovauditError(f"{root} exists and is not empty", "choose a new folder")
    text = meta_yaml or store.get_setting("pack.yaml")
    if not text:
        raise SovauditError(
            "the studio has no pack.yaml (no pack was imported)",
            "import a pack first (`sovaudit studio import-pack`), or start one with `sovaudit pack new`",
        )
    files: dict[str, Any] = json.loads(store.get_setting("pack.files", "{}"))
    by_file: dict[str, list[dict[str, Any]]] = {STUDIO_FILE: []}
    for it in store.items():
        name = it["extra"].get("file") or "items.csv"
        if it["record"]["type"] == "open":
            name = STUDIO_FILE
        elif any(k not in ("file", "annotated") for k in it["extra"]):
            by_file[STUDIO_FILE].append({**it, "annotation": True})
        by_file.setdefault(name, []).append(it)
    if not by_file[STUDIO_FILE]:
        del by_file[STUDIO_FILE]
    root.mkdir(parents=True, exist_ok=True)
    (root / PACK_FILE).write_bytes(text.encode("utf-8"))
    for name, items in by_file.items():
        lay = files.get(name, {"newline": "\n", "final": True, "header": list(ITEM_COLUMNS), "bom": False})
        nl = lay["newline"]
        if name == STUDIO_FILE:
            body = nl.join(json.dumps(_studio_line(it), ensure_ascii=False) for it in items)
            body += nl if lay["final"] else ""
        elif name.lower().endswith(".jsonl"):
            body = nl.join(json.dumps(it["record"], ensure_ascii=False) for it in items)
            body += nl if lay["final"] else ""
        else:
            body = _csv_text(lay["header"] or list(ITEM_COLUMNS), [it["record"] for it in items], nl)
            if not lay["final"]:
                body = body[: -len(nl)]
        if lay.get("bom"):
            body = "\ufeff" + body
        (root / name).write_bytes(body.encode("utf-8"))
    return root
