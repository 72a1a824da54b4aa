"""One claim's file, read by point lookups through the ``claim_id`` indexes (not the views):
its current state (verdicts, reviews, decision, holder), mentions in context, evidence with the
quote located in its passage, and the timeline.

Each DuckDB point lookup costs 0.3-0.6 ms, whatever it returns, so claims are read several at a
time (one lookup per table for all), and the rows many claims share (articles, passages, sources,
snapshots), the editors' actions and the sources with fetch events are kept in memory
(``ClaimMemory``) instead of read per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from warehouse.db import Connection
from warehouse.review_records import (
    Decision,
    EvidenceItem,
    Mention,
    TimelineEvent,
)


def _split(text: str, start: int, end: int, margin: int) -> tuple[str, str, str]:
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    lo = max(0, start - margin)
    hi = min(len(text), end + margin)
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return before, text[start:end], after



@dataclass(frozen=True, slots=True)
class ClaimState:
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


def grouped(con: Connection, select: str, ids: Iterable[Any],
            key: str = "claim_id") -> dict[Any, list[tuple[Any, ...]]]:
    """Rows of ``select`` whose ``key`` is in ``ids``, grouped by it (the select's last
    column): one query through the index for many claims."""
    wanted = sorted({i for i in ids if i is not None})
    out: dict[Any, list[tuple[Any, ...]]] = {i: [] for i in wanted}
    if wanted:
        for row in con.execute(
                f"{select} WHERE {key} IN ({', '.join('?' * len(wanted))})",  # noqa: S608
                wanted).fetchall():
            out[row[-1]].append(row[:-1])
    return out


def claim_states(con: Connection, claim_ids: Iterable[str],
                 known: dict[str, tuple[Any, ...]] | None = None,
                 reviews: dict[str, list[tuple[Any, ...]]] | None = None,
                 ) -> dict[str, ClaimState]:
    """Each existing claim's row, verdicts and reviews, read together. No ORDER BY: sorting a
    few rows in Python costs microseconds, a sort operator in DuckDB's plan about 0.3 ms.
    ``known`` holds claims' rows (id, text, kind, checkworthiness) the caller has already
    (claims are written once), ``reviews`` every claim's review rows (``ClaimMemory``)."""
    ids = list(dict.fromkeys(claim_ids))
    rows = dict(known or {})
    rows.update(by_id(con, "SELECT id, text, kind, checkworthiness FROM claims",
                      [c for c in ids if c not in rows]))
    found = [c for c in ids if c in rows]
    verdicts = grouped(con, "SELECT id, status, confidence, rationale, needs_review, "
                       "review_reasons, created_at, evidence_ids, run_id, claim_id FROM verdicts",
                       found)
    actions = ({c: list(reviews.get(c, ())) for c in found} if reviews is not None
               else grouped(con, REVIEWS_SQL, found))
    return {c: _state(rows[c], verdicts[c], actions[c]) for c in found}


def claim_state(con: Connection, claim_id: str,
                known: tuple[Any, ...] | None = None) -> ClaimState | None:
    """One claim's state (``claim_states`` for one)."""
    return claim_states(con, [claim_id], {claim_id: known} if known else None).get(claim_id)


def _state(claim: tuple[Any, ...], verdicts: list[tuple[Any, ...]],
           reviews: list[tuple[Any, ...]]) -> ClaimState:
    verdicts.sort(key=lambda v: (v[6], v[0]), reverse=True)
    reviews.sort(key=lambda r: (r[8], r[0]))
    decision = holder = None
    for r in reviews:
        if r[3] == "decide":
            decision = Decision(r[0], r[1], r[2], r[4] or "", r[5] or "", r[6] or "",
                                bool(r[7]), r[8])
        if r[3] in ("take", "release", "decide"):
            holder = (r[2], r[8]) if r[3] == "take" else None
    return ClaimState(tuple(claim), verdicts, reviews, decision, holder)


def by_id(con: Connection, select: str, ids: list[Any], key: str = "id") -> dict[Any, tuple[Any, ...]]:
    """Rows of ``select`` whose ``key`` is in ``ids``, by key: a point lookup per id in the index."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = con.execute(f"{select} WHERE {key} IN ({', '.join('?' * len(wanted))})",  # noqa: S608
                       wanted).fetchall()
    return {r[0]: tuple(r) for r in rows}


class RowCache:
    """Rows of ``select`` by key, in memory: up to ``limit`` read in bulk up front (``preload``),
    others read when first asked for and kept while there is room. Ids with no row are not kept
    (they may appear later)."""

    def __init__(self, select: str, key: str = "id", limit: int = 100_000) -> None:
        self.select = select
        self.key = key
        self.limit = limit
        self._rows: dict[Any, tuple[Any, ...]] = {}

    def preload(self, con: Connection) -> None:
        rows = con.execute(f"{self.select} LIMIT ?", [self.limit]).fetchall()  # noqa: S608
        self._rows = {r[0]: tuple(r) for r in rows}

    def rows(self, con: Connection, ids: Iterable[Any]) -> dict[Any, tuple[Any, ...]]:
        known = self._rows
        found: dict[Any, tuple[Any, ...]] = {}
        missing = []
        for i in {i for i in ids if i is not None}:
            row = known.get(i)
            if row is None:
                missing.append(i)
            else:
                found[i] = row
        if missing:
            read = by_id(con, self.select, missing, self.key)
            if len(known) + len(read) <= self.limit:
                known.update(read)
            found.update(read)
        return found


REVIEWS_SQL = ("SELECT id, claim_id, editor, action, rating, note, internal_note, publish, "
               "created_at, claim_id FROM reviews")
# sources whose fetches make timeline events: one failed or skipped, or its page changed
_EVENTFUL_SQL = (
    "SELECT source_id FROM fetches GROUP BY source_id HAVING bool_or(status <> 'fetched') "
    "OR count(DISTINCT snapshot_hash) FILTER (WHERE status = 'fetched') > 1"
)
_CHECKED_EVENTFUL_SQL = (  # constants only
    f"SELECT claim_id, source_id FROM claim_sources WHERE source_id IN ({_EVENTFUL_SQL})"  # noqa: S608
)


class ClaimMemory:
    """What claim pages read from memory instead of the warehouse.

    Shared rows (articles, sources, passages, snapshots), every claim's editorial actions
    (people make them: thousands, not millions) and which sources have fetch events (failures,
    changed pages), with the claims checked against those. A long-running desk reads all this
    with each queue index (``preloaded``: about 100 ms at 100,000 claims) and keeps it as long as
    that index: a change to any of it comes with new verdicts, reviews or fetches, which rebuild
    the index (at the latest after ``index_max_age``); the desk's own actions patch ``reviews``.
    A one-shot desk (``ClaimMemory()``) remembers nothing and reads what it shows.
    """

    def __init__(self) -> None:
        self.articles = RowCache(
            "SELECT id, title, coalesce(canonical_url, url), published::VARCHAR, text, "
            "created_at FROM articles", limit=5_000)
        self.sources = RowCache("SELECT id, url, domain, tier, title FROM sources")
        self.passages = RowCache('SELECT id, text, start, "end", snapshot_hash FROM passages')
        self.snapshots = RowCache("SELECT hash, title, fetched_at FROM snapshots", key="hash")
        self.reviews: dict[str, list[tuple[Any, ...]]] | None = None  # None: read per claim
        # sources with fetch events, and per claim those it was checked against
        self.eventful: tuple[set[str], dict[str, set[str]]] | None = None

    @classmethod
    def preloaded(cls, con: Connection) -> ClaimMemory:
        memory = cls()
        for cache in (memory.articles, memory.sources, memory.passages, memory.snapshots):
            cache.preload(con)
        memory.reviews = {}
        for row in con.execute(REVIEWS_SQL).fetchall():
            memory.reviews.setdefault(row[-1], []).append(row[:-1])
        sources = {r[0] for r in con.execute(_EVENTFUL_SQL).fetchall()}
        checked: dict[str, set[str]] = {}
        if sources:
            for claim_id, source_id in con.execute(_CHECKED_EVENTFUL_SQL).fetchall():
                checked.setdefault(claim_id, set()).add(source_id)
        memory.eventful = sources, checked
        return memory

    def evidence_context(self, con: Connection, evidence_rows: list[tuple[Any, ...]]) -> Shared:
        """The passages, sources and snapshots of these evidence rows, read in one go each."""
        passages = self.passages.rows(con, [r[8] for r in evidence_rows])
        return Shared(passages, self.sources.rows(con, [r[9] for r in evidence_rows]),
                      self.snapshots.rows(con, [p[4] for p in passages.values()]))


class Shared(NamedTuple):
    """Rows by id that evidence items show: passages, sources, snapshots."""

    passages: dict[Any, tuple[Any, ...]]
    sources: dict[Any, tuple[Any, ...]]
    snapshots: dict[Any, tuple[Any, ...]]


MentionRow = tuple[str, str, int, int]  # article id, the claim as written there, start, end


def mention_rows(con: Connection, claim_ids: Iterable[str]) -> dict[str, list[MentionRow]]:
    """Each claim's mentions, from the warehouse."""
    return grouped(con, 'SELECT article_id, text, start, "end", claim_id FROM claim_mentions',
                   claim_ids)  # type: ignore[return-value]


def mentions(rows: list[MentionRow], articles: dict[Any, tuple[Any, ...]]) -> tuple[Mention, ...]:
    """Each mention with its article's title and the words around it."""
    rows = sorted(rows, key=lambda r: (str(articles[r[0]][5]) if r[0] in articles else "~",
                                       r[0], r[2]))
    out = []
    for aid, text, start, end in rows:
        _, title, url, published, body, _ = articles.get(aid) or (aid, None, None, None, "", None)
        before, claim, after = _split(body, start, end, 320) if body else ("", text, "")
        out.append(Mention(aid, title, url, published, text, start, end, before, claim, after))
    return tuple(out)


EVIDENCE_SQL = ("SELECT id, stance, score, relevance, reason, coalesce(quote, ''), quote_start, "
                "quote_end, passage_id, source_id, claim_id FROM evidence")


def evidence(rows: list[tuple[Any, ...]], used: set[str], shared: Shared,
             ) -> tuple[EvidenceItem, ...]:
    """One claim's evidence rows (``EVIDENCE_SQL``) with passage, source and snapshot
    (``ClaimMemory.evidence_context``: by id, not a join, which would scan every passage and
    source), best first."""
    rows = sorted(rows, key=lambda r: (-r[3], -r[2], r[0]))
    passages, sources, snapshots = shared
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


def source_fetches(con: Connection, evidence_rows: dict[str, list[tuple[Any, ...]]],
                   memory: ClaimMemory) -> dict[str, list[tuple[Any, ...]]]:
    """Per claim, the fetches of its evidence's sources and of every source it was checked
    against (claim_sources), for the timeline. With the memory's list of sources that have
    fetch events, only theirs are read (usually none); without, two index lookups for all."""
    if memory.eventful is not None:
        eventful, checked_against = memory.eventful
        sources = {c: ({r[9] for r in rows} & eventful) | checked_against.get(c, set())
                   for c, rows in evidence_rows.items()}
    else:
        checked = grouped(con, "SELECT source_id, claim_id FROM claim_sources", evidence_rows)
        sources = {c: {r[9] for r in rows} | {r[0] for r in checked[c]}
                   for c, rows in evidence_rows.items()}
    fetches = grouped(con, "SELECT source_id, attempted_at, url, status, reason, snapshot_hash, "
                      "id, source_id FROM fetches", set().union(*sources.values()),
                      key="source_id")
    return {c: [f for s in sorted(mine) for f in fetches[s]] for c, mine in sources.items()}


def timeline(st: ClaimState, fetches: list[tuple[Any, ...]]) -> tuple[TimelineEvent, ...]:
    """Verdicts, editors' actions and source changes or failures (``source_fetches``), oldest
    first."""
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
    last: dict[str, str | None] = {}
    for source_id, at, url, status, reason, snap, _ in sorted(
            fetches, key=lambda f: (f[0], f[1], f[6])):
        changed = source_id in last and status == "fetched" and snap != last[source_id]
        if status == "fetched":
            last[source_id] = snap
        if status != "fetched" or changed:
            summary = "source changed" if changed else f"source {status}: {reason}"
            events.append(TimelineEvent(at, "fetch", "fetcher", summary, url))
    events.sort(key=lambda e: e.at)
    return tuple(events)
