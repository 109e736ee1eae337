"""``sovaudit keys new --out KEYDIR``: an Ed25519 key pair for signing bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app

keys_app = typer.Typer(help="Signing keys for bundles (Ed25519).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def keys_new(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for sovaudit.key and sovaudit.pub.")],
) -> None:
    """Write a new key pair: sovaudit.key (private, mode 0600) and sovaudit.pub; never overwrites."""
    from ..bundle.keys import fingerprint, load_public_key, new_key_pair

    private, public = new_key_pair(out)
    typer.echo(f"private key: {private} (keep it secret)")
    typer.echo(f"public key: {public} (publish it; fingerprint {fingerprint(load_public_key(public))})")
