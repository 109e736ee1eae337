"""Accepted-silently cases now refused or said (item 5), foreign strings made safe to print (item 6), and
``cli.main`` returning the code of ``typer.Exit``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import typer

from sovaudit.cli import app, main
from sovaudit.cli.common import safe_markup, safe_text


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error:") and "\n" not in err and "Traceback" not in err, err
    return err


def _tsv(tmp_path: Path, header: str = "id\teng\tswh\tfra") -> Path:
    path = tmp_path / "c.tsv"
    n = header.count("\t")
    rows = [f"s{i}\t" + "\t".join(f"text {i} in column {j}" for j in range(n)) for i in range(3)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("version", [0, -1])
def test_report_refuses_format_version_below_1(
    version: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    res = tmp_path / "results.json"
    res.write_text(json.dumps({"format_version": version, "audit": "x", "signature": "s"}), encoding="utf-8")
    assert main(["report", str(res), "--out", str(tmp_path / "r.html")]) == 2
    assert f"format_version {version} is not a sovaudit results format" in _one_error_line(capsys)
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("form", [["--out", ""], ["--out="], ["-o", ""]])
def test_empty_out_is_refused_and_nothing_lands_in_the_current_folder(
    form: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _tsv(tmp_path)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    assert main(["tokenizers", "--corpus", f"tsv:{corpus}", "-t", "bytes", *form]) == 2
    assert "--out is empty" in _one_error_line(capsys)
    assert list(cwd.iterdir()) == []


def test_address_without_ray_is_refused_by_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    argv = ["tokenizers", "--corpus", f"tsv:{_tsv(tmp_path)}", "-t", "bytes", "--address", "10.0.0.1:6379"]
    assert main([*argv, "--out", str(out)]) == 2
    assert "--address only applies to --executor ray" in _one_error_line(capsys)
    assert not out.exists()


def test_assets_install_from_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assets", "install", "udhr", "--from", str(tmp_path / "nope")]) == 2
    assert f"--from {tmp_path / 'nope'} does not exist" in _one_error_line(capsys)


def test_country_and_language_together_audit_the_union_and_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    argv = ["tokenizers", "--corpus", f"tsv:{_tsv(tmp_path)}", "-t", "bytes", "--country", "KE"]
    assert main([*argv, "--language", "fra", "--out", str(out)]) == 0
    note = "--country KE and --language fra were both given: the union is audited"
    assert f"sovaudit: note: {note}" in capsys.readouterr().err
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {"eng", "swh", "fra"} <= set(doc["settings"]["languages"])
    assert any(note in n for n in doc["notes"])


def test_main_returns_the_code_of_typer_exit(capsys: pytest.CaptureFixture[str]) -> None:
    def probe(code: int = 0) -> None:
        raise typer.Exit(code)

    app.command("_exit-probe")(probe)
    try:
        assert main(["_exit-probe", "--code", "3"]) == 3
        assert main(["_exit-probe"]) == 0
    finally:
        app.registered_commands[:] = [c for c in app.registered_commands if c.name != "_exit-probe"]


# -- terminal injection -----------------------------------------------------------------------------
PAYLOADS = [
    "\x1b]0;PWNED-TITLE\x07",  # window title
    "\x1b[2J\x1b[H",  # clear screen, cursor home
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8 link
    "\x9b31m",  # 8-bit CSI
    "\x07\x08\x7f\x85",  # BEL, BS, DEL, NEL (C1)
    "[bold red]MARKUP[/bold red]",  # Rich markup
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_text_removes_every_control(payload: str) -> None:
    clean = safe_text(f"a{payload}b\tc\nd")
    assert not any((ord(ch) < 32 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F for ch in clean)
    assert clean.startswith("a") and clean.endswith("b\tc\nd")
    assert "evil.example" not in clean and "PWNED" not in clean


def test_safe_markup_keeps_brackets_literal() -> None:
    from rich.console import Console

    console = Console(record=True, width=200, color_system=None)
    console.print(safe_markup("[bold red]MARKUP[/bold red] \x1b[31m"))
    assert console.export_text().strip() == "[bold red]MARKUP[/bold red]"


def _no_control(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, repr(text)


def test_openness_table_prints_declaration_strings_safely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decl = tmp_path / "decl.yaml"
    name = "Evil\x1b]0;PWNED\x07 [bold red]Model[/bold red]\x1b[2J"
    decl.write_text(
        "sovaudit_declaration: 1\n"
        f"name: {json.dumps(name)}\n"
        "producer: Lab\nlicense: Apache-2.0\n"
        'components:\n  - {name: Model architecture, where: "https://example.org", license: Apache-2.0}\n',
        encoding="utf-8",
    )
    assert main(["openness", "-d", str(decl), "--out", str(tmp_path / "o")]) == 0
    captured = capsys.readouterr()
    _no_control(captured.err + captured.out)
    assert "[bold" in captured.err  # markup shown as text, not applied
    assert "PWNED" not in captured.err


def test_corpora_languages_prints_corpus_headers_safely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _tsv(tmp_path, "id\teng\tx\x1b]0;PWNED\x07[red]y[/red]")
    main(["corpora", "languages", f"tsv:{corpus}"])  # an odd code may be refused; it must print safely
    captured = capsys.readouterr()
    _no_control(captured.err + captured.out)
    assert "PWNED" not in captured.err + captured.out


def test_pack_validate_messages_are_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text('name: "p\x1b[2J"\nversion: x\x1b]0;PWNED\x07\n', encoding="utf-8")
    assert main(["pack", "validate", str(pack)]) == 2
    captured = capsys.readouterr()
    _no_control(captured.err + captured.out)
    assert captured.err.strip().splitlines()[-1].startswith("sovaudit: error: pack")


def test_error_lines_are_safe_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x\x1b]0;PWNED\x07.json"
    assert main(["report", str(bad), "--out", str(tmp_path / "r.html")]) == 2
    err = _one_error_line(capsys)
    _no_control(err)
    assert os.path.basename(str(bad)) not in err  # the raw name is not echoed
