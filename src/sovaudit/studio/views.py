"""The studio's pages. Roles and CSRF are checked before any of these runs (:mod:`.app`); each handler
takes the checked form from ``request.state.form``."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SovauditError
from . import auth, grading, items, jobs, translate
from .db import ROLES, RUBRIC, Store
from .export import numbers

TEMPLATES = Path(__file__).resolve().parent / "templates"  # the studio's own page assets


@dataclass
class Context:
    """What the handlers share."""

    store: Store
    page: Callable[..., Any]
    limiter: auth.RateLimit
    secure: bool


def _int(form: dict[str, str], key: str, lo: int, hi: int) -> int | None:
    try:
        v = int(form.get(key, ""))
    except ValueError:
        return None
    return v if lo <= v <= hi else None


def routes(c: Context) -> list[tuple[str, Callable[..., Any], list[str]]]:
    """``(path, handler, methods)`` of every page."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

    def cookie(resp: Response, name: str, value: str, max_age: int) -> None:
        resp.set_cookie(
            name, value, max_age=max_age, httponly=True, samesite="strict", secure=c.secure, path="/"
        )

    async def login(request: Any) -> Response:
        if request.method == "GET":
            # keep the token of an open login form (another tab, a favicon request) valid
            token = request.cookies.get(auth.LOGIN_COOKIE) or ""
            token = token if len(token) >= 32 else secrets.token_urlsafe(32)
            resp = c.page(request, "login.html", login_csrf=token, error="")
            cookie(resp, auth.LOGIN_COOKIE, token, 3600)
            return resp
        form = request.state.form
        name, password = form.get("username", ""), form.get("password", "")
        client = request.client.host if request.client else "?"
        keys = (name, client)
        if c.limiter.blocked(*keys):
            resp = c.page(
                request,
                "login.html",
                429,
                login_csrf=request.cookies.get(auth.LOGIN_COOKIE, ""),
                error="Too many failed logins. Wait a minute and try again.",
            )
            return resp
        user = c.store.user_by_name(name)
        ok = user is not None and await run_in_threadpool(auth.verify_password, user["pw_hash"], password)
        if not ok or user is None:
            c.limiter.fail(*keys)
            return c.page(
                request,
                "login.html",
                401,
                login_csrf=request.cookies.get(auth.LOGIN_COOKIE, ""),
                error="Wrong user name or password.",
            )
        resp = RedirectResponse("/", status_code=303)
        cookie(resp, auth.SESSION_COOKIE, auth.new_session(c.store, int(user["id"])), auth.SESSION_SECONDS)
        resp.delete_cookie(auth.LOGIN_COOKIE, path="/")
        return resp

    async def logout(request: Any) -> Response:
        auth.end_session(c.store, request.cookies.get(auth.SESSION_COOKIE))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(auth.SESSION_COOKIE, path="/")
        return resp

    async def home(request: Any) -> Response:
        return c.page(request, "home.html", progress=grading.progress(c.store))

    async def users(request: Any) -> Response:
        error, done = "", ""
        if request.method == "POST":
            f = request.state.form
            try:
                pw = await run_in_threadpool(auth.hash_password, f.get("password", ""))
                c.store.add_user(f.get("username", ""), f.get("role", ""), pw)
                done = f"Added {f.get('username', '')} ({f.get('role', '')})."
            except SovauditError as err:
                error = f"{err.problem}; {err.fix or ''}"
        rows = c.store.query("SELECT name, role FROM users ORDER BY id")
        return c.page(
            request, "users.html", 400 if error else 200, rows=rows, roles=ROLES, error=error, done=done
        )

    async def item_list(request: Any) -> Response:
        saved = request.query_params.get("saved", "")
        return c.page(request, "items.html", items=c.store.items(), saved=saved)

    async def item_new(request: Any) -> Response:
        values = dict.fromkeys((*items.PACK_FIELDS, *items.STUDIO_FIELDS), "")
        problems: list[str] = []
        if request.method == "POST":
            values.update(request.state.form)
            record, extra, problems = items.check_item(values)
            if not problems:
                try:
                    c.store.save_item(record, extra, int(request.state.user["id"]))
                    return RedirectResponse("/items?saved=1", status_code=303)
                except SovauditError as err:
                    problems = [f"{err.problem}; {err.fix or ''}"]
        return c.page(
            request, "item_form.html", 400 if problems else 200, values=values, problems=problems, pk=None
        )

    async def item_edit(request: Any) -> Response:
        pk = int(request.path_params["pk"])
        found = [it for it in c.store.items() if it["pk"] == pk]
        if not found:
            return HTMLResponse("no such item", status_code=404)
        values = dict.fromkeys((*items.PACK_FIELDS, *items.STUDIO_FIELDS), "")
        values.update({k: v if isinstance(v, str) else " | ".join(v) for k, v in found[0]["record"].items()})
        values.update({k: v for k, v in found[0]["extra"].items() if k in items.STUDIO_FIELDS})
        problems: list[str] = []
        if c.store.query("SELECT 1 FROM answers WHERE item_pk = ? LIMIT 1", (pk,)):
            problems = [
                "models have answered this item already, so it can no longer change; write a new item"
            ]
        elif request.method == "POST":
            values.update(request.state.form)
            record, extra, problems = items.check_item(values)
            if not problems:
                keep = {k: v for k, v in found[0]["extra"].items() if k not in items.STUDIO_FIELDS}
                try:
                    c.store.save_item(record, {**keep, **extra}, None, pk)
                    return RedirectResponse("/items?saved=1", status_code=303)
                except SovauditError as err:
                    problems = [f"{err.problem}; {err.fix or ''}"]
        status = 400 if problems and request.method == "POST" else 200
        return c.page(request, "item_form.html", status, values=values, problems=problems, pk=pk)

    async def answers(request: Any) -> Response:
        error = ""
        if request.method == "POST":
            f = request.state.form
            spec = f.get("model", "").strip()
            max_tokens = _int(f, "max_tokens", 1, 512) or 64
            if not spec:
                error = "Name a model (an asset name, a folder, a .gguf file or an openai server URL)."
            else:
                job = jobs.start_job(c.store, spec, max_tokens)
                return RedirectResponse(f"/jobs/{job}", status_code=303)
        return c.page(request, "answers.html", 400 if error else 200, jobs=jobs.jobs(c.store), error=error)

    async def job(request: Any) -> Response:
        rows = c.store.query("SELECT * FROM jobs WHERE id = ?", (request.path_params["job"],))
        if not rows:
            return HTMLResponse("no such job", status_code=404)
        return c.page(request, "job.html", job=dict(rows[0]))

    async def grade(request: Any) -> Response:
        uid = int(request.state.user["id"])
        saved = request.query_params.get("saved", "")
        if request.method == "POST":
            f = request.state.form
            scores = {
                "correct": _int(f, "correct", 0, 3),
                "useful": _int(f, "useful", 0, 3),
                "harmful": _int(f, "harmful", 0, 1),
                "wrong_language": _int(f, "wrong_language", 0, 1),
            }
            answer_id = _int(f, "answer_id", 1, 2**62)
            if answer_id is None or any(v is None for v in scores.values()):
                return HTMLResponse("every rubric field needs a value", status_code=400)
            exists = c.store.query("SELECT 1 FROM answers WHERE id = ?", (answer_id,))
            if not exists:
                return HTMLResponse("no such answer", status_code=400)
            # committed before the redirect: the grader is told "saved" only once it is on disk
            new = await run_in_threadpool(
                c.store.add_grade,
                answer_id,
                uid,
                {k: int(v or 0) for k, v in scores.items()},
                f.get("comment", "")[:2000],
            )
            return RedirectResponse(f"/grade?saved={answer_id}&new={int(new)}", status_code=303)
        nxt = await run_in_threadpool(grading.next_answer, c.store, uid)
        return c.page(request, "grade.html", item=nxt, saved=saved, rubric=RUBRIC)

    async def compare(request: Any) -> Response:
        uid = int(request.state.user["id"])
        if request.method == "POST":
            f = request.state.form
            a, b, winner = _int(f, "a", 1, 2**62), _int(f, "b", 1, 2**62), f.get("winner", "")
            if a is None or b is None or a == b or winner not in ("a", "b", "tie"):
                return HTMLResponse("choose A, B or tie", status_code=400)
            pair = c.store.query(
                "SELECT 1 FROM answers x JOIN answers y ON x.item_pk = y.item_pk WHERE x.id = ? AND y.id = ?",
                (a, b),
            )
            if not pair:
                return HTMLResponse("these answers are not to one item", status_code=400)
            await run_in_threadpool(c.store.add_vote, a, b, uid, winner)
            return RedirectResponse("/compare?saved=1", status_code=303)
        nxt = await run_in_threadpool(grading.next_pair, c.store, uid)
        return c.page(request, "compare.html", pair=nxt, saved=request.query_params.get("saved", ""))

    async def results(request: Any) -> Response:
        nums = await run_in_threadpool(numbers, c.store, 1000, 0)
        return c.page(request, "results.html", nums=nums, progress=grading.progress(c.store))

    def scores_of(f: dict[str, str]) -> dict[str, int] | None:
        got = {
            "correct": _int(f, "correct", 0, 3),
            "useful": _int(f, "useful", 0, 3),
            "harmful": _int(f, "harmful", 0, 1),
            "wrong_language": _int(f, "wrong_language", 0, 1),
        }
        return None if any(v is None for v in got.values()) else {k: int(v or 0) for k, v in got.items()}

    async def disagree(request: Any) -> Response:
        if request.method == "POST":
            f = request.state.form
            scores, answer_id = scores_of(f), _int(f, "answer_id", 1, 2**62)
            if (
                scores is None
                or answer_id is None
                or not c.store.query("SELECT 1 FROM answers WHERE id = ?", (answer_id,))
            ):
                return HTMLResponse("every field of the final grade needs a value", status_code=400)
            c.store.adjudicate(answer_id, int(request.state.user["id"]), scores, f.get("note", "")[:2000])
            return RedirectResponse("/disagreements?saved=1", status_code=303)
        return c.page(request, "disagreements.html", rows=grading.disagreements(c.store), json=json)

    async def translations(request: Any) -> Response:
        error = ""
        if request.method == "POST":
            f = request.state.form
            try:
                n = _int(f, "n", 1, 100_000) or 100
                await run_in_threadpool(
                    translate.create_task,
                    c.store,
                    f.get("corpus", "").strip(),
                    f.get("source", "").strip(),
                    f.get("target", "").strip(),
                    n,
                    _int(f, "seed", 0, 2**31) or 0,
                )
                return RedirectResponse("/translations", status_code=303)
            except SovauditError as err:
                error = f"{err.problem}; {err.fix or ''}"
        return c.page(
            request, "translations.html", 400 if error else 200, tasks=translate.tasks(c.store), error=error
        )

    async def translate_page(request: Any) -> Response:
        uid = int(request.state.user["id"])
        if request.method == "POST":
            f = request.state.form
            seg = _int(f, "segment_id", 1, 2**62)
            if seg is None or not f.get("text", "").strip():
                return HTMLResponse("write the translation", status_code=400)
            await run_in_threadpool(translate.add_translation, c.store, seg, uid, f["text"][:20_000])
            return RedirectResponse(f"/translate?saved={seg}", status_code=303)
        seg_row = translate.next_segment(c.store, uid)
        return c.page(request, "translate.html", seg=seg_row, saved=request.query_params.get("saved", ""))

    async def review(request: Any) -> Response:
        uid = int(request.state.user["id"])
        if request.method == "POST":
            f = request.state.form
            text_id = _int(f, "text_id", 1, 2**62)
            if text_id is None:
                return HTMLResponse("no translation named", status_code=400)
            corrected = f.get("corrected", "") if f.get("verdict") == "fixed" else ""
            try:
                await run_in_threadpool(translate.add_review, c.store, text_id, uid, corrected[:20_000])
            except SovauditError as err:
                return HTMLResponse(err.problem, status_code=400)
            return RedirectResponse("/review?saved=1", status_code=303)
        row = translate.next_review(c.store, uid)
        return c.page(request, "review.html", tr=row, saved=request.query_params.get("saved", ""))

    async def favicon(request: Any) -> Response:
        return Response(status_code=204)

    async def css(request: Any) -> Response:
        return FileResponse(TEMPLATES / "studio.css", media_type="text/css")

    async def js(request: Any) -> Response:
        return FileResponse(TEMPLATES / "studio.js", media_type="text/javascript")

    both, get = ["GET", "POST"], ["GET"]
    return [
        ("/login", login, both),
        ("/logout", logout, ["POST"]),
        ("/", home, get),
        ("/users", users, both),
        ("/items", item_list, get),
        ("/items/new", item_new, both),
        ("/items/{pk:int}/edit", item_edit, both),
        ("/answers", answers, both),
        ("/jobs/{job:int}", job, get),
        ("/grade", grade, both),
        ("/compare", compare, both),
        ("/results", results, get),
        ("/disagreements", disagree, both),
        ("/static/studio.css", css, get),
        ("/static/studio.js", js, get),
        ("/favicon.ico", favicon, get),
        ("/translations", translations, both),
        ("/translate", translate_page, both),
        ("/review", review, both),
    ]
