"""The desk's records as JSON, shared by the API and the CLI's ``--json`` so both say the same.

Every claim carries its ``id``; every mention carries its ``article_id``.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any

from warehouse.review import (
    ClaimDetail,
    Decision,
    Hold,
    QueueItem,
    QueuePage,
)


def plain(value: Any) -> Any:
    """Dataclasses, tuples and datetimes as JSON-ready values."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def hold_json(hold: Hold | None) -> dict[str, Any] | None:
    return plain(hold) if hold else None


def decision_json(decision: Decision | None) -> dict[str, Any] | None:
    return plain(decision) if decision else None


def item_json(item: QueueItem) -> dict[str, Any]:
    return {
        "id": item.claim_id,
        "text": item.text,
        "kind": item.kind,
        "checkworthiness": item.checkworthiness,
        "status": item.status,
        "previous_status": item.previous_status,
        "changed": item.changed,
        "confidence": item.confidence,
        "priority": item.priority,
        "state": item.state,
        "reasons": list(item.reasons),
        "verdict_at": plain(item.verdict_at),
        "hold": hold_json(item.hold),
        "rating": item.rating,
        "decided_by": item.decided_by,
        "articles": item.articles,
        "mentions": [{"article_id": a} for a in item.article_ids],
    }


def queue_json(page: QueuePage) -> dict[str, Any]:
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "counts": dict(page.counts),
        "items": [item_json(i) for i in page.items],
    }


def claim_json(claim: ClaimDetail) -> dict[str, Any]:
    return {
        "id": claim.claim_id,
        "text": claim.text,
        "kind": claim.kind,
        "checkworthiness": claim.checkworthiness,
        "status": claim.status,
        "previous_status": claim.previous_status,
        "confidence": claim.confidence,
        "rationale": claim.rationale,
        "reasons": list(claim.reasons),
        "verdict_id": claim.verdict_id,
        "verdict_at": plain(claim.verdict_at),
        "state": claim.state,
        "version": claim.version,
        "hold": hold_json(claim.hold),
        "decision": decision_json(claim.decision),
        "mentions": [
            {"article_id": m.article_id, "title": m.title, "url": m.url,
             "published": m.published, "text": m.text, "start": m.start, "end": m.end}
            for m in claim.mentions
        ],
        "evidence": [
            {"id": e.id, "stance": e.stance, "score": e.score, "relevance": e.relevance,
             "reason": e.reason, "quote": e.quote,
             "passage": e.passage_before + e.passage_quote + e.passage_after,
             "url": e.url, "domain": e.domain, "tier": e.tier, "title": e.title,
             "source_id": e.source_id, "snapshot": e.snapshot_hash,
             "fetched_at": plain(e.fetched_at), "in_verdict": e.in_verdict}
            for e in claim.evidence
        ],
        "timeline": [plain(t) for t in claim.timeline],
    }
