"""Helpers of the studio tests: a studio with users, items and answers; logging in through the form."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_studio(data: Path, graders: int = 2, extra_users: bool = True) -> Any:
    """A store with an admin, an author, a viewer and ``graders`` graders (password :data:`PASSWORD`)."""
    from argon2 import PasswordHasher

    from sovaudit.studio.db import Store

    store = Store(data)
    pw = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)  # fast for tests; verify reads params
    names = [("admin", "admin"), ("author", "author"), ("viewer", "viewer")] if extra_users else []
    names += [(f"grader{i}", "grader") for i in range(1, graders + 1)]
    for name, role in names:
        store.add_user(name, role, pw)
    return store


def add_answers(store: Any, n_items: int, models: tuple[str, ...] = ("model-x", "model-y")) -> list[int]:
    """``n_items`` open items in Swahili, answered by each of ``models`` (stored directly); answer ids."""
    for i in range(n_items):
        rec = {"id": f"q{i}", "language": "sw", "topic": "kilimo", "type": "open", "question": f"Swali {i}?"}
        store.save_item(rec, {"reference": f"jibu {i}"}, None)
    mids = [store.model_id(m, m, "test", f"{k:064x}", "", 32) for k, m in enumerate(models)]
    for it in store.items():
        for k, mid in enumerate(mids):
            store.add_answer(it["pk"], mid, "prompt", f"answer {k} to {it['record']['id']}")
    return [int(r["id"]) for r in store.query("SELECT id FROM answers ORDER BY id")]


def login(client: Any, name: str, password: str = PASSWORD) -> str:
    """Log ``client`` (a Starlette TestClient or an httpx.Client) in through the form; its CSRF token."""
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    resp = client.post("/login", data={"username": name, "password": password, "csrf_token": token})
    assert resp.status_code in (200, 303), resp.text
    home = client.get("/")
    return CSRF.search(home.text).group(1)  # type: ignore[union-attr]


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(data: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """A real ``sovaudit studio serve`` subprocess on loopback, once it answers."""
    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "sovaudit.cli", "studio", "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server died")
    proc.kill()
    raise RuntimeError("server did not start")
