"""Passwords (argon2id, argon2-cffi), sessions, CSRF tokens and the login rate limit.

A session is a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only its SHA-256,
with the session's CSRF token, which every form carries and every POST must send back (else 403). Before
login, the login form's token is a double-submit cookie (``studio_login``), as the form has no session yet.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from collections import deque
from typing import Any

from ..errors import SovauditError
from .db import Store

SESSION_COOKIE = "studio_session"
LOGIN_COOKIE = "studio_login"
SESSION_SECONDS = 12 * 3600
MIN_PASSWORD = 8


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - depends on the install
        raise SovauditError("the studio needs argon2-cffi", "pip install 'sovaudit[studio]'") from None
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (refuses one shorter than 8 characters)."""
    if len(password) < MIN_PASSWORD:
        raise SovauditError(
            f"the password is shorter than {MIN_PASSWORD} characters", "choose a longer password"
        )
    return str(_hasher().hash(password))


def verify_password(pw_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``pw_hash``."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(pw_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session(store: Store, user_id: int) -> str:
    """Start a session; returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    with store.write() as con:
        con.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
        con.execute(
            "INSERT INTO sessions(token_hash, user_id, csrf, expires) VALUES (?,?,?,?)",
            (_digest(token), user_id, secrets.token_urlsafe(32), time.time() + SESSION_SECONDS),
        )
    return token


def session_user(store: Store, token: str | None) -> sqlite3.Row | None:
    """The user of a live session (with its ``csrf``), or ``None``."""
    if not token:
        return None
    rows = store.query(
        "SELECT users.id, users.name, users.role, sessions.csrf FROM sessions JOIN users "
        "ON users.id = sessions.user_id WHERE token_hash = ? AND expires > ?",
        (_digest(token), time.time()),
    )
    return rows[0] if rows else None


def end_session(store: Store, token: str | None) -> None:
    """Forget a session."""
    if token:
        with store.write() as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))


def same_token(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (``False`` when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class RateLimit:
    """At most ``attempts`` failed logins per user name, and ``per_address`` per client address, in
    ``window`` seconds (graders behind one address, as on one laptop, are not locked out by one typo)."""

    def __init__(self, attempts: int = 5, window: float = 60.0, per_address: int = 20) -> None:
        self.attempts, self.window, self.per_address = attempts, window, per_address
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _count(self, key: str, now: float) -> int:
        q = self._fails.get(key)
        while q and now - q[0] > self.window:
            q.popleft()
        return len(q) if q else 0

    def blocked(self, user: str, address: str) -> bool:
        """Whether this user name or this address has used up its failures."""
        now = time.monotonic()
        with self._lock:
            return (
                self._count(f"user:{user}", now) >= self.attempts
                or self._count(f"addr:{address}", now) >= self.per_address
            )

    def fail(self, user: str, address: str) -> None:
        """Count a failed login against the user name and the address."""
        now = time.monotonic()
        with self._lock:
            for key in (f"user:{user}", f"addr:{address}"):
                self._fails.setdefault(key, deque()).append(now)
