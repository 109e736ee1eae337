"""``sovaudit pack new | validate | run | list``: probe packs written by local experts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    AddressOpt,
    BootstrapOpt,
    ExecutorOpt,
    MaxLengthOpt,
    ModelOpt,
    ModelOptionOpt,
    NoCacheOpt,
    SeedOpt,
    TrustOpt,
    WorkersOpt,
    model_ref,
    run_and_report,
    safe_text,
)

pack_app = typer.Typer(help="Probe packs: your own questions, in your languages.", no_args_is_help=True)
app.add_typer(pack_app, name="pack")


@pack_app.command("new")
def new(
    folder: Annotated[Path, typer.Argument(help="Folder to create for the pack.")],
    name: Annotated[
        str | None, typer.Option("--name", help="Pack name (default: the folder's name).")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", "-l", help="Language code (repeatable; default en).")
    ] = None,
    country: Annotated[list[str] | None, typer.Option("--country", help="Country code (repeatable).")] = None,
) -> None:
    """Write a starter pack (pack.yaml and items.csv with one example item of each type)."""
    from ..packs import new_pack

    root = new_pack(folder, name or folder.name, language or ["en"], country or [])
    typer.echo(f"pack created: {root} (edit pack.yaml and items.csv, then: sovaudit pack validate {root})")


@pack_app.command("validate")
def validate(folder: Annotated[Path, typer.Argument(help="The pack's folder.")]) -> None:
    """Check a pack: every problem by file, row and column; exit 0 when valid, 2 otherwise."""
    from ..errors import SovauditError
    from ..packs import check_pack

    pack, problems = check_pack(folder)
    if pack is None:
        for p in problems:
            typer.echo(f"- {safe_text(p)}", err=True)  # problems quote the pack's own cells
        raise SovauditError(
            f"pack {folder} has {len(problems)} problem{'s' if len(problems) != 1 else ''} (listed above)",
            "fix them and validate again",
        )
    langs = ", ".join(pack.meta.languages)
    ids = len({it.id for it in pack.items})
    typer.echo(
        safe_text(
            f"pack {pack.meta.name} {pack.meta.version} is valid: {ids} items in {langs}"
            f" ({len(pack.items)} rows)"
        )
    )


@pack_app.command("list")
def list_packs(
    country: Annotated[
        str | None, typer.Option("--country", help="Only packs tagged with this country.")
    ] = None,
) -> None:
    """Installed packs (shipped examples, $SOVAUDIT_HOME/packs, $SOVAUDIT_PACKS)."""
    from ..packs import installed_packs, packs_for_country

    packs = packs_for_country(country) if country else installed_packs()
    for p in packs:
        tag = " [example]" if p.meta.example else ""
        typer.echo(
            safe_text(
                f"{p.meta.name} {p.meta.version}{tag}: {p.meta.domain}; languages "
                f"{', '.join(p.meta.languages)}; countries {', '.join(p.meta.countries) or '-'}; {p.path}"
            )
        )


@pack_app.command("run")
def run(
    folder: Annotated[Path | None, typer.Argument(help="The pack's folder (or use --country).")] = None,
    model: ModelOpt = "gemma3-270m",
    country: Annotated[
        str | None, typer.Option("--country", help="Run every installed pack tagged with this country.")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", "-l", help="Only these languages of the pack.")
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", help="Length cap of short answers (default: the pack's).")
    ] = None,
    model_option: ModelOptionOpt = None,
    no_cache: NoCacheOpt = False,
    trust_remote_code: TrustOpt = False,
    max_length: MaxLengthOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("runs/pack"),
) -> None:
    """Score a model on a pack: rows per language and topic with score, interval and number of items."""
    from ..errors import SovauditError
    from ..packs import load_pack, packs_for_country

    if folder is not None and country:
        raise SovauditError("give a pack folder or --country, not both", "drop one of them")
    if folder is None and not country:
        raise SovauditError("no pack given", "pass the pack's folder, or --country XX for installed packs")
    ref = model_ref(model, model_option, no_cache, trust_remote_code, max_length)
    if folder is not None:
        load_pack(folder)  # refuse an invalid pack before anything else
        targets = [(Path(folder), out)]
    else:
        packs = packs_for_country(country or "")
        if not packs:
            raise SovauditError(
                f"no installed pack is tagged with country {country}",
                "see `sovaudit pack list`, or put a pack folder under $SOVAUDIT_HOME/packs",
            )
        targets = [(Path(p.path), out / p.meta.name) for p in packs]
    for path, dest in targets:
        spec = {
            "model": ref,
            "pack": str(path),
            "languages": tuple(language or ()),
            "max_tokens": max_tokens,
            "bootstrap": bootstrap,
            "seed": seed,
        }
        run_and_report("pack", spec, dest, executor, workers, address)
