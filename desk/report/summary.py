"""What a run found, for the Prefect UI: a Markdown summary and a table of claims.

Prefect renders both in its UI, so the same escaping rules as the Markdown report apply."""

from __future__ import annotations

from typing import Any

from desk.report.common import (
    FLAGGED,
    STATUS_LABELS,
    iso,
    rating_label,
    run_params,
    status_counts,
)
from desk.report.markdown import escape, link
from warehouse.reports import RunReport

TOP_CLAIMS = 20


def markdown_summary(run: RunReport) -> str:
    r = run.run
    counts = status_counts(c.status for c in run.claims)
    lines = [
        f"# Run `{r.id}`",
        "",
        f"{escape(r.flow)}, {escape(r.status)}: started {iso(r.started_at)}"
        + (f", finished {iso(r.finished_at)}" if r.finished_at else ""),
        "",
    ]
    if run.articles:
        lines += ["## Articles", ""]
        for a in run.articles:
            url = a.canonical_url or a.url
            lines.append(
                f"- {link(a.title or url or a.id, url) if url else escape(a.title or a.id)}"
                f" (`{a.id}`)"
            )
        lines.append("")
    lines += ["## Claims", "", "| Status | Claims |", "| --- | ---: |"]
    lines += [f"| {STATUS_LABELS.get(s, s)} | {n} |" for s, n in counts]
    lines += [f"| **Total** | **{len(run.claims)}** |", ""]
    if run.fetches:
        lines.append("Fetches: " + ", ".join(f"{escape(s)} {n}" for s, n in run.fetches))
        lines.append("")
    for u in run.llm:
        lines.append(f"LLM {escape(u.model)}: {u.requests} request(s), {u.cache_hits} from the "
                     f"cache, {u.failures} failed; {u.prompt_tokens:,} prompt + "
                     f"{u.completion_tokens:,} completion tokens")
        lines.append("")
    flagged = [c for c in run.claims if c.status in FLAGGED]
    if flagged:
        lines += ["## Needs attention", ""]
        for c in flagged[:TOP_CLAIMS]:
            lines.append(f"- **{STATUS_LABELS[c.status]}** ({c.confidence:.2f}): {escape(c.text)}")
        if len(flagged) > TOP_CLAIMS:
            lines.append(f"- and {len(flagged) - TOP_CLAIMS} more")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def claims_table(run: RunReport) -> list[dict[str, Any]]:
    """One row per claim the run assessed, most check-worthy first (Prefect's table artifact)."""
    return [
        {
            "claim": c.text,
            "status": c.status,
            "confidence": round(c.confidence, 2),
            "checkworthiness": round(c.checkworthiness, 2),
            "evidence": c.evidence,
            "top_source": c.top_url or "",
            "rating": rating_label(c.rating) if c.rating else "",
            "article": c.article_id or "",
            "claim_id": c.claim_id,
        }
        for c in run.claims
    ]


def run_json(run: RunReport) -> dict[str, Any]:
    r = run.run
    return {
        "schema": "claimtrack.run-report/1",
        "generated_at": iso(run.generated_at),
        "run": {
            "id": r.id,
            "flow": r.flow,
            "status": r.status,
            "started_at": iso(r.started_at),
            "finished_at": iso(r.finished_at),
            "params": run_params(r.params),
            "note": r.note,
        },
        "articles": [
            {
                "id": a.id,
                "url": a.url,
                "canonical_url": a.canonical_url,
                "title": a.title,
                "published": a.published,
            }
            for a in run.articles
        ],
        "summary": {
            "claims": len(run.claims),
            "by_status": dict(status_counts(c.status for c in run.claims)),
            "fetches": dict(run.fetches),
        } | ({"llm": [
            {"model": u.model, "requests": u.requests, "cache_hits": u.cache_hits,
             "failures": u.failures, "prompt_tokens": u.prompt_tokens,
             "completion_tokens": u.completion_tokens} for u in run.llm]} if run.llm else {}),
        "claims": claims_table(run),
    }
