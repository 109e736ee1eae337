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


def test_usage_error_exits_2_with_the_usage_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "No such command 'no-such-command'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tokenizers", "--bogus"], "No such option: --bogus"),
        (["report"], "Missing argument 'RESULTS'"),
        (["assets", "install", "--from"], "'--from' requires an argument"),
    ],
)
def test_usage_errors_are_usage_errors_not_internal_ones(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "internal error" not in err and "Traceback" not in err


def test_assets_verify_with_nothing_installed_says_so(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "empty"))
    assert main(["assets", "verify"]) == 0
    assert "no assets are installed" in capsys.readouterr().out


def test_assets_verify_names_the_changed_asset_in_the_fix(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from sovaudit.assets import AssetStore

    name = "llama-tokenizer-js"
    real = AssetStore()
    real.path(name)  # installs it if needed
    home = AssetStore(root=tmp_path / "home")
    shutil.copytree(real.asset_dir(name), home.asset_dir(name))
    member = next(p for p in home.asset_dir(name).rglob("*.js"))
    member.write_bytes(member.read_bytes() + b"\n// changed\n")
    monkeypatch.setenv("SOVAUDIT_HOME", str(home.root))
    assert main(["assets", "verify"]) == 2
    out, err = capsys.readouterr()
    assert f"FAILED {name}" in out
    assert err.count("\n") == 1 and "was modified (SHA-256 mismatch)" in err
    assert err.strip().endswith(f"reinstall with: sovaudit assets install --force {name}")
    # an unknown name fails before any asset is checked
    assert main(["assets", "verify", name, "gpt2"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "unknown asset 'gpt2'" in err
