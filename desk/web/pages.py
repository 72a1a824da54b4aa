"""The HTML pages: login, queue, a claim's file and its actions, the audit log, snapshots.

Handlers are thin: check who is asking (``editor_page``), call the desk in the thread pool,
render. Form POSTs answer with a redirect (303) so a reload never repeats an action, except a
refused decision, which re-renders the claim with the editor's words still in the form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from claimtrack.errors import AuthError, ClaimtrackError, ConflictError, InputError
from desk.web.auth import CSRF_FIELD, client_ip, csrf_ok, csrf_token
from desk.web.render import safe_url
from desk.web.threads import run_in_threadpool
from warehouse.review import KINDS, MACHINE_STATUSES, STATE_FILTERS, QueueFilter

if TYPE_CHECKING:
    from desk.web.app import DeskApp

Handler = Callable[[Request], Awaitable[Response]]


def state_of(request: Request) -> DeskApp:
    return request.app.state.desk  # type: ignore[no-any-return]


def flash(request: Request, level: str, message: str) -> None:
    request.session.setdefault("flash", []).append([level, message])


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    state = state_of(request)
    flashes = request.session.pop("flash", [])
    body = state.templates.get_template(template).render(
        editor=request.session.get("editor"), csrf=csrf_token(request), csrf_field=CSRF_FIELD,
        flashes=flashes, ratings=state.settings.review.ratings,
        can_recheck=state.recheck is not None, path=request.url.path, **ctx)
    return HTMLResponse(body, status_code=status)


def _safe_next(value: object) -> str:
    """Only a path on this site, never ``//host`` or a scheme: no open redirect."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/queue"


def editor_page(handler: Handler) -> Handler:
    """A signed-in, still active editor; on POST also a valid CSRF token."""

    @wraps(handler)
    async def wrapped(request: Request) -> Response:
        state = state_of(request)
        editor = request.session.get("editor")
        active = False
        if isinstance(editor, str):  # the warehouse is asked only when the cache has no answer
            hit = state.editors.cached(editor)
            active = hit if hit is not None else await run_in_threadpool(state.editors.active,
                                                                         editor)
        if not active:
            request.session.pop("editor", None)
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            raise HTTPException(401, "sign in first")
        if request.method == "POST":
            form = await request.form()
            if not csrf_ok(request, form.get(CSRF_FIELD)):
                raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")
            request.state.form = form
        request.state.editor = editor
        return await handler(request)

    return wrapped


def form_of(request: Request) -> FormData:
    return request.state.form  # type: ignore[no-any-return]


def _text(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def login_form(request: Request) -> Response:
    return render(request, "login.html", next=_safe_next(request.query_params.get("next")),
                  username="", error=None)


async def login(request: Request) -> Response:
    state = state_of(request)
    form = await request.form()
    username, password = _text(form, "username", 64), form.get("password")
    nxt = _safe_next(form.get("next"))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")
    ip = client_ip(request)
    wait = state.limiter.retry_after(username, ip)
    if wait:
        response = render(request, "login.html", status=429, next=nxt, username=username,
                          error=f"Too many failed sign-ins. Try again in {wait} seconds.")
        response.headers["retry-after"] = str(wait)
        return response
    try:
        await run_in_threadpool(state.accounts.authenticate, username,
                                password if isinstance(password, str) else "")
    except AuthError:
        state.limiter.failed(username, ip)
        return render(request, "login.html", status=401, next=nxt, username=username,
                      error="Unknown editor or wrong password.")
    state.limiter.succeeded(username, ip)
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in editor
    request.session["editor"] = username
    csrf_token(request)
    return RedirectResponse(nxt, status_code=303)


@editor_page
async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@editor_page
async def home(request: Request) -> Response:
    return RedirectResponse("/queue", status_code=303)


def _filter(request: Request) -> tuple[QueueFilter, dict[str, Any]]:
    q = request.query_params
    params = {k: q.get(k) or None for k in ("state", "status", "article", "kind", "assignee")}
    try:
        page = int(q.get("page", "1"))
    except ValueError as exc:
        raise HTTPException(400, "page must be a number") from exc
    f = QueueFilter(state=params["state"] or "queue", status=params["status"],  # type: ignore[arg-type]
                    article=params["article"], kind=params["kind"],
                    assignee=params["assignee"], page=page)
    return f, {**params, "page": page}


@editor_page
async def queue(request: Request) -> Response:
    state = state_of(request)
    f, params = _filter(request)
    try:
        page = await run_in_threadpool(state.desk.queue, f)
    except InputError as exc:
        raise HTTPException(400, str(exc)) from exc
    key = (page.items, page.total, page.page, page.per_page, tuple(page.counts.items()),
           tuple(params.items()))
    main = state.queue_main.keyed(key, page=page, filters=params, states=STATE_FILTERS,
                                  statuses=MACHINE_STATUSES, kinds=KINDS, current=f)
    return render(request, "queue.html", main=main)


async def _claim_page(request: Request, claim_id: str, status: int = 200,
                      values: dict[str, Any] | None = None, error: str | None = None) -> Response:
    state = state_of(request)
    claim = await state.claims.load(claim_id)
    if claim is None:
        raise HTTPException(404, f"no claim with id {claim_id}")
    mine = claim.hold is not None and claim.hold.editor == request.state.editor
    values = values or {"rating": claim.decision.rating if claim.decision else "",
                        "note": claim.decision.note if claim.decision else "",
                        "internal_note": "",
                        "publish": claim.decision.publish if claim.decision else False}
    factchecks = await _factchecks(state, claim.text)
    return render(request, "claim.html", status=status, claim=claim, mine=mine, values=values,
                  error=error, factchecks=factchecks)


async def _factchecks(state: DeskApp, text: str) -> tuple[Any, ...]:
    """Archived fact-checks of the claim: from memory, the archive re-read now and then."""
    matcher = state.factchecks
    if matcher is None:
        return ()
    found = matcher.fresh_matches(text)
    if found is None:
        await run_in_threadpool(matcher.refresh)
        found = matcher.fresh_matches(text)
    return found or ()


@editor_page
async def claim(request: Request) -> Response:
    return await _claim_page(request, request.path_params["claim_id"])


def _back(claim_id: str) -> RedirectResponse:
    return RedirectResponse(f"/claims/{quote(claim_id, safe='')}", status_code=303)


async def _act(request: Request, action: Callable[[], object], done: str) -> Response:
    claim_id = request.path_params["claim_id"]
    try:
        await run_in_threadpool(action)
    except ConflictError as exc:
        flash(request, "error", str(exc))
    except InputError as exc:
        raise HTTPException(404 if "no claim" in str(exc) else 400, str(exc)) from exc
    else:
        flash(request, "ok", done)
    return _back(claim_id)


@editor_page
async def take(request: Request) -> Response:
    desk, cid, editor = state_of(request).desk, request.path_params["claim_id"], request.state.editor
    minutes = state_of(request).settings.review.hold_minutes
    return await _act(request, lambda: desk.take(cid, editor),
                      f"You hold this claim for {minutes} minutes.")


@editor_page
async def release(request: Request) -> Response:
    desk, cid, editor = state_of(request).desk, request.path_params["claim_id"], request.state.editor
    return await _act(request, lambda: desk.release(cid, editor), "Released.")


@editor_page
async def note(request: Request) -> Response:
    desk, cid, editor = state_of(request).desk, request.path_params["claim_id"], request.state.editor
    text = _text(form_of(request), "internal_note")
    if not text:
        raise HTTPException(400, "the note is empty")
    return await _act(request, lambda: desk.note(cid, editor, text), "Note added.")


@editor_page
async def decide(request: Request) -> Response:
    state = state_of(request)
    cid, editor, form = request.path_params["claim_id"], request.state.editor, form_of(request)
    rating, text, internal = (_text(form, "rating", 64), _text(form, "note"),
                              _text(form, "internal_note"))
    publish = form.get("publish") in ("on", "true", "1", "yes")
    values: dict[str, Any] = {"rating": rating, "note": text, "internal_note": internal,
                              "publish": publish}
    version = _text(form, "version", 200) or None
    try:
        decision = await run_in_threadpool(
            lambda: state.desk.decide(cid, editor, rating, note=text, internal_note=internal,
                                      publish=publish, version=version))
    except ConflictError as exc:
        return await _claim_page(request, cid, status=409, values=values, error=str(exc))
    except InputError as exc:
        if "no claim" in str(exc):
            raise HTTPException(404, str(exc)) from exc
        return await _claim_page(request, cid, status=400, values=values, error=str(exc))
    flash(request, "ok", f"Decided: {decision.rating}"
          + (" (published)." if decision.publish else " (not published)."))
    return _back(cid)


async def _recheck(request: Request, urls: list[str], action: str) -> Response:
    state = state_of(request)
    cid, editor = request.path_params["claim_id"], request.state.editor
    if state.recheck is None:
        raise HTTPException(503, "re-checking is not available in this server: start it from "
                                 "`claimtrack review serve` with the pipeline installed")
    recheck = state.recheck
    try:
        await run_in_threadpool(state.desk.log, cid, editor, action, " ".join(urls))  # type: ignore[arg-type]
        await run_in_threadpool(recheck, cid, urls)
    except InputError as exc:
        raise HTTPException(404 if "no claim" in str(exc) else 400, str(exc)) from exc
    except ClaimtrackError as exc:
        flash(request, "error", f"The re-check failed: {exc}")
        return _back(cid)
    flash(request, "ok", "Evidence added and the claim re-checked." if urls
          else "The claim was re-checked.")
    return _back(cid)


@editor_page
async def add_evidence(request: Request) -> Response:
    url = _text(form_of(request), "url", 2000)
    if not safe_url(url):
        raise HTTPException(400, "give an http:// or https:// URL")
    return await _recheck(request, [url], "add_evidence")


@editor_page
async def reverify(request: Request) -> Response:
    return await _recheck(request, [], "reverify")


@editor_page
async def audit(request: Request) -> Response:
    q = request.query_params
    try:
        page_no = max(1, int(q.get("page", "1")))
    except ValueError as exc:
        raise HTTPException(400, "page must be a number") from exc
    editor, claim_id = q.get("editor") or None, q.get("claim") or None
    page = await run_in_threadpool(lambda: state_of(request).desk.audit(
        editor=editor, claim_id=claim_id, page=page_no))
    return render(request, "audit.html", page=page,
                  filters={"editor": editor, "claim": claim_id, "page": page_no})


@editor_page
async def snapshot(request: Request) -> Response:
    snap = await run_in_threadpool(state_of(request).desk.snapshot,
                                   request.path_params["snapshot_hash"])
    if snap is None:
        raise HTTPException(404, "no such snapshot")
    return render(request, "snapshot.html", snap=snap)
