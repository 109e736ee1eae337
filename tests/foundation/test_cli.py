"""The CLI shell: help, one-line errors, exit codes."""

import pytest

from sovaudit.cli import main


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "assets" in capsys.readouterr().out


def test_unknown_asset_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assets", "verify", "no-such-asset"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error: unknown asset 'no-such-asset'")
    assert "\n" not in err and "Traceback" not in err


def test_usage_error_is_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) != 0
