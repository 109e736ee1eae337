"""Fixtures shared across test areas: headless Chromium through Playwright, and a loopback request counter.

The browser tests (marked ``browser``) use the system Chromium through Playwright's Python API
(``executable_path``; ``playwright install`` is never needed). Where Chromium or Playwright is missing they
are skipped, unless ``SOVAUDIT_REQUIRE_BROWSER`` or ``CI`` is set (``make test`` sets it after
``make browser``): there a missing browser fails the run instead of skipping it silently.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NoReturn

import pytest

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None."""
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _missing(problem: str) -> NoReturn:
    if os.environ.get("SOVAUDIT_REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail(f"{problem}, but SOVAUDIT_REQUIRE_BROWSER/CI asks for the browser tests to run")
    pytest.skip(f"{problem} (`make browser`, and the dev extra for Playwright)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last (in their collected order). Playwright's sync API keeps its event loop
    marked running in the main thread while the session's browser lives, so ``asyncio.run`` (Ray, servers,
    any library) would fail in every test after the first browser test."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (a Playwright ``Browser``) for the whole session (browser tests run last)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed")
    executable = find_chromium()
    if executable is None:
        _missing("chromium is not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


@dataclass
class RequestCounter:
    """A loopback HTTP server that records every request it receives (method and path)."""

    port: int = 0
    hits: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def request_counter() -> Iterator[RequestCounter]:
    """A loopback server counting requests; a page that reaches it shows up in ``hits``."""
    counter = RequestCounter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _hit(self) -> None:
            with lock:
                counter.hits.append(f"{self.command} {self.path}")
            body = b"window.__pwned = 'served';"
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _hit

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    counter.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield counter
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PageLog:
    """A page and everything it did: requests, dialogs, console messages, uncaught errors."""

    page: Any
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        """Evaluate a JavaScript expression in the page and return its value."""
        return self.page.evaluate(expression)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., PageLog]]:
    """``open_page(url, javascript=True)``: a fresh context and page, loaded, with its events recorded."""
    contexts: list[Any] = []

    def opener(url: str, javascript: bool = True) -> PageLog:
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": 1280, "height": 1600}, service_workers="block"
        )
        contexts.append(context)
        page = context.new_page()
        log = PageLog(page)
        page.on("request", lambda r: log.requests.append(r.url))
        page.on("console", lambda m: log.console.append(m.text))
        page.on("pageerror", lambda e: log.errors.append(str(e)))

        def on_dialog(dialog: Any) -> None:  # record it (the test fails on it) and never leave it open
            log.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url, wait_until="load")
        return log

    yield opener
    for context in contexts:
        context.close()
