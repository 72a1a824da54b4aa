"""Writes of one check, each an idempotent upsert keyed by a stable id.

Callers hold a transaction (``with wh.transaction() as con``) around a stage's writes, so an
interrupted run leaves either all of a stage or none of it, and a rerun lands on the same keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from claims.model import Assessment, Claim
from sources.model import Article, Candidate, Document, FetchResult, Passage
from warehouse.db import Connection
from warehouse.ids import stable_id


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def finish_run(con: Connection, run_id: str, status: str, now: datetime, note: str = "") -> None:
    con.execute(
        "UPDATE runs SET status = ?, finished_at = ?, note = ? WHERE id = ?",
        [status, now, note, run_id],
    )


def save_article(con: Connection, article: Article, run_id: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO articles (id, url, canonical_url, title, published, text, content_hash, "
        "source_path, first_run, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET title = excluded.title, published = excluded.published, "
        "text = excluded.text, content_hash = excluded.content_hash",
        [article.id, article.url, article.canonical_url, article.title, _date(article.published),
         article.text, article.content_hash, article.source_path, run_id, now],
    )


def claim_payload(claim: Claim) -> dict[str, Any]:
    return {
        "entities": [asdict(e) for e in claim.entities],
        "quantities": [asdict(q) for q in claim.quantities],
        "dates": [asdict(d) for d in claim.dates],
        "quote": asdict(claim.quote) if claim.quote else None,
    }


def save_claims(
    con: Connection,
    article_id: str | None,
    claims: Sequence[Claim],
    normalized: Sequence[str],
    run_id: str,
    now: datetime,
) -> None:
    """Upsert claims (one row per claim id across all articles) and their mentions here."""
    for claim, norm in zip(claims, normalized, strict=True):
        payload = claim_payload(claim)
        con.execute(
            "INSERT INTO claims (id, text, normalized, kind, checkworthiness, entities, quantities, "
            "dates, quote, first_run, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            [claim.id, claim.text, norm, claim.kind, claim.checkworthiness,
             _json(payload["entities"]), _json(payload["quantities"]), _json(payload["dates"]),
             _json(payload["quote"]), run_id, now],
        )
        con.execute(
            "INSERT INTO run_claims (run_id, claim_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [run_id, claim.id],
        )
        if article_id is None:
            continue
        con.execute(
            'INSERT INTO claim_mentions (claim_id, article_id, text, sentence, start, "end", '
            "first_run) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [claim.id, article_id, claim.text, claim.sentence, claim.start, claim.end, run_id],
        )


def save_source(
    con: Connection,
    source_id: str,
    url: str,
    canonical_url: str,
    domain: str,
    tier: str,
    title: str | None,
    now: datetime,
) -> None:
    con.execute(
        "INSERT INTO sources (id, url, canonical_url, domain, tier, title, first_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET tier = excluded.tier, "
        "title = coalesce(excluded.title, sources.title)",
        [source_id, url, canonical_url, domain, tier, title, now],
    )


def link_claim_source(
    con: Connection, claim_id: str, source_id: str, candidate: Candidate, run_id: str
) -> None:
    con.execute(
        "INSERT INTO claim_sources (claim_id, source_id, provider, rank, query, first_run) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [claim_id, source_id, candidate.provider, candidate.rank, candidate.query, run_id],
    )


def save_fetch(
    con: Connection, run_id: str, source_id: str, result: FetchResult, now: datetime
) -> str:
    save_fetches(con, run_id, [(source_id, result)], now)
    return stable_id("f", run_id, result.url)


_FETCH_ROW = _json({
    "id": "VARCHAR", "source_id": "VARCHAR", "url": "VARCHAR", "final_url": "VARCHAR",
    "status": "VARCHAR", "reason": "VARCHAR", "http_status": "INTEGER",
    "content_type": "VARCHAR", "bytes": "BIGINT", "ms": "INTEGER", "attempts": "INTEGER",
    "snapshot_hash": "VARCHAR", "etag": "VARCHAR", "last_modified": "VARCHAR",
})


def save_fetches(
    con: Connection, run_id: str, attempts: Sequence[tuple[str, FetchResult]], now: datetime
) -> None:
    """Fetch attempts (source id, result), one row per (run, URL), in one statement.

    The rows travel as one JSON text parameter parsed inside DuckDB: binding thousands of
    Python values one by one costs about a second per thousand rows, the JSON a few ms.
    """
    if not attempts:
        return
    payload = json.dumps([
        {"id": stable_id("f", run_id, r.url), "source_id": source_id, "url": r.url,
         "final_url": r.final_url, "status": r.status, "reason": r.reason,
         "http_status": r.http_status, "content_type": r.content_type, "bytes": r.bytes,
         "ms": r.ms, "attempts": r.attempts, "snapshot_hash": r.sha256, "etag": r.etag,
         "last_modified": r.last_modified}
        for source_id, r in attempts
    ])
    con.execute(
        "INSERT OR REPLACE INTO fetches (id, run_id, source_id, url, final_url, attempted_at, "
        "status, reason, http_status, content_type, bytes, ms, attempts, snapshot_hash, etag, "
        "last_modified) SELECT r.id, ?, r.source_id, r.url, r.final_url, ?::TIMESTAMPTZ, "
        "r.status, r.reason, r.http_status, r.content_type, r.bytes, r.ms, r.attempts, "
        "r.snapshot_hash, r.etag, r.last_modified "
        "FROM (SELECT unnest(from_json(?, '[' || ? || ']')) AS r)",
        [run_id, now, payload, _FETCH_ROW],
    )


def save_snapshot(
    con: Connection,
    sha256: str,
    source_id: str,
    path: str | None,
    size: int,
    content_type: str | None,
    document: Document | None,
    now: datetime,
) -> None:
    doc = document
    con.execute(
        "INSERT INTO snapshots (hash, source_id, path, bytes, content_type, fetched_at, url, "
        "canonical_url, title, published, author, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (hash) DO NOTHING",
        [sha256, source_id, path, size, content_type, now,
         doc.url if doc else None, doc.canonical_url if doc else None,
         doc.title if doc else None, _date(doc.published) if doc else None,
         doc.author if doc else None, doc.text if doc else None],
    )


def passage_id(snapshot_hash: str, passage: Passage) -> str:
    return stable_id("p", snapshot_hash, passage.start, passage.end)


def save_passages(con: Connection, snapshot_hash: str, passages: Sequence[Passage]) -> list[str]:
    ids = [passage_id(snapshot_hash, p) for p in passages]
    if passages:
        con.executemany(
            'INSERT INTO passages (id, snapshot_hash, idx, start, "end", text) '
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            [[pid, snapshot_hash, p.index, p.start, p.end, p.text] for pid, p in zip(ids, passages, strict=True)],
        )
    return ids


SnapshotItem = tuple[str, str, str | None, int, str | None, Document | None, Sequence[Passage]]
_SNAPSHOT_ROW = _json({"hash": "VARCHAR", "source_id": "VARCHAR", "path": "VARCHAR",
                       "bytes": "BIGINT", "content_type": "VARCHAR", "url": "VARCHAR",
                       "canonical_url": "VARCHAR", "title": "VARCHAR", "published": "DATE",
                       "author": "VARCHAR", "text": "VARCHAR"})
_PASSAGE_ROW = _json({"id": "VARCHAR", "snapshot_hash": "VARCHAR", "idx": "INTEGER",
                      "start": "INTEGER", "end": "INTEGER", "text": "VARCHAR"})


def save_snapshots(con: Connection, items: Sequence[SnapshotItem], now: datetime) -> None:
    """``save_snapshot`` and ``save_passages`` for many snapshots (hash, source id, path, size,
    content type, document, passages) in two statements, rows as one JSON parameter each."""
    snapshots: dict[str, dict[str, Any]] = {}
    passages: dict[str, dict[str, Any]] = {}
    for sha256, source_id, path, size, content_type, doc, parts in items:
        if sha256 in snapshots:
            continue  # the first source with these bytes keeps them, as save_snapshot does
        published = _date(doc.published) if doc else None
        snapshots[sha256] = {
            "hash": sha256, "source_id": source_id, "path": path, "bytes": size,
            "content_type": content_type, "url": doc.url if doc else None,
            "canonical_url": doc.canonical_url if doc else None,
            "title": doc.title if doc else None,
            "published": published.isoformat() if published else None,
            "author": doc.author if doc else None, "text": doc.text if doc else None,
        }
        for part in parts:
            pid = passage_id(sha256, part)
            passages.setdefault(pid, {"id": pid, "snapshot_hash": sha256, "idx": part.index,
                                      "start": part.start, "end": part.end, "text": part.text})
    if snapshots:
        con.execute(
            "INSERT INTO snapshots (hash, source_id, path, bytes, content_type, fetched_at, url, "
            "canonical_url, title, published, author, text) SELECT r.hash, r.source_id, r.path, "
            "r.bytes, r.content_type, ?::TIMESTAMPTZ, r.url, r.canonical_url, r.title, "
            "r.published, r.author, r.text FROM (SELECT unnest(from_json(?, '[' || ? || ']')) AS r) "
            "ON CONFLICT (hash) DO NOTHING",
            [now, json.dumps(list(snapshots.values())), _SNAPSHOT_ROW],
        )
    if passages:
        con.execute(
            'INSERT INTO passages (id, snapshot_hash, idx, start, "end", text) '
            'SELECT r.id, r.snapshot_hash, r.idx, r.start, r."end", r.text '
            "FROM (SELECT unnest(from_json(?, '[' || ? || ']')) AS r) ON CONFLICT (id) DO NOTHING",
            [json.dumps(list(passages.values())), _PASSAGE_ROW],
        )


def save_assessment(
    con: Connection,
    *,
    claim_id: str,
    run_id: str,
    assessment: Assessment,
    passages: Sequence[tuple[str, str, Passage]],  # (passage id, source id, passage) per index
    assessor: str,
    review_reasons: Sequence[str],
    now: datetime,
) -> str:
    """Upsert the evidence rows of one assessment and append the claim's verdict for this run."""
    return save_assessments(con, run_id=run_id, items=[(claim_id, assessment, passages,
                                                        review_reasons)],
                            assessor=assessor, now=now)[0]


AssessmentItem = tuple[str, Assessment, Sequence[tuple[str, str, Passage]], Sequence[str]]
_EVIDENCE_ROW = _json({"id": "VARCHAR", "claim_id": "VARCHAR", "passage_id": "VARCHAR",
                       "source_id": "VARCHAR", "relevance": "DOUBLE", "stance": "VARCHAR",
                       "score": "DOUBLE", "reason": "VARCHAR", "quote": "VARCHAR",
                       "quote_start": "INTEGER", "quote_end": "INTEGER"})
_VERDICT_ROW = _json({"id": "VARCHAR", "claim_id": "VARCHAR", "status": "VARCHAR",
                      "confidence": "DOUBLE", "rationale": "VARCHAR", "evidence_ids": "VARCHAR",
                      "needs_review": "BOOLEAN", "review_reasons": "VARCHAR"})


def save_assessments(
    con: Connection, *, run_id: str, items: Sequence[AssessmentItem], assessor: str,
    now: datetime,
) -> list[str]:
    """``save_assessment`` for many claims (claim id, assessment, passages, review reasons) in
    two statements; the rows travel as JSON parsed inside DuckDB, since binding thousands of
    Python values one by one costs about a second per thousand rows."""
    evidence: dict[str, dict[str, Any]] = {}
    verdicts: list[dict[str, Any]] = []
    for claim_id, assessment, passages, review_reasons in items:
        evidence_ids = []
        for stance in assessment.stances:
            pid, source_id, passage = passages[stance.index]
            eid = stable_id("e", claim_id, pid)
            evidence_ids.append(eid)
            evidence[eid] = {
                "id": eid, "claim_id": claim_id, "passage_id": pid, "source_id": source_id,
                "relevance": stance.relevance, "stance": stance.stance, "score": stance.score,
                "reason": stance.reason, "quote": stance.quote or passage.text,
                "quote_start": passage.start + stance.quote_start,
                "quote_end": passage.start + (stance.quote_end or len(passage.text)),
            }
        verdicts.append({
            "id": stable_id("v", claim_id, run_id), "claim_id": claim_id,
            "status": assessment.status, "confidence": assessment.confidence,
            "rationale": assessment.rationale, "evidence_ids": _json(evidence_ids),
            "needs_review": bool(review_reasons), "review_reasons": _json(list(review_reasons)),
        })
    if evidence:
        con.execute(
            "INSERT OR REPLACE INTO evidence (id, claim_id, passage_id, source_id, relevance, "
            "stance, score, reason, quote, quote_start, quote_end, run_id, assessed_at) "
            "SELECT r.id, r.claim_id, r.passage_id, r.source_id, r.relevance, r.stance, r.score, "
            "r.reason, r.quote, r.quote_start, r.quote_end, ?, ?::TIMESTAMPTZ "
            "FROM (SELECT unnest(from_json(?, '[' || ? || ']')) AS r)",
            [run_id, now, json.dumps(list(evidence.values())), _EVIDENCE_ROW],
        )
    if verdicts:
        con.execute(
            "INSERT OR REPLACE INTO verdicts (id, claim_id, run_id, status, confidence, "
            "rationale, evidence_ids, assessor, needs_review, review_reasons, created_at) "
            "SELECT r.id, r.claim_id, ?, r.status, r.confidence, r.rationale, "
            "r.evidence_ids::JSON, ?, r.needs_review, r.review_reasons::JSON, ?::TIMESTAMPTZ "
            "FROM (SELECT unnest(from_json(?, '[' || ? || ']')) AS r)",
            [run_id, assessor, now, json.dumps(verdicts), _VERDICT_ROW],
        )
    return [str(v["id"]) for v in verdicts]


def mark_checking(con: Connection, run_id: str, claim_ids: Sequence[str]) -> None:
    """Claims a run re-checks without storing them anew (re-verification): `checking` meanwhile."""
    if claim_ids:
        con.executemany(
            "INSERT INTO run_claims (run_id, claim_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [[run_id, cid] for cid in claim_ids],
        )
