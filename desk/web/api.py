"""The JSON API for integrations: bearer tokens, no cookies, so no CSRF to worry about.

``GET /api/queue``, ``GET /api/claims/{id}``, ``POST /api/claims/{id}/decision``
(``{"rating", "note", "publish"}``, optionally ``"internal_note"`` and the ``"version"`` read
from the claim, to refuse a decision on a claim that changed) and ``POST /api/claims/{id}/take``.
Errors are ``{"error": "..."}`` with 400, 401, 404 or 409.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from claimtrack.errors import AuthError, ConflictError, InputError
from desk.web.auth import bearer
from desk.web.pages import state_of
from desk.web.serialize import claim_json, decision_json, hold_json, queue_json
from desk.web.threads import run_in_threadpool
from warehouse.review import QueueFilter

Handler = Callable[[Request, str], Awaitable[Response]]


def _error(status: int, message: str) -> JSONResponse:
    headers = {"www-authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def token_required(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    @wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            editor = await run_in_threadpool(state_of(request).accounts.for_token, bearer(request))
        except AuthError as exc:
            return _error(401, str(exc))
        try:
            return await handler(request, editor.name)
        except ConflictError as exc:
            return _error(409, str(exc))
        except InputError as exc:
            return _error(404 if "no claim" in str(exc) else 400, str(exc))

    return wrapped


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise InputError(f"expected a number, got {value!r}") from exc


@token_required
async def queue(request: Request, editor: str) -> Response:
    q = request.query_params
    f = QueueFilter(state=q.get("state") or "queue", status=q.get("status") or None,  # type: ignore[arg-type]
                    article=q.get("article") or None, kind=q.get("kind") or None,
                    assignee=q.get("assignee") or None, page=_int(q.get("page"), 1),
                    per_page=_int(q.get("per_page"), 50))
    page = await run_in_threadpool(state_of(request).desk.queue, f)
    return JSONResponse(queue_json(page))


@token_required
async def claim(request: Request, editor: str) -> Response:
    detail = await state_of(request).claims.load(request.path_params["claim_id"])
    if detail is None:
        return _error(404, f"no claim with id {request.path_params['claim_id']}")
    return JSONResponse(claim_json(detail))


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise InputError("the body is not JSON") from exc
    if not isinstance(body, dict):
        raise InputError("the body must be a JSON object")
    return body


@token_required
async def decide(request: Request, editor: str) -> Response:
    body = await _body(request)
    rating, publish = body.get("rating"), body.get("publish", False)
    note, internal, version = body.get("note", ""), body.get("internal_note", ""), body.get("version")
    if not isinstance(rating, str) or not isinstance(publish, bool):
        raise InputError('send {"rating": "<one of the scale>", "note": "...", "publish": true|false}')
    if not isinstance(note, str) or not isinstance(internal, str) or not (
            version is None or isinstance(version, str)):
        raise InputError("note, internal_note and version must be strings")
    desk, cid = state_of(request).desk, request.path_params["claim_id"]
    decision = await run_in_threadpool(
        lambda: desk.decide(cid, editor, rating, note=note, internal_note=internal,
                            publish=publish, version=version))
    return JSONResponse({"decision": decision_json(decision)}, status_code=201)


@token_required
async def take(request: Request, editor: str) -> Response:
    desk, cid = state_of(request).desk, request.path_params["claim_id"]
    hold = await run_in_threadpool(desk.take, cid, editor)
    return JSONResponse({"hold": hold_json(hold)})
