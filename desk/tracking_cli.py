"""Tracking commands of ``claimtrack``: reverify, schedule, history, export.

Mounted by ``desk.cli`` through ``register(app)``. Each command builds its settings from the
context (``desk.options.settings_for``) and calls the public functions of flows/ and warehouse/.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from claimtrack.errors import InputError
from desk.options import AllowOpt, AssessorOpt, DbOpt, JsonOpt, settings_for


def parse_since(value: str | None) -> datetime | None:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO timestamp (UTC unless it says otherwise)."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"--since {value!r} is not a date (use YYYY-MM-DD)") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def reverify(
    ctx: typer.Context,
    due: Annotated[bool, typer.Option("--due", help="Only the claims due by policy (default).")] = False,
    all_claims: Annotated[
        bool, typer.Option("--all", help="Every tracked claim not under an editor's final rating.")
    ] = False,
    claim: Annotated[
        list[str] | None, typer.Option("--claim", help="This claim id, decided or not (repeatable).")
    ] = None,
    db: DbOpt = None,
    allow_host: AllowOpt = None,
    assessor: AssessorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check tracked claims again: conditional re-fetch, source events, new verdicts."""
    from desk.output import console, print_json, styled
    from flows.reverify import Mode, reverify_tracked

    if sum([due, all_claims, bool(claim)]) > 1:
        raise InputError("use one of --due, --all or --claim")
    mode: Mode = "all" if all_claims else "claims" if claim else "due"
    settings = settings_for(ctx, db, allow_host, assessor=assessor)
    outcome = reverify_tracked(settings, mode=mode, claim_ids=list(claim or []) or None)
    if as_json:
        print_json(outcome.to_json())
        return
    for c in outcome.claims:
        move = (f"{styled(c.before)} -> {styled(c.after)}" if c.changed and c.before
                else styled(c.after))
        flag = "  [yellow]needs review[/yellow]" if c.needs_review else ""
        console.print(f"{move}  {c.text}{flag}")
    for e in outcome.events:
        console.print(f"  [dim]{e.kind}[/dim] {e.source_id}: {e.reason}")
    changed = sum(1 for c in outcome.claims if c.changed)
    console.print(
        f"Run {outcome.run_id}: {len(outcome.claims)} claims checked, {changed} changed status, "
        f"{len(outcome.events)} source events; {outcome.requests} requests "
        f"({outcome.not_modified} not modified, {outcome.bytes} bytes)"
    )


def schedule(
    ctx: typer.Context,
    cron: Annotated[
        str | None, typer.Option("--cron", help='Cron schedule, e.g. "0 */6 * * *" (default from settings).')
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name.")] = "reverify-tracked",
    db: DbOpt = None,
    allow_host: AllowOpt = None,
) -> None:
    """Serve the re-verification as a Prefect deployment on a cron schedule (until Ctrl-C)."""
    from desk.output import console
    from flows.schedule import serve_reverify

    settings = settings_for(ctx, db, allow_host)
    config = ctx.find_root().params.get("config")
    console.print(f"Serving reverify_tracked on {cron or settings.reverify.cron!r} "
                  f"against {settings.db}")
    serve_reverify(settings, cron=cron, name=name, config=Path(config) if config else None)


def history(
    ctx: typer.Context,
    claim_id: Annotated[str | None, typer.Argument(help="Only this claim.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only from this date on (YYYY-MM-DD).")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Status changes and source events (changed, gone, back, new), oldest first."""
    from desk.output import console, print_json
    from warehouse import tracking
    from warehouse.db import Warehouse

    when = parse_since(since)
    settings = settings_for(ctx, db)
    entries = tracking.history(Warehouse(settings.db), claim_id, when)
    if as_json:
        print_json({"history": [e.to_json() for e in entries]})
        return
    from rich.table import Table

    table = Table(title=f"History{' of ' + claim_id if claim_id else ''}", expand=True)
    for column in ("When", "Claim", "What", "From", "To", "Reason"):
        table.add_column(column, overflow="fold")
    for e in entries:
        short = (lambda v: (v or "-")[:12]) if e.kind != "status" else (lambda v: v or "-")
        table.add_row(f"{e.at:%Y-%m-%d %H:%M}", e.claim_id or "-",
                      e.kind if e.kind == "status" else f"{e.kind} {e.url or e.source_id}",
                      short(e.from_value), short(e.to_value), e.reason)
    console.print(table)


def export(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder for one Parquet file per table.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write every table and view of the warehouse as Parquet (DIR/<name>.parquet)."""
    from desk.output import console, print_json
    from warehouse.db import Warehouse
    from warehouse.tracking import export_parquet

    settings = settings_for(ctx, db)
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} exists and is not a folder")
    exported = export_parquet(Warehouse(settings.db), directory)
    if as_json:
        print_json({"directory": str(directory.resolve()), "files": [
            {"name": e.name, "kind": e.kind, "rows": e.rows, "path": str(e.path)} for e in exported
        ]})
        return
    tables = [e for e in exported if e.kind == "table"]
    console.print(f"Wrote {len(tables)} tables and {len(exported) - len(tables)} views "
                  f"({sum(e.rows for e in tables)} table rows) to {directory}")


def register(app: typer.Typer) -> None:
    """Mount the tracking commands on the main ``claimtrack`` app."""
    app.command("reverify")(reverify)
    app.command("schedule")(schedule)
    app.command("history")(history)
    app.command("export")(export)
