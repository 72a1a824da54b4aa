"""The review desk's records: queue filters and pages, a claim's file, holds, decisions, audit.

Frozen dataclasses only, so the web app, the API and the CLI share one shape; the closed
vocabularies (states, actions, machine statuses, kinds) live here too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from claims.model import CLAIM_KINDS, STATUSES
from claimtrack.errors import InputError

ReviewState = Literal["open", "in_review", "decided", "auto", "unchecked"]
StateFilter = Literal["queue", "open", "in_review", "decided", "auto", "unchecked", "all"]
ReviewAction = Literal["take", "release", "decide", "note", "add_evidence", "reverify"]
STATE_FILTERS: tuple[str, ...] = ("queue", "open", "in_review", "decided", "auto", "unchecked",
                                  "all")
STATES: tuple[str, ...] = ("open", "in_review", "decided", "auto", "unchecked")
MACHINE_STATUSES = STATUSES
KINDS = CLAIM_KINDS


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


def reasons_of(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    try:
        parsed = json.loads(value)
    except ValueError:
        return (str(value),)
    return tuple(str(r) for r in parsed) if isinstance(parsed, list) else ()


def state_of(needs_person: bool, held: bool, decision_id: str | None,
           verdict_id: str | None) -> ReviewState:
    if needs_person:
        return "in_review" if held else "open"
    if decision_id:
        return "decided"
    return "auto" if verdict_id else "unchecked"

