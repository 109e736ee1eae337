"""One error type for everything a user can get wrong.

Every :class:`SovauditError` carries a one-line message that names the problem and the fix. The CLI
prints it without a traceback and exits non-zero.
"""

from __future__ import annotations


class SovauditError(Exception):
    """A problem the user can fix; ``str(err)`` is a single line naming the problem and the fix."""

    exit_code = 2

    def __init__(self, problem: str, fix: str | None = None) -> None:
        self.problem = problem
        self.fix = fix
        message = problem if not fix else f"{problem} — {fix}"
        super().__init__(" ".join(message.split()))


class AssetError(SovauditError):
    """An asset is unknown, missing, or fails its hash check."""


class MissingExtraError(SovauditError):
    """An optional dependency is not installed."""


def require(module: str, extra: str) -> object:
    """Import ``module`` lazily, or raise an error naming the pip extra that provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"the optional dependency '{module}' is not installed",
            f"install it with: pip install 'sovaudit[{extra}]'",
        ) from exc
