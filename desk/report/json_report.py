"""The JSON report, schema ``claimtrack.report/1`` (documented in docs/reports.md, checked
against report.schema.json). Fields are only ever added within a version; a removal or a change
of meaning bumps the version."""

from __future__ import annotations

import json
from typing import Any

from desk.report.common import (
    iso,
    rating_label,
    rating_value,
    report_url,
    run_params,
    status_counts,
)
from warehouse.reports import ArticleReport, ClaimReport, EvidenceItem

SCHEMA = "claimtrack.report/1"


def _evidence(e: EvidenceItem) -> dict[str, Any]:
    return {
        "id": e.id,
        "stance": e.stance,
        "score": round(e.score, 4),
        "relevance": round(e.relevance, 4),
        "deciding": e.deciding,
        "reason": e.reason,
        "quote": e.quote,
        "source": {"url": e.url, "title": e.title, "domain": e.domain, "tier": e.tier},
        "published": e.published,
        "fetched_at": iso(e.fetched_at),
        "snapshot": e.snapshot_hash,
        "run": e.run_id,
        "assessed_at": iso(e.assessed_at),
    }


def _claim(claim: ClaimReport, report: ArticleReport) -> dict[str, Any]:
    v, d = claim.verdict, claim.decision
    return {
        "id": claim.id,
        "text": claim.text,
        "kind": claim.kind,
        "checkworthiness": round(claim.checkworthiness, 4),
        "speaker": claim.speaker,
        "status": claim.status,
        "mentions": [
            {"text": m.text, "sentence": m.sentence, "start": m.start, "end": m.end}
            for m in claim.mentions
        ],
        "verdict": None
        if v is None
        else {
            "status": v.status,
            "confidence": round(v.confidence, 4),
            "rationale": v.rationale,
            "run": v.run_id,
            "assessor": v.assessor,
            "needs_review": v.needs_review,
            "review_reasons": list(v.review_reasons),
            "created_at": iso(v.created_at),
        },
        "decision": None
        if d is None
        else {
            "rating": d.rating,
            "label": rating_label(d.rating) if d.rating else None,
            "rating_value": rating_value(d.rating, report.review) if d.rating else None,
            "note": d.note,
            "editor": d.editor,
            "published": d.publish,
            "decided_at": iso(d.decided_at),
        },
        "evidence": [_evidence(e) for e in claim.evidence],
    }


def report_json(report: ArticleReport) -> dict[str, Any]:
    """The report as plain data, in the documented field order."""
    a, m = report.article, report.methods
    ratings: dict[str, int] = {}
    for c in report.claims:
        if c.decision and c.decision.rating:
            ratings[c.decision.rating] = ratings.get(c.decision.rating, 0) + 1
    return {
        "schema": SCHEMA,
        "generated_at": iso(report.generated_at),
        "url": report_url(report),
        "article": {
            "id": a.id,
            "url": a.url,
            "canonical_url": a.canonical_url,
            "title": a.title,
            "published": a.published,
            "source_path": a.source_path,
        },
        "summary": {
            "claims": len(report.claims),
            "by_status": dict(status_counts(c.status for c in report.claims)),
            "by_rating": dict(sorted(ratings.items())),
            "rating_scale": list(report.review.ratings),
        },
        "claims": [_claim(c, report) for c in report.claims],
        "methods": {
            "runs": [
                {
                    "id": r.id,
                    "flow": r.flow,
                    "status": r.status,
                    "started_at": iso(r.started_at),
                    "finished_at": iso(r.finished_at),
                    "params": run_params(r.params),
                }
                for r in m.runs
            ],
            "providers": dict(m.providers),
            "assessors": list(m.assessors),
            "fetches": dict(m.fetches),
        },
    }


def render_json(report: ArticleReport) -> str:
    return json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
