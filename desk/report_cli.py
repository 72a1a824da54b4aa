"""``claimtrack report``: an article's fact-check report, or a run's summary, from the warehouse.

Mounted by desk/cli.py as ``app.command("report")(report)``; the main callback has put the
``Settings`` on ``ctx.obj``. Bad input (unknown article or run, unknown format) is an
``InputError``: one line, exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimtrack.errors import InputError
from claimtrack.settings import Settings, load_settings

FORMAT_HELP = "Output format: html, md, json or claimreview (a run: md or json)."


def _settings(ctx: typer.Context, db: Path | None) -> Settings:
    settings = ctx.obj if isinstance(ctx.obj, Settings) else load_settings()
    return settings.with_overrides(db=db)


def _write(text: str, output: Path | None, name: str) -> None:
    """To standard output, to FILE, or into DIR as ``name`` when FILE is a directory."""
    if output is None or str(output) == "-":
        typer.echo(text, nl=False)
        return
    if output.is_dir():
        output = output / name
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from exc
    typer.echo(f"Wrote {output}", err=True)


def report(
    ctx: typer.Context,
    target: Annotated[
        str | None, typer.Argument(help="Article id, canonical URL or URL.", show_default=False)
    ] = None,
    run: Annotated[
        str | None, typer.Option("--run", help="Summarise this run (or 'latest') instead of an article.")
    ] = None,
    format: Annotated[str | None, typer.Option("--format", "-f", help=FORMAT_HELP)] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to FILE, or into DIR (default: standard output)."
        ),
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="Warehouse file (env CLAIMTRACK_DB).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """A per-article fact-check report (HTML, Markdown, JSON, ClaimReview) or a per-run summary."""
    import desk.report as render
    from warehouse import reports
    from warehouse.db import Warehouse

    if as_json:
        if format not in (None, "json"):
            raise InputError(f"--json and --format {format} disagree; give one")
        format = "json"
    if (target is None) == (run is None):
        raise InputError("give an article (id or URL) or --run RUN_ID, not both")
    settings = _settings(ctx, db)
    wh = Warehouse(settings.db)
    if wh.is_file and not wh.path.exists():
        raise InputError(f"no warehouse at {settings.db}")
    if run is not None:
        if run == "latest":
            run = reports.latest_run(wh)
            if run is None:
                raise InputError(f"no runs in {settings.db} yet")
        fmt = format or "md"
        if fmt not in render.RUN_FORMATS:
            raise InputError(f"a run report is md or json, not {fmt!r}")
        text = render.render_run(reports.run_report(wh, run, settings=settings), fmt)
        _write(text, output, f"{run}.run{'.md' if fmt == 'md' else '.json'}")
        return
    fmt = format or "html"
    if fmt not in render.FORMATS:
        raise InputError(f"unknown report format {fmt!r}; use one of {', '.join(render.FORMATS)}")
    assert target is not None
    article_id = reports.find_article(wh, target)
    if article_id is None:
        raise InputError(
            f"no article {target!r} in {settings.db}: give its id, URL or file path, "
            f"or check it first with `claimtrack check {target}`"
        )
    text = render.render(reports.article_report(wh, article_id, settings=settings), fmt)
    _write(text, output, f"{article_id}{render.SUFFIXES[fmt]}")
