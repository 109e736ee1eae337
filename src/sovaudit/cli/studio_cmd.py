"""``sovaudit studio serve | user add | export | import-pack | export-pack``: the experts' web app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SovauditError
from .app import app

studio_app = typer.Typer(
    help="The studio: experts write items, collect answers and grade them blind (local web app).",
    no_args_is_help=True,
)
app.add_typer(studio_app, name="studio")
user_app = typer.Typer(help="Studio users.", no_args_is_help=True)
studio_app.add_typer(user_app, name="user")

DataOpt = Annotated[Path, typer.Option("--data", help="The studio's data folder (created on first use).")]


def _need_studio() -> None:
    try:
        import argon2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise SovauditError(f"the studio needs {exc.name}", "pip install 'sovaudit[studio]'") from None


@studio_app.command("serve")
def serve(
    data: DataOpt,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=0, max=65535)] = 8765,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies",
            help="Mark cookies Secure (when users reach the studio over https, e.g. a proxy).",
        ),
    ] = False,
) -> None:
    """Run the studio's web server (no internet needed; refuses a network address until an admin exists)."""
    _need_studio()
    import uvicorn

    from ..studio.app import check_host, create_app
    from ..studio.db import Store

    store = Store(data)
    check_host(store, host)
    if not store.has_admin():
        typer.echo(
            f"no admin yet: run `sovaudit studio user add NAME --role admin --password-stdin --data {data}`",
            err=True,
        )
    typer.echo(f"studio on http://{host}:{port}/ (data: {data}); Ctrl+C stops it", err=True)
    uvicorn.run(
        create_app(data, secure_cookies=secure_cookies),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (no spaces).")],
    data: DataOpt,
    role: Annotated[str, typer.Option("--role", help="admin, author, grader or viewer.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (one line).")
    ] = False,
) -> None:
    """Add a user (the password is read from standard input, never from the command line)."""
    _need_studio()
    from ..studio.auth import hash_password
    from ..studio.db import Store

    if not password_stdin:
        raise SovauditError("no password given", "pass --password-stdin and pipe the password in")
    password = sys.stdin.readline().rstrip("\r\n")
    Store(data).add_user(name, role, hash_password(password))
    typer.echo(f"added {name} ({role})")


@studio_app.command("export")
def export(
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="Results folder to write (results.json).")],
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Bootstrap seed.")] = 0,
) -> None:
    """Write the studio's numbers as a results folder that `sovaudit report` reads."""
    from ..studio.db import Store
    from ..studio.export import export_results

    if not (data / "studio.sqlite").is_file():
        raise SovauditError(f"{data} holds no studio", "pass the --data folder the studio was served from")
    path = export_results(Store(data), out, bootstrap, seed)
    typer.echo(str(path / "results.json"))


@studio_app.command("import-pack")
def import_pack_cmd(
    folder: Annotated[Path, typer.Argument(help="A probe-pack folder.")],
    data: DataOpt,
) -> None:
    """Import a probe pack's items (checked by the pack validator) into a new studio."""
    from ..studio.db import Store
    from ..studio.pack_io import import_pack

    n = import_pack(Store(data), folder)
    typer.echo(f"imported {n} items")


@studio_app.command("export-pack")
def export_pack_cmd(
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="New pack folder to write.")],
) -> None:
    """Write the studio's items as a probe pack (an imported pack comes back as identical files)."""
    from ..studio.db import Store
    from ..studio.pack_io import export_pack

    typer.echo(str(export_pack(Store(data), out)))


@studio_app.command("export-translation")
def export_translation_cmd(
    data: DataOpt,
    task: Annotated[int, typer.Option("--task", help="The translation task's number (see its page).", min=1)],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="TSV file to write (read with --corpus tsv:FILE).")
    ],
) -> None:
    """Write a translation task's reviewed sentences as a TSV parallel corpus."""
    from ..studio.db import Store
    from ..studio.translate import export_tsv

    typer.echo(str(export_tsv(Store(data), task, out)))
