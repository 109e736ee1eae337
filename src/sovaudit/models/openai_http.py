"""HTTP transport for the ``openai`` backend: JSON over httpx with timeouts and bounded retries.

Retried, at most ``max_retries`` times after the first attempt, with exponential backoff (``backoff``
seconds doubled each attempt, capped at ``max_backoff``): HTTP 429, any 5xx, connection errors (refused,
reset, closed mid-answer), timeouts, a body that is not a JSON object, and an answer the caller's
``parse`` rejects as :class:`OpenAIMalformedAnswer` (e.g. prompt logprobs missing): a loaded or flaky
server sends such answers now and then, and the next attempt usually succeeds. ``Retry-After`` (seconds
or an HTTP date) replaces the backoff for that wait, capped at ``max_backoff`` too, so a server asking for
an hour cannot stall a run. Never retried: other 4xx answers (raised as :class:`OpenAIRequestError` so
the caller can react, e.g. to a refused parameter). After the last attempt the last failure is raised
with "(gave up after N attempts)". Every failure is a :class:`~sovaudit.errors.SovauditError` with a
one-line message. :attr:`OpenAIClient.retries` counts the retries by cause.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from ..errors import SovauditError

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
GIVE_UP_FIX = "check the server and its URL, or allow more: --model-option timeout=SECONDS / max_retries=N"
T = TypeVar("T")


class OpenAIServerError(SovauditError):
    """The OpenAI-compatible server is unreachable, too slow, failing, or answers malformed data."""


class OpenAIRequestError(OpenAIServerError):
    """The server refused a request (HTTP 4xx other than 429); ``status`` and ``detail`` say why."""

    def __init__(self, problem: str, fix: str | None, status: int, detail: str) -> None:
        super().__init__(problem, fix)
        self.status = status
        self.detail = detail


class OpenAIMalformedAnswer(OpenAIServerError):
    """An answer with HTTP 200 that cannot be used (not JSON, fields missing): retried up to the limit."""


def api_root(base_url: str) -> str:
    """The API root ending in ``/v1``: ``http://h:8000``, ``http://h:8000/`` and ``.../v1/`` all map to it."""
    url = base_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SovauditError(
            f"'{base_url}' is not an http(s) URL", "write the server as openai:http://HOST:PORT/v1#MODEL"
        )
    return url if url.endswith("/v1") else url + "/v1"


def _detail(resp: httpx.Response) -> str:
    """The server's error message (OpenAI style ``{"error": {"message": ...}}``) or the body's start."""
    try:
        body = resp.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return " ".join(resp.text.split())[:200]
    if isinstance(body, dict):
        err = body.get("error", body.get("detail", body))
        if isinstance(err, dict):
            err = err.get("message", err)
        return " ".join(str(err).split())[:200]
    return " ".join(str(body).split())[:200]


class OpenAIClient:
    """A small JSON client for one OpenAI-compatible server (thread-safe: one shared httpx.Client)."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        concurrency: int = 4,
    ) -> None:
        self.root = api_root(base_url)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        limits = httpx.Limits(
            max_connections=max(1, concurrency), max_keepalive_connections=max(1, concurrency)
        )
        self._http = httpx.Client(timeout=httpx.Timeout(timeout), headers=headers, limits=limits)
        self.retries: Counter[str] = Counter()  # retries made, by cause ("HTTP 429", "timeout", ...)
        self._count_lock = threading.Lock()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def get(self, path: str) -> dict[str, Any]:
        """GET ``<root><path>`` and return the JSON object."""
        return self._request("GET", path, None, _identity)

    def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``payload`` as JSON to ``<root><path>`` and return the JSON object."""
        return self._request("POST", path, payload, _identity)

    def post_parsed(self, path: str, payload: dict[str, Any], parse: Callable[[dict[str, Any]], T]) -> T:
        """POST and return ``parse(body)``; an :class:`OpenAIMalformedAnswer` from ``parse`` is retried."""
        return self._request("POST", path, payload, parse)

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        delay = self.backoff * (2**attempt) if retry_after is None else retry_after
        time.sleep(max(0.0, min(self.max_backoff, delay)))

    def _count(self, cause: str) -> None:
        with self._count_lock:
            self.retries[cause] += 1

    def _request(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None,
        parse: Callable[[dict[str, Any]], T],
    ) -> T:
        url = self.root + path
        last, fix = "", GIVE_UP_FIX
        for attempt in range(self.max_retries + 1):
            retry_after: float | None = None
            try:
                resp = self._http.request(method, url, json=payload)
            except httpx.ConnectError:
                last, cause = f"cannot connect to {url} (connection refused or host unreachable)", "connect"
            except httpx.TimeoutException:
                last, cause = f"no answer from {url} within {self.timeout:g} s", "timeout"
            except httpx.TransportError as exc:
                last, cause = f"connection to {url} failed ({type(exc).__name__})", "connection"
            else:
                if resp.status_code in RETRY_STATUS or resp.status_code >= 500:
                    last = f"{url} answered HTTP {resp.status_code}: {_detail(resp)}"
                    cause = f"HTTP {resp.status_code}"
                    retry_after = _retry_after(resp.headers.get("retry-after"))
                elif resp.status_code >= 400:
                    detail = _detail(resp)
                    raise OpenAIRequestError(
                        f"{url} refused the request (HTTP {resp.status_code}): {detail}",
                        "check the model name and that the server supports this request",
                        resp.status_code,
                        detail,
                    )
                else:
                    try:
                        return parse(self._parse(url, resp))
                    except OpenAIMalformedAnswer as exc:
                        last, fix, cause = exc.problem, exc.fix or GIVE_UP_FIX, "malformed answer"
            if attempt < self.max_retries:
                self._count(cause)
                self._wait(attempt, retry_after)
        raise OpenAIServerError(f"{last} (gave up after {self.max_retries + 1} attempts)", fix)

    @staticmethod
    def _parse(url: str, resp: httpx.Response) -> dict[str, Any]:
        try:
            body = resp.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            start = " ".join(resp.text.split())[:80]
            raise OpenAIMalformedAnswer(
                f"{url} answered malformed JSON (starts with {start!r})",
                "check that the URL points to an OpenAI-compatible API",
            )
        return body


def _identity(body: dict[str, Any]) -> dict[str, Any]:
    return body


def _retry_after(header: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/bad."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time()) if when.tzinfo else None
