"""Option types every command shares (model, model options, country, languages, executor, out), once.

A command declares ``model: ModelOpt = "gemma3-270m"`` etc. and hands them to :func:`model_ref` /
:func:`run_options`, then calls :func:`run_and_report`, which runs the audit through the one runner and
prints where the results are.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ..audits.base import ModelRef

MODEL_HELP = (
    "Model: gemma3-270m (default), smollm2-135m, a model folder, a .gguf file, optionally prefixed with "
    "hf: or llamacpp:, or openai:<base-url>#<model>."
)

ModelOpt = Annotated[str, typer.Option("--model", "-m", help=MODEL_HELP)]
ModelsOpt = Annotated[list[str] | None, typer.Option("--model", "-m", help=MODEL_HELP + " Repeatable.")]
ModelOptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--model-option",
        help="Backend option KEY=VALUE (repeatable), e.g. bos_text=<|im_start|> for an openai server.",
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write the answer cache (benchmarks).")
]
TrustOpt = Annotated[
    bool, typer.Option("--trust-remote-code", help="Let transformers run code shipped with the model.")
]
MaxLengthOpt = Annotated[
    int | None, typer.Option("--max-length", help="Model context in tokens (default: from its config).")
]
CountryOpt = Annotated[
    str | None, typer.Option("--country", help="A country (ISO 3166 code, e.g. KE): its languages.")
]
LanguagesOpt = Annotated[
    list[str] | None, typer.Option("--language", "-l", help="Language to audit (repeatable).")
]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="local, process or ray.")]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", "-j", help="Workers (default: local 1; process and ray one per CPU)."),
]
AddressOpt = Annotated[
    str | None, typer.Option("--address", help="Ray head HOST:PORT (default: start a local Ray).")
]
BootstrapOpt = Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples for the intervals.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")]


OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder (results.json, rows.csv, shards/).")]
OptionalOutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Output folder (default runs/<audit>).")
]


# Terminal control in a foreign string (a declaration, a corpus header, a file name, a model's output):
# OSC strings (window title, OSC 8 links) up to BEL/ST, CSI sequences (colours, clear screen, cursor), any
# other ESC sequence, the 8-bit CSI/OSC/DCS forms, and every other C0/C1 control but newline and tab.
_TERMINAL_CONTROL = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL | ST
    r"|(?:\x1b[P^_X]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS/PM/APC/SOS ... ST
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences (and a lone ESC)
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # the other C0 and C1 controls (\t and \n kept)
)


def safe_text(value: object) -> str:
    """``value`` as text that cannot drive the terminal: escape sequences and control characters removed
    (newline and tab kept). Use it for every foreign string the CLI prints."""
    return _TERMINAL_CONTROL.sub("", str(value))


def safe_markup(value: object) -> str:
    """:func:`safe_text` with Rich markup escaped: for strings printed through Rich (tables, consoles)."""
    from rich.markup import escape

    return escape(safe_text(value))


def note(text: str) -> None:
    """One line on stderr, ``sovaudit: note: ...``, made safe to print."""
    print(f"sovaudit: note: {safe_text(text)}", file=sys.stderr)


def note_union(country: str | None, languages: Sequence[str] | None) -> None:
    """Both --country and --language: the union is audited; say so (it is also in the results' notes)."""
    if country and languages:
        from ..corpora import union_note

        note(union_note(country, languages))


def model_ref(
    model: str,
    model_option: list[str] | None = None,
    no_cache: bool = False,
    trust_remote_code: bool = False,
    max_length: int | None = None,
) -> ModelRef:
    """The :class:`ModelRef` of the shared model options, with the backend options checked now."""
    from ..errors import SovauditError
    from ..models.loading import backend_of, parse_model_options, split_option

    pairs = [split_option(o) for o in model_option or []]
    parse_model_options(backend_of(model), pairs)  # refuse an unknown or mistyped option before any work
    if max_length is not None and max_length < 1:
        raise SovauditError(
            f"--max-length must be at least 1, not {max_length}", "pass e.g. --max-length 2048"
        )
    return ModelRef(
        spec=model,
        options=dict(pairs),
        cache=not no_cache,
        trust_remote_code=trust_remote_code,
        max_length=max_length,
    )


def run_and_report(
    audit: str,
    spec: dict[str, Any],
    out: Path,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
) -> Any:
    """Run ``audit`` through the runner into ``out``; print units computed/reused and the results path."""
    from ..errors import SovauditError
    from ..runner import RunOptions, run_audit

    if str(out) == "":
        raise SovauditError("--out is empty", "pass a folder, e.g. --out runs/x")
    doc, stats = run_audit(audit, spec, RunOptions(out, executor, workers, address))
    typer.echo(f"{audit}: {stats.total} units ({stats.computed} computed, {stats.skipped} reused)")
    if stats.answers_computed or stats.answers_cached:
        print(
            f"answers: {stats.answers_cached} from the cache, {stats.answers_computed} computed",
            file=sys.stderr,
        )
    typer.echo(f"results: {out / 'results.json'}")
    return doc
