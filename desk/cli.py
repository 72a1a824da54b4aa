"""The ``claimtrack`` command: one Typer app; each command builds the settings and calls a flow.

A user's bad input (missing file, bad URL, bad date, unknown provider) prints one line and
exits 2; any other claimtrack error prints one line and exits 1. No tracebacks for either.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from claimtrack.errors import ClaimtrackError, ConfigError, InputError
from claimtrack.settings import load_settings
from desk.options import (
    AllowOpt,
    AssessorOpt,
    DbOpt,
    JsonOpt,
    ProviderOpt,
    PublishedOpt,
    settings_for,
)

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

app = typer.Typer(
    name="claimtrack",
    help="Claim-tracking fact-check pipeline: claims, sources, evidence and verdicts in DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The warehouse: migrations and status.", no_args_is_help=True)
corpus_app = typer.Typer(help="The local corpus searched by the `corpus` provider.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(corpus_app, name="corpus")

@app.callback()
def main_callback(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (TOML); env: CLAIMTRACK_CONFIG.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Build the settings once: defaults < TOML file < CLAIMTRACK_* env < flags."""
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
    ctx.obj = load_settings(config)


@app.command()
def claims(
    ctx: typer.Context,
    article: Annotated[str, typer.Argument(help="A URL, an .html/.txt/.md file, or - for stdin.")],
    published: PublishedOpt = None,
    as_json: JsonOpt = False,
    all_sentences: Annotated[
        bool, typer.Option("--all", help="Also list sentences below the check-worthiness cut.")
    ] = False,
) -> None:
    """Extract the check-worthy claims of an article: no source fetching, no database."""
    import claims as claims_pkg
    from desk.output import console, print_json
    from flows.stages import fetch_one
    from sources import read_article

    art = read_article(article, published=published, fetch=fetch_one(settings_for(ctx)))
    found = claims_pkg.extract_claims(art.text, published=art.published, keep_all=all_sentences)
    if as_json:
        print_json({"article": {"id": art.id, "title": art.title, "published": art.published},
                    "claims": [claims_pkg.claim_to_json(c) for c in found]})
        return
    from rich.table import Table

    table = Table(title=f"{len(found)} claims in {art.title or article}", expand=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Claim", overflow="fold")
    for c in found:
        table.add_row(f"{c.checkworthiness:.2f}", c.kind, c.text)
    console.print(table)


@app.command()
def check(
    ctx: typer.Context,
    articles: Annotated[list[str], typer.Argument(help="URLs, .html/.txt/.md files, or -.")],
    published: PublishedOpt = None,
    provider: ProviderOpt = None,
    db: DbOpt = None,
    allow_host: AllowOpt = None,
    assessor: AssessorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check articles end to end: claims, sources, evidence, verdicts, report."""
    from desk.output import (
        claims_table,
        console,
        counts,
        print_json,
        print_llm,
        print_notes,
        sources_table,
    )
    from flows.stages import ingest

    settings = settings_for(ctx, db, allow_host, provider, assessor)
    # Read every article before Prefect is even imported: bad input fails in a second.
    read = [ingest(arg, settings, published) for arg in articles]
    from flows.check import check_article
    from flows.outcome import outcome_json

    if as_json:
        outcome = check_article(list(read), settings, published=published, providers=provider)
        print_json(outcome_json(outcome))
        return
    with console.status("Checking…"):
        outcome = check_article(list(read), settings, published=published, providers=provider)
    console.print(claims_table(outcome))
    console.print(sources_table(outcome))
    console.print(f"Claims: {counts(c.status for c in outcome.claims)}")
    console.print(f"Sources: {counts(s.status for s in outcome.sources)}")
    print_llm(outcome)
    print_notes(outcome)
    console.print(f"Warehouse: {settings.db}")
    if outcome.report_path:
        console.print(f"Report: {outcome.report_path}")


@app.command()
def verify(
    ctx: typer.Context,
    claim: Annotated[list[str] | None, typer.Argument(help="Claims to verify, each quoted.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="One claim per line, or JSONL with a 'claim' field.")
    ] = None,
    provider: ProviderOpt = None,
    db: DbOpt = None,
    allow_host: AllowOpt = None,
    assessor: AssessorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Verify standalone claims against the enabled providers."""
    from desk.output import console, print_json, print_llm, styled
    from flows.verify import read_claims_file, verify_claims, verify_json

    texts = list(claim or [])
    if file is not None:
        texts.extend(read_claims_file(file))
    if not texts:
        raise InputError("give at least one claim, or --file FILE")
    settings = settings_for(ctx, db, allow_host, provider, assessor)
    outcome = verify_claims(texts, settings, providers=provider)
    if as_json:
        print_json(verify_json(outcome))
        return
    for text, result in zip(texts, outcome.claims, strict=True):
        console.print(f"{styled(result.status)} ({result.confidence:.2f})  {text}")
        console.print(f"  [dim]{result.rationale}[/dim]")
    print_llm(outcome)


@corpus_app.command("add")
def corpus_add(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or URLs.")],
    db: DbOpt = None,
    allow_host: AllowOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import documents (HTML, text, Markdown) into the local corpus."""
    from desk.output import console, print_json
    from flows.corpus import import_corpus

    settings = settings_for(ctx, db, allow_host)
    result = import_corpus(list(paths), settings)
    if as_json:
        print_json(result)
        return
    console.print(f"Imported {result['added']} new of {result['documents']} documents "
                  f"({result['skipped']} skipped) into {settings.db}")
    for problem in result["problems"]:
        console.print(f"  [yellow]skipped[/yellow] {problem['path']}: {problem['reason']}")


@db_app.command("migrate")
def db_migrate(ctx: typer.Context, db: DbOpt = None) -> None:
    """Apply pending migrations."""
    from desk.output import console
    from warehouse.admin import migrate_now

    settings = settings_for(ctx, db)
    applied = migrate_now(settings.db)
    console.print(f"{settings.db}: applied {len(applied)} migration(s)"
                  + (": " + ", ".join(applied) if applied else ", already up to date"))


@db_app.command("status")
def db_status(ctx: typer.Context, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Migrations applied and pending, and row counts per table."""
    from desk.output import console, print_json
    from warehouse.admin import status

    settings = settings_for(ctx, db)
    info = status(settings.db)
    if as_json:
        print_json(info)
        return
    console.print(f"Warehouse {info['db']}")
    for m in info["migrations"]:
        console.print(f"  {m['version']:03d} {m['name']}: {m['applied_at'] or 'pending'}")
    for table, n in info["tables"].items():
        console.print(f"  {table}: {n} rows")


@app.command()
def demo(
    ctx: typer.Context,
    db: DbOpt = None,
    port: Annotated[int, typer.Option(help="Port of the local example-source server.")] = 8765,
    as_json: JsonOpt = False,
) -> None:
    """Run the whole pipeline offline on the bundled example article and its source pages."""
    from desk.demo import run_demo

    settings = settings_for(ctx, db or Path("out/demo.duckdb"))
    run_demo(settings, port=port, as_json=as_json)


def _register() -> None:
    """Commands from the review, report and tracking areas (modules of their own)."""
    from desk.factchecks_cli import register as register_factchecks
    from desk.report_cli import report
    from desk.review_cli import editors_app, review_app
    from desk.tracking_cli import register

    app.add_typer(review_app, name="review")
    app.add_typer(editors_app, name="editors")
    app.command("report")(report)
    register(app)
    register_factchecks(app)


_register()


def main() -> None:
    """Console entry point: claimtrack errors become one line and an exit code, not a traceback.

    Typer reports usage errors itself (exit 2); ours arrive here as exceptions.
    """
    try:
        app()
    except (InputError, ConfigError) as exc:
        _fail(exc, 2)
    except ClaimtrackError as exc:
        _fail(exc, 1)


def _fail(exc: Exception, code: int) -> None:
    from desk.output import errors

    errors.print(f"error: {exc}", style="red", markup=False, soft_wrap=True)
    sys.exit(code)
