"""``sovaudit verify BUNDLE [--key PUB] [--inputs DIR] [--recompute N]``: who signed; every file as signed?

Exit status: 0 intact and signed by a trusted key (``--key``, else the keyring of ``sovaudit keys trust``;
never the key the bundle names); 1 changed (a file differs, the signature fails, a link/FIFO/device is in
the bundle, the time limit stopped the check, or a recomputed unit differs); 2 usage error; 3 every file as
signed and the signature valid, but by a key this user does not trust. ``--recompute`` runs only for a
manifest signed by a trusted key (its spec names the models to run) and a bundle of regular files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SovauditError
from .app import app
from .common import safe_text


@app.command("verify")
def verify(
    bundle: Annotated[
        Path, typer.Argument(help="The bundle folder (holding manifest.json).", show_default=False)
    ],
    key: Annotated[
        list[Path] | None,
        typer.Option(
            "--key", help="A trusted public key (sovaudit.pub); repeatable. Default: your keyring (keys list)"
        ),
    ] = None,
    inputs: Annotated[
        Path | None,
        typer.Option(
            "--inputs",
            help="Check the manifest's inputs, looked up by name in this folder ($SOVAUDIT_HOME/x -> DIR/x).",
        ),
    ] = None,
    recompute: Annotated[
        int | None, typer.Option("--recompute", help="Re-run N randomly chosen work units and compare.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed that draws the units to recompute (default: random).")
    ] = None,
    rel_tol: Annotated[
        float, typer.Option("--rel-tol", help="Relative float tolerance on another hardware class.")
    ] = 1e-4,
    rehash: Annotated[
        bool, typer.Option("--rehash", help="Read every input again (ignore the size/mtime hash cache).")
    ] = False,
    skip_inputs: Annotated[
        bool, typer.Option("--skip-inputs", help="Do not check the inputs even with --inputs.")
    ] = False,
    max_seconds: Annotated[
        float, typer.Option("--max-seconds", min=0.001, help="Stop (and fail) after this many seconds.")
    ] = 3600.0,
) -> None:
    """Check who signed a bundle, whether you trust that key, and every file's SHA-256."""
    import time

    from ..bundle import recompute as recompute_units
    from ..bundle import verify_bundle
    from ..bundle.recompute import Tolerance

    start = time.perf_counter()
    report = verify_bundle(
        bundle,
        list(key) if key else None,
        check_inputs=not skip_inputs,
        use_cache=not rehash,
        inputs_dir=inputs,
        max_seconds=max_seconds,
    )
    for line in report.lines():
        typer.echo(safe_text(line))  # file names inside a bundle are foreign strings
    typer.echo(f"verify: {report.verdict} ({time.perf_counter() - start:.2f} s)")
    code = report.exit_code
    if recompute is not None and report.signature != "valid":
        # the spec names models and endpoints to run: only what a trusted key signed is acted on
        typer.echo("recompute: not run (the manifest is not signed by a trusted key)")
    elif recompute is not None and (report.special or report.incomplete):
        typer.echo("recompute: not run (the bundle holds links or special files, or the check stopped)")
    elif recompute is not None:
        rec = recompute_units(bundle, recompute, seed, Tolerance(rel_tol=rel_tol))
        for line in rec.lines():
            typer.echo(safe_text(line))
        code = code if rec.ok else 1
    if code == 1:
        raise BundleChangedError(
            f"bundle {bundle} differs from what its manifest records (see above)",
            "do not rely on its numbers; get the bundle again from its publisher",
        )
    if code == 3:
        raise UntrustedSignerError(
            f"signature valid, but by an untrusted key {report.signer}: pass --key or `keys trust`",
            "check the fingerprint with the publisher before `sovaudit keys trust THEIR.pub`",
        )


class BundleChangedError(SovauditError):
    """A bundle that fails verification: the CLI prints one line and exits 1 (usage errors exit 2)."""

    exit_code = 1


class UntrustedSignerError(SovauditError):
    """Every file as signed, but by a key the user does not trust: exit 3."""

    exit_code = 3
