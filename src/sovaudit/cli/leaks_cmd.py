"""``sovaudit corpus PATH... --leaks PACK --out OUT``: has a pack leaked into a corpus?

Prints item ids, files and line numbers, never item text (a secret pack stays secret in the output), and
writes ``OUT/leaks.json``. Exit status 1 when a canary or an overlap is found, 0 when none.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .common import safe_text


def search_leaks(paths: list[str], packs: list[Path], out: Path, text_field: str = "text") -> None:
    """Search ``paths`` for each pack's canary and 13-gram overlaps; write ``out/leaks.json``."""
    from ..errors import SovauditError
    from ..packs.leaks import find_leaks
    from ..packs.load import load_pack
    from ..results import write_files_atomic

    reports = [find_leaks(load_pack(p), paths, text_field) for p in packs]
    for rep in reports:
        for line in rep.lines():
            typer.echo(safe_text(line))
    try:
        out.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"leaks": [r.to_dict() for r in reports]}, indent=1, ensure_ascii=False) + "\n"
        write_files_atomic({out / "leaks.json": text})
    except OSError as exc:
        raise SovauditError(
            f"cannot write {out / 'leaks.json'}: {exc.strerror or exc}", "pass a writable --out"
        ) from exc
    typer.echo(f"wrote {out / 'leaks.json'}")
    if any(r.items or r.canary_hits for r in reports):
        raise typer.Exit(1)
