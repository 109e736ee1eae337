"""``sovaudit verify BUNDLE [--key PUB] [--recompute N]``: signature, hashes, and re-run work units.

Exit status: 0 intact (and, with ``--recompute``, the same numbers), 1 changed, 2 usage error.
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
        Path | None, typer.Option("--key", help="The signer's public key (sovaudit.pub) to check against.")
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
        bool, typer.Option("--skip-inputs", help="Check only the bundle's own files, not the inputs.")
    ] = False,
) -> None:
    """Check a bundle's signature and every file's SHA-256; name each file changed, removed or added."""
    import time

    from ..bundle import recompute as recompute_units
    from ..bundle import verify_bundle
    from ..bundle.recompute import Tolerance

    start = time.perf_counter()
    report = verify_bundle(bundle, key, check_inputs=not skip_inputs, use_cache=not rehash)
    for line in report.lines():
        typer.echo(safe_text(line))  # file names inside a bundle are foreign strings
    ok = report.ok
    typer.echo(f"verify: {'intact' if ok else 'CHANGED'} ({time.perf_counter() - start:.2f} s)")
    if recompute is not None:
        rec = recompute_units(bundle, recompute, seed, Tolerance(rel_tol=rel_tol))
        for line in rec.lines():
            typer.echo(safe_text(line))
        ok = ok and rec.ok
    if not ok:
        raise BundleChangedError(
            f"bundle {bundle} differs from what its manifest records (see above)",
            "do not rely on its numbers; get the bundle again from its publisher",
        )


class BundleChangedError(SovauditError):
    """A bundle that fails verification: the CLI prints one line and exits 1 (usage errors exit 2)."""

    exit_code = 1
