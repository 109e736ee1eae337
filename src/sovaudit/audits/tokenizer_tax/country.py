"""The tokenizer of a model named in a country audit: a bundled one, or the model's own tokenizer.json."""

from __future__ import annotations

from pathlib import Path

from ...errors import SovauditError
from ..country import Planned


def resolve_model_tokenizer(p: Planned) -> Planned:
    """``model:SPEC`` -> the model's own tokenizer.json (a GGUF's converted folder, a model folder)."""
    tok = p.spec["tokenizers"][0]
    if not tok.startswith("model:"):
        return p
    spec = tok.split(":", 1)[1]
    candidates: list[Path] = []
    folder = Path(spec).expanduser()
    if folder.is_dir():
        candidates.append(folder)
    else:
        from ...models.hf import converted_dir
        from ...models.loading import asset_gguf, parse_spec

        parsed = parse_spec(spec)
        digest = parsed.digest
        if parsed.asset:
            _, digest = asset_gguf(parsed.asset)
        if digest:
            candidates.append(converted_dir(digest))
    for c in candidates:
        if (c / "tokenizer.json").is_file():
            return Planned(p.audit, p.model, {**p.spec, "tokenizers": (str(c),)}, p.folder)
    raise SovauditError(
        f"no tokenizer.json found for model {spec}",
        f"run sovaudit tokenizers --tokenizer PATH/TO/tokenizer.json --country {p.spec.get('country', 'XX')}",
    )
