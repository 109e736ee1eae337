"""``sovaudit keys new --out KEYDIR``: an Ed25519 key pair; ``keys trust PUB`` / ``list`` / ``untrust``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import safe_text

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


@keys_app.command("trust")
def keys_trust(
    public: Annotated[Path, typer.Argument(help="The signer's public key file (sovaudit.pub).")],
    label: Annotated[str, typer.Option("--label", help="A name for the key (default: the file name).")] = "",
) -> None:
    """Trust a signer's key: `verify`, `report` and `compare` then accept bundles it signed."""
    from ..bundle.trust import keyring_path, trust

    entry, added = trust(public, label)
    state = "trusted" if added else "already trusted"
    typer.echo(safe_text(f"{state}: key {entry.fingerprint} ({entry.label}) in {keyring_path()}"))


@keys_app.command("list")
def keys_list() -> None:
    """List the keys you trust (your keyring, and your own signing key)."""
    from ..bundle.trust import keyring_path, trusted_keys

    keys = trusted_keys()
    typer.echo(f"keyring: {keyring_path()}")
    for k in keys:
        typer.echo(safe_text(f"{k.fingerprint}  {k.label}" + (f"  (added {k.added})" if k.added else "")))
    if not keys:
        typer.echo("no trusted keys: add one with `sovaudit keys trust PUB`")


@keys_app.command("untrust")
def keys_untrust(
    fingerprint: Annotated[str, typer.Argument(help="The fingerprint shown by `keys list`.")],
) -> None:
    """Remove a key from your keyring."""
    from ..bundle.trust import untrust
    from ..errors import SovauditError

    if not untrust(fingerprint):
        raise SovauditError(f"no key {fingerprint} in the keyring", "see `sovaudit keys list`")
    typer.echo(f"removed: key {fingerprint}")
