"""The editorial desk's reads and writes: the queue, a claim's file, holds, decisions, the audit log.

Everything editors do is appended to ``reviews`` (take, release, decide, note, add_evidence,
reverify); nothing is updated or deleted, so the audit log is the table itself. A decision is
optimistic: the editor's page carries the claim's *version* (current verdict id and latest
decision id); the write happens in one transaction, under a process-wide lock, only if the version
is unchanged and no one else holds the claim. DuckDB admits one writing process per file, so the
lock plus the check serialise every decision; the loser gets a ``ConflictError`` saying who won.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from claimtrack.clock import Clock, utcnow
from claimtrack.errors import ConflictError, InputError
from claimtrack.settings import ReviewSettings
from warehouse.db import Connection, Warehouse

ReviewState = Literal["open", "in_review", "decided", "auto", "unchecked"]
StateFilter = Literal["queue", "open", "in_review", "decided", "auto", "unchecked", "all"]
ReviewAction = Literal["take", "release", "decide", "note", "add_evidence", "reverify"]
STATE_FILTERS: tuple[str, ...] = ("queue", "open", "in_review", "decided", "auto", "unchecked",
                                  "all")
STATES: tuple[str, ...] = ("open", "in_review", "decided", "auto", "unchecked")
MACHINE_STATUSES = ("supported", "refuted", "mixed", "unverified")
KINDS = ("statistic", "event", "law", "quote", "comparison", "other")
_write_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class QueueFilter:
    state: StateFilter = "queue"
    status: str | None = None
    article: str | None = None
    kind: str | None = None
    assignee: str | None = None
    page: int = 1
    per_page: int = 50

    def validated(self) -> QueueFilter:
        if self.state not in STATE_FILTERS:
            raise InputError(f"unknown state {self.state!r}; known: {', '.join(STATE_FILTERS)}")
        if self.status and self.status not in MACHINE_STATUSES:
            raise InputError(
                f"unknown status {self.status!r}; known: {', '.join(MACHINE_STATUSES)}")
        if self.kind and self.kind not in KINDS:
            raise InputError(f"unknown kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.page < 1 or not 1 <= self.per_page <= 500:
            raise InputError("page must be >= 1 and per_page between 1 and 500")
        return self


@dataclass(frozen=True, slots=True)
class Hold:
    editor: str
    taken_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    claim_id: str
    editor: str
    rating: str
    note: str
    internal_note: str
    publish: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class QueueItem:
    claim_id: str
    text: str
    kind: str
    checkworthiness: float
    status: str | None
    confidence: float | None
    priority: float
    state: ReviewState
    changed: bool
    previous_status: str | None
    articles: int
    article_ids: tuple[str, ...]
    reasons: tuple[str, ...]
    verdict_at: datetime | None
    hold: Hold | None
    rating: str | None
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: tuple[QueueItem, ...]
    total: int
    page: int
    per_page: int
    counts: Mapping[str, int]  # per state, under the same status/article/kind/assignee filters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class Mention:
    article_id: str
    title: str | None
    url: str | None
    published: str | None
    text: str
    start: int
    end: int
    before: str  # article text just before the claim, for context
    claim: str  # the article's own words for the claim (article.text[start:end])
    after: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: str
    stance: str
    score: float
    relevance: float
    reason: str
    quote: str
    passage_before: str  # the passage split around the quote, so the page can highlight it
    passage_quote: str
    passage_after: str
    source_id: str
    url: str
    domain: str
    tier: str | None
    title: str | None
    snapshot_hash: str | None
    fetched_at: datetime | None
    in_verdict: bool


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: datetime
    kind: Literal["verdict", "review", "fetch"]
    actor: str
    summary: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    claim_id: str
    text: str
    kind: str
    checkworthiness: float
    status: str | None
    confidence: float | None
    rationale: str | None
    verdict_id: str | None
    verdict_at: datetime | None
    previous_status: str | None
    reasons: tuple[str, ...]
    state: ReviewState
    hold: Hold | None
    decision: Decision | None
    version: str
    mentions: tuple[Mention, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    at: datetime
    editor: str
    action: str
    claim_id: str | None
    claim_text: str | None
    rating: str | None
    note: str | None
    internal_note: str | None
    publish: bool | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    hash: str
    url: str | None
    title: str | None
    fetched_at: datetime
    content_type: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _reasons(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    try:
        parsed = json.loads(value)
    except ValueError:
        return (str(value),)
    return tuple(str(r) for r in parsed) if isinstance(parsed, list) else ()


def _state(needs_person: bool, held: bool, decision_id: str | None,
           verdict_id: str | None) -> ReviewState:
    if needs_person:
        return "in_review" if held else "open"
    if decision_id:
        return "decided"
    return "auto" if verdict_id else "unchecked"


_STATE_SQL = (
    "CASE WHEN needs_person AND held THEN 'in_review' WHEN needs_person THEN 'open' "
    "WHEN decision_id IS NOT NULL THEN 'decided' WHEN verdict_id IS NOT NULL THEN 'auto' "
    "ELSE 'unchecked' END"
)
_QUEUE_COLUMNS = (
    "claim_id, text, kind, checkworthiness, status, confidence, priority, state, changed, "
    "prev_status, articles, article_ids, review_reasons, verdict_at, holder, taken_at, held, "
    "rating, decided_by"
)


def _split(text: str, start: int, end: int, margin: int) -> tuple[str, str, str]:
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    lo = max(0, start - margin)
    hi = min(len(text), end + margin)
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return before, text[start:end], after


class ReviewDesk:
    """The desk over one warehouse: short-lived connections, one per call."""

    def __init__(self, wh: Warehouse, settings: ReviewSettings | None = None, *,
                 clock: Clock = utcnow, read_only: bool = False) -> None:
        self.wh = wh
        self.settings = settings or ReviewSettings()
        self.clock = clock
        self.read_only = read_only  # a one-shot CLI read may share the file with other readers

    @property
    def hold(self) -> timedelta:
        return timedelta(minutes=self.settings.hold_minutes)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.wh.connect(read_only=self.read_only) as con:
            yield con

    # -- reads ----------------------------------------------------------------------------
    def _filtered(self, f: QueueFilter) -> tuple[str, list[Any]]:
        """The queue's base relation under the status/article/kind/assignee filters."""
        now = self.clock()
        where = ["TRUE"]
        params: list[Any] = [now, now - self.hold]
        if f.status:
            where.append("status = ?")
            params.append(f.status)
        if f.kind:
            where.append("kind = ?")
            params.append(f.kind)
        if f.article:
            where.append("list_contains(article_ids, ?)")
            params.append(f.article)
        # only constant fragments are joined into the SQL; every value is a parameter
        sql = (
            "WITH base AS (SELECT *, review_priority(checkworthiness, confidence, changed, "  # noqa: S608
            "verdict_at, articles, ?::TIMESTAMPTZ) AS priority, "
            "coalesce(holder IS NOT NULL AND taken_at > ?::TIMESTAMPTZ, false) AS held "
            f"FROM review_claims WHERE {' AND '.join(where)}), "
            f"st AS (SELECT *, {_STATE_SQL} AS state FROM base"
        )
        if f.assignee:
            sql += " WHERE held AND holder = ?"
            params.append(f.assignee)
        return sql + ")", params

    def queue(self, f: QueueFilter | None = None) -> QueuePage:
        """Claims by priority under ``f``, one page, with the count of each state."""
        f = (f or QueueFilter()).validated()
        base, params = self._filtered(f)
        cond_params: list[Any] = []
        if f.state == "queue":
            cond = "state IN ('open', 'in_review')"
        elif f.state == "all":
            cond = "TRUE"
        else:
            cond, cond_params = "state = ?", [f.state]
        with self._read() as con:
            counts = dict.fromkeys(STATES, 0)
            counts.update(con.execute(
                f"{base} SELECT state, count(*) FROM st GROUP BY state",  # noqa: S608
                params).fetchall())
            rows = con.execute(
                f"{base} SELECT {_QUEUE_COLUMNS} FROM st WHERE {cond} "  # noqa: S608
                "ORDER BY priority DESC NULLS LAST, claim_id LIMIT ? OFFSET ?",
                [*params, *cond_params, f.per_page, (f.page - 1) * f.per_page],
            ).fetchall()
        total = (counts["open"] + counts["in_review"] if f.state == "queue"
                 else sum(counts.values()) if f.state == "all" else counts.get(f.state, 0))
        return QueuePage(tuple(self._item(r) for r in rows), total, f.page, f.per_page, counts)

    def _item(self, r: Sequence[Any]) -> QueueItem:
        hold = Hold(r[14], r[15], r[15] + self.hold) if r[16] else None
        return QueueItem(
            claim_id=r[0], text=r[1], kind=r[2], checkworthiness=float(r[3]), status=r[4],
            confidence=r[5], priority=float(r[6] or 0.0), state=r[7], changed=bool(r[8]),
            previous_status=r[9], articles=int(r[10]), article_ids=tuple(r[11] or ()),
            reasons=_reasons(r[12]), verdict_at=r[13], hold=hold, rating=r[17], decided_by=r[18],
        )

    def claim(self, claim_id: str) -> ClaimDetail | None:
        """Everything an editor needs to decide one claim; None when there is no such claim."""
        now = self.clock()
        with self._read() as con:
            row = con.execute(
                "SELECT claim_id, text, kind, checkworthiness, status, confidence, rationale, "
                "verdict_id, verdict_at, prev_status, review_reasons, needs_person, holder, "
                "taken_at, decision_id, evidence_ids FROM review_claims "
                "LEFT JOIN (SELECT id AS vid, evidence_ids FROM verdicts) v ON v.vid = verdict_id "
                "WHERE claim_id = ?", [claim_id]).fetchone()
            if row is None:
                return None
            held = row[12] is not None and row[13] > now - self.hold
            hold = Hold(row[12], row[13], row[13] + self.hold) if held else None
            decision = self._decision(con, row[14]) if row[14] else None
            used = set(_reasons(row[15]))
            return ClaimDetail(
                claim_id=row[0], text=row[1], kind=row[2], checkworthiness=float(row[3]),
                status=row[4], confidence=row[5], rationale=row[6], verdict_id=row[7],
                verdict_at=row[8], previous_status=row[9], reasons=_reasons(row[10]),
                state=_state(bool(row[11]), held, row[14], row[7]), hold=hold,
                decision=decision, version=f"{row[7] or '-'}:{row[14] or '-'}",
                mentions=self._mentions(con, claim_id),
                evidence=self._evidence(con, claim_id, used),
                timeline=self._timeline(con, claim_id),
            )

    def _decision(self, con: Connection, review_id: str) -> Decision | None:
        r = con.execute(
            "SELECT id, claim_id, editor, rating, note, internal_note, publish, created_at "
            "FROM reviews WHERE id = ?", [review_id]).fetchone()
        if r is None:
            return None
        return Decision(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "", bool(r[6]), r[7])

    def _mentions(self, con: Connection, claim_id: str) -> tuple[Mention, ...]:
        rows = con.execute(
            'SELECT m.article_id, a.title, coalesce(a.canonical_url, a.url), a.published::VARCHAR, '
            'm.text, m.start, m."end", a.text FROM claim_mentions m '
            "LEFT JOIN articles a ON a.id = m.article_id WHERE m.claim_id = ? "
            "ORDER BY a.created_at NULLS LAST, m.article_id, m.start", [claim_id]).fetchall()
        out = []
        for aid, title, url, published, text, start, end, body in rows:
            before, claim, after = _split(body or text, start, end, 320) if body else ("", text, "")
            out.append(Mention(aid, title, url, published, text, start, end, before, claim, after))
        return tuple(out)

    def _evidence(self, con: Connection, claim_id: str, used: set[str]) -> tuple[EvidenceItem, ...]:
        rows = con.execute(
            "SELECT e.id, e.stance, e.score, e.relevance, e.reason, coalesce(e.quote, ''), "
            'e.quote_start, e.quote_end, p.text, p.start, p."end", e.source_id, s.url, s.domain, '
            "s.tier, coalesce(s.title, n.title), p.snapshot_hash, n.fetched_at "
            "FROM evidence e LEFT JOIN passages p ON p.id = e.passage_id "
            "LEFT JOIN sources s ON s.id = e.source_id "
            "LEFT JOIN snapshots n ON n.hash = p.snapshot_hash "
            "WHERE e.claim_id = ? ORDER BY e.relevance DESC, e.score DESC, e.id",
            [claim_id]).fetchall()
        out = []
        for r in rows:
            passage = r[8] or r[5]
            q_start, q_end = (r[6] or 0) - (r[9] or 0), (r[7] or 0) - (r[9] or 0)
            if not (0 <= q_start < q_end <= len(passage)) or (
                    r[5] and passage[q_start:q_end] != r[5]):
                found = passage.find(r[5]) if r[5] else -1
                q_start, q_end = (found, found + len(r[5])) if found >= 0 else (0, 0)
            before, quote, after = passage[:q_start], passage[q_start:q_end], passage[q_end:]
            out.append(EvidenceItem(
                id=r[0], stance=r[1], score=float(r[2]), relevance=float(r[3]), reason=r[4],
                quote=r[5], passage_before=before, passage_quote=quote, passage_after=after,
                source_id=r[11], url=r[12] or "", domain=r[13] or "", tier=r[14], title=r[15],
                snapshot_hash=r[16], fetched_at=r[17], in_verdict=r[0] in used or not used))
        return tuple(out)

    def _timeline(self, con: Connection, claim_id: str) -> tuple[TimelineEvent, ...]:
        events: list[TimelineEvent] = []
        for at, run, status, conf, rationale, prev in con.execute(
                "SELECT created_at, run_id, status, confidence, rationale, "
                "lag(status) OVER (ORDER BY created_at, id) FROM verdicts WHERE claim_id = ? "
                "ORDER BY created_at, id", [claim_id]).fetchall():
            change = f" (was {prev})" if prev and prev != status else ""
            events.append(TimelineEvent(at, "verdict", run,
                                        f"{status}{change}, confidence {conf:.2f}", rationale))
        for at, editor, action, rating, note, internal, publish in con.execute(
                "SELECT created_at, editor, action, rating, note, internal_note, publish "
                "FROM reviews WHERE claim_id = ? ORDER BY created_at, id", [claim_id]).fetchall():
            if action == "decide":
                summary = f"decided {rating}" + (", published" if publish else ", not published")
            else:
                summary = action.replace("_", " ")
            detail = " / ".join(x for x in (note, internal) if x)
            events.append(TimelineEvent(at, "review", editor, summary, detail))
        for at, url, status, reason in con.execute(
                "SELECT attempted_at, url, status, reason FROM ("
                "SELECT f.*, snapshot_hash IS DISTINCT FROM lag(snapshot_hash) OVER "
                "(PARTITION BY f.source_id ORDER BY attempted_at, f.id) AND "
                "lag(f.id) OVER (PARTITION BY f.source_id ORDER BY attempted_at, f.id) IS NOT NULL "
                "AS changed FROM fetches f WHERE f.source_id IN ("
                "SELECT source_id FROM evidence WHERE claim_id = ? "
                "UNION SELECT source_id FROM claim_sources WHERE claim_id = ?)) "
                "WHERE status <> 'fetched' OR changed ORDER BY attempted_at",
                [claim_id, claim_id]).fetchall():
            summary = "source changed" if status == "fetched" else f"source {status}: {reason}"
            events.append(TimelineEvent(at, "fetch", "fetcher", summary, url))
        events.sort(key=lambda e: e.at)
        return tuple(events)

    def snapshot(self, snapshot_hash: str) -> Snapshot | None:
        with self._read() as con:
            r = con.execute("SELECT hash, url, title, fetched_at, content_type, text "
                            "FROM snapshots WHERE hash = ?", [snapshot_hash]).fetchone()
        return Snapshot(*r) if r else None

    def audit(self, *, editor: str | None = None, claim_id: str | None = None,
              page: int = 1, per_page: int = 100) -> AuditPage:
        """Who did what when, newest first."""
        where, params = ["TRUE"], []
        if editor:
            where.append("a.editor = ?")
            params.append(editor)
        if claim_id:
            where.append("a.claim_id = ?")
            params.append(claim_id)
        cond = " AND ".join(where)
        with self._read() as con:
            total = con.execute(f"SELECT count(*) FROM audit a WHERE {cond}",  # noqa: S608
                                params).fetchone()
            rows = con.execute(
                "SELECT a.id, a.at, a.editor, a.action, a.claim_id, c.text, a.rating, a.note, "  # noqa: S608
                "a.internal_note, a.publish FROM audit a LEFT JOIN claims c ON c.id = a.claim_id "
                f"WHERE {cond} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
                [*params, per_page, (max(page, 1) - 1) * per_page]).fetchall()
        return AuditPage(tuple(AuditEntry(*r) for r in rows), int(total[0]) if total else 0,
                         max(page, 1), per_page)

    # -- writes ---------------------------------------------------------------------------
    def _current(self, con: Connection, claim_id: str) -> tuple[str, Hold | None, Decision | None]:
        """The claim's version, active hold and latest decision, inside the writer's transaction."""
        row = con.execute(
            "SELECT verdict_id, decision_id, holder, taken_at FROM review_claims "
            "WHERE claim_id = ?", [claim_id]).fetchone()
        if row is None:
            raise InputError(f"no claim with id {claim_id!r}")
        now = self.clock()
        hold = (Hold(row[2], row[3], row[3] + self.hold)
                if row[2] is not None and row[3] > now - self.hold else None)
        decision = self._decision(con, row[1]) if row[1] else None
        return f"{row[0] or '-'}:{row[1] or '-'}", hold, decision

    def _append(self, con: Connection, claim_id: str, editor: str, action: ReviewAction,
                **cols: Any) -> tuple[str, datetime]:
        seq = con.execute("SELECT nextval('review_seq')").fetchone()
        review_id = f"rv_{int(seq[0]) if seq else 0:012d}"
        now = self.clock()
        con.execute(
            "INSERT INTO reviews (id, claim_id, editor, action, rating, note, internal_note, "
            "publish, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [review_id, claim_id, editor, action, cols.get("rating"), cols.get("note"),
             cols.get("internal_note"), cols.get("publish"), now])
        return review_id, now

    def take(self, claim_id: str, editor: str) -> Hold:
        """Hold the claim for ``hold_minutes`` (renewing one's own hold); refused if another holds it."""
        with _write_lock, self.wh.transaction() as con:
            _, hold, _ = self._current(con, claim_id)
            if hold and hold.editor != editor:
                raise ConflictError(
                    f"{hold.editor} holds claim {claim_id} until {hold.expires_at:%Y-%m-%d %H:%M} UTC")
            _, now = self._append(con, claim_id, editor, "take")
        return Hold(editor, now, now + self.hold)

    def release(self, claim_id: str, editor: str) -> None:
        """Give a held claim back; refused if someone else holds it."""
        with _write_lock, self.wh.transaction() as con:
            _, hold, _ = self._current(con, claim_id)
            if hold is None:
                return
            if hold.editor != editor:
                raise ConflictError(f"{hold.editor} holds claim {claim_id}, not {editor}")
            self._append(con, claim_id, editor, "release")

    def decide(self, claim_id: str, editor: str, rating: str, *, note: str = "",
               internal_note: str = "", publish: bool = False,
               version: str | None = None) -> Decision:
        """Record a decision if the claim is as the editor saw it (``version``) and not held by
        someone else; otherwise ``ConflictError`` naming who got there first."""
        if rating not in self.settings.ratings:
            raise InputError(
                f"unknown rating {rating!r}; the scale is: {', '.join(self.settings.ratings)}")
        with _write_lock, self.wh.transaction() as con:
            current, hold, last = self._current(con, claim_id)
            if hold and hold.editor != editor:
                raise ConflictError(
                    f"{hold.editor} holds claim {claim_id} until "
                    f"{hold.expires_at:%Y-%m-%d %H:%M} UTC; your decision was not saved")
            if version is not None and version != current:
                if last and not version.endswith(f":{last.id}"):
                    raise ConflictError(
                        f"{last.editor} decided claim {claim_id} as {last.rating!r} at "
                        f"{last.created_at:%Y-%m-%d %H:%M:%S} UTC while you were working; "
                        "your decision was not saved: reload and decide again")
                raise ConflictError(
                    f"claim {claim_id} has a new verdict since you opened it; your decision "
                    "was not saved: reload and decide again")
            review_id, now = self._append(con, claim_id, editor, "decide", rating=rating,
                                          note=note, internal_note=internal_note,
                                          publish=publish)
        return Decision(review_id, claim_id, editor, rating, note, internal_note, publish, now)

    def note(self, claim_id: str, editor: str, internal_note: str) -> str:
        with _write_lock, self.wh.transaction() as con:
            self._current(con, claim_id)
            review_id, _ = self._append(con, claim_id, editor, "note",
                                        internal_note=internal_note)
        return review_id

    def log(self, claim_id: str, editor: str, action: Literal["add_evidence", "reverify"],
            note: str = "") -> str:
        """Record that an editor asked for more evidence or a re-check (the flow does the work)."""
        with _write_lock, self.wh.transaction() as con:
            self._current(con, claim_id)
            review_id, _ = self._append(con, claim_id, editor, action, note=note)
        return review_id

