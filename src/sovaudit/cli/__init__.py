"""The ``sovaudit`` command line: one thin module per command; each parses, calls the public API, prints."""

from __future__ import annotations

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


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; user errors become one line on stderr and exit code 2."""
    try:
        app(args=argv, prog_name="sovaudit", standalone_mode=False)
    except SovauditError as err:
        print(f"sovaudit: error: {err}", file=sys.stderr)
        return err.exit_code
    except click.exceptions.Exit as ex:
        return ex.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        print("sovaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a user error: still one line unless debugging
        if os.environ.get("SOVAUDIT_DEBUG"):
            raise
        print(
            f"sovaudit: internal error: {type(exc).__name__}: {exc} "
            "(rerun with SOVAUDIT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1
    return 0


__all__ = ["app", "main", "typer"]
