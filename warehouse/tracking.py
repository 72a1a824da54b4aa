"""Tracking over time: which claims are due for another check, what happened to their sources,
and the history of statuses and source events.

Everything a re-verification run reads about "before" excludes the run itself (``exclude_run``):
a run killed halfway and started again resumes under the same id, so it must see the warehouse
as it was before its first attempt, and then write the same rows again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from claims.model import Claim, DateRef, Entity, Quantity, Quote
from claimtrack.settings import ReverifySettings
from sources.model import Candidate
from warehouse.db import Connection, Warehouse
from warehouse.ids import stable_id
from warehouse.queries import ids

EventKind = Literal["changed", "gone", "new", "back"]
HistoryKind = Literal["status", "changed", "gone", "new", "back"]
_NO_RUN = ""


@dataclass(frozen=True, slots=True)
class DueClaim:
    claim_id: str
    status: str | None  # the latest machine status; None when never assessed
    checked_at: datetime | None
    due_at: datetime | None  # None: due now (never checked, or asked for explicitly)
    decided: bool  # an editor's final rating stands


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source as the last run before this one left it."""

    source_id: str
    snapshot: str | None  # the evidence of record: the newest snapshot ever read
    gone: bool  # its latest gone/back event is "gone"


@dataclass(frozen=True, slots=True)
class SourceEvent:
    kind: EventKind
    source_id: str
    run_id: str
    reason: str
    at: datetime
    claim_id: str | None = None  # None: an event of the source, for every claim citing it
    from_snapshot: str | None = None
    to_snapshot: str | None = None

    @property
    def id(self) -> str:
        return stable_id("se", self.run_id, self.claim_id or "", self.source_id, self.kind)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    claim_id: str | None
    kind: HistoryKind
    from_value: str | None  # a status, or a snapshot hash for source events
    to_value: str | None
    at: datetime
    run_id: str
    reason: str
    source_id: str | None = None
    url: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"claim_id": self.claim_id, "kind": self.kind, "from": self.from_value,
                "to": self.to_value, "at": self.at.isoformat(), "run_id": self.run_id,
                "reason": self.reason, "source_id": self.source_id, "url": self.url}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    claim_id: str
    at: datetime
    kind: str  # mention | verdict | changed | gone | new | back | review
    what: str | None
    detail: str | None
    run_id: str | None
    source_id: str | None
    actor: str | None


def interval_days(status: str | None, policy: ReverifySettings) -> float:
    """How long a verdict of this status stays fresh; unknown statuses are checked daily."""
    return {
        "unverified": policy.unverified_days,
        "mixed": policy.mixed_days,
        "supported": policy.supported_days,
        "refuted": policy.refuted_days,
    }.get(status or "", policy.unverified_days)


def due_claims(
    wh: Warehouse,
    now: datetime,
    policy: ReverifySettings,
    *,
    all: bool = False,  # noqa: A002 - the CLI's --all
    claim_ids: Sequence[str] | None = None,
    exclude_run: str | None = None,
) -> list[DueClaim]:
    """Claims to check again, oldest due first.

    ``claim_ids`` asks for exactly those claims (decided or not, due or not); ``all`` takes every
    claim not under an editor's final rating; otherwise the policy decides. Claims with a final
    rating are left alone unless ``policy.include_decided``.
    """
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "WITH last AS ("
            "  SELECT claim_id, arg_max(status, created_at) AS status, max(created_at) AS checked_at"
            "  FROM verdicts WHERE run_id <> ? GROUP BY claim_id"
            ") SELECT c.id, l.status, l.checked_at, d.claim_id IS NOT NULL "
            "FROM claims c LEFT JOIN last l ON l.claim_id = c.id "
            "LEFT JOIN current_decisions d ON d.claim_id = c.id "
            "WHERE ? IS NULL OR c.id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
            [exclude_run or _NO_RUN, None if claim_ids is None else 1, ids(claim_ids or [])],
        ).fetchall()
    out = []
    for claim_id, status, checked_at, decided in rows:
        due_at = None
        if checked_at is not None:
            due_at = checked_at + timedelta(days=interval_days(status, policy))
        item = DueClaim(claim_id, status, checked_at, due_at, bool(decided))
        if claim_ids is not None:
            out.append(item)
        elif decided and not policy.include_decided:
            continue
        elif all or due_at is None or due_at <= now:
            out.append(item)
    if claim_ids is not None:
        order = {cid: i for i, cid in enumerate(claim_ids)}
        out.sort(key=lambda d: order[d.claim_id])
    else:
        floor = datetime.min.replace(tzinfo=now.tzinfo)
        out.sort(key=lambda d: (d.due_at or floor, d.claim_id))
    return out


def _claim_from_row(row: tuple[Any, ...]) -> Claim:
    """A stored claim back as the record ``claims`` works on (the JSON columns are asdict's)."""
    cid, text, kind, worth, entities, quantities, dates, quote, sentence, start, end = row
    q = json.loads(quote) if quote else None
    return Claim(
        id=cid, text=text, sentence=sentence or text,
        start=start if start is not None else 0, end=end if end is not None else len(text),
        kind=kind, checkworthiness=float(worth),
        entities=tuple(Entity(**e) for e in json.loads(entities or "[]")),
        quantities=tuple(Quantity(**x) for x in json.loads(quantities or "[]")),
        dates=tuple(DateRef(**d) for d in json.loads(dates or "[]")),
        quote=Quote(**q) if q else None,
    )


def load_claims(wh: Warehouse, claim_ids: Sequence[str]) -> list[tuple[Claim, str]]:
    """Tracked claims as ``Claim`` records, each with the article it was first seen in ("" if none)."""
    if not claim_ids:
        return []
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT c.id, c.text, c.kind, c.checkworthiness, c.entities, c.quantities, c.dates, "
            'c.quote, m.sentence, m.start, m."end", coalesce(m.article_id, \'\') '
            "FROM claims c LEFT JOIN ("
            "  SELECT * FROM claim_mentions QUALIFY row_number() OVER "
            "  (PARTITION BY claim_id ORDER BY article_id, start) = 1"
            ") m ON m.claim_id = c.id WHERE c.id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
            [ids(claim_ids)],
        ).fetchall()
    found = {str(r[0]): (_claim_from_row(r[:11]), str(r[11])) for r in rows}
    return [found[cid] for cid in claim_ids if cid in found]


def known_sources(
    wh: Warehouse, claim_ids: Sequence[str], *, exclude_run: str | None = None
) -> dict[str, list[Candidate]]:
    """The sources each claim was checked against before this run, in their original rank order."""
    out: dict[str, list[Candidate]] = {cid: [] for cid in claim_ids}
    if not claim_ids:
        return out
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT cs.claim_id, s.url, coalesce(s.title, ''), cs.provider, coalesce(cs.rank, 0), "
            "coalesce(cs.query, '') FROM claim_sources cs JOIN sources s ON s.id = cs.source_id "
            "WHERE cs.claim_id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]'))) AND coalesce(cs.first_run, '') <> ? "
            "ORDER BY cs.claim_id, cs.rank NULLS LAST, s.url",
            [ids(claim_ids), exclude_run or _NO_RUN],
        ).fetchall()
    for claim_id, url, title, provider, rank, query in rows:
        out[claim_id].append(
            Candidate(url=url, title=title, provider=provider, rank=rank, query=query)
        )
    return out


def prior_validators(
    wh: Warehouse, urls: Sequence[str], *, exclude_run: str | None = None
) -> dict[str, tuple[str | None, str | None]]:
    """ETag and Last-Modified of each URL's newest fetch that had them, before this run."""
    if not urls:
        return {}
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT url, arg_max(etag, attempted_at), arg_max(last_modified, attempted_at) "
            "FROM fetches WHERE status = 'fetched' AND run_id <> ? AND url IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]'))) "
            "AND (etag IS NOT NULL OR last_modified IS NOT NULL) GROUP BY url",
            [exclude_run or _NO_RUN, ids(urls)],
        ).fetchall()
    return {url: (etag, lm) for url, etag, lm in rows}


def source_states(
    wh: Warehouse, source_ids: Sequence[str], *, exclude_run: str | None = None
) -> dict[str, SourceState]:
    """Each source's evidence of record and whether it was gone, as of before this run."""
    if not source_ids:
        return {}
    run = exclude_run or _NO_RUN
    with wh.connect(read_only=True) as con:
        snaps = dict(con.execute(
            "SELECT source_id, arg_max(snapshot_hash, attempted_at) FROM fetches "
            "WHERE snapshot_hash IS NOT NULL AND run_id <> ? AND source_id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]'))) "
            "GROUP BY source_id",
            [run, ids(source_ids)],
        ).fetchall())
        gone = dict(con.execute(
            "SELECT source_id, arg_max(kind, happened_at) = 'gone' FROM source_events "
            "WHERE kind IN ('gone', 'back') AND run_id <> ? AND source_id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]'))) "
            "GROUP BY source_id",
            [run, ids(source_ids)],
        ).fetchall())
    return {
        sid: SourceState(sid, snaps.get(sid), bool(gone.get(sid, False))) for sid in source_ids
    }


def event_for(
    before: SourceState, *, gone_now: bool, snapshot_now: str | None
) -> tuple[EventKind, str] | None:
    """What happened to a source between the last run and this one, with a reason; None: nothing.

    A page read for the first time is "new" (a cited page that was missing until now); a page
    that never had a snapshot cannot vanish; a transient failure (no snapshot now, not gone)
    says nothing either way.
    """
    if gone_now:
        if before.gone or before.snapshot is None:
            return None
        return "gone", "the source no longer answers; its last snapshot stays the evidence of record"
    if snapshot_now is None:
        return None
    if before.gone:
        return "back", "the source answers again"
    if before.snapshot is None:
        return "new", "the source has content for the first time"
    if snapshot_now != before.snapshot:
        return "changed", "the source's content changed"
    return None


def save_events(con: Connection, events: Iterable[SourceEvent]) -> None:
    """Idempotent: a resumed run writes the same event ids again."""
    rows = [
        [e.id, e.claim_id, e.source_id, e.run_id, e.kind, e.from_snapshot, e.to_snapshot,
         e.reason, e.at]
        for e in events
    ]
    if rows:
        con.executemany(
            "INSERT OR REPLACE INTO source_events (id, claim_id, source_id, run_id, kind, "
            "from_snapshot, to_snapshot, reason, happened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def _since(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min).astimezone()


def history(
    wh: Warehouse, claim_id: str | None = None, since: date | datetime | None = None
) -> list[HistoryEntry]:
    """Status changes and source events, oldest first (within a run: sources, then the status)."""
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT claim_id, kind, from_value, to_value, happened_at, run_id, reason, source_id, "
            "url FROM history WHERE (CAST(? AS VARCHAR) IS NULL OR claim_id = ?) "
            "AND (CAST(? AS TIMESTAMPTZ) IS NULL OR happened_at >= ?) "
            "ORDER BY happened_at, run_id, claim_id NULLS FIRST, CASE kind WHEN 'new' THEN 0 "
            "WHEN 'changed' THEN 1 WHEN 'gone' THEN 2 WHEN 'back' THEN 3 ELSE 4 END, url",
            [claim_id, claim_id, _since(since), _since(since)],
        ).fetchall()
    return [HistoryEntry(*row) for row in rows]


def timeline(wh: Warehouse, claim_id: str) -> list[TimelineEntry]:
    """Everything that happened to one claim, oldest first."""
    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT claim_id, happened_at, kind, what, detail, run_id, source_id, actor "
            "FROM claim_timeline WHERE claim_id = ? ORDER BY happened_at, ord, what",
            [claim_id],
        ).fetchall()
    return [TimelineEntry(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class Exported:
    name: str
    kind: Literal["table", "view"]
    rows: int
    path: Path


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_parquet(wh: Warehouse, directory: Path, *, views: bool = True) -> list[Exported]:
    """Every table (and view) as ``DIR/<name>.parquet``, for tools that do not speak DuckDB."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    with wh.connect(read_only=True) as con:
        names = con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_catalog = current_database() "
            "ORDER BY table_type, table_name"
        ).fetchall()
        for name, table_type in names:
            kind: Literal["table", "view"] = "table" if table_type == "BASE TABLE" else "view"
            if kind == "view" and not views:
                continue
            path = directory / f"{name}.parquet"
            con.execute(
                f"COPY (SELECT * FROM {_ident(name)}) TO ? (FORMAT parquet)",  # noqa: S608 - names from the catalog
                [str(path)],
            )
            count = con.execute(f"SELECT count(*) FROM {_ident(name)}").fetchone()  # noqa: S608
            out.append(Exported(name, kind, int(count[0]) if count else 0, path))
    return out
