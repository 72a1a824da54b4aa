"""What a report needs, read in one pass: an article with its claims, verdicts, evidence and
decisions, or a run with what it found.

One query per table for the whole article (not one per claim), so a 200-claim article with
thousands of evidence rows reads in milliseconds. Everything is sorted here, deterministically,
so the same warehouse state always renders to the same bytes; the generation time is the only
field that varies, and callers may pin it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from claimtrack.clock import utcnow
from claimtrack.errors import InputError
from claimtrack.settings import ReviewSettings, Settings
from warehouse.db import Connection, Warehouse
from warehouse.llm_cache import LLMUsage, usage_of

CONTEXT_CHARS = 120  # article text shown either side of a claim's sentence


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    id: str
    url: str | None
    canonical_url: str | None
    title: str | None
    published: str | None  # ISO date
    source_path: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a claim appears in the article: its sentence and a little text either side."""

    text: str
    sentence: str
    start: int
    end: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class VerdictInfo:
    status: str
    confidence: float
    rationale: str
    run_id: str
    assessor: str
    needs_review: bool
    review_reasons: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: str
    stance: str
    score: float
    relevance: float
    reason: str
    quote: str
    deciding: bool  # used by the current verdict
    url: str
    title: str | None
    domain: str
    tier: str | None
    published: str | None  # the source's own date, when it states one
    fetched_at: datetime | None
    snapshot_hash: str | None
    run_id: str
    assessed_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    rating: str | None
    note: str | None
    editor: str
    publish: bool
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimReport:
    id: str
    text: str
    kind: str
    checkworthiness: float
    speaker: str | None  # who made the claim, when it is a quote
    mentions: tuple[Mention, ...]
    verdict: VerdictInfo | None
    evidence: tuple[EvidenceItem, ...]  # deciding first, then by strength
    decision: Decision | None

    @property
    def status(self) -> str:
        return self.verdict.status if self.verdict else "unchecked"


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: str
    flow: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    params: str  # JSON, as stored
    note: str | None


@dataclass(frozen=True, slots=True)
class Methods:
    """Which runs, providers and assessors produced what the report shows, and when."""

    runs: tuple[RunInfo, ...]
    providers: tuple[tuple[str, int], ...]  # provider -> sources it proposed for these claims
    assessors: tuple[str, ...]
    fetches: tuple[tuple[str, int], ...]  # fetch status -> count, for these claims' sources


@dataclass(frozen=True, slots=True)
class ArticleReport:
    article: ArticleInfo
    claims: tuple[ClaimReport, ...]  # most check-worthy first
    methods: Methods
    review: ReviewSettings  # rating scale and publisher, for ClaimReview and labels
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class RunClaim:
    """One claim a run assessed, as a row of the run's summary table."""

    claim_id: str
    article_id: str | None
    text: str
    checkworthiness: float
    status: str
    confidence: float
    evidence: int
    top_url: str | None
    rating: str | None


@dataclass(frozen=True, slots=True)
class RunReport:
    run: RunInfo
    articles: tuple[ArticleInfo, ...]
    claims: tuple[RunClaim, ...]  # most check-worthy first
    fetches: tuple[tuple[str, int], ...]  # status -> count
    review: ReviewSettings
    generated_at: datetime
    llm: tuple[LLMUsage, ...] = ()  # what asking an llm cost the run, per model


def _utc(value: Any) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    raise TypeError(f"expected a timestamp, got {value!r}")


def _utc_or_none(value: Any) -> datetime | None:
    return None if value is None else _utc(value)


def _iso_date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)[:10]


def _json_list(value: str | None) -> list[Any]:
    if not value:
        return []
    loaded = json.loads(value)
    return loaded if isinstance(loaded, list) else []


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Whole words of article text before and after ``text[start:end]``."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    if start > CONTEXT_CHARS and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    after = text[end : end + CONTEXT_CHARS]
    if end + CONTEXT_CHARS < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return before, after


_SCOPES = {
    "article": "CREATE OR REPLACE TEMP TABLE report_claims AS "
    "SELECT DISTINCT claim_id FROM claim_mentions WHERE article_id = ?",
    "run": "CREATE OR REPLACE TEMP TABLE report_claims AS "
    "SELECT DISTINCT claim_id FROM verdicts WHERE run_id = ?",
}


def _scope(con: Connection, kind: Literal["article", "run"], key: str) -> None:
    """The claims a report covers, as a temporary table every later query joins against
    (allowed on a read-only connection; binding a 200-item list parameter costs more than the
    queries themselves)."""
    con.execute(_SCOPES[kind], [key])


def find_article(wh: Warehouse, target: str) -> str | None:
    """An article id from an id, a canonical URL, a URL (a trailing slash does not matter) or
    the file path it was checked from, as given then."""
    variants = sorted({target, target.rstrip("/"), target.rstrip("/") + "/"})
    with wh.connect(read_only=True) as con:
        row = con.execute(
            "SELECT id FROM articles WHERE id = ? OR list_contains(?, canonical_url) "
            "OR list_contains(?, url) OR source_path = ? "
            "ORDER BY (id = ?) DESC, created_at, id LIMIT 1",
            [target, variants, variants, target, target],
        ).fetchone()
    return str(row[0]) if row else None


def latest_run(wh: Warehouse) -> str | None:
    """The id of the most recently started run, for ``claimtrack report --run latest``."""
    with wh.connect(read_only=True) as con:
        row = con.execute("SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1").fetchone()
    return str(row[0]) if row else None


def _article(con: Connection, article_id: str) -> tuple[ArticleInfo, str]:
    row = con.execute(
        "SELECT id, url, canonical_url, title, published, source_path, created_at, text "
        "FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        raise InputError(f"no article {article_id!r} in the warehouse")
    info = ArticleInfo(
        id=row[0],
        url=row[1],
        canonical_url=row[2],
        title=row[3],
        published=_iso_date(row[4]),
        source_path=row[5],
        created_at=_utc(row[6]),
    )
    return info, row[7]


def _mentions(
    con: Connection, article_id: str, text: str
) -> tuple[list[Any], dict[str, list[Mention]]]:
    rows = con.execute(
        "SELECT c.id, c.text, c.kind, c.checkworthiness, c.quote, m.text, m.sentence, m.start, "
        'm."end" '
        "FROM claim_mentions m JOIN claims c ON c.id = m.claim_id WHERE m.article_id = ? "
        "ORDER BY c.id, m.start",
        [article_id],
    ).fetchall()
    claims: dict[str, Any] = {}
    mentions: dict[str, list[Mention]] = defaultdict(list)
    for cid, ctext, kind, worth, quote, mtext, sentence, start, end in rows:
        claims.setdefault(cid, (cid, ctext, kind, worth, quote))
        before, after = _context(text, start, end)
        mentions[cid].append(Mention(mtext, sentence, start, end, before, after))
    return list(claims.values()), mentions


def _verdicts(con: Connection) -> dict[str, tuple[VerdictInfo, list[str]]]:
    rows = con.execute(
        "SELECT v.claim_id, v.status, v.confidence, v.rationale, v.run_id, v.assessor, "
        "v.needs_review, v.review_reasons, timezone('UTC', v.created_at), v.evidence_ids "
        "FROM current_verdicts v "
        "WHERE v.claim_id IN (SELECT claim_id FROM report_claims)",
    ).fetchall()
    out = {}
    for cid, status, conf, rationale, run_id, assessor, needs, reasons, created, ev in rows:
        info = VerdictInfo(
            status,
            float(conf),
            rationale,
            run_id,
            assessor,
            bool(needs),
            tuple(str(r) for r in _json_list(reasons)),
            _utc(created),
        )
        out[cid] = (info, [str(e) for e in _json_list(ev)])
    return out


def _evidence(con: Connection) -> dict[str, list[tuple[Any, ...]]]:
    rows = con.execute(
        "SELECT e.claim_id, e.id, e.stance, e.score, e.relevance, e.reason, "
        "coalesce(e.quote, p.text, ''), s.url, coalesce(s.title, sn.title), s.domain, s.tier, "
        "sn.published, timezone('UTC', sn.fetched_at), p.snapshot_hash, e.run_id, "
        "timezone('UTC', e.assessed_at) "
        "FROM evidence e JOIN sources s ON s.id = e.source_id "
        "LEFT JOIN passages p ON p.id = e.passage_id "
        "LEFT JOIN snapshots sn ON sn.hash = p.snapshot_hash "
        "WHERE e.claim_id IN (SELECT claim_id FROM report_claims)",
    ).fetchall()
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row[1:])
    return out


def _evidence_items(
    rows: Sequence[tuple[Any, ...]], deciding: set[str]
) -> tuple[EvidenceItem, ...]:
    items = [
        EvidenceItem(
            id=eid,
            stance=stance,
            score=float(score),
            relevance=float(rel),
            reason=reason,
            quote=quote,
            deciding=eid in deciding,
            url=url,
            title=title,
            domain=domain,
            tier=tier,
            published=_iso_date(published),
            fetched_at=_utc_or_none(fetched),
            snapshot_hash=snap,
            run_id=run_id,
            assessed_at=_utc(assessed),
        )
        for (eid, stance, score, rel, reason, quote, url, title, domain, tier, published, fetched,
             snap, run_id, assessed) in rows
    ]
    items.sort(key=lambda e: (not e.deciding, e.stance == "neutral", -e.score, -e.relevance, e.id))
    return tuple(items)


def _decisions(con: Connection) -> dict[str, Decision]:
    rows = con.execute(
        "SELECT claim_id, rating, note, editor, publish, timezone('UTC', created_at) "
        "FROM current_decisions "
        "WHERE claim_id IN (SELECT claim_id FROM report_claims)",
    ).fetchall()
    return {
        cid: Decision(rating, note, editor, bool(publish), _utc(at))
        for cid, rating, note, editor, publish, at in rows
    }


def _run_info(row: Sequence[Any]) -> RunInfo:
    params = row[5]
    if params is not None and not isinstance(params, str):
        params = json.dumps(params, sort_keys=True)
    return RunInfo(
        id=row[0],
        flow=row[1],
        started_at=_utc(row[2]),
        finished_at=_utc_or_none(row[3]),
        status=row[4],
        params=params or "{}",
        note=row[6],
    )


def _methods(con: Connection, first_run: str | None) -> Methods:
    runs = con.execute(
        "SELECT id, flow, timezone('UTC', started_at), timezone('UTC', finished_at), status, "
        "CAST(params AS VARCHAR), note FROM runs "
        "WHERE id = ? OR id IN ("
        "SELECT run_id FROM verdicts WHERE claim_id IN (SELECT claim_id FROM report_claims)) "
        "ORDER BY started_at, id",
        [first_run],
    ).fetchall()
    providers = con.execute(
        "SELECT provider, count(*) FROM claim_sources "
        "WHERE claim_id IN (SELECT claim_id FROM report_claims) "
        "GROUP BY provider ORDER BY provider",
    ).fetchall()
    assessors = con.execute(
        "SELECT DISTINCT assessor FROM verdicts "
        "WHERE claim_id IN (SELECT claim_id FROM report_claims) ORDER BY assessor",
    ).fetchall()
    fetches = con.execute(
        "SELECT status, count(*) FROM fetches WHERE source_id IN (SELECT source_id FROM "
        "claim_sources WHERE claim_id IN (SELECT claim_id FROM report_claims)) "
        "GROUP BY status ORDER BY status",
    ).fetchall()
    return Methods(
        runs=tuple(_run_info(r) for r in runs),
        providers=tuple((str(p), int(n)) for p, n in providers),
        assessors=tuple(str(a) for (a,) in assessors),
        fetches=tuple((str(s), int(n)) for s, n in fetches),
    )


def _speaker(quote: str | None) -> str | None:
    if not quote:
        return None
    value = json.loads(quote)
    return value.get("speaker") if isinstance(value, dict) else None


def article_report(
    wh: Warehouse, article_id: str, *, settings: Settings, now: datetime | None = None
) -> ArticleReport:
    """Everything the per-article report shows; ``now`` pins the generation time (tests)."""
    with wh.connect(read_only=True) as con:
        article, text = _article(con, article_id)
        first_run = con.execute(
            "SELECT first_run FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        _scope(con, "article", article_id)
        claim_rows, mentions = _mentions(con, article_id, text)
        verdicts = _verdicts(con)
        evidence = _evidence(con)
        decisions = _decisions(con)
        methods = _methods(con, first_run[0] if first_run else None)
    claims = []
    for cid, ctext, kind, worth, quote in claim_rows:
        verdict, deciding = verdicts.get(cid, (None, []))
        claims.append(
            ClaimReport(
                id=cid,
                text=ctext,
                kind=kind,
                checkworthiness=float(worth),
                speaker=_speaker(quote),
                mentions=tuple(mentions[cid]),
                verdict=verdict,
                evidence=_evidence_items(evidence.get(cid, []), set(deciding)),
                decision=decisions.get(cid),
            )
        )
    claims.sort(key=lambda c: (-c.checkworthiness, c.mentions[0].start if c.mentions else 0, c.id))
    return ArticleReport(
        article=article,
        claims=tuple(claims),
        methods=methods,
        review=settings.review,
        generated_at=now or utcnow(),
    )


def run_report(
    wh: Warehouse, run_id: str, *, settings: Settings, now: datetime | None = None
) -> RunReport:
    """What one run found: the claims it assessed, the articles it read, its fetches."""
    with wh.connect(read_only=True) as con:
        row = con.execute(
            "SELECT id, flow, timezone('UTC', started_at), timezone('UTC', finished_at), status, "
            "CAST(params AS VARCHAR), note FROM runs WHERE id = ?",
            [run_id],
        ).fetchone()
        if row is None:
            raise InputError(f"no run {run_id!r} in the warehouse")
        _scope(con, "run", run_id)
        articles = con.execute(
            "SELECT id, url, canonical_url, title, published, source_path, created_at "
            "FROM articles WHERE first_run = ? OR id IN (SELECT article_id FROM claim_mentions "
            "WHERE claim_id IN (SELECT claim_id FROM verdicts WHERE run_id = ?)) ORDER BY id",
            [run_id, run_id],
        ).fetchall()
        claim_rows = con.execute(
            "SELECT v.claim_id, (SELECT min(article_id) FROM claim_mentions m "
            "  WHERE m.claim_id = v.claim_id), c.text, c.checkworthiness, v.status, v.confidence, "
            "  json_array_length(v.evidence_ids) "
            "FROM verdicts v JOIN claims c ON c.id = v.claim_id WHERE v.run_id = ?",
            [run_id],
        ).fetchall()
        top = con.execute(
            "SELECT claim_id, url FROM (SELECT e.claim_id, s.url, row_number() OVER ("
            "  PARTITION BY e.claim_id ORDER BY (e.stance = 'neutral'), e.score DESC, "
            "  e.relevance DESC, e.id) AS rn FROM evidence e JOIN sources s ON s.id = e.source_id "
            "  WHERE e.claim_id IN (SELECT claim_id FROM verdicts WHERE run_id = ?)) WHERE rn = 1",
            [run_id],
        ).fetchall()
        decisions = _decisions(con)
        fetches = con.execute(
            "SELECT status, count(*) FROM fetches WHERE run_id = ? GROUP BY status ORDER BY status",
            [run_id],
        ).fetchall()
        llm = tuple(usage_of(con, run_id))
    top_url = dict(top)
    claims = [
        RunClaim(
            claim_id=cid,
            article_id=aid,
            text=text,
            checkworthiness=float(worth),
            status=status,
            confidence=float(conf),
            evidence=int(n or 0),
            top_url=top_url.get(cid),
            rating=decisions[cid].rating if cid in decisions else None,
        )
        for cid, aid, text, worth, status, conf, n in claim_rows
    ]
    claims.sort(key=lambda c: (-c.checkworthiness, c.claim_id))
    return RunReport(
        run=_run_info(row),
        articles=tuple(
            ArticleInfo(
                id=a[0],
                url=a[1],
                canonical_url=a[2],
                title=a[3],
                published=_iso_date(a[4]),
                source_path=a[5],
                created_at=_utc(a[6]),
            )
            for a in articles
        ),
        claims=tuple(claims),
        fetches=tuple((str(s), int(n)) for s, n in fetches),
        review=settings.review,
        generated_at=now or utcnow(),
        llm=llm,
    )
