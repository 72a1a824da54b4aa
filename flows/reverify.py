"""The ``reverify_tracked`` flow: check tracked claims again as time passes.

Picks the claims that are due (``warehouse.tracking.due_claims``), fetches their known sources
again with conditional requests (a 304 costs a few hundred bytes), records what happened to each
source (changed, gone, back, new) in the same transaction as the fetches, runs discovery again
for claims still unverified, re-assesses and appends a verdict per claim. A claim whose status
moved lands in the review queue through ``claims.review_reasons`` (previous status).

Killed at any point and run again, it resumes the same run (``begin_run``) and reads "before"
without that run's own rows, so it writes exactly what one uninterrupted run would have.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast, get_args

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from claims.model import Claim
from claimtrack.clock import Clock, utcnow
from claimtrack.errors import InputError
from claimtrack.settings import Settings, load_settings
from flows import stages
from flows.tasks import discover_task, store_task
from sources.model import Candidate, FetchResult
from warehouse import queries, store, tracking
from warehouse.db import Connection, Warehouse
from warehouse.runs import recorded_run
from warehouse.tracking import SourceEvent, SourceState

T = TypeVar("T")
Mode = Literal["due", "all", "claims"]
MODES: tuple[str, ...] = get_args(Mode)
GONE_REASONS = frozenset({"http_404", "http_410", "dns_error"})
EDITOR = "editor"


@dataclass(frozen=True, slots=True)
class ReverifiedClaim:
    id: str
    text: str
    before: str | None  # the status before this run (None: never assessed)
    after: str
    confidence: float
    needs_review: bool
    review_reasons: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class ReverifyOutcome:
    run_id: str
    claims: tuple[ReverifiedClaim, ...]
    events: tuple[SourceEvent, ...]
    requests: int  # HTTP fetches made (corpus sources are not fetched)
    not_modified: int  # of which answered 304
    bytes: int  # body bytes received
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def to_json(self) -> dict[str, object]:
        return {
            "run": self.run_id,
            "claims": [
                {"id": c.id, "text": c.text, "from": c.before, "to": c.after,
                 "changed": c.changed, "confidence": c.confidence,
                 "needs_review": c.needs_review, "review_reasons": list(c.review_reasons)}
                for c in self.claims
            ],
            "events": [
                {"kind": e.kind, "claim_id": e.claim_id, "source_id": e.source_id,
                 "from": e.from_snapshot, "to": e.to_snapshot, "reason": e.reason,
                 "at": e.at.isoformat()}
                for e in self.events
            ],
            "requests": self.requests, "not_modified": self.not_modified, "bytes": self.bytes,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def as_is(value: T) -> T:
    """Pass a large task argument without Prefect walking it for upstream futures: for 5,000
    sources with their passages that walk alone takes seconds per task."""
    return cast(T, cast(Any, quote(value)))


def is_gone(result: FetchResult) -> bool:
    """404, 410 or a domain that no longer resolves: the page vanished (not a passing failure)."""
    return result.status == "failed" and (
        result.reason in GONE_REASONS or result.http_status in (404, 410)
    )


def entry_settings(
    settings: Settings | None, db: str | None = None, config: str | None = None,
    allow_hosts: Sequence[str] | None = None,
) -> Settings:
    """A deployed run gets JSON parameters (config path, db), so it builds its own settings."""
    if settings is None:
        settings = load_settings(Path(config) if config else None, db=db)
    elif db:
        settings = settings.with_overrides(db=db)
    if allow_hosts:
        hosts = tuple(dict.fromkeys((*settings.fetch.allow_hosts, *allow_hosts)))
        settings = settings.with_overrides(fetch={"allow_hosts": hosts})
    return settings


@task(name="refetch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 4],
      retry_jitter_factor=0.5)
def refetch_task(
    wh: Warehouse, settings: Settings, discovered: stages.Discovered, run_id: str,
) -> dict[str, stages.SourceRead]:
    """Conditional requests with the validators of the last fetch before this run."""
    validators = tracking.prior_validators(wh, discovered.urls(), exclude_run=run_id)
    return stages.read_sources(wh, settings, discovered, validators)


@task(name="reassess", cache_policy=NO_CACHE)
def reassess_task(
    wh: Warehouse, settings: Settings, found: list[tuple[Claim, str]],
    discovered: stages.Discovered, reads: dict[str, stages.SourceRead],
    previous: dict[str, str],
) -> list[stages.ClaimVerdict]:
    return stages.assess(wh, settings, found, discovered, reads, previous=previous)


def keep_evidence_of_record(
    wh: Warehouse, reads: Mapping[str, stages.SourceRead], states: Mapping[str, SourceState]
) -> dict[str, stages.SourceRead]:
    """A source that failed now (gone or not) still counts with its last snapshot."""
    failed = {url: read for url, read in reads.items()
              if read.result.status != "fetched" and states[read.source_id].snapshot is not None}
    if not failed:
        return dict(reads)
    with wh.connect(read_only=True) as con:
        last = queries.last_snapshots(con, [r.source_id for r in failed.values()])
    out = dict(reads)
    for url, read in failed.items():
        kept = stages.reuse_snapshot(read, last.get(read.source_id))
        out[url] = replace(kept, result=read.result)  # the attempt itself stays a failure
    return out


def source_events(
    run_id: str, now: datetime, reads: Mapping[str, stages.SourceRead],
    states: Mapping[str, SourceState], added: Mapping[str, Sequence[Candidate]],
    known_urls: set[str],
) -> list[SourceEvent]:
    """Changed, gone, back and first readable per source; new per claim for sources found now.

    A source only found this run gets its "new" event per claim, not one of its own as well.
    """
    events = []
    for url, read in reads.items():
        before = states[read.source_id]
        fetched = read.result.status == "fetched"
        found = tracking.event_for(
            before, gone_now=is_gone(read.result),
            snapshot_now=read.snapshot_hash if fetched else None,
        )
        if found is None or (found[0] == "new" and url not in known_urls):
            continue
        kind, why = found
        detail = read.result.reason if kind == "gone" else f"{read.result.bytes} bytes"
        events.append(SourceEvent(
            kind, read.source_id, run_id, f"{why} ({detail})", now, None, before.snapshot,
            read.snapshot_hash if fetched else None,
        ))
    for claim_id, candidates in added.items():
        for c in candidates:
            read = reads[c.url]
            how = "added by an editor" if c.provider == EDITOR else f"found by {c.provider}"
            if read.result.status != "fetched":
                how += f"; not readable yet ({read.result.reason})"
            events.append(SourceEvent(
                "new", read.source_id, run_id, how, now, claim_id, None, read.snapshot_hash,
            ))
    return events


def record(
    con: Connection, run_id: str, reads: Mapping[str, stages.SourceRead],
    added: Mapping[str, Sequence[Candidate]], now: datetime,
) -> None:
    """What the fetch stage learned, in the caller's transaction.

    Sources new to a claim go through ``stages.record_reads`` (source, link, fetch, snapshot);
    the known ones, mostly 304s, only add their fetch attempt (batched) and, when their content
    changed, the new snapshot and passages.
    """
    new = stages.Discovered({cid: list(cs) for cid, cs in added.items()})
    new_urls = set(new.urls())
    stages.record_reads(con, run_id, new, {u: reads[u] for u in new_urls}, now)
    known = [read for url, read in reads.items() if url not in new_urls]
    store.save_fetches(con, run_id, [(r.source_id, r.result) for r in known], now)
    store.save_snapshots(con, [
        (read.snapshot_hash, read.source_id, read.snapshot_path, read.result.bytes,
         read.result.content_type, read.document, read.passages)
        for read in known
        if read.snapshot_hash and read.result.status == "fetched" and not read.result.not_modified
    ], now)


def _check_request(
    wh: Warehouse, settings: Settings, mode: str, claim_ids: Sequence[str] | None,
    extra_urls: Sequence[str], now: datetime,
) -> None:
    bad = [u for u in extra_urls if not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise InputError(f"{bad[0]}: only http:// and https:// URLs can be added as evidence")
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    if mode == "claims":
        if not claim_ids:
            raise InputError("give at least one claim id")
        known = {d.claim_id for d in tracking.due_claims(
            wh, now, settings.reverify, claim_ids=list(claim_ids))}
        unknown = [cid for cid in claim_ids if cid not in known]
        if unknown:
            raise InputError(f"no claim with id {', '.join(unknown)}")


@flow(name="reverify_tracked", validate_parameters=False, log_prints=False)
def reverify_tracked(
    settings: Settings | None = None,
    mode: Mode = "due",
    claim_ids: list[str] | None = None,
    clock: Clock | None = None,
    db: str | None = None,
    config: str | None = None,
    allow_hosts: list[str] | None = None,
    extra_urls: list[str] | None = None,
) -> ReverifyOutcome:
    """Re-verify the due claims ("due"), every claim not under a final rating ("all"), or the
    given ones ("claims"). A deployment passes ``db``, ``config`` and ``allow_hosts`` (JSON)
    instead of ``settings``; ``clock`` defaults to the real one (tests drive a FrozenClock)."""
    clock = clock or utcnow
    settings = entry_settings(settings, db, config, allow_hosts)
    wh = Warehouse(settings.db)
    ids = list(dict.fromkeys(claim_ids or [])) or None
    _check_request(wh, settings, mode, ids, extra_urls or [], clock())
    params = {"mode": mode, "claim_ids": ids, "extra_urls": sorted(extra_urls or []) or None}
    with recorded_run(wh, "reverify_tracked", params, clock) as run:
        outcome = _reverify(wh, settings, run.id, mode, ids, list(extra_urls or []), clock)
        run.note = f"{len(outcome.claims)} claims, {len(outcome.events)} source events"
    return outcome


def _reverify(
    wh: Warehouse, settings: Settings, run_id: str, mode: str, claim_ids: list[str] | None,
    extra_urls: list[str], clock: Clock,
) -> ReverifyOutcome:
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - mark
        mark = now

    due = tracking.due_claims(
        wh, clock(), settings.reverify, all=mode == "all",
        claim_ids=claim_ids if mode == "claims" else None, exclude_run=run_id,
    )
    found = tracking.load_claims(wh, [d.claim_id for d in due])
    if not found:
        return ReverifyOutcome(run_id, (), (), 0, 0, 0)
    previous = {d.claim_id: d.status for d in due if d.status is not None}
    with wh.transaction() as con:  # these claims show `checking` until the run ends
        store.mark_checking(con, run_id, [c.id for c, _ in found])
    known = tracking.known_sources(wh, [c.id for c, _ in found], exclude_run=run_id)
    lap("select")
    unverified = [c for c, _ in found if previous.get(c.id, "unverified") == "unverified"]
    fresh = discover_task(wh, settings, None, as_is(unverified), None) if unverified else None
    discovered = stages.Discovered()
    added: dict[str, list[Candidate]] = {}
    for claim, _ in found:
        have = {c.url for c in known[claim.id]}
        offered = list(fresh.by_claim.get(claim.id, [])) if fresh else []
        offered += [Candidate(url=u, provider=EDITOR, rank=0, query="") for u in extra_urls]
        new = list({c.url: c for c in offered if c.url not in have}.values())
        discovered.by_claim[claim.id] = known[claim.id] + new
        if new:
            added[claim.id] = new
    lap("discover")

    reads = refetch_task(wh, settings, as_is(discovered), run_id)
    lap("fetch")
    states = tracking.source_states(
        wh, sorted({r.source_id for r in reads.values()}), exclude_run=run_id)
    reads = keep_evidence_of_record(wh, reads, states)
    now = clock()
    known_urls = {c.url for cs in known.values() for c in cs}
    events = source_events(run_id, now, reads, states, added, known_urls)
    with wh.transaction() as con:
        record(con, run_id, reads, added, now)
        tracking.save_events(con, events)
    lap("record")

    verdicts = reassess_task(wh, settings, as_is(found), as_is(discovered), as_is(reads),
                             as_is(previous))
    lap("assess")
    store_task(wh, run_id, as_is(verdicts), clock)
    lap("store")
    to_fetch = {c.url for cs in discovered.by_claim.values() for c in cs if c.text is None}
    fetched = [reads[url].result for url in to_fetch]
    return ReverifyOutcome(
        run_id=run_id,
        claims=tuple(
            ReverifiedClaim(
                id=v.claim.id, text=v.claim.text, before=previous.get(v.claim.id),
                after=v.assessment.status, confidence=round(v.assessment.confidence, 3),
                needs_review=bool(v.review_reasons), review_reasons=v.review_reasons,
            )
            for v in verdicts
        ),
        events=tuple(events),
        requests=len(fetched),
        not_modified=sum(1 for r in fetched if r.not_modified),
        bytes=sum(r.bytes for r in fetched),
        timings=timings,
    )


def recheck_claim(
    settings: Settings, claim_id: str, extra_urls: Sequence[str] = (), *, clock: Clock = utcnow,
) -> ReverifyOutcome:
    """For the review desk: add evidence by URL (provider "editor") and verify one claim again."""
    return reverify_tracked(
        settings, mode="claims", claim_ids=[claim_id], clock=clock, extra_urls=list(extra_urls)
    )
