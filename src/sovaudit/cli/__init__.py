"""The ``sovaudit`` command line: one thin module per command; each parses, calls the public API, prints."""

from __future__ import annotations

import csv
import os
import sys

import click
import typer

from ..errors import SovauditError
from .app import app

# Each command module registers itself on ``app`` when imported.
from . import assets_cmd  # noqa: F401  isort: skip
from . import report_cmd  # noqa: F401  isort: skip
from . import corpora_cmd  # noqa: F401  isort: skip
from . import tokenizers_cmd  # noqa: F401  isort: skip
from . import corpus_cmd  # noqa: F401  isort: skip
from . import openness_cmd  # noqa: F401  isort: skip
from . import competence_cmd  # noqa: F401  isort: skip
from . import keys_cmd  # noqa: F401  isort: skip
from . import verify_cmd  # noqa: F401  isort: skip
from . import compare_cmd  # noqa: F401  isort: skip
from . import opinions_cmd  # noqa: F401  isort: skip
from . import politics_cmd  # noqa: F401  isort: skip
from . import run_cmd  # noqa: F401  isort: skip
from . import audit_cmd  # noqa: F401  isort: skip
from . import pack_cmd  # noqa: F401  isort: skip
from . import culture_cmd  # noqa: F401  isort: skip
from . import bias_cmd  # noqa: F401  isort: skip
from . import bundle_cmd  # noqa: F401  isort: skip
from . import studio_cmd  # noqa: F401  isort: skip


# typer >= 0.20 ships its own copy of click: its usage errors derive from typer.TyperException, and its
# Exit/Abort are typer's, not click's; catch both families.
def _typer_class(name: str, base: type[BaseException]) -> tuple[type[BaseException], ...]:
    cls = getattr(typer, name, None)
    ok = isinstance(cls, type) and issubclass(cls, BaseException) and not issubclass(cls, base)
    return (cls,) if ok else ()  # type: ignore[return-value]


_EXIT: tuple[type[BaseException], ...] = (click.exceptions.Exit, *_typer_class("Exit", click.exceptions.Exit))
_ABORT: tuple[type[BaseException], ...] = (
    click.exceptions.Abort,
    KeyboardInterrupt,
    *_typer_class("Abort", click.exceptions.Abort),
)
_USAGE: tuple[type[BaseException], ...] = (
    click.ClickException,
    *_typer_class("TyperException", click.ClickException),
)


def _line(message: object) -> str:
    """A message as one printable line: terminal controls removed (it may quote a foreign string)."""
    from .common import safe_text

    return " ".join(safe_text(message).split())


def _check_empty_out(argv: list[str]) -> None:
    """``--out ''`` would become the current folder (``Path('')`` is ``.``): refuse it before any work."""
    for i, arg in enumerate(argv):
        if arg == "--":
            return
        if arg == "--out=" or (arg in ("--out", "-o") and i + 1 < len(argv) and argv[i + 1] == ""):
            raise SovauditError("--out is empty", "pass a folder or file path, e.g. --out runs/x")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; user errors become one line on stderr and exit code 2."""
    try:
        _check_empty_out(sys.argv[1:] if argv is None else argv)
        # standalone_mode=False: click returns the code of a ``raise typer.Exit(n)`` (else the command's
        # return value); only an int is an exit code
        rc = app(args=argv, prog_name="sovaudit", standalone_mode=False)
        if isinstance(rc, int) and not isinstance(rc, bool):
            return rc
    except SovauditError as err:
        print(f"sovaudit: error: {_line(err)}", file=sys.stderr)
        return err.exit_code
    except _EXIT as ex:
        return int(getattr(ex, "exit_code", 0) or 0)
    except _USAGE as err:
        # a usage error (unknown option, missing argument): click's usage line and message, exit 2
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            print(f"sovaudit: error: {err}", file=sys.stderr)
        return int(getattr(err, "exit_code", 2))
    except (PermissionError, IsADirectoryError, NotADirectoryError) as exc:
        # a path the user gave that cannot be read or written: a user error, not a bug
        where = exc.filename if exc.filename is not None else "a file"
        fix = "check the path and its permissions"
        message = f"cannot use {where}: {exc.strerror or exc} — {fix}"
        print(f"sovaudit: error: {_line(message)}", file=sys.stderr)
        return 2
    except csv.Error as exc:  # a malformed CSV/TSV a reader did not name itself (e.g. a NUL byte)
        message = f"a CSV/TSV file cannot be parsed ({exc}) — check the file"
        print(f"sovaudit: error: {_line(message)}", file=sys.stderr)
        return 2
    except _ABORT:
        print("sovaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a user error: still one line unless debugging
        if os.environ.get("SOVAUDIT_DEBUG"):
            raise
        print(
            f"sovaudit: internal error: {type(exc).__name__}: {_line(exc)} "
            "(rerun with SOVAUDIT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1
    return 0


__all__ = ["app", "main", "typer"]
