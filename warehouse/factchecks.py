"""The fact-check archive in the warehouse: published ClaimReviews, imported idempotently.

A fact-check is keyed by its review URL and the claim it reviewed (one article may review several
claims; one claim may be reviewed by several publishers), so importing a feed twice adds nothing
and a feed that repeats a review keeps the first copy. Matching reads the whole archive:
``load_factchecks`` returns it in a stable order (by id) so scores and ties repeat run to run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sources.factchecks import FactCheck
from sources.model import ClaimReviewRating
from sources.urls import canonical_url
from warehouse.db import Warehouse
from warehouse.ids import stable_id

_SPACE = re.compile(r"\s+")
_COLUMNS = ("id, url, claim_reviewed, rating, rating_value, best_rating, worst_rating, publisher, "
            "date_published, claimant, language, source, added_at")
_INSERT = f"INSERT INTO factchecks ({_COLUMNS}) VALUES ({', '.join('?' * 13)})"  # noqa: S608
_SELECT = f"SELECT {_COLUMNS} FROM factchecks ORDER BY id"  # noqa: S608


@dataclass(frozen=True, slots=True)
class ArchivedFactCheck:
    """One archived fact-check: its id, the review, and where it was imported from."""

    id: str
    review: ClaimReviewRating
    claimant: str | None = None
    language: str | None = None
    source: str = ""


def factcheck_id(review: ClaimReviewRating) -> str:
    """Stable across imports: the canonical review URL and the claim text, spaces and case folded."""
    url = canonical_url(review.url) if review.url else ""
    claim = _SPACE.sub(" ", review.claim_reviewed).strip().casefold()
    return stable_id("fc", url or "", claim)


def add_factchecks(warehouse: Warehouse, items: Iterable[tuple[FactCheck, str]]) -> int:
    """Archive ``(fact-check, where it came from)`` pairs; returns how many were new."""
    rows: dict[str, tuple[object, ...]] = {}
    now = datetime.now(UTC)
    for fc, source in items:
        r = fc.review
        if not r.claim_reviewed.strip():
            continue
        key = factcheck_id(r)
        rows.setdefault(key, (key, r.url, r.claim_reviewed.strip(), r.rating, r.rating_value,
                              r.best_rating, r.worst_rating, r.publisher, r.date_published,
                              fc.claimant, fc.language, source, now))
    if not rows:
        return 0
    with warehouse.transaction() as con:
        held = {k for (k,) in con.execute(
            "SELECT id FROM factchecks WHERE id IN (SELECT unnest(?))", [list(rows)]).fetchall()}
        new = [row for key, row in rows.items() if key not in held]
        if new:
            con.executemany(_INSERT, new)
    return len(new)


def load_factchecks(warehouse: Warehouse) -> list[ArchivedFactCheck]:
    """The whole archive, ordered by id."""
    with warehouse.connect(read_only=True) as con:
        found = con.execute(_SELECT).fetchall()
    return [_record(row) for row in found]


def _record(row: Sequence[object]) -> ArchivedFactCheck:
    def text(v: object) -> str | None:
        return None if v is None else str(v)

    def number(v: object) -> float | None:
        return None if v is None else float(v)  # type: ignore[arg-type]

    review = ClaimReviewRating(
        claim_reviewed=str(row[2]), rating=str(row[3]), rating_value=number(row[4]),
        best_rating=number(row[5]), worst_rating=number(row[6]), url=text(row[1]),
        publisher=text(row[7]), date_published=text(row[8]),
    )
    return ArchivedFactCheck(str(row[0]), review, text(row[9]), text(row[10]), str(row[11]))


def count_factchecks(warehouse: Warehouse) -> int:
    with warehouse.connect(read_only=True) as con:
        row = con.execute("SELECT count(*) FROM factchecks").fetchone()
    return int(row[0]) if row else 0
