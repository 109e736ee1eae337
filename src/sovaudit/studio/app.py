"""The studio's web app (Starlette): login, security headers, role checks, CSRF; pages in :mod:`.views`.

Every response carries a Content-Security-Policy with no inline script and no outside origin; the pages
are plain HTML forms rendered by Jinja2 with autoescape on, so every string a user or a model wrote is
escaped. One same-origin script (``studio.js``) keeps drafts of forms in the browser; every page works
without it. Every POST must carry the session's CSRF token (403 without); every route names
the roles that may use it (:data:`PERMISSIONS`), and anything else gets 403 (or the login page).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from ..errors import SovauditError
from . import auth
from .db import Store

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
MAX_BODY = 1_000_000
Handler = Callable[..., Awaitable[Any]]

#: route -> roles that may use it (GET and POST alike); ``None``: no login needed
PERMISSIONS: dict[str, tuple[str, ...] | None] = {
    "/login": None,
    "/static/studio.css": None,
    "/static/studio.js": None,
    "/favicon.ico": None,
    "/logout": ("admin", "author", "grader", "viewer"),
    "/": ("admin", "author", "grader", "viewer"),
    "/users": ("admin",),
    "/items": ("admin", "author", "viewer"),
    "/items/new": ("admin", "author"),
    "/answers": ("admin", "author"),
    "/grade": ("grader",),
    "/compare": ("grader",),
    "/results": ("admin", "author", "viewer"),
    "/disagreements": ("admin",),
    "/translations": ("admin", "author"),
    "/translate": ("grader",),
    "/review": ("grader",),
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(store: Store, host: str) -> None:
    """Refuse to listen beyond this machine until an admin exists (else anyone on the LAN could be first)."""
    if not is_loopback(host) and not store.has_admin():
        raise SovauditError(
            f"--host {host} would open the studio to the network, but it has no admin yet",
            f"first run `sovaudit studio user add NAME --role admin --password-stdin --data {store.data}`",
        )


def templates() -> Any:
    """The Jinja2 environment (autoescape on for every template)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
    )


async def form_of(request: Any) -> dict[str, str]:
    """The urlencoded form of a POST (the last value of each field), at most 1 MB."""
    body = await request.body()
    if len(body) > MAX_BODY:
        return {}
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def create_app(data: str | Path, rate: auth.RateLimit | None = None, secure_cookies: bool = False) -> Any:
    """The studio app over the data folder ``data``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    from . import views

    store = Store(data)
    with store.write() as con:  # a job that was running when the server stopped will not finish by itself
        con.execute(
            "UPDATE jobs SET status = 'interrupted', error = 'the server stopped; start the job again "
            "(answers already stored are kept)' WHERE status IN ('queued', 'loading', 'running')"
        )
    env = templates()
    limiter = rate or auth.RateLimit()

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        user = request.state.user
        html = env.get_template(name).render(user=user, csrf=user["csrf"] if user else "", **ctx)
        return HTMLResponse(html, status_code=status)

    async def security(request: Request, call_next: Any) -> Response:
        path = request.url.path
        key = path if path in PERMISSIONS else _pattern(path)
        if key not in PERMISSIONS:
            return _headers(PlainTextResponse("not found", status_code=404))
        roles = PERMISSIONS[key]
        user = auth.session_user(store, request.cookies.get(auth.SESSION_COOKIE))
        request.state.user = dict(user) if user else None
        request.state.form = {}
        if roles is not None:
            if user is None:
                if request.method == "GET":
                    response: Response = RedirectResponse("/login", status_code=303)
                else:
                    response = PlainTextResponse("login first", status_code=403)
                return _headers(response)
            if user["role"] not in roles:
                return _headers(PlainTextResponse("your role may not use this page", status_code=403))
        if request.method == "POST":
            form = await form_of(request)
            expected = user["csrf"] if user is not None else request.cookies.get(auth.LOGIN_COOKIE)
            if not auth.same_token(form.get("csrf_token"), expected):
                return _headers(PlainTextResponse("missing or wrong CSRF token", status_code=403))
            request.state.form = form
        elif request.method not in ("GET", "HEAD"):
            return _headers(PlainTextResponse("method not allowed", status_code=405))
        return _headers(await call_next(request))

    ctx = views.Context(store=store, page=page, limiter=limiter, secure=secure_cookies)
    routes = [Route(path, fn, methods=methods) for path, fn, methods in views.routes(ctx)]
    app = Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=security)])
    app.state.store = store
    return app


def _pattern(path: str) -> str:
    parts = path.rstrip("/").split("/")
    if len(parts) == 3 and parts[1] == "jobs":
        return "/answers"
    if len(parts) == 4 and parts[1] == "items" and parts[3] == "edit":
        return "/items/new"
    return path


def _headers(response: Any) -> Any:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
