"""Endpoint faults at volume: the openai backend, through ``load_model`` and the answer cache, against a
fault-injecting OpenAI-compatible server on loopback (a real HTTP server in a thread).

The server answers every request with a deterministic function of it (a whitespace tokeniser; each prompt
token's logprob from a hash of the text before it and the token), so a fault-free run is the reference.
1,000 model requests (600 loglikelihood, 300 rolling, 100 chat generations); a seeded 20% of them (200)
fail once or twice before the right answer, in eight ways: timeout (the server sleeps past the client's
timeout), 429 with Retry-After (a few asking for two minutes: the wait is capped at ``max_backoff``),
500, 502, 503, malformed JSON, a connection closed halfway through the body, and fields missing (no
logprobs / a generation without text). Every request must be answered with the fault-free numbers.
A request that always fails must stop the run with one line, keep the finished answers in the cache, and
a rerun against the healed server must compute only the missing ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sovaudit.models.base import GenerateRequest, LoglikelihoodRequest
from sovaudit.models.cache import AnswerCache, CachedModel
from sovaudit.models.loading import load_model
from sovaudit.models.openai_http import OpenAIServerError

SEED = 13
KINDS = ("timeout", "429", "500", "502", "503", "malformed_json", "dropped", "missing_fields")
TIMEOUT = 1.0  # the client's timeout (model option); a "timeout" fault sleeps SLEEP before answering
SLEEP = 1.6
RETRY_AFTER = 0.2  # what most 429s ask for; every 5th asks for LONG_RETRY_AFTER, capped at MAX_BACKOFF
LONG_RETRY_AFTER = 120
MAX_BACKOFF = 0.5
OPTIONS = f"timeout={TIMEOUT}&backoff=0.02&max_backoff={MAX_BACKOFF}&max_retries=4&concurrency=8"


def _h(*parts: str) -> int:
    return int(hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:12], 16)


def tokens(prompt: str) -> list[str]:
    return re.findall(r"\s*\S+", prompt)


def token_logprob(before: str, tok: str) -> float:
    """The deterministic 'model': log p(tok | before) in (-9.0, -0.1]."""
    return -0.1 - (_h(before, tok) % 8900) / 1000


def echo_answer(prompt: str) -> dict[str, Any]:
    """echo=true, logprobs=1, max_tokens=1 in the OpenAI completions format (one generated token)."""
    toks = [*tokens(prompt), " gen"]
    lps: list[float | None] = [None]
    tops: list[dict[str, float] | None] = [None]
    before = toks[0]
    for t in toks[1:]:
        lp = token_logprob(before, t)
        lps.append(lp)
        tops.append({t: lp} if _h(before, t, "top") % 3 else {"ALT": lp + 0.25, t: lp})
        before += t
    offsets = [sum(len(t) for t in toks[:i]) for i in range(len(toks))]
    return {
        "object": "text_completion",
        "choices": [
            {
                "index": 0,
                "text": prompt + " gen",
                "logprobs": {
                    "tokens": toks,
                    "token_logprobs": lps,
                    "top_logprobs": tops,
                    "text_offset": offsets,
                },
                "finish_reason": "length",
            }
        ],
        "usage": {"prompt_tokens": len(toks) - 1, "completion_tokens": 1},
    }


def chat_answer(content: str) -> dict[str, Any]:
    text = f"answer {_h(content) % 10_000}. and more"
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}


@dataclass
class FaultServer:
    """Per request key (path + prompt): the faults still to serve, in order; ``always`` fail for good."""

    plan: dict[str, list[str]] = field(default_factory=dict)
    always: set[str] = field(default_factory=set)
    served: Counter[str] = field(default_factory=Counter)  # faults served, by kind
    posts: Counter[str] = field(default_factory=Counter)  # POSTs received, by key
    attempts: dict[str, list[float]] = field(default_factory=dict)  # arrival times, by key
    lock: threading.Lock = field(default_factory=threading.Lock)


def key_of(path: str, payload: dict[str, Any]) -> str:
    text = payload["messages"][0]["content"] if "messages" in payload else payload["prompt"]
    return f"{'chat' if path.endswith('/chat/completions') else 'completions'}:{text}"


def _send(h: BaseHTTPRequestHandler, status: int, raw: bytes, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(raw)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    with contextlib.suppress(OSError):  # the client gave up (timeouts)
        h.wfile.write(raw)


def _serve_fault(h: BaseHTTPRequestHandler, kind: str, good: dict[str, Any], n: int) -> None:
    """Answer with fault ``kind`` (``n``: how many of that kind were served, to vary its shape)."""
    if kind == "timeout":
        time.sleep(SLEEP)
        _send(h, 200, json.dumps(good).encode())
    elif kind == "429":
        wait = LONG_RETRY_AFTER if n % 5 == 0 else RETRY_AFTER
        _send(h, 429, b'{"error": {"message": "rate limited"}}', {"Retry-After": f"{wait:g}"})
    elif kind in ("500", "502", "503"):
        _send(h, int(kind), b'{"error": {"message": "upstream trouble"}}')
    elif kind == "malformed_json":
        _send(h, 200, json.dumps(good).encode()[:-7])  # cut short: not JSON
    elif kind == "dropped":  # headers promise the whole body; half of it comes, then the socket closes
        raw = json.dumps(good).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(raw)))
        h.end_headers()
        with contextlib.suppress(OSError):
            h.wfile.write(raw[: len(raw) // 2])
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)
        h.close_connection = True
    elif kind == "missing_fields":  # three shapes in turn: logprobs null, a list dropped, a null logprob
        choice = good["choices"][0]
        if "logprobs" not in choice:
            broken: dict[str, Any] = {"index": 0, "message": {"role": "assistant"}}
        elif n % 3 == 0:
            broken = {**choice, "logprobs": None}
        elif n % 3 == 1:
            lp = {k: v for k, v in choice["logprobs"].items() if k != "token_logprobs"}
            broken = {**choice, "logprobs": lp}
        else:
            lp = {**choice["logprobs"], "token_logprobs": [None] * len(choice["logprobs"]["tokens"])}
            broken = {**choice, "logprobs": lp}
        _send(h, 200, json.dumps({**good, "choices": [broken]}).encode())
    else:  # pragma: no cover
        raise AssertionError(kind)


@contextmanager
def fault_server(state: FaultServer) -> Iterator[str]:
    """Serve ``state``'s behaviour on a free loopback port; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            _send(self, 200, json.dumps({"object": "list", "data": [{"id": "toy"}]}).encode())

        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            key = key_of(self.path, payload)
            good = (
                chat_answer(payload["messages"][0]["content"])
                if "messages" in payload
                else echo_answer(payload["prompt"])
            )
            with state.lock:
                state.posts[key] += 1
                state.attempts.setdefault(key, []).append(time.monotonic())
                kind = "503" if key in state.always else None
                if kind is None and state.plan.get(key):
                    kind = state.plan[key].pop(0)
                if kind is not None:
                    state.served[kind] += 1
                n = state.served[kind] if kind else 0
            if kind is None:
                _send(self, 200, json.dumps(good).encode())
            else:
                _serve_fault(self, kind, good, n)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- the requests and the fault plan ------------------------------------------------------------------


def workload() -> tuple[list[LoglikelihoodRequest], list[str], list[GenerateRequest]]:
    """600 loglikelihood requests (150 contexts x 4 continuations), 300 rolling texts, 100 generations."""
    lls = [
        LoglikelihoodRequest(f"Context {i} reads the line", f" cont{j}x{i % 7} end{j}")
        for i in range(150)
        for j in range(4)
    ]
    rolls = [f"Rolling text {i} has {i % 11} words and {i % 5} more words" for i in range(300)]
    gens = [GenerateRequest(f"Question {i}: what is it?", until=(".",), max_tokens=8) for i in range(100)]
    return lls, rolls, gens


def request_keys(lls: list[LoglikelihoodRequest], rolls: list[str], gens: list[GenerateRequest]) -> list[str]:
    return (
        [f"completions:{r.context}{r.continuation}" for r in lls]
        + [f"completions:{t}" for t in rolls]
        + [f"chat:{g.prompt}" for g in gens]
    )


def fault_plan(keys: list[str], rate: float = 0.2, seed: int = SEED) -> dict[str, list[str]]:
    """A seeded ``rate`` of the requests fail: once each in one of KINDS (in equal shares), every
    fourth of them a second time in another kind, before the server answers right."""
    rng = random.Random(seed)
    chosen = rng.sample(keys, round(rate * len(keys)))
    kinds = [KINDS[i % len(KINDS)] for i in range(len(chosen))]
    rng.shuffle(kinds)
    plan: dict[str, list[str]] = {}
    for i, (key, kind) in enumerate(zip(chosen, kinds, strict=True)):
        plan[key] = [kind] if i % 4 else [kind, KINDS[(KINDS.index(kind) + 3) % len(KINDS)]]
    return plan


def run_all(model: Any) -> tuple[list[Any], list[Any], list[str]]:
    lls, rolls, gens = workload()
    return (
        [tuple(r) for r in model.loglikelihood(lls)],
        [tuple(r) for r in model.loglikelihood_rolling(rolls)],
        model.generate(gens),
    )


def expected_ll(r: LoglikelihoodRequest) -> float:
    """The server's number, computed here: the continuation's tokens' logprobs summed."""
    import math

    ctx = tokens(r.context)
    whole = tokens(r.context + r.continuation)
    before = "".join(whole[: len(ctx)])
    total = []
    for t in whole[len(ctx) :]:
        total.append(token_logprob(before, t))
        before += t
    return math.fsum(total)


# -- the tests ----------------------------------------------------------------------------------------


def test_thousand_requests_with_a_fifth_failing_give_the_fault_free_numbers() -> None:
    lls, rolls, gens = workload()
    keys = request_keys(lls, rolls, gens)
    assert len(keys) == len(set(keys)) == 1000
    with fault_server(FaultServer()) as url:
        clean = run_all(load_model(f"openai:{url}#toy?{OPTIONS}", cache=False))
    assert [lp for lp, _ in clean[0]] == pytest.approx([expected_ll(r) for r in lls], abs=1e-12)
    assert 0 < sum(g for _, g in clean[0]) < len(lls)  # some continuations greedy, some not

    plan = fault_plan(keys)
    planned = Counter(k for kinds in plan.values() for k in kinds)
    state = FaultServer(plan={k: list(v) for k, v in plan.items()})
    with fault_server(state) as url:
        model = load_model(f"openai:{url}#toy?{OPTIONS}")
        t0 = time.monotonic()
        faulty = run_all(model)
        elapsed = time.monotonic() - t0
    assert faulty == clean  # every request answered, bit-identical numbers and texts
    assert isinstance(model, CachedModel) and model.computed == 1000
    assert not any(state.plan.values())  # every planned fault was served
    assert len(plan) == 200 and state.served == planned and sum(planned.values()) == 250
    assert set(planned) == set(KINDS) and min(planned.values()) >= 25
    retries = model.inner.client.retries  # type: ignore[attr-defined]
    for kind in ("429", "500", "502", "503"):
        assert retries[f"HTTP {kind}"] == planned[kind]
    assert retries["malformed answer"] == planned["malformed_json"] + planned["missing_fields"]
    assert retries["connection"] == planned["dropped"]
    assert retries["timeout"] >= planned["timeout"]  # a loaded machine may add a few
    # Retry-After honoured, and capped at max_backoff
    for key, times in state.attempts.items():
        kinds = plan.get(key, [])
        if kinds and kinds[0] == "429":
            gap = times[1] - times[0]
            assert gap >= min(RETRY_AFTER, MAX_BACKOFF) * 0.95, (key, gap)
            assert gap < MAX_BACKOFF + 3.0, (key, gap)
    print(f"faults {dict(planned)}; retries {dict(retries)}; {elapsed:.1f} s")


def test_a_request_that_always_fails_stops_the_run_and_keeps_finished_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVAUDIT_CACHE_CHUNK_CHARS", "300")  # about ten requests a chunk
    monkeypatch.setenv("SOVAUDIT_ANSWER_CACHE", str(tmp_path / "answers.sqlite"))
    lls, _, _ = workload()
    bad = sorted(lls, key=lambda r: (r.context, r.continuation))[len(lls) // 2]
    state = FaultServer(always={f"completions:{bad.context}{bad.continuation}"})
    spec_options = OPTIONS.replace("max_retries=4", "max_retries=2")
    with fault_server(state) as url:
        model = load_model(f"openai:{url}#toy?{spec_options}")
        t0 = time.monotonic()
        with pytest.raises(OpenAIServerError) as info:
            model.loglikelihood(lls)
        stopped = time.monotonic() - t0
        message = str(info.value)
        assert "\n" not in message and "HTTP 503" in message and "gave up after 3 attempts" in message
        assert "max_retries" in message  # the fix names the option to raise
        cache = AnswerCache(tmp_path / "answers.sqlite")
        kept = cache.count()
        cache.close()
        assert 250 <= kept <= 300  # the chunks before the failing one (300 requests precede it)
        assert state.posts[f"completions:{bad.context}{bad.continuation}"] == 3

        state.always.clear()  # the server heals
        posts_before = sum(state.posts.values())
        again = load_model(f"openai:{url}#toy?{spec_options}")
        res = again.loglikelihood(lls)
        posts_rerun = sum(state.posts.values()) - posts_before
    assert isinstance(again, CachedModel) and again.computed == len(lls) - kept
    assert posts_rerun == len(lls) - kept + 1  # + the alignment probe of the new model
    assert [r.logprob for r in res] == [expected_ll(r) for r in lls]
    print(f"stopped after {stopped:.2f} s; kept {kept} of {len(lls)}; rerun computed {again.computed}")
