"""The studio's web security: roles on every route, CSRF, cookies, CSP, escaping, rate limit, --host."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from starlette.testclient import TestClient
from studio_helpers import CSRF, PASSWORD, add_answers, login, make_studio

from sovaudit.errors import SovauditError
from sovaudit.studio.app import CSP, PERMISSIONS, check_host, create_app

ROLES = ("admin", "author", "grader", "viewer")
GET_PAGES = [
    "/",
    "/users",
    "/items",
    "/items/new",
    "/answers",
    "/grade",
    "/compare",
    "/results",
    "/disagreements",
]


@pytest.fixture
def studio(tmp_path: Path) -> tuple[Any, Path]:
    store = make_studio(tmp_path / "data", graders=1)
    add_answers(store, 2)
    return store, tmp_path / "data"


def client_for(data: Path, role: str | None) -> tuple[TestClient, str]:
    client = TestClient(create_app(data), base_url="http://127.0.0.1")
    token = login(client, "grader1" if role == "grader" else role) if role else ""
    return client, token


@pytest.mark.parametrize("role", ROLES)
def test_every_page_by_role(studio: tuple[Any, Path], role: str) -> None:
    """Route-by-role permission table: allowed pages answer 200, the others 403."""
    _, data = studio
    client, _ = client_for(data, role)
    for path in GET_PAGES:
        allowed = PERMISSIONS[path]
        resp = client.get(path, follow_redirects=False)
        expected = 200 if allowed is None or role in allowed else 403
        assert resp.status_code == expected, (role, path, resp.status_code)
        assert resp.headers["content-security-policy"] == CSP
        if expected == 200:
            # no inline script: the one script is the studio's own file
            assert re.findall(r"<script[^>]*>", resp.text) == ['<script src="/static/studio.js" defer>']


def test_anonymous_is_sent_to_login_and_post_refused(studio: tuple[Any, Path]) -> None:
    _, data = studio
    client = TestClient(create_app(data), base_url="http://127.0.0.1")
    for path in GET_PAGES:
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == 303 and resp.headers["location"] == "/login", path
    assert client.post("/grade", data={"answer_id": "1"}).status_code == 403
    assert client.get("/nowhere", follow_redirects=False).status_code == 404


def test_viewer_cannot_write_and_grader_cannot_see_authorship(studio: tuple[Any, Path]) -> None:
    _, data = studio
    viewer, token = client_for(data, "viewer")
    form = {"csrf_token": token, "id": "v1", "language": "sw", "type": "open", "topic": "t", "question": "q"}
    assert viewer.post("/items/new", data=form).status_code == 403
    assert viewer.post("/answers", data={"csrf_token": token, "model": "x"}).status_code == 403
    grader, _ = client_for(data, "grader")
    assert grader.get("/items").status_code == 403
    assert grader.get("/results").status_code == 403


def test_csrf_required_on_every_post(studio: tuple[Any, Path]) -> None:
    store, data = studio
    admin, token = client_for(data, "admin")
    form = {"username": "new1", "password": "long enough pw", "role": "grader"}
    assert admin.post("/users", data=form).status_code == 403
    assert admin.post("/users", data={**form, "csrf_token": "forged"}).status_code == 403
    assert store.user_by_name("new1") is None
    assert admin.post("/users", data={**form, "csrf_token": token}).status_code == 200
    assert store.user_by_name("new1")["role"] == "grader"
    assert admin.post("/logout", data={}).status_code == 403
    # the login form too: a token that is not the login cookie's is refused
    fresh = TestClient(create_app(data), base_url="http://127.0.0.1")
    fresh.get("/login")
    bad = {"username": "admin", "password": PASSWORD, "csrf_token": "x"}
    assert fresh.post("/login", data=bad).status_code == 403


def test_session_cookie_is_httponly_strict(studio: tuple[Any, Path]) -> None:
    _, data = studio
    client = TestClient(create_app(data), base_url="http://127.0.0.1")
    token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    resp = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    header = resp.headers["set-cookie"].lower()
    assert "studio_session=" in header and "httponly" in header and "samesite=strict" in header


def test_login_rate_limit(studio: tuple[Any, Path]) -> None:
    _, data = studio
    client = TestClient(create_app(data), base_url="http://127.0.0.1")
    token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    codes = [
        client.post(
            "/login", data={"username": "admin", "password": "wrong-pass", "csrf_token": token}
        ).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    # the right password is refused too while the limit holds
    ok = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 429
    # another user from the same address may still log in (the address allows 20 failures a minute)
    ok = client.post("/login", data={"username": "author", "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 200 and "Welcome, author" in ok.text


def test_login_rate_limit_per_address() -> None:
    from sovaudit.studio.auth import RateLimit

    limit = RateLimit(attempts=5, window=60, per_address=3)
    for name in ("a", "b", "c"):
        assert not limit.blocked(name, "10.0.0.1")
        limit.fail(name, "10.0.0.1")
    assert limit.blocked("d", "10.0.0.1") and not limit.blocked("d", "10.0.0.2")


XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_strings_are_escaped(studio: tuple[Any, Path]) -> None:
    store, data = studio
    author, token = client_for(data, "author")
    form = {"csrf_token": token, "id": "x1", "language": "sw", "type": "open", "topic": XSS, "question": XSS}
    assert author.post("/items/new", data=form, follow_redirects=False).status_code == 303
    page = author.get("/items").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    pk = next(it for it in store.items() if it["record"]["id"] == "x1")["pk"]
    mid = store.model_id(XSS, XSS, "test", "0" * 64, "", 8)
    store.add_answer(pk, mid, "p", XSS)
    grader, gtoken = client_for(data, "grader")
    found = False
    for _ in range(10):  # grade until the XSS answer comes up
        page = grader.get("/grade").text
        assert "<img src=x" not in page and "<script>alert" not in page
        if "&lt;img src=x onerror" in page:
            found = True
            break
        answer = re.search(r'name="answer_id" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
        grades = {"correct": "1", "useful": "1", "harmful": "0", "wrong_language": "0"}
        grader.post("/grade", data={"csrf_token": gtoken, "answer_id": answer, **grades})
    assert found


def test_invalid_item_shows_the_pack_validators_message(studio: tuple[Any, Path]) -> None:
    _, data = studio
    author, token = client_for(data, "author")
    form = {
        "csrf_token": token,
        "id": "m1",
        "language": "sw",
        "type": "mc",
        "topic": "t",
        "question": "Swali?",
        "options": "A1 | B1",
        "correct": "C",
    }
    resp = author.post("/items/new", data=form)
    assert resp.status_code == 400
    assert "is not among the options" in resp.text and "not saved" in resp.text


def test_host_beyond_loopback_refused_until_admin(tmp_path: Path) -> None:
    from sovaudit.studio.db import Store

    store = Store(tmp_path / "d")
    check_host(store, "127.0.0.1")
    check_host(store, "::1")
    with pytest.raises(SovauditError, match="no admin"):
        check_host(store, "0.0.0.0")
    store.add_user("boss", "admin", "x")
    check_host(store, "0.0.0.0")


def test_jobs_left_running_by_a_stopped_server_are_marked(tmp_path: Path) -> None:
    from sovaudit.studio.db import Store

    store = Store(tmp_path / "d")
    with store.write() as con:
        con.execute("INSERT INTO jobs(spec, status, created) VALUES ('m', 'running', 0)")
    create_app(tmp_path / "d")
    row = store.query("SELECT status, error FROM jobs")[0]
    assert row["status"] == "interrupted" and "start the job again" in row["error"]


def test_author_changes_an_item_until_it_is_answered(studio: tuple[Any, Path]) -> None:
    store, data = studio
    author, token = client_for(data, "author")
    form = {
        "csrf_token": token,
        "id": "e1",
        "language": "ar",
        "type": "open",
        "topic": "t",
        "question": "سؤال",
    }
    assert author.post("/items/new", data=form, follow_redirects=False).status_code == 303
    pk = next(it["pk"] for it in store.items() if it["record"]["id"] == "e1")
    page = author.get(f"/items/{pk}/edit").text
    assert 'value="e1"' in page and "سؤال" in page
    bad = author.post(f"/items/{pk}/edit", data={**form, "type": "short"})
    assert bad.status_code == 400 and "accepted answer" in bad.text
    ok = author.post(f"/items/{pk}/edit", data={**form, "question": "سؤال جديد", "reference": "ج"})
    assert ok.status_code == 200 and "Saved." in ok.text
    changed = next(it for it in store.items() if it["pk"] == pk)
    assert changed["record"]["question"] == "سؤال جديد" and changed["extra"]["reference"] == "ج"
    answered = store.items()[0]["pk"]  # answered by the fixture's models
    resp = author.post(f"/items/{answered}/edit", data={**form, "id": "q0", "language": "sw"})
    assert "can no longer change" in resp.text
    assert store.items()[0]["record"]["question"] == "Swali 0?"
    viewer, vtoken = client_for(data, "viewer")
    assert viewer.post(f"/items/{pk}/edit", data={**form, "csrf_token": vtoken}).status_code == 403
