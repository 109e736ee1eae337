"""Build a reproducible ``bundled`` archive for the asset catalogue from a folder of upstream files.

    python tools/make_bundled.py bbq-5a8a3c8 /work/shared/data/bbq 'data/*.jsonl' LICENSE --prefix bbq

writes ``src/sovaudit/assets/bundled/<name>.tar.xz`` (members sorted, mtime 0, owner 0, xz -9) holding the
chosen files under ``<prefix>/`` and a ``<prefix>/SOURCE.md`` with the SHA-256 of every original file, and
prints the catalogue ``sources`` entry (archive, sha256, size). The same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import lzma
import tarfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "sovaudit" / "assets" / "bundled"


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.uid, info.gid, info.mode = size, 0, 0, 0, 0o644
    info.uname = info.gname = ""
    return info


def build(name: str, src: Path, patterns: list[str], prefix: str, note: str = "") -> Path:
    """Write the archive and return its path."""
    files = sorted({p for pat in patterns for p in src.glob(pat) if p.is_file()})
    if not files:
        raise SystemExit(f"no files match {patterns} under {src}")
    lines = [f"# {prefix}: files shipped with sovaudit", "", note, ""]
    lines += ["| file | bytes | sha256 |", "|---|---|---|"]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for p in files:
            data = p.read_bytes()
            rel = p.relative_to(src).as_posix()
            lines.append(f"| {rel} | {len(data)} | {hashlib.sha256(data).hexdigest()} |")
            tar.addfile(_info(f"{prefix}/{rel}", len(data)), io.BytesIO(data))
        source = ("\n".join(lines) + "\n").encode()
        tar.addfile(_info(f"{prefix}/SOURCE.md", len(source)), io.BytesIO(source))
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"{name}.tar.xz"
    out.write_bytes(lzma.compress(buf.getvalue(), preset=9 | lzma.PRESET_EXTREME))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("src", type=Path)
    ap.add_argument("patterns", nargs="+")
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--note", default="")
    a = ap.parse_args()
    out = build(a.name, a.src, a.patterns, a.prefix, a.note)
    data = out.read_bytes()
    print(
        f"      - registry: bundled\n        archive: {out.name}\n"
        f"        sha256: {hashlib.sha256(data).hexdigest()}\n        size: {len(data)}"
    )


if __name__ == "__main__":
    main()
