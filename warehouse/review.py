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
import math
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np

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
_open_lock = threading.Lock()


@contextmanager
def open_connection(wh: Warehouse, *, read_only: bool = False) -> Iterator[Connection]:
    """``wh.connect()``, with opening and closing serialised across this process's threads.

    DuckDB keeps one database instance per file per process while any connection is open; a
    thread opening the file while another closes the last connection can fail with "Unique file
    handle conflict". The review app serves requests from many threads, so its opens and closes
    take turns (each is microseconds once the file is open).
    """
    stack = ExitStack()
    with _open_lock:
        con = stack.enter_context(wh.connect(read_only=read_only))
    try:
        yield con
    except BaseException:
        with _open_lock:
            if not stack.__exit__(*sys.exc_info()):
                raise
    else:
        with _open_lock:
            stack.close()


@contextmanager
def open_transaction(wh: Warehouse) -> Iterator[Connection]:
    """``wh.transaction()`` over ``open_connection``: all or nothing."""
    with open_connection(wh) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


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


def _split(text: str, start: int, end: int, margin: int) -> tuple[str, str, str]:
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    lo = max(0, start - margin)
    hi = min(len(text), end + margin)
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return before, text[start:end], after


def _epoch_to_dt(value: float) -> datetime | None:
    return None if math.isnan(value) else datetime.fromtimestamp(value, UTC)


def _epochs(column: Any) -> np.ndarray:
    """Timestamps from ``fetchnumpy`` (maybe masked) as float seconds, NaN for NULL."""
    data = np.ma.getdata(column).astype("datetime64[us]").astype("int64") / 1e6
    data[np.ma.getmaskarray(column)] = np.nan
    return data


def _objects(column: Any) -> np.ndarray:
    data = np.array(np.ma.getdata(column), dtype=object)
    data[np.ma.getmaskarray(column)] = None
    return data


@dataclass(frozen=True, slots=True)
class _ClaimState:
    """One claim's current verdict, previous status, latest decision and hold, read directly."""

    claim: tuple[Any, ...]
    verdicts: list[tuple[Any, ...]]  # newest first
    reviews: list[tuple[Any, ...]]  # oldest first
    decision: Decision | None
    holder: tuple[str, datetime] | None  # latest take, if not released or decided since

    @property
    def version(self) -> str:
        verdict = self.verdicts[0][0] if self.verdicts else "-"
        return f"{verdict}:{self.decision.id if self.decision else '-'}"

    @property
    def needs_person(self) -> bool:
        if not self.verdicts or not self.verdicts[0][4]:
            return False
        return self.decision is None or self.decision.created_at < self.verdicts[0][6]


def _claim_state(con: Connection, claim_id: str) -> _ClaimState | None:
    claim = con.execute("SELECT id, text, kind, checkworthiness FROM claims WHERE id = ?",
                        [claim_id]).fetchone()
    if claim is None:
        return None
    verdicts = con.execute(
        "SELECT id, status, confidence, rationale, needs_review, review_reasons, created_at, "
        "evidence_ids, run_id FROM verdicts WHERE claim_id = ? ORDER BY created_at DESC, id DESC",
        [claim_id]).fetchall()
    reviews = con.execute(
        "SELECT id, claim_id, editor, action, rating, note, internal_note, publish, created_at "
        "FROM reviews WHERE claim_id = ? ORDER BY created_at, id", [claim_id]).fetchall()
    decision = holder = None
    for r in reviews:
        if r[3] == "decide":
            decision = Decision(r[0], r[1], r[2], r[4] or "", r[5] or "", r[6] or "",
                                bool(r[7]), r[8])
        if r[3] in ("take", "release", "decide"):
            holder = (r[2], r[8]) if r[3] == "take" else None
    return _ClaimState(tuple(claim), verdicts, reviews, decision, holder)


def _by_id(con: Connection, select: str, ids: list[Any], key: str = "id") -> dict[Any, tuple[Any, ...]]:
    """Rows of ``select`` whose ``key`` is in ``ids``, by key: a point lookup per id in the index."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = con.execute(f"{select} WHERE {key} IN ({', '.join('?' * len(wanted))})",  # noqa: S608
                       wanted).fetchall()
    return {r[0]: tuple(r) for r in rows}


_FINGERPRINT_SQL = (
    "SELECT (SELECT count(*) FROM verdicts), (SELECT max(created_at) FROM verdicts), "
    "(SELECT count(*) FROM reviews), (SELECT max(id) FROM reviews), "
    "(SELECT count(*) FROM claims), (SELECT count(*) FROM claim_mentions)"
)
_INDEX_SQL = (
    "SELECT claim_id, text, kind, checkworthiness, status, confidence, changed, prev_status, "
    "articles, review_reasons, verdict_at, holder, taken_at, decision_id, verdict_id, "
    "needs_person, rating, decided_by, review_priority(checkworthiness, confidence, changed, "
    "verdict_at, articles, ?::TIMESTAMPTZ) AS priority "
    "FROM review_claims ORDER BY priority DESC NULLS LAST, claim_id"
)


class _QueueIndex:
    """Every claim's queue fields as columns, sorted by priority, answered from memory.

    The view behind it aggregates every verdict, review and mention, too slow to run per page at
    100,000 claims. The index is rebuilt when the warehouse's fingerprint (row counts and latest
    ids of the tables it reads) changes, or after ``max_age`` seconds (priority ages); the
    desk's own writes patch the one claim they touched instead.
    """

    def __init__(self, con: Connection, fingerprint: tuple[Any, ...], now: datetime) -> None:
        cols = con.execute(_INDEX_SQL, [now]).fetchnumpy()
        self.fingerprint = fingerprint
        self.built = self.checked = time.monotonic()
        self.claim_id = _objects(cols["claim_id"])
        self.text = _objects(cols["text"])
        self.kind = _objects(cols["kind"])
        self.checkworthiness = np.ma.getdata(cols["checkworthiness"]).astype(float)
        self.status = _objects(cols["status"])
        self.confidence: np.ndarray = np.ma.filled(np.ma.asarray(cols["confidence"], dtype=float), np.nan)
        self.changed = np.ma.filled(np.ma.asarray(cols["changed"]), False).astype(bool)
        self.prev_status = _objects(cols["prev_status"])
        self.articles = np.ma.filled(np.ma.asarray(cols["articles"]), 0).astype(int)
        self.reasons = _objects(cols["review_reasons"])
        self.verdict_at = _epochs(cols["verdict_at"])
        self.holder = _objects(cols["holder"])
        self.taken_at = _epochs(cols["taken_at"])
        self.decision_id = _objects(cols["decision_id"])
        self.has_decision = ~np.ma.getmaskarray(cols["decision_id"])
        self.has_verdict = ~np.ma.getmaskarray(cols["verdict_id"])
        self.needs_person = np.ma.filled(np.ma.asarray(cols["needs_person"]), False).astype(bool)
        self.rating = _objects(cols["rating"])
        self.decided_by = _objects(cols["decided_by"])
        self.priority: np.ndarray = np.ma.filled(np.ma.asarray(cols["priority"], dtype=float), 0.0)
        self.position = {cid: i for i, cid in enumerate(self.claim_id)}
        self.status_codes = {s: self.status == s for s in MACHINE_STATUSES}
        self.kind_codes: dict[str, np.ndarray] = {}
        self.article_ids: dict[str, tuple[str, ...]] = {}  # filled as pages are shown

    def kind_mask(self, kind: str) -> np.ndarray:
        mask = self.kind_codes.get(kind)
        if mask is None:
            mask = self.kind_codes[kind] = self.kind == kind
        return mask

    def patch(self, state: _ClaimState) -> None:
        """Bring one claim's hold and decision up to date after this desk wrote them."""
        i = self.position.get(state.claim[0])
        if i is None:
            return
        self.holder[i], self.taken_at[i] = (
            (state.holder[0], state.holder[1].timestamp()) if state.holder else (None, np.nan))
        d = state.decision
        self.decision_id[i] = d.id if d else None
        self.has_decision[i] = d is not None
        self.rating[i] = d.rating if d else None
        self.decided_by[i] = d.editor if d else None
        self.needs_person[i] = state.needs_person

    def states(self, now: datetime, hold_seconds: float) -> np.ndarray:
        """0 open, 1 in_review, 2 decided, 3 auto, 4 unchecked (the order of STATES)."""
        with np.errstate(invalid="ignore"):
            held = self.taken_at > now.timestamp() - hold_seconds
        return np.select(
            [self.needs_person & held, self.needs_person, self.has_decision, self.has_verdict], [1, 0, 2, 3], 4)

    def item(self, i: int, state: int, hold: timedelta, article_ids: tuple[str, ...]) -> QueueItem:
        taken = _epoch_to_dt(float(self.taken_at[i]))
        conf = float(self.confidence[i])
        return QueueItem(
            claim_id=str(self.claim_id[i]), text=str(self.text[i]), kind=str(self.kind[i]),
            checkworthiness=float(self.checkworthiness[i]), status=self.status[i],
            confidence=None if math.isnan(conf) else conf, priority=float(self.priority[i]),
            state=STATES[state], changed=bool(self.changed[i]),  # type: ignore[arg-type]
            previous_status=self.prev_status[i], articles=int(self.articles[i]),
            article_ids=article_ids, reasons=_reasons(self.reasons[i]),
            verdict_at=_epoch_to_dt(float(self.verdict_at[i])),
            hold=Hold(self.holder[i], taken, taken + hold) if state == 1 and taken else None,
            rating=self.rating[i], decided_by=self.decided_by[i])


class _Linger:
    """Keeps one connection open for ``seconds`` after the last call, then closes it.

    Opening a warehouse file costs tens of milliseconds, reusing an open one (DuckDB caches the
    database per process while any connection is open) costs microseconds. Back-to-back requests
    share the open file; when the desk goes idle the file is released, so a scheduled run in
    another process can take the write lock.
    """

    def __init__(self, wh: Warehouse, seconds: float, threads: int | None = None) -> None:
        self.wh = wh
        self.seconds = seconds
        self.threads = threads
        self._lock = threading.Lock()
        self._stack: ExitStack | None = None
        self._last = 0.0

    def touch(self) -> None:
        with self._lock:
            self._last = time.monotonic()
            if self._stack is not None:
                return
            stack = ExitStack()
            con = stack.enter_context(open_connection(self.wh))
            if self.threads:
                # an int, not user input; SET takes no parameters
                con.execute(f"SET threads = {int(self.threads)}")
            self._stack = stack
        threading.Thread(target=self._watch, name="warehouse-linger", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(self.seconds / 4)
            with self._lock:
                if time.monotonic() - self._last >= self.seconds and self._stack is not None:
                    self._stack.close()
                    self._stack = None
                    return

    def close(self) -> None:
        with self._lock:
            if self._stack is not None:
                self._stack.close()
                self._stack = None


class ReviewDesk:
    """The desk over one warehouse: short-lived connections, one per call.

    A long-running app passes ``linger`` (seconds) to keep the file open between close calls,
    and ``check_every`` (seconds between fingerprint checks, each a scan of the verdicts): how
    long another process's writes may take to show in the queue. The default, 0, checks on
    every call; this desk's own writes show at once either way. ``threads`` sets DuckDB's
    worker threads while the file is held open: a web app runs many small queries at once, and
    one thread per query (the caller's) answers them without waking a pool per query.
    """

    index_max_age = 60.0  # seconds before the queue index is rebuilt even if nothing changed

    def __init__(self, wh: Warehouse, settings: ReviewSettings | None = None, *,
                 clock: Clock = utcnow, read_only: bool = False, linger: float = 0.0,
                 check_every: float = 0.0, threads: int | None = None) -> None:
        self.wh = wh
        self.settings = settings or ReviewSettings()
        self.clock = clock
        self.read_only = read_only  # a one-shot CLI read may share the file with other readers
        self._linger = _Linger(wh, linger, threads) if linger > 0 and not read_only else None
        self.index_check_every = check_every
        self._index: _QueueIndex | None = None
        self._index_lock = threading.Lock()

    @property
    def hold(self) -> timedelta:
        return timedelta(minutes=self.settings.hold_minutes)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._linger is not None:
            self._linger.touch()
        with open_connection(self.wh, read_only=self.read_only) as con:
            yield con

    def close(self) -> None:
        """Release a lingering connection now (tests, shutdown)."""
        if self._linger is not None:
            self._linger.close()

    # -- reads ----------------------------------------------------------------------------
    def _fresh_index(self, con: Connection) -> _QueueIndex:
        index = self._index
        if (index is not None and self.index_check_every > 0
                and time.monotonic() - index.checked < self.index_check_every):
            return index  # checked a moment ago; this desk's own writes patch it anyway
        fingerprint = tuple(con.execute(_FINGERPRINT_SQL).fetchone() or ())
        with self._index_lock:
            index = self._index
            if (index is None or index.fingerprint != fingerprint
                    or time.monotonic() - index.built > self.index_max_age):
                index = self._index = _QueueIndex(con, fingerprint, self.clock())
            index.checked = time.monotonic()
            return index

    def queue(self, f: QueueFilter | None = None) -> QueuePage:
        """Claims by priority under ``f``, one page, with the count of each state."""
        f = (f or QueueFilter()).validated()
        now = self.clock()
        with self._read() as con:
            index = self._fresh_index(con)
            states = index.states(now, self.hold.total_seconds())
            base = np.ones(len(states), dtype=bool)
            if f.status:
                base &= index.status_codes[f.status]
            if f.kind:
                base &= index.kind_mask(f.kind)
            if f.assignee:
                base &= (states == 1) & (index.holder == f.assignee)
            if f.article:
                ids = [r[0] for r in con.execute(
                    "SELECT DISTINCT claim_id FROM claim_mentions WHERE article_id = ?",
                    [f.article]).fetchall()]
                positions = [index.position[c] for c in ids if c in index.position]
                only = np.zeros(len(states), dtype=bool)
                only[positions] = True
                base &= only
            counts = np.bincount(states[base], minlength=len(STATES))
            if f.state == "queue":
                mask = base & (states <= 1)
            elif f.state == "all":
                mask = base
            else:
                mask = base & (states == STATES.index(f.state))
            chosen = np.flatnonzero(mask)
            page = chosen[(f.page - 1) * f.per_page: f.page * f.per_page]
            page_ids = [str(index.claim_id[i]) for i in page]
            missing = [cid for cid in page_ids if cid not in index.article_ids]
            if missing:
                found: dict[str, set[str]] = {cid: set() for cid in missing}
                for cid, aid in con.execute(
                        "SELECT claim_id, article_id FROM claim_mentions "  # noqa: S608
                        f"WHERE claim_id IN ({', '.join('?' * len(missing))})",
                        missing).fetchall():
                    found[cid].add(aid)
                index.article_ids.update({c: tuple(sorted(a)) for c, a in found.items()})
            articles = {cid: index.article_ids[cid] for cid in page_ids}
        items = tuple(index.item(int(i), int(states[i]), self.hold, articles.get(cid, ()))
                      for i, cid in zip(page, page_ids, strict=True))
        return QueuePage(items, len(chosen), f.page, f.per_page,
                         {s: int(n) for s, n in zip(STATES, counts, strict=True)})

    def claim(self, claim_id: str) -> ClaimDetail | None:
        """Everything an editor needs to decide one claim; None when there is no such claim."""
        now = self.clock()
        with self._read() as con:
            st = _claim_state(con, claim_id)
            if st is None:
                return None
            held = st.holder is not None and st.holder[1] > now - self.hold
            hold = Hold(st.holder[0], st.holder[1], st.holder[1] + self.hold) if (
                st.holder and held) else None
            cur = st.verdicts[0] if st.verdicts else None
            prev = st.verdicts[1][1] if len(st.verdicts) > 1 else None
            used = set(_reasons(cur[7])) if cur else set()
            evidence = self._evidence(con, claim_id, used)
            return ClaimDetail(
                claim_id=st.claim[0], text=st.claim[1], kind=st.claim[2],
                checkworthiness=float(st.claim[3]),
                status=cur[1] if cur else None, confidence=cur[2] if cur else None,
                rationale=cur[3] if cur else None, verdict_id=cur[0] if cur else None,
                verdict_at=cur[6] if cur else None, previous_status=prev,
                reasons=_reasons(cur[5]) if cur else (),
                state=_state(st.needs_person, held, st.decision.id if st.decision else None,
                             cur[0] if cur else None),
                hold=hold, decision=st.decision, version=st.version,
                mentions=self._mentions(con, claim_id),
                evidence=evidence,
                timeline=self._timeline(con, st, {e.source_id for e in evidence}),
            )

    def _mentions(self, con: Connection, claim_id: str) -> tuple[Mention, ...]:
        rows = con.execute(
            'SELECT article_id, text, start, "end" FROM claim_mentions WHERE claim_id = ?',
            [claim_id]).fetchall()
        articles = _by_id(
            con, "SELECT id, title, coalesce(canonical_url, url), published::VARCHAR, text, "
            "created_at FROM articles", [r[0] for r in rows])
        rows.sort(key=lambda r: (str(articles[r[0]][5]) if r[0] in articles else "~", r[0], r[2]))
        out = []
        for aid, text, start, end in rows:
            _, title, url, published, body, _ = articles.get(aid) or (aid, None, None, None, "", None)
            before, claim, after = _split(body, start, end, 320) if body else ("", text, "")
            out.append(Mention(aid, title, url, published, text, start, end, before, claim, after))
        return tuple(out)

    def _evidence(self, con: Connection, claim_id: str, used: set[str]) -> tuple[EvidenceItem, ...]:
        # step by step through the indexes: a join would scan every passage and source
        rows = con.execute(
            "SELECT id, stance, score, relevance, reason, coalesce(quote, ''), quote_start, "
            "quote_end, passage_id, source_id FROM evidence WHERE claim_id = ? "
            "ORDER BY relevance DESC, score DESC, id", [claim_id]).fetchall()
        passages = _by_id(con, "SELECT id, text, start, \"end\", snapshot_hash FROM passages",
                          [r[8] for r in rows])
        sources = _by_id(con, "SELECT id, url, domain, tier, title FROM sources",
                         [r[9] for r in rows])
        snapshots = _by_id(con, "SELECT hash, title, fetched_at FROM snapshots",
                           [p[4] for p in passages.values()], key="hash")
        out = []
        for r in rows:
            p = passages.get(r[8]) or (r[8], r[5], 0, len(r[5]), None)
            src = sources.get(r[9]) or (r[9], "", "", None, None)
            snap = snapshots.get(p[4]) if p[4] else None
            passage = p[1] or r[5]
            q_start, q_end = (r[6] or 0) - (p[2] or 0), (r[7] or 0) - (p[2] or 0)
            if not (0 <= q_start < q_end <= len(passage)) or (
                    r[5] and passage[q_start:q_end] != r[5]):
                found = passage.find(r[5]) if r[5] else -1
                q_start, q_end = (found, found + len(r[5])) if found >= 0 else (0, 0)
            out.append(EvidenceItem(
                id=r[0], stance=r[1], score=float(r[2]), relevance=float(r[3]), reason=r[4],
                quote=r[5], passage_before=passage[:q_start],
                passage_quote=passage[q_start:q_end], passage_after=passage[q_end:],
                source_id=r[9], url=src[1] or "", domain=src[2] or "", tier=src[3],
                title=src[4] or (snap[1] if snap else None), snapshot_hash=p[4],
                fetched_at=snap[2] if snap else None, in_verdict=r[0] in used or not used))
        return tuple(out)

    def _timeline(self, con: Connection, st: _ClaimState,
                  sources: set[str]) -> tuple[TimelineEvent, ...]:
        events: list[TimelineEvent] = []
        prev = None
        for _, status, conf, rationale, _, _, at, _, run in reversed(st.verdicts):
            change = f" (was {prev})" if prev and prev != status else ""
            events.append(TimelineEvent(at, "verdict", run,
                                        f"{status}{change}, confidence {conf:.2f}", rationale))
            prev = status
        for _, _, editor, action, rating, note, internal, publish, at in st.reviews:
            if action == "decide":
                summary = f"decided {rating}" + (", published" if publish else ", not published")
            else:
                summary = action.replace("_", " ")
            detail = " / ".join(x for x in (note, internal) if x)
            events.append(TimelineEvent(at, "review", editor, summary, detail))
        claim_id = st.claim[0]
        known = sorted(sources)  # the evidence's sources, plus those the claim was checked against
        fetches = con.execute(
            "SELECT source_id, attempted_at, url, status, reason, snapshot_hash FROM fetches "  # noqa: S608
            f"WHERE (source_id IN ({', '.join('?' * len(known)) or 'NULL'}) OR source_id IN "
            "(SELECT source_id FROM claim_sources WHERE claim_id = ?)) "
            "ORDER BY source_id, attempted_at, id", [*known, claim_id]).fetchall()
        last: dict[str, str | None] = {}
        for source_id, at, url, status, reason, snap in fetches:
            changed = source_id in last and status == "fetched" and snap != last[source_id]
            if status == "fetched":
                last[source_id] = snap
            if status != "fetched" or changed:
                summary = "source changed" if changed else f"source {status}: {reason}"
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
        st = _claim_state(con, claim_id)
        if st is None:
            raise InputError(f"no claim with id {claim_id!r}")
        now = self.clock()
        hold = (Hold(st.holder[0], st.holder[1], st.holder[1] + self.hold)
                if st.holder is not None and st.holder[1] > now - self.hold else None)
        return st.version, hold, st.decision

    @contextmanager
    def _writing(self, claim_id: str) -> Iterator[Connection]:
        """One write transaction under the process lock; afterwards the queue index is patched
        for this claim if nothing else changed the warehouse since it was built."""
        if self._linger is not None:
            self._linger.touch()
        with _write_lock:
            with open_transaction(self.wh) as con:
                before = tuple(con.execute(_FINGERPRINT_SQL).fetchone() or ())
                yield con
                after = tuple(con.execute(_FINGERPRINT_SQL).fetchone() or ())
                state = _claim_state(con, claim_id)
            with self._index_lock:
                index = self._index
                if index is not None and index.fingerprint == before and state is not None:
                    index.patch(state)
                    index.fingerprint = after
                elif index is not None:
                    self._index = None

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
        with self._writing(claim_id) as con:
            _, hold, _ = self._current(con, claim_id)
            if hold and hold.editor != editor:
                raise ConflictError(
                    f"{hold.editor} holds claim {claim_id} until {hold.expires_at:%Y-%m-%d %H:%M} UTC")
            _, now = self._append(con, claim_id, editor, "take")
        return Hold(editor, now, now + self.hold)

    def release(self, claim_id: str, editor: str) -> None:
        """Give a held claim back; refused if someone else holds it."""
        with self._writing(claim_id) as con:
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
        with self._writing(claim_id) as con:
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
        with self._writing(claim_id) as con:
            self._current(con, claim_id)
            review_id, _ = self._append(con, claim_id, editor, "note",
                                        internal_note=internal_note)
        return review_id

    def log(self, claim_id: str, editor: str, action: Literal["add_evidence", "reverify"],
            note: str = "") -> str:
        """Record that an editor asked for more evidence or a re-check (the flow does the work)."""
        with self._writing(claim_id) as con:
            self._current(con, claim_id)
            review_id, _ = self._append(con, claim_id, editor, action, note=note)
        return review_id

