"""Report rendering: pure functions from warehouse report data to text, no I/O.

``render(report, fmt)`` for a per-article report in ``html``, ``md``, ``json`` or
``claimreview``; ``markdown_summary(run)`` and ``claims_table(run)`` for the Prefect artifacts a
flow attaches to its run (flows/ owns Prefect; this package only shapes the content).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Literal, get_args

from claimtrack.errors import InputError
from desk.report.claimreview import claim_reviews, missing_fields, render_claimreview
from desk.report.html import render_html
from desk.report.json_report import SCHEMA, render_json, report_json
from desk.report.markdown import render_markdown
from desk.report.summary import claims_table, markdown_summary, run_json
from warehouse.reports import ArticleReport, RunReport

Format = Literal["html", "md", "json", "claimreview"]
FORMATS: tuple[str, ...] = get_args(Format)
RUN_FORMATS = ("md", "json")
SUFFIXES = {"html": ".html", "md": ".md", "json": ".json", "claimreview": ".claimreview.json"}

_RENDERERS: dict[str, Callable[[ArticleReport], str]] = {
    "html": render_html,
    "md": render_markdown,
    "json": render_json,
    "claimreview": render_claimreview,
}


def render(report: ArticleReport, fmt: str) -> str:
    """The article report in one format; the same report always gives the same text."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise InputError(
            f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}"
        ) from None
    return renderer(report)


def render_run(run: RunReport, fmt: str) -> str:
    """The run summary as Markdown or JSON."""
    if fmt == "md":
        return markdown_summary(run)
    if fmt == "json":
        return json.dumps(run_json(run), ensure_ascii=False, indent=2) + "\n"
    raise InputError(f"a run report is {' or '.join(RUN_FORMATS)}, not {fmt!r}")


__all__ = [
    "FORMATS",
    "SCHEMA",
    "Format",
    "claim_reviews",
    "claims_table",
    "markdown_summary",
    "missing_fields",
    "render",
    "render_run",
    "report_json",
]
