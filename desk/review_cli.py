"""``claimtrack review list|show|decide|take|serve`` and ``claimtrack editors add|list|remove``.

The CLI twins of the web app, over the same warehouse functions, so a script can work the queue
without a browser. ``--json`` prints what the API returns (claims carry ``id``, mentions carry
``article_id``). The main app's callback puts a ``Settings`` on ``ctx.obj``; bad input raises
``InputError`` (one line, exit 2 in the main wrapper).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from claimtrack.errors import InputError
from claimtrack.settings import Settings, load_settings
from desk.web.serialize import claim_json, decision_json, hold_json, plain, queue_json
from warehouse.db import Warehouse
from warehouse.editors import Accounts
from warehouse.review import STATE_FILTERS, ClaimDetail, QueueFilter, QueuePage, ReviewDesk

review_app = typer.Typer(help="The editorial review queue: list, show, decide, take, serve.",
                         no_args_is_help=True)
editors_app = typer.Typer(help="Editor accounts for the review desk.", no_args_is_help=True)

DbOpt = Annotated[Path | None, typer.Option("--db", help="Warehouse file (env CLAIMTRACK_DB).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
EditorOpt = Annotated[str, typer.Option("--editor", help="Who is acting (an editor account).")]


def _settings(ctx: typer.Context, db: Path | None) -> Settings:
    settings = ctx.obj if isinstance(ctx.obj, Settings) else load_settings()
    return settings.with_overrides(db=db)


def _desk(settings: Settings, *, read_only: bool = False) -> ReviewDesk:
    return ReviewDesk(Warehouse(settings.db), settings.review, read_only=read_only)


def _existing_db(settings: Settings) -> None:
    if settings.db.suffix and not settings.db.exists() and ":" not in str(settings.db):
        raise InputError(f"no warehouse at {settings.db}; run `claimtrack check` first or "
                         "pass --db")


def _editor(settings: Settings, name: str) -> str:
    if Accounts(Warehouse(settings.db)).get(name) is None:
        raise InputError(f"no editor named {name!r}; add one with `claimtrack editors add {name}`")
    return name


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_queue(page: QueuePage) -> None:
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in page.counts.items())
    typer.echo(f"{page.total} claims (page {page.page} of {page.pages}) - {counts}")
    for item in page.items:
        who = (f"held by {item.hold.editor}" if item.hold
               else f"{item.rating} by {item.decided_by}" if item.rating else item.state)
        status = f"{item.status or 'unchecked'}" + (
            f" (was {item.previous_status})" if item.changed else "")
        typer.echo(f"{item.priority:.2f}  {item.claim_id}  {status}, {_pct(item.confidence)}  "
                   f"[{who}]  {_short(item.text, 80)}")


def _print_claim(claim: ClaimDetail) -> None:
    typer.echo(f"{claim.claim_id}: {claim.text}")
    typer.echo(f"  kind {claim.kind}, check-worthiness {_pct(claim.checkworthiness)}, "
               f"state {claim.state}, version {claim.version}")
    if claim.status:
        typer.echo(f"  machine: {claim.status}, confidence {_pct(claim.confidence)} - "
                   f"{claim.rationale}")
    if claim.hold:
        typer.echo(f"  held by {claim.hold.editor} until {claim.hold.expires_at:%Y-%m-%d %H:%M} UTC")
    if claim.decision:
        d = claim.decision
        typer.echo(f"  decision: {d.rating} by {d.editor} at {d.created_at:%Y-%m-%d %H:%M} UTC"
                   + (", published" if d.publish else "") + (f" - {d.note}" if d.note else ""))
    for m in claim.mentions:
        typer.echo(f"  in article {m.article_id} ({m.title or m.url or 'untitled'}): "
                   f"{_short(m.text, 100)}")
    for e in claim.evidence:
        typer.echo(f"  {e.stance:8} {e.domain} ({e.tier or 'no tier'}) {e.url}")
        typer.echo(f"           \"{_short(e.quote, 110)}\" - {e.reason}")
    for t in claim.timeline:
        typer.echo(f"  {t.at:%Y-%m-%d %H:%M} {t.actor}: {t.summary}")


@review_app.command("list")
def list_cmd(
    ctx: typer.Context,
    state: Annotated[str, typer.Option(help=f"One of: {', '.join(STATE_FILTERS)}.")] = "queue",
    status: Annotated[str | None, typer.Option(help="Machine status.")] = None,
    article: Annotated[str | None, typer.Option(help="Only claims in this article id.")] = None,
    kind: Annotated[str | None, typer.Option(help="Claim kind.")] = None,
    assignee: Annotated[str | None, typer.Option(help="Only claims this editor holds.")] = None,
    page: Annotated[int, typer.Option(help="Page number.")] = 1,
    per_page: Annotated[int, typer.Option("--per-page", help="Claims per page.")] = 50,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The claims that need a person, most urgent first."""
    settings = _settings(ctx, db)
    _existing_db(settings)
    result = _desk(settings, read_only=True).queue(QueueFilter(
        state=state, status=status, article=article, kind=kind,  # type: ignore[arg-type]
        assignee=assignee, page=page, per_page=per_page))
    _print_json(queue_json(result)) if as_json else _print_queue(result)


@review_app.command("show")
def show_cmd(ctx: typer.Context, claim_id: str, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """One claim: context, machine verdict, evidence, timeline, hold and decision."""
    settings = _settings(ctx, db)
    _existing_db(settings)
    claim = _desk(settings, read_only=True).claim(claim_id)
    if claim is None:
        raise InputError(f"no claim with id {claim_id!r}")
    _print_json(claim_json(claim)) if as_json else _print_claim(claim)


@review_app.command("decide")
def decide_cmd(
    ctx: typer.Context,
    claim_id: str,
    rating: Annotated[str, typer.Option(help="A rating from the configured scale.")],
    editor: EditorOpt,
    note: Annotated[str, typer.Option(help="Note for readers.")] = "",
    internal_note: Annotated[str, typer.Option("--internal-note", help="Note for the desk.")] = "",
    publish: Annotated[bool, typer.Option("--publish/--no-publish", help="Publish it.")] = False,
    version: Annotated[str | None, typer.Option(
        help="The version you looked at (from `review show --json`); refused if it changed.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a decision (appended; earlier decisions stay in the log)."""
    settings = _settings(ctx, db)
    _existing_db(settings)
    decision = _desk(settings).decide(claim_id, _editor(settings, editor), rating, note=note,
                                      internal_note=internal_note, publish=publish,
                                      version=version)
    if as_json:
        _print_json({"decision": decision_json(decision)})
    else:
        typer.echo(f"{claim_id}: {decision.rating}" + (" (published)" if publish else "")
                   + f" by {decision.editor}")


@review_app.command("take")
def take_cmd(
    ctx: typer.Context,
    claim_id: str,
    editor: EditorOpt,
    release: Annotated[bool, typer.Option("--release", help="Give the claim back.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Hold a claim so no one else works it (for review.hold_minutes), or --release it."""
    settings = _settings(ctx, db)
    _existing_db(settings)
    desk = _desk(settings)
    name = _editor(settings, editor)
    if release:
        desk.release(claim_id, name)
        _print_json({"id": claim_id, "hold": None}) if as_json else typer.echo(
            f"{claim_id}: released")
        return
    hold = desk.take(claim_id, name)
    if as_json:
        _print_json({"id": claim_id, "hold": hold_json(hold)})
    else:
        typer.echo(f"{claim_id}: held by {hold.editor} until {hold.expires_at:%Y-%m-%d %H:%M} UTC")


def _recheck(settings: Settings) -> Any:
    """The pipeline's re-check for the app's "add evidence" and "re-run" buttons, if installed."""
    try:
        from flows.reverify import recheck_claim
    except ImportError:
        return None

    def recheck(claim_id: str, extra_urls: Sequence[str]) -> object:
        return recheck_claim(settings, claim_id, extra_urls)

    return recheck


@review_app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to bind; loopback unless you mean it.")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(help="Port.")] = 8080,
    db: DbOpt = None,
) -> None:
    """Serve the review web app (login required; add editors with `claimtrack editors add`)."""
    from desk.web import serve

    settings = _settings(ctx, db)
    typer.echo(f"review desk on http://{host}:{port}/ (warehouse {settings.db}); Ctrl-C stops it")
    serve(settings, host=host, port=port, recheck=_recheck(settings))


@editors_app.command("add")
def editors_add(
    ctx: typer.Context,
    name: str,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add an editor; prints their API token once (it is stored only as a hash)."""
    settings = _settings(ctx, db)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    token = Accounts(Warehouse(settings.db)).add(name, password)
    if as_json:
        _print_json({"name": name, "token": token})
    else:
        typer.echo(f"added editor {name}")
        typer.echo(f"API token (shown once, keep it safe): {token}")


@editors_app.command("list")
def editors_list(ctx: typer.Context, db: DbOpt = None, as_json: JsonOpt = False,
                 removed: Annotated[bool, typer.Option(
                     "--removed", help="Include removed editors.")] = False) -> None:
    """The editor accounts."""
    settings = _settings(ctx, db)
    editors = Accounts(Warehouse(settings.db)).list(include_removed=removed)
    if as_json:
        _print_json({"editors": plain(editors)})
        return
    for e in editors:
        typer.echo(f"{e.name}  added {e.created_at:%Y-%m-%d}"
                   + (f"  removed {e.removed_at:%Y-%m-%d}" if e.removed_at else ""))
    if not editors:
        typer.echo("no editors yet: add one with `claimtrack editors add NAME`")


@editors_app.command("remove")
def editors_remove(ctx: typer.Context, name: str, db: DbOpt = None) -> None:
    """Remove an editor: they can no longer sign in or use their token; their history stays."""
    settings = _settings(ctx, db)
    Accounts(Warehouse(settings.db)).remove(name)
    typer.echo(f"removed editor {name}")
