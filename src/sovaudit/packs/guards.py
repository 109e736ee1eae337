"""Guards of a pack folder: files read only inside it (links resolved), YAML tags named, never run."""

from __future__ import annotations

from pathlib import Path

TAG_RULE = "pack.yaml holds data only; remove the tag (tags such as !!python/... are never run)"
YAML_TAG_PREFIX = "tag:yaml.org,2002:"


def yaml_tag(exc: Exception) -> str:
    """The tag a YAML ConstructorError names, written as in the file (``!!python/object:...``)."""
    problem = str(getattr(exc, "problem", "") or "")
    tag = problem.split("tag '", 1)[-1].rstrip("'") if "tag '" in problem else "?"
    return "!!" + tag[len(YAML_TAG_PREFIX) :] if tag.startswith(YAML_TAG_PREFIX) else tag


def inside_pack(root: Path, name: str) -> Path | None:
    """``root/name`` with every link resolved, if it stays inside ``root`` (resolved); else ``None``."""
    try:
        real = (root / name).resolve()
        real.relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None
    return real
