"""Backend options from a spec string (``openai:URL#model?K=V``) and ``--model-option K=V`` on the CLI."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_openai_faults import FAST, good, send, toy_logprob, toy_server

from sovaudit.cli import main
from sovaudit.errors import SovauditError
from sovaudit.models.cache import model_key
from sovaudit.models.loading import backend_of, load_model, parse_model_options, parse_spec, split_option

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audits"))


def test_options_are_typed_from_a_fixed_table() -> None:
    pairs = [("bos_text", "<|im_start|>"), ("concurrency", "2"), ("timeout", "1.5")]
    assert parse_model_options("openai", pairs) == {
        "bos_text": "<|im_start|>",
        "concurrency": 2,
        "timeout": 1.5,
    }
    assert parse_model_options("llamacpp", [("add_bos", "no"), ("n_ctx", "64")]) == {
        "add_bos": False,
        "n_ctx": 64,
    }
    with pytest.raises(SovauditError, match="unknown option 'api_base' for the openai backend"):
        parse_model_options("openai", [("api_base", "x")])
    with pytest.raises(SovauditError, match="not a valid int"):
        parse_model_options("openai", [("concurrency", "many")])
    with pytest.raises(SovauditError, match="not a valid bool"):
        parse_model_options("llamacpp", [("add_bos", "maybe")])
    assert split_option("bos_text=a=b") == ("bos_text", "a=b")
    with pytest.raises(SovauditError, match="KEY=VALUE"):
        split_option("bos_text")
    assert [backend_of(s) for s in ("gemma3-270m", "llamacpp:x", "openai:u#m", "hf:x", "C:/m")] == [
        "hf",
        "llamacpp",
        "openai",
        "hf",
        "hf",
    ]


def test_openai_spec_query_parses_without_a_server() -> None:
    spec = parse_spec("openai:http://127.0.0.1:1/v1#smollm2?bos_text=<|im_start|>&concurrency=1")
    assert spec.base_url == "http://127.0.0.1:1/v1" and spec.model == "smollm2"
    assert dict(spec.options) == {"bos_text": "<|im_start|>", "concurrency": 1}
    with pytest.raises(SovauditError, match="unknown option"):
        parse_spec("openai:http://h/v1#m?nope=1")


def test_spec_query_reaches_the_server_and_the_cache_key() -> None:
    with toy_server() as (url, seen):
        plain = load_model(f"openai:{url}#toy", cache=False, **FAST)
        with_bos = load_model(f"openai:{url}#toy?bos_text=<s>", cache=False, **FAST)
        (a,) = plain.loglikelihood_rolling(["one two"])
        (b,) = with_bos.loglikelihood_rolling(["one two"])
        cached = load_model(f"openai:{url}#toy?bos_text=<s>", **FAST)
    prompts = [p["prompt"] for p in seen]
    assert "one two" in prompts and prompts[-1] == "<s>one two"
    assert (a.n_tokens, b.n_tokens) == (1, 2)  # with the BOS every text token is scored
    assert b.logprob == pytest.approx(toy_logprob("one") + toy_logprob(" two"))
    # the same server and model with another bos_text gives other numbers: another cache key
    assert plain.digest == with_bos.digest and model_key(plain) != model_key(with_bos)
    assert "bos_text='<s>'" in cached.key


def test_cli_model_option_and_spec_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from competence_fixtures import write_corpus

    corpus = write_corpus(tmp_path / "c.tsv", n_segments=4)
    with toy_server() as (url, seen):
        runs = {
            "option": ["--model", f"openai:{url}#toy", "--model-option", "bos_text=<s>"],
            "query": ["--model", f"openai:{url}#toy?bos_text=<s>"],
        }
        docs = {}
        for name, model_args in runs.items():
            out = tmp_path / name
            args = ["competence", *model_args, "--corpus", f"tsv:{corpus}", "--language", "swh"]
            rc = main([*args, "--bootstrap", "0", "--no-cache", "--out", str(out)])
            assert rc == 0, capsys.readouterr().err
            docs[name] = json.loads((out / "results.json").read_text())
        assert all(p["prompt"].startswith("<s>") for p in seen)
        bad = ["competence", "--model", f"openai:{url}#toy", "--model-option", "bos=<s>"]
        assert main([*bad, "--corpus", f"tsv:{corpus}", "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err
    assert "unknown option 'bos' for the openai backend" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bad" / "results.json").exists()
    assert docs["option"]["rows"] == docs["query"]["rows"]
    assert "bos_text='<s>'" in json.dumps(docs["option"])
    # the first token of a segment may go unscored by a server: the results say so
    assert any("openai backend may not score the first token" in n for n in docs["option"]["notes"])


def _broken(h: Any, p: dict[str, Any], n: int) -> None:
    send(h, 500, b"internal error")


def _garbage(h: Any, p: dict[str, Any], n: int) -> None:
    send(h, 200, b"<html>not json</html>")


def _no_logprobs(h: Any, p: dict[str, Any], n: int) -> None:
    send(h, 200, {"choices": [{"text": "x", "logprobs": None}], "usage": {"completion_tokens": 1}})


def _slow(h: Any, p: dict[str, Any], n: int) -> None:
    time.sleep(1.0)
    good(h, p, n)


def _fails_midway(h: Any, p: dict[str, Any], n: int) -> None:
    if n > 5:
        send(h, 500, b"down now")
    else:
        good(h, p, n)


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (None, "cannot connect"),
        (_broken, "HTTP 500"),
        (_garbage, "malformed JSON"),
        (_no_logprobs, "no prompt logprobs"),
        (_slow, "no answer"),
        (_fails_midway, "HTTP 500: down now"),
    ],
)
def test_cli_server_faults_are_one_line_and_leave_no_results(
    behaviour: Any, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from competence_fixtures import write_corpus

    corpus = write_corpus(tmp_path / "c.tsv", n_segments=6)
    opts = ["timeout=0.3", "backoff=0.01", "max_retries=2", "concurrency=1"]
    with contextlib.ExitStack() as stack:
        if behaviour is None:  # a port nobody listens on
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                url = f"http://127.0.0.1:{s.getsockname()[1]}"
        else:
            url, _ = stack.enter_context(toy_server(behaviour))
        args = ["competence", "--model", f"openai:{url}#toy", "--corpus", f"tsv:{corpus}", "--bootstrap", "0"]
        for o in opts:
            args += ["--model-option", o]
        rc = main([*args, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and message in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "o" / "results.json").exists()
