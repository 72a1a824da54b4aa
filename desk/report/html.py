"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, no external
requests) that reads on screen and on paper. Jinja2 autoescapes every value; URLs go into
``href`` only when they are absolute http(s)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from desk.report.claimreview import jsonld_script
from desk.report.common import (
    FLAGGED,
    STATUS_COLORS,
    STATUS_LABELS,
    article_label,
    claim_anchor,
    closest_evidence,
    deciding_evidence,
    iso,
    rating_counts,
    rating_label,
    safe_url,
    snapshot_url,
    status_counts,
)
from warehouse.reports import ArticleReport

CHART_WIDTH = 360
BAR_HEIGHT = 18
LABEL_WIDTH = 120


@dataclass(frozen=True, slots=True)
class Bar:
    status: str
    label: str
    count: int
    color: str
    y: int
    width: int


def chart_bars(counts: list[tuple[str, int]]) -> list[Bar]:
    """Bars scaled to the largest count; a zero still shows its label and number."""
    top = max((n for _, n in counts), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 40
    return [
        Bar(
            s,
            STATUS_LABELS.get(s, s),
            n,
            STATUS_COLORS.get(s, "#888"),
            i * (BAR_HEIGHT + 6),
            round(span * n / top),
        )
        for i, (s, n) in enumerate(counts)
    ]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("desk", "templates/report"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["iso"] = iso
    env.filters["safe_url"] = safe_url
    env.filters["rating_label"] = rating_label
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        STATUS_COLORS=STATUS_COLORS,
        FLAGGED=FLAGGED,
        claim_anchor=claim_anchor,
        deciding_evidence=deciding_evidence,
        closest_evidence=closest_evidence,
    )
    return env


def render_html(report: ArticleReport) -> str:
    counts = status_counts(c.status for c in report.claims)
    bars = chart_bars(counts)
    context: dict[str, Any] = {
        "r": report,
        "a": report.article,
        "title": article_label(report),
        "article_url": safe_url(report.article.canonical_url) or safe_url(report.article.url),
        "counts": counts,
        "bars": bars,
        "chart_width": CHART_WIDTH,
        "chart_height": max(len(bars) * (BAR_HEIGHT + 6), BAR_HEIGHT),
        "bar_height": BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "flagged": [c for c in report.claims if c.status in FLAGGED],
        "ratings": rating_counts(report),
        "snapshot_url": lambda h: snapshot_url(report.review, h),
        "jsonld": jsonld_script(report),
    }
    return _environment().get_template("report.html.j2").render(context)
