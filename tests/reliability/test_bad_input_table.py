"""Bad input, as a table: every case exits 2 with one line ``sovaudit: error: ...`` that names the problem,
no traceback, and writes nothing into ``--out``.

Adding a case is one line in :data:`CASES`: ``(id, argv, words the message must contain[, setup])``.
In ``argv``, ``{F}`` is the folder of fixtures made by :func:`fixtures` (files in published formats, made
here) and ``{OUT}`` a fresh output path; ``setup`` names a function of :data:`SETUPS` run first (it may
fill ``{OUT}``: what it put there must be exactly what is there afterwards). No case loads a model.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sovaudit.cli import main

TSV_OK = (
    "id\teng\tswh\tfra\ns1\thello world\thabari dunia\tbonjour le monde\ns2\tgood day\tsiku njema\tbonjour\n"
)
RESULTS_OK = {"format_version": 2, "audit": "x", "signature": "s", "rows": [{"a": 1}]}
SOV_DECL = "sovaudit_declaration: 1\nname: Tiny\nproducer: Lab\nlicense: Apache-2.0\n"


def _unreadable(path: Path) -> None:
    """A file this process cannot read: mode 000, or (as root, who reads anything) a link to a
    write-only kernel attribute, which refuses reads with EACCES even for root."""
    if os.geteuid() != 0:
        path.write_text("x", encoding="utf-8")
        path.chmod(0)
        return
    for target in ("/sys/bus/pci/drivers_probe", "/sys/bus/pci/rescan", "/sys/bus/platform/drivers_probe"):
        if os.path.exists(target):
            path.symlink_to(target)
            return
    path.write_text("x", encoding="utf-8")  # no such attribute here: the case that needs it is skipped


def fixtures(f: Path) -> None:
    """Every input file of the table, in the formats the readers take (and broken ones)."""
    w = {
        "ok.tsv": TSV_OK,
        "empty.tsv": "",
        "noid.tsv": "eng\tfra\nhello\tbonjour\n",
        "dupid.tsv": "id\teng\tfra\ns1\ta\tb\ns1\tc\td\n",
        "dupcol.tsv": "id\teng\teng\ns1\ta\tb\n",
        "wide.tsv": "id\teng\tfra\ns1\ta\tb\tc\td\n",
        "emptycol.tsv": "id\teng\tfra\ns1\thello\t\n",
        "bad.jsonl": '{"id": "s1", "eng": "a", "fra": "b"}\n{"id": "s2", "eng": \n',
        "list.jsonl": "[1, 2, 3]\n",
        "empty.json": "",
        "notjson.json": "{not json",
        "foreign.json": json.dumps({"hello": "world"}),
        "array.json": "[1, 2]",
        "v0.json": json.dumps({**RESULTS_OK, "format_version": 0}),
        "vneg.json": json.dumps({**RESULTS_OK, "format_version": -1}),
        "v99.json": json.dumps({**RESULTS_OK, "format_version": 99}),
        "badrows.json": json.dumps({**RESULTS_OK, "rows": "not a list"}),
        "noaudit.json": json.dumps({"format_version": 2, "signature": "s"}),
        "bad.yaml": "release:\n  name: [unclosed\n",
        "tag.yaml": "release: !!python/object/apply:os.system ['true']\n",
        "keys.yaml": "hello: world\n",
        "empty.yaml": "",
        "scalar.yaml": "just a string\n",
        "spec.yaml": "audit: tokenizers\nno_such_setting: 1\n",
        "specbad.yaml": "audit: [\n",
        "decl.yaml": SOV_DECL,
        "good.txt": "The cat sat on the mat and looked out of the window at the rain.\n" * 3,
    }
    for name, text in w.items():
        (f / name).write_text(text, encoding="utf-8")
    (f / "res").mkdir()
    (f / "res" / "results.json").write_text(json.dumps(RESULTS_OK), encoding="utf-8")
    (f / "latin1.tsv").write_bytes("id\teng\tfra\ns1\thello\tcaf\xe9\n".encode("latin-1"))
    (f / "binary.json").write_bytes(bytes(range(256)) * 4)
    (f / "binary.tsv").write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    (f / "latin1.json").write_bytes(b'{"audit": "caf\xe9"}')
    (f / "huge.json").write_text('{"audit": "' + "x" * 3_000_000, encoding="utf-8")  # one 3 MB line, cut
    (f / "nul.csv").write_bytes(b"id,question\n1,a\x00b\n")
    (f / "gz").mkdir()
    (f / "gz" / "bad.jsonl.gz").write_bytes(b"this is not gzip")
    (f / "gz" / "cut.jsonl.gz").write_bytes(gzip.compress(b'{"text": "hello world"}\n' * 500)[:50])
    (f / "latin1").mkdir()
    (f / "latin1" / "ok.txt").write_text("Hello world.\n", encoding="utf-8")
    (f / "latin1" / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"Bonjour le monde.\n")  # a Latin-1 file name
    (f / "model.gguf").write_bytes(b"NOTGGUF" + bytes(100))
    (f / "tok.json").write_text('{"model": {"type": "Nope"}}', encoding="utf-8")
    (f / "folder").mkdir()
    (f / "afile").write_text("x", encoding="utf-8")
    (f / "nopack").mkdir()
    (f / "badpack").mkdir()
    (f / "badpack" / "pack.yaml").write_text("name: [\n", encoding="utf-8")
    _unreadable(f / "unreadable.yaml")
    _unreadable(f / "unreadable.gguf")
    _unreadable(f / "unreadable.tsv")


HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sovaudit.outdir import locked_out
    with locked_out(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(120)
    """
)


@pytest.fixture
def occupied(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    procs: list[subprocess.Popen[str]] = []

    def hold(out: Path) -> None:
        p = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True)
        procs.append(p)
        assert p.stdout is not None and p.stdout.readline().strip() == "locked"

    yield hold
    for p in procs:
        p.kill()
        p.wait()


def _fifo_results(out: Path) -> None:
    out.mkdir()
    os.mkfifo(out / "results.json")


def _symlink_rows(out: Path) -> None:
    out.mkdir()
    (out / "rows.csv").symlink_to(out.parent / "victim.csv")


def _fifo_file(out: Path) -> None:
    os.mkfifo(out)


def _folder(out: Path) -> None:
    out.mkdir()


SETUPS: dict[str, Callable[[Path], None]] = {
    "fifo-results": _fifo_results,
    "symlink-rows": _symlink_rows,
    "fifo": _fifo_file,
    "folder": _folder,
}
TOK = ["tokenizers", "-t", "bytes"]
TOKC = [*TOK, "--corpus", "tsv:{F}/ok.tsv"]
OAI = "openai:http://127.0.0.1:9#m"  # never contacted: the option is refused first
CMP = ["competence", "--corpus", "tsv:{F}/ok.tsv", "-l", "swh"]

CASES: list[tuple] = [
    # -- report: results files -------------------------------------------------------------------------
    ("report-missing", ["report", "{F}/nope.json", "--out", "{OUT}"], "no results file"),
    ("report-empty", ["report", "{F}/empty.json", "--out", "{OUT}"], "is not valid JSON"),
    ("report-not-json", ["report", "{F}/notjson.json", "--out", "{OUT}"], "is not valid JSON"),
    ("report-binary", ["report", "{F}/binary.json", "--out", "{OUT}"], "is not valid JSON"),
    ("report-non-utf8", ["report", "{F}/latin1.json", "--out", "{OUT}"], "is not valid JSON"),
    ("report-huge-line", ["report", "{F}/huge.json", "--out", "{OUT}"], "is not valid JSON"),
    ("report-foreign-json", ["report", "{F}/foreign.json", "--out", "{OUT}"], "not a sovaudit results"),
    ("report-json-array", ["report", "{F}/array.json", "--out", "{OUT}"], "not a sovaudit results"),
    ("report-no-audit", ["report", "{F}/noaudit.json", "--out", "{OUT}"], "audit: Field required"),
    ("report-rows-not-list", ["report", "{F}/badrows.json", "--out", "{OUT}"], "rows"),
    ("report-format-0", ["report", "{F}/v0.json", "--out", "{OUT}"], "format_version 0 is not"),
    ("report-format-neg", ["report", "{F}/vneg.json", "--out", "{OUT}"], "format_version -1 is not"),
    ("report-format-newer", ["report", "{F}/v99.json", "--out", "{OUT}"], "newer than this sovaudit"),
    ("report-folder-no-results", ["report", "{F}/folder", "--out", "{OUT}"], "no results file"),
    ("report-out-folder", ["report", "{F}/v0.json", "--out", "{OUT}"], "is a folder", "folder"),
    ("report-out-fifo", ["report", "{F}/foreign.json", "--out", "{OUT}"], "is a FIFO", "fifo"),
    ("report-out-device", ["report", "{F}/foreign.json", "--out", "/dev/full"], "is a character device"),
    ("report-out-read-only", ["report", "{F}/res", "--out", "/sys/sovaudit.html"], "cannot write the report"),
    ("report-out-empty", ["report", "{F}/foreign.json", "--out", ""], "--out is empty"),
    # -- tokenizers: corpora, names, options, --out ---------------------------------------------------
    ("tsv-missing", [*TOK, "--corpus", "tsv:{F}/nope.tsv", "--out", "{OUT}"], "file not found"),
    ("tsv-empty", [*TOK, "--corpus", "tsv:{F}/empty.tsv", "--out", "{OUT}"], "is empty"),
    ("tsv-no-id", [*TOK, "--corpus", "tsv:{F}/noid.tsv", "--out", "{OUT}"], "'id' column"),
    ("tsv-dup-id", [*TOK, "--corpus", "tsv:{F}/dupid.tsv", "--out", "{OUT}"], "appears twice"),
    ("tsv-dup-column", [*TOK, "--corpus", "tsv:{F}/dupcol.tsv", "--out", "{OUT}"], "appears twice"),
    ("tsv-too-wide", [*TOK, "--corpus", "tsv:{F}/wide.tsv", "--out", "{OUT}"], "has 5 fields"),
    ("tsv-empty-column", [*TOK, "--corpus", "tsv:{F}/emptycol.tsv", "--out", "{OUT}"], "has no text"),
    ("tsv-non-utf8", [*TOK, "--corpus", "tsv:{F}/latin1.tsv", "--out", "{OUT}"], "is not UTF-8"),
    ("tsv-binary", [*TOK, "--corpus", "tsv:{F}/binary.tsv", "--out", "{OUT}"], "is not UTF-8"),
    ("tsv-folder", [*TOK, "--corpus", "tsv:{F}/folder", "--out", "{OUT}"], "is a folder"),
    ("tsv-unreadable", [*TOK, "--corpus", "tsv:{F}/unreadable.tsv", "--out", "{OUT}"], "Permission denied"),
    ("jsonl-malformed", [*TOK, "--corpus", "jsonl:{F}/bad.jsonl", "--out", "{OUT}"], "line 2"),
    ("jsonl-not-objects", [*TOK, "--corpus", "jsonl:{F}/list.jsonl", "--out", "{OUT}"], "line 1"),
    ("corpus-spec-unknown", [*TOK, "--corpus", "nope:{F}/ok.tsv", "--out", "{OUT}"], "corpus"),
    ("tokenizer-unknown", ["tokenizers", "-t", "no-such-tok", "--out", "{OUT}"], "no-such-tok"),
    ("tokenizer-bad-json", ["tokenizers", "-t", "{F}/tok.json", "--out", "{OUT}"], "tok.json"),
    ("language-unknown", [*TOKC, "-l", "qqq", "--out", "{OUT}"], "qqq"),
    ("language-not-in-corpus", [*TOKC, "-l", "deu", "--out", "{OUT}"], "deu"),
    ("reference-absent", [*TOKC, "--reference", "deu", "--out", "{OUT}"], "deu"),
    ("country-unknown", [*TOK, "--country", "XX", "--out", "{OUT}"], "unknown country code 'XX'"),
    ("country-no-cldr", [*TOK, "--country", "ZZ", "--out", "{OUT}"], "CLDR has no population"),
    ("address-no-ray", [*TOKC, "--address", "h:1", "--out", "{OUT}"], "--address"),
    ("executor-unknown", [*TOKC, "--executor", "gpu", "--out", "{OUT}"], "gpu"),
    ("out-empty", [*TOKC, "--out", ""], "--out is empty"),
    ("out-device", [*TOKC, "--out", "/dev/null"], "not a folder"),
    ("out-is-file", [*TOKC, "--out", "{F}/afile"], "is a file, not a folder"),
    ("out-under-file", [*TOKC, "--out", "{F}/afile/sub"], "afile"),
    ("out-read-only", [*TOKC, "--out", "/sys/sovaudit-out"], "not permitted"),
    ("out-fifo-results", [*TOKC, "--out", "{OUT}"], "is a FIFO", "fifo-results"),
    ("out-symlink-rows", [*TOKC, "--out", "{OUT}"], "symlink", "symlink-rows"),
    ("out-occupied", [*TOKC, "--out", "{OUT}"], "in use by another", "occupied"),
    # -- competence / model options (validated before any model is loaded) ---------------------------
    ("model-unknown", [*CMP, "--model", "no-such-model", "--out", "{OUT}"], "not found"),
    ("model-unreadable", [*CMP, "--model", "{F}/unreadable.gguf", "--out", "{OUT}"], "Permission denied"),
    ("max-length-negative", [*CMP, "--max-length", "-5", "--out", "{OUT}"], "--max-length"),
    ("max-length-zero", [*CMP, "--max-length", "0", "--out", "{OUT}"], "--max-length"),
    ("seed-negative", [*CMP, "--seed", "-1", "--out", "{OUT}"], "'seed'"),
    ("bootstrap-negative", [*CMP, "--bootstrap", "-5", "--out", "{OUT}"], "'bootstrap'"),
    ("timeout-negative", [*CMP, "-m", OAI, "--model-option", "timeout=-1", "--out", "{OUT}"], "timeout"),
    ("option-unknown", [*CMP, "--model-option", "bogus=1", "--out", "{OUT}"], "unknown option 'bogus'"),
    ("option-not-a-number", [*CMP, "--model-option", "rolling_context=abc", "--out", "{OUT}"], "valid int"),
    ("option-no-equals", [*CMP, "--model-option", "novalue", "--out", "{OUT}"], "bad model option"),
    ("openai-spec-bad", [*CMP, "-m", "openai:http://x", "--out", "{OUT}"], "openai"),
    ("bias-max-length-zero", ["bias", "--max-length", "0", "--out", "{OUT}"], "--max-length"),
    ("bias-seed-negative", ["bias", "--seed", "-1", "--out", "{OUT}"], "'seed'"),
    ("culture-seed-negative", ["culture", "--country", "DZ", "--seed", "-1", "--out", "{OUT}"], "'seed'"),
    ("politics-max-length", ["politics", "--max-length", "-5", "--out", "{OUT}"], "--max-length"),
    ("pack-seed-negative", ["pack", "run", "--country", "KE", "--seed", "-1", "--out", "{OUT}"], "'seed'"),
    # -- corpus audit ---------------------------------------------------------------------------------
    ("corpus-missing", ["corpus", "{F}/nope.txt", "--out", "{OUT}"], "nope.txt"),
    ("corpus-wrong-kind", ["corpus", "{F}/decl.yaml", "--out", "{OUT}"], "not a corpus file"),
    ("corpus-all-unreadable", ["corpus", "{F}/gz", "--out", "{OUT}"], "none of the 2 corpus files"),
    ("corpus-name-not-utf8", ["corpus", "{F}/latin1", "--out", "{OUT}"], "caf\\xe9.txt is not valid UTF-8"),
    ("corpus-lid-unknown", ["corpus", "{F}/good.txt", "--lid", "nolid", "--out", "{OUT}"], "'nolid'"),
    ("corpus-no-field", ["corpus", "{F}/bad.jsonl", "--text-field", "body", "--out", "{OUT}"], "'body'"),
    ("corpus-shard-zero", ["corpus", "{F}/good.txt", "--shard-mb", "0", "--out", "{OUT}"], "positive"),
    # -- openness: declarations and models ------------------------------------------------------------
    ("decl-missing", ["openness", "-d", "{F}/nope.yaml", "--out", "{OUT}"], "nope.yaml"),
    ("decl-malformed-yaml", ["openness", "-d", "{F}/bad.yaml", "--out", "{OUT}"], "bad.yaml"),
    ("decl-python-tag", ["openness", "-d", "{F}/tag.yaml", "--out", "{OUT}"], "tag.yaml"),
    ("decl-unknown-keys", ["openness", "-d", "{F}/keys.yaml", "--out", "{OUT}"], "not a declaration"),
    ("decl-empty", ["openness", "-d", "{F}/empty.yaml", "--out", "{OUT}"], "empty.yaml"),
    ("decl-scalar", ["openness", "-d", "{F}/scalar.yaml", "--out", "{OUT}"], "scalar.yaml"),
    ("decl-binary", ["openness", "-d", "{F}/binary.json", "--out", "{OUT}"], "binary.json"),
    ("decl-unreadable", ["openness", "-d", "{F}/unreadable.yaml", "--out", "{OUT}"], "Permission denied"),
    ("openness-model-unknown", ["openness", "-m", "no-such-model", "--out", "{OUT}"], "no-such-model"),
    ("openness-not-gguf", ["openness", "-m", "{F}/model.gguf", "--out", "{OUT}"], "model.gguf"),
    ("openness-out-device", ["openness", "-d", "{F}/decl.yaml", "--out", "/dev/null"], "not a folder"),
    # -- run / packs / assets / bundles ---------------------------------------------------------------
    ("run-unknown-audit", ["run", "no-such-audit", "--out", "{OUT}"], "no-such-audit"),
    ("run-unknown-setting", ["run", "tokenizers", "-A", "bogus=1", "--out", "{OUT}"], "no setting 'bogus'"),
    ("run-bad-arg", ["run", "tokenizers", "-A", "novalue", "--out", "{OUT}"], "novalue"),
    ("run-spec-unknown-key", ["run", "--spec", "{F}/spec.yaml", "--out", "{OUT}"], "no_such_setting"),
    ("run-spec-malformed", ["run", "--spec", "{F}/specbad.yaml", "--out", "{OUT}"], "specbad.yaml"),
    ("pack-run-missing", ["pack", "run", "{F}/nopack", "--out", "{OUT}"], "nopack"),
    ("assets-unknown", ["assets", "install", "no-such-asset"], "unknown asset 'no-such-asset'"),
    ("assets-from-missing", ["assets", "install", "udhr", "--from", "{F}/nope"], "does not exist"),
    ("verify-not-bundle", ["verify", "{F}/folder"], "folder"),
    ("compare-not-bundle", ["compare", "{F}/folder", "--out", "{OUT}"], "folder"),
]


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    f = tmp_path_factory.mktemp("bad-input")
    fixtures(f)
    return f


def _listing(path: Path) -> list[str] | None:
    if not os.path.lexists(path):
        return None
    if not path.is_dir() or path.is_symlink():
        return [f"<{os.lstat(path).st_mode:o}>"]
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize(
    ("case", "argv", "words", "setup"), [(*c, None)[:4] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input(
    case: str,
    argv: list[str],
    words: str,
    setup: str | None,
    fixture_dir: Path,
    tmp_path: Path,
    occupied: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if "unreadable" in " ".join(argv) and not _really_unreadable(fixture_dir):
        pytest.skip("no file this user cannot read can be made here")
    monkeypatch.chdir(tmp_path)  # a case that wrongly writes into the current folder is seen below
    monkeypatch.setenv("SOVAUDIT_NO_INSTALL", "1")  # nothing is downloaded by a bad-input case
    out = tmp_path / "out"
    if setup == "occupied":
        occupied(out)
    elif setup:
        SETUPS[setup](out)
    before, cwd_before = _listing(out), _listing(tmp_path)
    args = [a.replace("{F}", str(fixture_dir)).replace("{OUT}", str(out)) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sovaudit: error:"), err
    assert "\n" not in err and "Traceback" not in err and "internal error" not in err, err
    assert words in err, f"{words!r} not in {err!r}"
    assert " — " in err, f"no fix in {err!r}"  # the problem, then the fix
    assert _listing(out) == before, "something was written into --out"
    assert _listing(tmp_path) == cwd_before, "something was written into the current folder"


def _really_unreadable(f: Path) -> bool:
    try:
        (f / "unreadable.tsv").read_bytes()
    except PermissionError:
        return True
    return False


def test_the_table_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)
