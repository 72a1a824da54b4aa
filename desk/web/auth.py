"""Who is asking: signed session cookies, CSRF tokens, the login rate limit and API bearer tokens.

The session cookie is signed by Starlette's SessionMiddleware (itsdangerous) with a key from the
settings, or one generated once and kept beside the warehouse (``<db stem>.secret``, mode 0600),
so sessions survive a restart without anyone choosing a key.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request

from claimtrack.errors import AuthError
from claimtrack.settings import Settings
from warehouse.editors import Accounts

CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "claimtrack_session"
SESSION_MAX_AGE = 12 * 3600


def secret_key(settings: Settings) -> str:
    """The configured key, else the one kept beside the database (created 0600 on first use)."""
    if settings.review.secret_key:
        return settings.review.secret_key
    path = settings.db.with_name(settings.db.stem + ".secret")
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return Path(path).read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, submitted: object) -> bool:
    expected = request.session.get("csrf")
    return (isinstance(expected, str) and isinstance(submitted, str) and bool(expected)
            and hmac.compare_digest(expected, submitted))


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


class LoginLimiter:
    """At most ``attempts`` failed logins per username and address in ``window`` seconds."""

    def __init__(self, attempts: int = 5, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self.clock()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds to wait before trying again; 0 when a try is allowed."""
        with self._lock:
            failures = self._recent((username.lower(), ip))
            if len(failures) < self.attempts:
                return 0
            return max(1, int(failures[0] + self.window - self.clock()) + 1)

    def failed(self, username: str, ip: str) -> None:
        with self._lock:
            self._recent((username.lower(), ip)).append(self.clock())
            if len(self._failures) > 10_000:  # many names tried: forget the expired ones
                for key in list(self._failures):
                    if not self._recent(key):
                        del self._failures[key]

    def succeeded(self, username: str, ip: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), ip), None)


class EditorCache:
    """Whether a session's editor is still active, asked of the warehouse at most every few
    seconds (removing an editor ends their sessions within ``ttl``)."""

    def __init__(self, accounts: Accounts, ttl: float = 5.0) -> None:
        self.accounts = accounts
        self.ttl = ttl
        self._seen: dict[str, tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def cached(self, name: str) -> bool | None:
        """The remembered answer, if fresh (no warehouse call: safe on the event loop)."""
        with self._lock:
            hit = self._seen.get(name)
        return hit[0] if hit and hit[1] > time.monotonic() else None

    def active(self, name: str) -> bool:
        hit = self.cached(name)
        if hit is not None:
            return hit
        now = time.monotonic()
        active = self.accounts.get(name) is not None
        with self._lock:
            self._seen[name] = (active, now + self.ttl)
        return active

    def forget(self, name: str) -> None:
        with self._lock:
            self._seen.pop(name, None)


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("send an API token: Authorization: Bearer <token>")
    return token.strip()
