"""The editorial desk's reads and writes: the queue, a claim's file, holds, decisions, the audit log.

Everything editors do is appended to ``reviews`` (take, release, decide, note, add_evidence,
reverify); nothing is updated or deleted, so the audit log is the table itself. A decision is
optimistic: the editor's page carries the claim's *version* (current verdict id and latest
decision id); the write happens in one transaction, under a process-wide lock, only if the version
is unchanged and no one else holds the claim. DuckDB admits one writing process per file, so the
lock plus the check serialise every decision; the loser gets a ``ConflictError`` saying who won.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Literal

from claimtrack.clock import Clock, utcnow
from claimtrack.errors import ConflictError, InputError
from claimtrack.settings import ReviewSettings
from warehouse.db import Connection, Warehouse
from warehouse.review_claim import (
    EVIDENCE_SQL,
    ClaimMemory,
    ClaimState,
    claim_state,
    claim_states,
    evidence,
    grouped,
    mention_rows,
    mentions,
    source_fetches,
    timeline,
)
from warehouse.review_conn import Linger, open_connection, open_transaction, write_lock
from warehouse.review_queue import FINGERPRINT_SQL, QueueIndex, queue_page
from warehouse.review_records import (
    KINDS,
    MACHINE_STATUSES,
    STATE_FILTERS,
    STATES,
    AuditEntry,
    AuditPage,
    ClaimDetail,
    Decision,
    EvidenceItem,
    Hold,
    Mention,
    QueueFilter,
    QueueItem,
    QueuePage,
    ReviewAction,
    ReviewState,
    Snapshot,
    StateFilter,
    TimelineEvent,
    reasons_of,
    state_of,
)

__all__ = [
    "KINDS", "MACHINE_STATUSES", "STATES", "STATE_FILTERS", "AuditEntry", "AuditPage",
    "ClaimDetail", "Decision", "EvidenceItem", "Hold", "Mention", "QueueFilter", "QueueItem",
    "QueuePage", "ReviewAction", "ReviewDesk", "ReviewState", "Snapshot", "StateFilter",
    "TimelineEvent", "open_connection", "open_transaction",
]


class ReviewDesk:
    """The desk over one warehouse: short-lived connections, one per call.

    A long-running app passes ``linger`` (seconds) to keep the file open between close calls,
    and ``check_every`` (seconds between fingerprint checks, each a scan of the verdicts): how
    long a write through another connection in this process may take to show in the queue.
    The default, 0, checks on every call. This desk's own writes show at once either way, and
    so do another process's: it can only write while the file is closed, and a reopen forces a
    check. ``threads`` sets DuckDB's
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
        self._linger = Linger(wh, linger, threads) if linger > 0 and not read_only else None
        self.index_check_every = check_every
        self._index: QueueIndex | None = None
        self._index_lock = threading.Lock()
        self._refreshing = False
        self._generation = 0  # the lingering file's generation the index was last checked in
        # finished pages by filter, each with the index token and the span of time it holds for
        self._pages: dict[QueueFilter, tuple[tuple[int, int], float, float, QueuePage]] = {}

    @property
    def hold(self) -> timedelta:
        return timedelta(minutes=self.settings.hold_minutes)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._linger is not None:
            generation = self._linger.touch()
            if generation != self._generation:  # the file was closed: others may have written
                self._generation = generation
                with self._index_lock:
                    if self._index is not None:
                        self._index.checked = -math.inf
        with open_connection(self.wh, read_only=self.read_only) as con:
            yield con

    def close(self) -> None:
        """Release a lingering connection now (tests, shutdown)."""
        if self._linger is not None:
            self._linger.close()

    # -- reads ----------------------------------------------------------------------------
    def _fresh_index(self, con: Connection) -> QueueIndex:
        index = self._index
        if (index is not None and self.index_check_every > 0
                and time.monotonic() - index.checked < self.index_check_every):
            return index  # checked a moment ago; this desk's own writes patch it anyway
        fingerprint = tuple(con.execute(FINGERPRINT_SQL).fetchone() or ())
        with self._index_lock:
            index = self._index
            if index is None or index.fingerprint != fingerprint:
                index = self._index = self._build(con, fingerprint)
            elif time.monotonic() - index.built > self.index_max_age:
                if self._linger is None:  # a one-shot desk: nobody else is waiting
                    index = self._index = self._build(con, fingerprint)
                elif not self._refreshing:
                    # only the priorities' ages moved: keep answering from this index while
                    # a new one is built, instead of stalling every queue page for a rebuild
                    self._refreshing = True
                    threading.Thread(target=self._refresh, args=(index,),
                                     name="review-queue-refresh", daemon=True).start()
            index.checked = time.monotonic()
            return index

    def _build(self, con: Connection, fingerprint: tuple[Any, ...]) -> QueueIndex:
        # only a long-running desk reads ClaimMemory up front: a one-shot one shows one page
        return QueueIndex(con, fingerprint, self.clock(), remember=self._linger is not None)

    def _refresh(self, old: QueueIndex) -> None:
        """Rebuild the index in the background; swap it in only if nothing touched the old one
        meanwhile (a patch or a change would be missing from the new one)."""
        try:
            with self._read() as con:
                fingerprint = tuple(con.execute(FINGERPRINT_SQL).fetchone() or ())
                version = old.version
                new = self._build(con, fingerprint)
            with self._index_lock:
                if (self._index is old and old.version == version
                        and old.fingerprint == fingerprint):
                    new.checked = old.checked
                    self._index = new
                else:
                    old.built = time.monotonic()  # try again after another max_age
        finally:
            self._refreshing = False

    def queue(self, f: QueueFilter | None = None) -> QueuePage:
        """Claims by priority under ``f``, one page, with the count of each state.

        A finished page is kept until the index changes (a rebuild, or a patch after this
        desk's own write) or a hold on it expires, so repeated pages cost a dict lookup.
        """
        f = (f or QueueFilter()).validated()
        now = self.clock()
        with self._read() as con:
            index = self._fresh_index(con)
            t, token = now.timestamp(), index.token
            hit = self._pages.get(f)
            if hit is not None and hit[0] == token and hit[1] <= t < hit[2]:
                return hit[3]
            page = queue_page(index, f, now, self.hold)
            until = index.states_until  # any hold expiring changes the counts
            with self._index_lock:
                if index is self._index:
                    if len(self._pages) >= 1024:
                        self._pages.clear()
                    self._pages[f] = (token, t, until, page)
            return page

    def claim(self, claim_id: str) -> ClaimDetail | None:
        """Everything an editor needs to decide one claim; None when there is no such claim."""
        return self.claims([claim_id]).get(claim_id)

    def claims(self, claim_ids: Sequence[str]) -> dict[str, ClaimDetail]:
        """``claim`` for several claims at once, by id (missing ones left out).

        A DuckDB point lookup costs 0.3-0.6 ms however few rows it returns, so the web app reads
        the files of claims asked for at the same time together: one lookup per table for all
        of them (two tables, verdicts and evidence, when ``ClaimMemory`` holds the rest).
        """
        now = self.clock()
        with self._read() as con:
            # a long-running desk answers mentions and shared rows from memory; a one-shot
            # desk (the CLI) reads them, rather than build the index for one claim
            fresh = self._fresh_index(con) if self._linger is not None else None
            index = fresh or self._index
            known = {c: row for c in claim_ids
                     if index is not None and (row := index.claim_row(c)) is not None}
            memory = fresh.memory if fresh else ClaimMemory()
            states = claim_states(con, claim_ids, known, memory.reviews)
            ids = list(states)
            mentioned = ({c: fresh.mentions(c) for c in ids} if fresh
                         else mention_rows(con, ids))
            articles = memory.articles.rows(con, [m[0] for c in ids for m in mentioned[c]])
            evidence_rows = grouped(con, EVIDENCE_SQL, ids)
            shared = memory.evidence_context(con, [r for c in ids for r in evidence_rows[c]])
            fetches = source_fetches(con, evidence_rows, memory)
            out = {}
            for c in ids:
                st = states[c]
                cur = st.verdicts[0] if st.verdicts else None
                used = set(reasons_of(cur[7])) if cur else set()  # the verdict's evidence
                out[c] = self._detail(
                    st, now, mentions(mentioned[c], articles),
                    evidence(evidence_rows[c], used, shared), timeline(st, fetches[c]))
            return out

    def _detail(self, st: ClaimState, now: datetime, mentioned: tuple[Mention, ...],
                found: tuple[EvidenceItem, ...], events: tuple[TimelineEvent, ...]) -> ClaimDetail:
        held = st.holder is not None and st.holder[1] > now - self.hold
        hold = Hold(st.holder[0], st.holder[1], st.holder[1] + self.hold) if (
            st.holder and held) else None
        cur = st.verdicts[0] if st.verdicts else None
        prev = st.verdicts[1][1] if len(st.verdicts) > 1 else None
        return ClaimDetail(
            claim_id=st.claim[0], text=st.claim[1], kind=st.claim[2],
            checkworthiness=float(st.claim[3]),
            status=cur[1] if cur else None, confidence=cur[2] if cur else None,
            rationale=cur[3] if cur else None, verdict_id=cur[0] if cur else None,
            verdict_at=cur[6] if cur else None, previous_status=prev,
            reasons=reasons_of(cur[5]) if cur else (),
            state=state_of(st.needs_person, held, st.decision.id if st.decision else None,
                           cur[0] if cur else None),
            hold=hold, decision=st.decision, version=st.version,
            mentions=mentioned, evidence=found, timeline=events,
        )

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
        st = claim_state(con, claim_id)
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
        with write_lock:
            with open_transaction(self.wh) as con:
                before = tuple(con.execute(FINGERPRINT_SQL).fetchone() or ())
                yield con
                after = tuple(con.execute(FINGERPRINT_SQL).fetchone() or ())
                state = claim_state(con, claim_id)
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

