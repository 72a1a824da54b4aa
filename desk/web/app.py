"""The review web app: a Starlette app over the warehouse, server-rendered with Jinja2.

Article and source text is untrusted, so templates autoescape everything, links are only
rendered for http(s) URLs, and every response carries a Content-Security-Policy that forbids
inline script and style. Every page but ``/health`` and ``/login`` needs a signed session; every
form POST carries the session's CSRF token; the JSON API under ``/api/`` takes bearer tokens.
Warehouse calls run in the thread pool (DuckDB releases the GIL while it works).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimtrack.clock import Clock, utcnow
from claimtrack.settings import Settings
from desk.web import api, pages
from desk.web.auth import SESSION_COOKIE, SESSION_MAX_AGE, EditorCache, LoginLimiter, secret_key
from desk.web.loader import BatchLoader
from desk.web.render import Fragments, environment, queue_main
from flows.factchecks import ArchiveMatcher
from warehouse.db import Warehouse
from warehouse.editors import Accounts
from warehouse.review import ClaimDetail, ReviewDesk

Recheck = Callable[[str, Sequence[str]], object]
STATIC = Path(__file__).resolve().parent.parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass(frozen=True, slots=True)
class DeskApp:
    """What every handler needs, kept on ``app.state.desk``."""

    settings: Settings
    desk: ReviewDesk
    accounts: Accounts
    editors: EditorCache
    limiter: LoginLimiter
    templates: jinja2.Environment
    queue_main: Fragments  # the queue page's main block, by page and filters
    recheck: Recheck | None
    claims: BatchLoader[ClaimDetail]  # claim files, read together when asked for together
    factchecks: ArchiveMatcher | None = None  # earlier fact-checks shown on claim pages


class SecurityHeaders:
    """Adds CSP and friends to every response; HTML and JSON are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def _pandas_absent_fast() -> None:
    """When pandas is not installed, say so once in ``sys.modules``.

    DuckDB's Python client tries ``import pandas`` each time it binds parameters or reads
    results. When pandas is absent, each of those failed imports walks ``sys.path`` again. A claim
    page makes about 40 of them, a quarter of its CPU. A ``None`` entry makes the import fail at
    once, with the same ImportError.
    """
    if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
        sys.modules["pandas"] = None  # type: ignore[assignment]


def create_app(
    settings: Settings,
    *,
    recheck: Recheck | None = None,
    clock: Clock = utcnow,
    limiter: LoginLimiter | None = None,
) -> Starlette:
    """The review app over ``settings.db``; ``recheck(claim_id, extra_urls)`` comes from flows/
    (when None, "add evidence" and "re-run" are hidden and their routes answer 503)."""
    _pandas_absent_fast()
    wh = Warehouse(settings.db)
    wh.ensure_migrated()
    accounts = Accounts(wh, clock=clock)
    desk = ReviewDesk(wh, settings.review, clock=clock, linger=1.0, check_every=1.0, threads=1)
    templates = environment()
    state = DeskApp(
        settings=settings,
        desk=desk,
        accounts=accounts,
        editors=EditorCache(accounts),
        limiter=limiter or LoginLimiter(),
        templates=templates,
        queue_main=queue_main(templates),
        recheck=recheck,
        claims=BatchLoader(desk.claims, max_batch=max(1, settings.review.claim_batch)),
        factchecks=ArchiveMatcher(settings),
    )
    routes = [
        Route("/health", pages.health),
        Route("/login", pages.login_form, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/", pages.home),
        Route("/queue", pages.queue),
        Route("/claims/{claim_id}", pages.claim),
        Route("/claims/{claim_id}/take", pages.take, methods=["POST"]),
        Route("/claims/{claim_id}/release", pages.release, methods=["POST"]),
        Route("/claims/{claim_id}/decide", pages.decide, methods=["POST"]),
        Route("/claims/{claim_id}/note", pages.note, methods=["POST"]),
        Route("/claims/{claim_id}/evidence", pages.add_evidence, methods=["POST"]),
        Route("/claims/{claim_id}/reverify", pages.reverify, methods=["POST"]),
        Route("/audit", pages.audit),
        Route("/snapshots/{snapshot_hash}", pages.snapshot),
        Route("/api/queue", api.queue),
        Route("/api/claims/{claim_id}", api.claim),
        Route("/api/claims/{claim_id}/decision", api.decide, methods=["POST"]),
        Route("/api/claims/{claim_id}/take", api.take, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=secret_key(settings),
                   session_cookie=SESSION_COOKIE, max_age=SESSION_MAX_AGE, same_site="strict",
                   https_only=False),
    ]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: _http_error}, lifespan=_lifespan)
    app.state.desk = state
    return app


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """On shutdown, let go of the warehouse file now rather than when the linger runs out."""
    yield
    app.state.desk.desk.close()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    state: DeskApp = request.app.state.desk
    body = state.templates.get_template("error.html").render(
        status=exc.status_code, message=exc.detail, editor=None, csrf="", flashes=[])
    return HTMLResponse(body, status_code=exc.status_code)

