"""Fact-check archive commands: ``claimtrack factchecks import`` and ``claimtrack match``.

Mounted by ``desk.cli`` through ``register(app)``. Import reads published ClaimReview (JSON-LD
pages, DataFeed / JSON Lines feeds, Fact Check Tools responses) into the warehouse; match says
which archived fact-checks a claim is about, best first, and which scorer decided (words, or
words and the sentence encoder when ``make models`` has installed it).
"""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrack.errors import InputError
from desk.options import AllowOpt, DbOpt, JsonOpt, settings_for

factchecks_app = typer.Typer(help="The archive of published fact-checks that claims are matched to.",
                             no_args_is_help=True)


@factchecks_app.command("import")
def factchecks_import(
    ctx: typer.Context,
    items: Annotated[list[str], typer.Argument(
        help="Files (.json, .jsonl, .html), folders (recursive) or URLs holding ClaimReview.")],
    db: DbOpt = None,
    allow_host: AllowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import published fact-checks; importing the same ones again adds nothing."""
    from desk.output import console, print_json
    from flows.factchecks import import_factchecks, imported_json

    settings = settings_for(ctx, db, allow_host)
    report = import_factchecks(list(items), settings)
    if as_json:
        print_json(imported_json(report))
        return
    for r in report:
        if r.status == "imported":
            console.print(f"[green]imported[/green] {r.source}: {r.added} new of {r.found} "
                          "fact-check(s)", soft_wrap=True)
        else:
            console.print(f"[yellow]skipped[/yellow] {r.source}: {r.reason}", soft_wrap=True)
    console.print(f"{sum(r.added for r in report)} new fact-check(s) in {settings.db}")


def match(
    ctx: typer.Context,
    texts: Annotated[list[str], typer.Argument(help="Claims to look up, each quoted.")],
    top: Annotated[int, typer.Option("--top", min=1, max=50, help="At most this many per claim.")] = 5,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Earlier fact-checks of these claims from the archive, best first, above the threshold."""
    from desk.output import console, print_json
    from flows.factchecks import match_claims, matches_json

    cleaned = [t.strip() for t in texts if t.strip()]
    if not cleaned:
        raise InputError("give at least one claim")
    settings = settings_for(ctx, db)
    result = match_claims(cleaned, settings, top=top)
    if as_json:
        print_json(matches_json(result))
        return
    scorer = result.scorer + (f" ({result.note})" if result.note else "")
    console.print(f"{result.archived} archived fact-check(s); scorer: {scorer}; threshold "
                  f"{result.threshold}", soft_wrap=True)
    for text, found in zip(cleaned, result.by_claim, strict=True):
        console.print(f"\n[bold]{text}[/bold]", soft_wrap=True)
        if not found:
            console.print("  no earlier fact-check above the threshold")
        for m in found:
            r = m.factcheck.review
            flag = " [yellow](reviewed the reverse claim)[/yellow]" if m.opposed else ""
            console.print(f"  {m.score:.3f}  {r.rating or 'no rating'} by {r.publisher or '?'}"
                          f"{flag}: {r.claim_reviewed}\n        {r.url or ''}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(factchecks_app, name="factchecks")
    app.command("match")(match)
