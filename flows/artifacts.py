"""What a run leaves behind: the HTML report per article on disk, and Prefect artifacts (a
Markdown summary and a table of claims) so the Prefect UI shows what the run found."""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

import desk.report as render
from claimtrack.settings import Settings
from warehouse import reports
from warehouse.db import Warehouse


def publish_run_artifacts(
    wh: Warehouse, settings: Settings, run_id: str, article_ids: list[str]
) -> str | None:
    """Write each article's HTML report; return the path of the first (the CLI prints it)."""
    first: str | None = None
    directory = settings.report_dir
    directory.mkdir(parents=True, exist_ok=True)
    for article_id in article_ids:
        data = reports.article_report(wh, article_id, settings=settings)
        path = directory / f"{article_id}.html"
        path.write_text(render.render(data, "html"), encoding="utf-8")
        first = first or str(path.resolve())
    run = reports.run_report(wh, run_id, settings=settings)
    key = run_id.replace("_", "-").lower()
    create_markdown_artifact(
        markdown=render.markdown_summary(run), key=f"report-{key}", description="Run summary"
    )
    create_table_artifact(
        table=render.claims_table(run), key=f"claims-{key}", description="Claims of this run"
    )
    return first
