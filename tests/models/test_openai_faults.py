"""The openai backend against a small real HTTP server on loopback: parsing, retries and fault cases.

The server speaks the OpenAI completions protocol with a toy whitespace tokeniser whose logprobs are a
fixed function of the token, so every expected number is computed independently here.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sovaudit.errors import SovauditError
from sovaudit.models.base import GenerateRequest, LoglikelihoodRequest
from sovaudit.models.openai_backend import OpenAIModel
from sovaudit.models.openai_http import OpenAIRequestError, OpenAIServerError, api_root

FAST = {"backoff": 0.01, "max_backoff": 0.05, "timeout": 5.0}


def toy_tokens(prompt: str) -> list[str]:
    """Whitespace-led words; ``<s>`` is a special token of its own."""
    return re.findall(r"<s>|\s*(?:(?!<s>)\S)+", prompt)


def toy_logprob(tok: str) -> float:
    return -0.25 * len(tok.strip()) - (0.5 if tok.startswith(" ") else 0.0)


def echo_body(prompt: str, garble: bool = False) -> dict[str, Any]:
    """What a correct server answers to echo + logprobs=1 + max_tokens=1 (one generated token ' gen')."""
    toks = [*toy_tokens(prompt), " gen"]
    offsets, pos = [], 0
    for t in toks:
        offsets.append(pos)
        pos += len(t)
    lps: list[float | None] = [toy_logprob(t) for t in toks]
    lps[0] = None
    tops: list[dict[str, float] | None] = [
        None if lp is None else ({t: lp} if "x" not in t else {"ALT": lp + 1.0, t: lp})
        for t, lp in zip(toks, lps, strict=True)
    ]
    if garble:  # a server that decodes byte pieces lossily: token text no longer spells the prompt
        toks = [t.replace("é", "") for t in toks]
        offsets = [0] * len(toks)
    return {
        "choices": [
            {
                "text": prompt + " gen",
                "logprobs": {
                    "tokens": toks,
                    "token_logprobs": lps,
                    "top_logprobs": tops,
                    "text_offset": offsets,
                },
            }
        ],
        "usage": {"prompt_tokens": len(toks) - 1, "completion_tokens": 1},
    }


Behaviour = Callable[[BaseHTTPRequestHandler, dict[str, Any], int], None]


def send(h: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(raw)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
        h.wfile.write(raw)


def good(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
    if "messages" in payload:
        send(h, 200, {"choices": [{"message": {"role": "assistant", "content": "Paris. Then more"}}]})
    elif not payload.get("echo"):
        send(h, 200, {"choices": [{"text": "Rome\n\nQ: next"}]})
    else:
        send(h, 200, echo_body(payload["prompt"]))


@contextmanager
def toy_server(
    behaviour: Behaviour = good, models: tuple[str, ...] = ("toy",), listing: bool = True
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Serve on a free loopback port; yields (base URL, list of POST payloads seen)."""
    seen: list[dict[str, Any]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if not listing:
                send(self, 404, {"detail": "Not Found"})
                return
            send(
                self,
                200,
                {
                    "object": "list",
                    "data": [{"id": m, "object": "model", "created": time.time()} for m in models],
                },
            )

        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                seen.append(payload)
                n = len(seen)
            behaviour(self, payload, n)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


# -- correct answers ----------------------------------------------------------------------------------


def test_api_root_normalises() -> None:
    assert api_root("http://h:1") == api_root("http://h:1/") == api_root("http://h:1/v1/") == "http://h:1/v1"
    with pytest.raises(SovauditError, match="not an http"):
        api_root("h:1")


def test_loglikelihood_locates_continuation_by_offsets() -> None:
    with toy_server() as (url, seen):
        m = OpenAIModel(url, "toy", **FAST)
        res = m.loglikelihood([("The cat", " sat down"), LoglikelihoodRequest("The cat", " xylophone")])
    assert res[0].logprob == pytest.approx(toy_logprob(" sat") + toy_logprob(" down"))
    assert res[0].is_greedy is True
    assert res[1].logprob == pytest.approx(toy_logprob(" xylophone"))
    assert res[1].is_greedy is False  # the server's top_logprobs hold a better token
    assert all(p["echo"] is True and p["max_tokens"] == 1 and p["logprobs"] == 1 for p in seen)


def test_token_straddling_the_boundary_counts_as_continuation() -> None:
    with toy_server() as (url, _):
        m = OpenAIModel(url, "toy", **FAST)
        (res,) = m.loglikelihood([("The ca", "t sat")])
    assert res.logprob == pytest.approx(toy_logprob(" cat") + toy_logprob(" sat"))


def test_garbled_token_text_falls_back_to_token_counts() -> None:
    def garbling(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        send(h, 200, echo_body(payload["prompt"], garble=True))

    with toy_server(garbling) as (url, seen):
        m = OpenAIModel(url, "toy", **FAST)
        (res,) = m.loglikelihood([("Café au", " lait noir")])
    assert res.logprob == pytest.approx(toy_logprob(" lait") + toy_logprob(" noir"))
    assert [p["prompt"] for p in seen[1:]] == ["Café au lait noir", "Café au"]  # [0]: the alignment probe


def test_rolling_sums_tokens_after_the_first() -> None:
    text = "one two three four"
    with toy_server() as (url, _):
        m = OpenAIModel(url, "toy", concurrency=3, **FAST)
        res = m.loglikelihood_rolling([text, "solo", ""])
    assert res[0].n_tokens == 3
    assert res[0].logprob == pytest.approx(sum(toy_logprob(t) for t in toy_tokens(text)[1:]))
    assert res[1] == (0.0, 0)
    assert res[2] == (0.0, 0)


def test_bos_text_is_sent_and_every_text_token_scored() -> None:
    with toy_server() as (url, seen):
        m = OpenAIModel(url, "toy", bos_text="<s>", **FAST)
        (res,) = m.loglikelihood_rolling(["one two"])
    assert seen[-1]["prompt"] == "<s>one two"
    assert res.n_tokens == 2
    assert res.logprob == pytest.approx(toy_logprob("one") + toy_logprob(" two"))


def test_bos_text_split_into_pieces_is_refused() -> None:
    with toy_server() as (url, _):
        m = OpenAIModel(url, "toy", bos_text="< s >", **FAST)
        with pytest.raises(SovauditError, match="as ordinary text"):
            m.loglikelihood_rolling(["one two"])


def test_many_requests_keep_their_order_under_concurrency() -> None:
    words = [f" w{'a' * (i % 7)}" for i in range(40)]
    with toy_server() as (url, _):
        m = OpenAIModel(url, "toy", concurrency=8, **FAST)
        res = m.loglikelihood([("Start", w) for w in words])
    assert [r.logprob for r in res] == pytest.approx([toy_logprob(w) for w in words])


def test_generate_chat_and_completions_cut_at_stop() -> None:
    with toy_server() as (url, seen):
        chat = OpenAIModel(url, "toy", **FAST)
        base = OpenAIModel(url, "toy", generation="completions", **FAST)
        assert chat.generate([GenerateRequest("Capital of France?", until=(".",), max_tokens=5)]) == ["Paris"]
        assert base.generate([GenerateRequest("Capital of Italy?", until=("\n\n",))]) == ["Rome"]
    assert seen[0]["messages"][0]["content"] == "Capital of France?" and seen[0]["stop"] == ["."]
    assert seen[1]["prompt"] == "Capital of Italy?" and seen[1]["temperature"] == 0.0


def test_digest_names_server_and_model() -> None:
    with toy_server(models=("toy", "other")) as (url, _):
        a, b = OpenAIModel(url, "toy", **FAST), OpenAIModel(url + "/v1", "toy", **FAST)
        c = OpenAIModel(url, "other", **FAST)
    assert a.digest == b.digest != c.digest  # stable across calls even though 'created' changes
    assert len(a.digest) == 64 and a.name == "toy"


# -- faults -------------------------------------------------------------------------------------------


def test_server_without_model_listing_still_loads() -> None:
    with toy_server(listing=False) as (url, _):
        a, b = OpenAIModel(url, "toy", **FAST), OpenAIModel(url, "other", **FAST)
        (res,) = a.loglikelihood([("The cat", " sat")])
    assert a.digest != b.digest and res.logprob == pytest.approx(toy_logprob(" sat"))


def test_unknown_model_lists_served_ones() -> None:
    with toy_server(models=("a", "b")) as (url, _), pytest.raises(SovauditError, match="served models: a, b"):
        OpenAIModel(url, "toy", **FAST)


def test_500s_then_success_is_retried() -> None:
    def flaky(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        if n <= 2:
            send(h, 500 if n == 1 else 503, {"error": {"message": "overloaded"}})
        else:
            good(h, payload, n)

    with toy_server(flaky) as (url, seen):
        (res,) = OpenAIModel(url, "toy", max_retries=3, **FAST).loglikelihood([("The cat", " sat")])
    assert res.logprob == pytest.approx(toy_logprob(" sat"))
    assert len(seen) == 4  # the alignment probe took three tries, the request one


def test_429_waits_for_retry_after() -> None:
    def limited(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        if n == 1:
            send(h, 429, {"error": {"message": "rate limited"}}, {"Retry-After": "0.3"})
        else:
            good(h, payload, n)

    with toy_server(limited) as (url, seen):
        m = OpenAIModel(url, "toy", backoff=0.01, max_backoff=2.0)
        t0 = time.monotonic()
        (res,) = m.loglikelihood_rolling(["a b c"])
        waited = time.monotonic() - t0
    assert res.n_tokens == 2 and len(seen) == 3
    assert waited >= 0.3


def test_persistent_500_gives_up_after_bounded_attempts() -> None:
    def broken(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        send(h, 500, b"internal error")

    with toy_server(broken) as (url, seen):
        m = OpenAIModel(url, "toy", max_retries=2, **FAST)
        with pytest.raises(OpenAIServerError, match=r"HTTP 500.*gave up after 3 attempts"):
            m.loglikelihood([("a", " b")])
    assert len(seen) == 3


def test_client_error_is_not_retried() -> None:
    def refuses(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        send(h, 400, {"error": {"message": "echo is not supported"}})

    with toy_server(refuses) as (url, seen):
        m = OpenAIModel(url, "toy", **FAST)
        with pytest.raises(OpenAIRequestError, match="echo is not supported") as info:
            m.loglikelihood([("a", " b")])
    assert info.value.status == 400 and len(seen) == 1


def test_malformed_json_is_retried_then_a_clear_error() -> None:
    def garbage(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        send(h, 200, b"<html>not json</html>")

    with toy_server(garbage) as (url, seen):
        m = OpenAIModel(url, "toy", max_retries=2, **FAST)
        with pytest.raises(OpenAIServerError, match=r"malformed JSON.*gave up after 3 attempts") as info:
            m.loglikelihood_rolling(["a b"])
    assert "\n" not in str(info.value) and len(seen) == 3
    assert m.client.retries == {"malformed answer": 2}


def test_server_without_prompt_logprobs_is_refused() -> None:
    def no_logprobs(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        send(h, 200, {"choices": [{"text": "x", "logprobs": None}], "usage": {"completion_tokens": 1}})

    with toy_server(no_logprobs) as (url, _):
        m = OpenAIModel(url, "toy", **FAST)
        with pytest.raises(SovauditError, match="no prompt logprobs"):
            m.loglikelihood([("a", " b")])
        with pytest.raises(SovauditError, match="no prompt logprobs"):
            m.loglikelihood_rolling(["a b"])


def test_shifted_echo_without_generated_token_is_refused() -> None:
    """llama-cpp-python's server, for a model without BOS, pairs each token with the next position's logits
    and drops the generated token from the echo: the visible symptom this backend refuses on."""

    def shifted(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        body = echo_body(payload["prompt"])
        lp = body["choices"][0]["logprobs"]
        for key in lp:
            lp[key] = lp[key][:-1]
        send(h, 200, body)

    with toy_server(shifted) as (url, seen):
        m = OpenAIModel(url, "toy", **FAST)
        with pytest.raises(SovauditError, match=r"shifted by one position.*bos_text"):
            m.loglikelihood_rolling(["a b c"])
    assert len(seen) == 1


def test_null_logprob_inside_the_continuation_is_refused() -> None:
    with toy_server() as (url, _):
        m = OpenAIModel(url, "toy", **FAST)
        with pytest.raises(SovauditError, match="no logprob for a continuation token"):
            m.loglikelihood([("", "whole text")])


def test_server_down_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    with pytest.raises(OpenAIServerError, match=r"cannot connect .*gave up after 2 attempts") as info:
        OpenAIModel(f"http://127.0.0.1:{port}", "toy", max_retries=1, **FAST)
    assert time.monotonic() - t0 < 3
    assert "\n" not in str(info.value)


def test_slow_server_times_out_with_bounded_retries() -> None:
    def slow(h: BaseHTTPRequestHandler, payload: dict[str, Any], n: int) -> None:
        time.sleep(1.5)
        good(h, payload, n)

    with toy_server(slow) as (url, seen):
        m = OpenAIModel(url, "toy", timeout=0.2, max_retries=1, backoff=0.01)
        t0 = time.monotonic()
        with pytest.raises(OpenAIServerError, match=r"no answer .* within 0.2 s"):
            m.loglikelihood([("a", " b")])
        assert time.monotonic() - t0 < 1.4
    assert len(seen) == 2
