"""``sovaudit bundle seal | redact | disclose | check-proof``: sealed bundles with secret items.

- ``seal DIR --key KEY [--format in-toto]``: per-item commitments, salts in ``DIR/private/``, signed roots;
- ``redact BUNDLE --out PUBLIC``: the public copy (``sovaudit verify PUBLIC --key PUB`` checks it);
- ``disclose BUNDLE --item ID --out proof.json``: one item's record, salt and inclusion proof;
- ``check-proof proof.json [--bundle PUBLIC]``: check such a proof (against the bundle's signed root).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SovauditError
from .app import app
from .common import safe_text

bundle_app = typer.Typer(
    help="Sealed bundles: secret items, public copies, disclosures.", no_args_is_help=True
)
app.add_typer(bundle_app, name="bundle")


def _echo(line: str) -> None:
    typer.echo(safe_text(line))


@bundle_app.command("seal")
def seal_cmd(
    folder: Annotated[Path, typer.Argument(help="The run folder (or folder of runs) to seal.")],
    key: Annotated[
        Path | None, typer.Option("--key", help="Private key (sovaudit.key); default: this user's key.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Also write the manifest as 'in-toto' (DSSE envelope).")
    ] = None,
) -> None:
    """Commit to every item of every run, keep the salts private, sign the Merkle roots."""
    import time

    from ..bundle.seal import seal

    start = time.perf_counter()
    path = seal(folder, key, fmt, log=_echo)
    _echo(f"manifest: {path} ({time.perf_counter() - start:.2f} s); keep {folder}/private/ secret")


@bundle_app.command("redact")
def redact_cmd(
    bundle: Annotated[Path, typer.Argument(help="The full sealed bundle.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="New folder for the public copy.")],
) -> None:
    """Write the public copy: no salts, secret items replaced by their commitments, same signed manifest."""
    from ..bundle.seal import redact

    redact(bundle, out, log=_echo)
    _echo(f"public copy: {out} (check it with: sovaudit verify {out} --key PUB)")


@bundle_app.command("disclose")
def disclose_cmd(
    bundle: Annotated[Path, typer.Argument(help="The full sealed bundle.")],
    item: Annotated[str, typer.Option("--item", help="Item id (id:language for a pack item) or #N.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the proof (JSON).")],
    run: Annotated[
        str | None, typer.Option("--run", help="Run folder inside the bundle, when several hold the item.")
    ] = None,
) -> None:
    """Write one item's record, salt, commitment and RFC 9162 inclusion proof."""
    from ..bundle.seal import disclose
    from ..outdir import check_file_target

    check_file_target(out)
    proof = disclose(bundle, item, run)
    out.write_text(json.dumps(proof, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _echo(f"proof: {out} (item {proof['item_id']}, leaf {proof['leaf_index']} of {proof['tree_size']})")


@bundle_app.command("check-proof")
def check_proof_cmd(
    proof: Annotated[Path, typer.Argument(help="A proof written by 'sovaudit bundle disclose'.")],
    bundle: Annotated[
        Path | None, typer.Option("--bundle", help="The (public) bundle whose signed root it must match.")
    ] = None,
) -> None:
    """Check a disclosure proof: record + salt -> commitment -> audit path -> root (-> the bundle's root)."""
    from ..bundle.seal import check_disclosure
    from .verify_cmd import BundleChangedError

    try:
        data = json.loads(proof.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SovauditError(f"cannot read proof {proof} ({exc})", "pass a proof.json") from exc
    problems = check_disclosure(data, bundle) if isinstance(data, dict) else ["not a proof object"]
    for p in problems:
        _echo(f"failed: {p}")
    if problems:
        raise BundleChangedError(f"proof {proof} does not hold", "ask the publisher for the proof again")
    _echo(f"proof holds: item {data['item_id']} is leaf {data['leaf_index']} of {data['tree_size']}")
