"""The fact-check archive's two jobs: importing published fact-checks, and matching claims to them.

Plain functions (no Prefect tasks: an import is one pass over a few files, a match one lookup),
called by ``claimtrack factchecks import``, ``claimtrack match`` and the check's assess stage.
Matching uses the sentence encoder when it is installed (``make models``) and words alone when it
is not; every result says which scorer decided it.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import sources
from claims import Claim, ExistingReview
from claims.matching import ReviewIndex, Scorer
from claimtrack.errors import ClaimtrackError, InputError
from claimtrack.settings import Settings
from flows import encoding
from sources.factchecks import FactCheck, feed_files, read_factcheck_file, read_factchecks
from sources.urls import is_url
from warehouse import factchecks as archive
from warehouse.db import Warehouse

JSON_TYPES = ("application/json", "application/ld+json", "application/x-ndjson",
              "application/jsonl", "application/json-seq", "text/json")


@dataclass(frozen=True, slots=True)
class Imported:
    """What one file or URL gave: ``imported`` (``found`` fact-checks, ``added`` of them new)
    or ``skipped`` with the reason."""

    source: str
    status: Literal["imported", "skipped"]
    found: int = 0
    added: int = 0
    reason: str = ""


def _check_args(items: Sequence[str]) -> None:
    """Bad input fails before anything is read: a missing path or a URL we cannot fetch."""
    if not items:
        raise InputError("give at least one file, folder or URL")
    for item in items:
        if "://" in item and not is_url(item):
            raise InputError(f"{item}: only http:// and https:// URLs can be imported")
        if not is_url(item) and not Path(item).exists():
            raise InputError(f"no such file or folder: {item}")


def import_factchecks(items: Sequence[str], settings: Settings) -> list[Imported]:
    """Read every file, folder (recursively: .json/.jsonl/.html) and URL; archive what they hold.

    URLs go through the polite fetcher (robots, allow-list, size limits). Importing the same
    thing twice adds nothing: fact-checks are keyed by review URL and claim."""
    _check_args(items)
    wh = Warehouse(settings.db)
    report: list[Imported] = []
    urls = [i for i in items if is_url(i)]
    fetch = replace(settings.fetch, extra_types=(*settings.fetch.extra_types, *JSON_TYPES))
    fetched = dict(zip(urls, sources.fetch_urls(urls, fetch), strict=True))
    for item in items:
        if is_url(item):
            result = fetched[item]
            if result.status != "fetched" or result.body is None:
                report.append(Imported(item, "skipped", reason=f"{result.status}: {result.reason}"))
                continue
            report.append(_store(wh, item, functools.partial(
                read_factchecks, result.body, name=result.url, url=result.final_url or result.url,
                content_type=result.content_type)))
            continue
        path = Path(item)
        files = list(feed_files(path)) if path.is_dir() else [path]
        if not files:
            report.append(Imported(item, "skipped", reason="no .json, .jsonl or .html files in it"))
        for file in files:
            report.append(_store(wh, str(file), functools.partial(read_factcheck_file, file)))
    return report


def _store(wh: Warehouse, source: str, read: Callable[[], list[FactCheck]]) -> Imported:
    try:
        found = read()
    except ClaimtrackError as exc:
        return Imported(source, "skipped", reason=str(exc))
    if not found:
        return Imported(source, "skipped", reason="no ClaimReview in it")
    added = archive.add_factchecks(wh, [(fc, source) for fc in found])
    return Imported(source, "imported", found=len(found), added=added)


@dataclass(frozen=True, slots=True)
class FactCheckMatch:
    """An archived fact-check that is about ``claim``; ``opposed``: it reviewed the reverse claim."""

    claim: str
    score: float
    factcheck: archive.ArchivedFactCheck
    opposed: bool = False
    words: float = 0.0
    semantic: float | None = None

    def to_json(self) -> dict[str, Any]:
        r = self.factcheck.review
        return {
            "claim": self.claim, "score": self.score,
            "factcheck": {"url": r.url, "claim_reviewed": r.claim_reviewed, "rating": r.rating,
                          "publisher": r.publisher, "date": r.date_published,
                          "id": self.factcheck.id, "claimant": self.factcheck.claimant},
            "opposed": self.opposed, "words": self.words, "semantic": self.semantic,
        }


@dataclass(frozen=True, slots=True)
class Matches:
    """Per claim (in the order asked), its matches best first; ``scorer`` says what scored them."""

    scorer: Scorer
    threshold: float
    by_claim: tuple[tuple[FactCheckMatch, ...], ...]
    archived: int
    note: str = ""  # why the semantic scorer was not used, when it was not

    def flat(self) -> list[FactCheckMatch]:
        return [m for found in self.by_claim for m in found]


def match_claims(texts: Sequence[str], settings: Settings, *, wh: Warehouse | None = None,
                 top: int = 5, semantic: bool = True) -> Matches:
    """The archived fact-checks each text is about, above the calibrated threshold."""
    wh = wh or Warehouse(settings.db)
    held = archive.load_factchecks(wh)
    if not held or not texts:
        return Matches("words", ReviewIndex([]).threshold, tuple(() for _ in texts), len(held))
    encoder, note = encoding.load(settings) if semantic else (None, "semantic scoring turned off")
    reviewed = [f.review.claim_reviewed for f in held]
    vectors = queries = None
    if encoder is not None:
        both = encoding.vectors(wh, encoder, [*reviewed, *texts])
        vectors, queries = both[:len(reviewed)], both[len(reviewed):]
    index = ReviewIndex(reviewed, vectors)
    by_claim = []
    for i, text in enumerate(texts):
        found = index.matches(text, None if queries is None else queries[i], top=top)
        by_claim.append(tuple(FactCheckMatch(text, m.score, held[m.index], m.opposed, m.words,
                                             m.semantic) for m in found))
    return Matches(index.scorer, index.threshold, tuple(by_claim), len(held), note)


def matches_json(result: Matches) -> dict[str, Any]:
    """The contract's ``{"matches": [{"claim", "score", "factcheck": {...}}]}`` plus the scorer."""
    return {"matches": [m.to_json() for m in result.flat()], "scorer": result.scorer,
            "threshold": result.threshold, "archived": result.archived,
            **({"note": result.note} if result.note else {})}


def imported_json(report: Sequence[Imported]) -> dict[str, Any]:
    return {"sources": [{"source": r.source, "status": r.status, "found": r.found,
                         "added": r.added, "reason": r.reason} for r in report],
            "added": sum(r.added for r in report)}


def claim_matches(wh: Warehouse, settings: Settings, found: Sequence[Claim]
                  ) -> dict[str, tuple[FactCheckMatch, ...]]:
    """Claim id -> the archived fact-checks about it (nothing to do when the archive is empty)."""
    if not found:
        return {}
    result = match_claims([c.text for c in found], settings, wh=wh)
    return {c.id: m for c, m in zip(found, result.by_claim, strict=True) if m}


def existing_reviews(matches: Sequence[FactCheckMatch], already: Sequence[ExistingReview] = (),
                     ) -> list[ExistingReview]:
    """Matched fact-checks as the assessor's existing reviews. One that reviewed the reverse
    claim is left out (its rating is about the other claim), and so is one whose page a
    provider already brought in."""
    seen = {r.url for r in already}
    out = []
    for m in matches:
        r = m.factcheck.review
        if m.opposed or (r.url and r.url in seen):
            continue
        seen.add(r.url or "")
        out.append(ExistingReview(rating=r.rating, url=r.url or "", publisher=r.publisher,
                                  claim_reviewed=r.claim_reviewed, rating_value=r.rating_value,
                                  best_rating=r.best_rating, worst_rating=r.worst_rating))
    return out


class ArchiveMatcher:
    """Matches for one claim at a time in a long-running process (the review desk's claim page).

    The archive and its word index are read once and kept for ``ttl`` seconds, so a page costs a
    lookup in memory, never a query; words only, so a page never waits for the encoder (the
    check's own matches, fused when the encoder is installed, are in its rationale)."""

    def __init__(self, settings: Settings, *, ttl: float = 60.0, top: int = 5,
                 clock: Any = time.monotonic) -> None:
        self._wh = Warehouse(settings.db)
        self._ttl = ttl
        self._top = top
        self._clock = clock
        self._lock = threading.Lock()
        self._held: list[archive.ArchivedFactCheck] = []
        self._index: ReviewIndex | None = None
        self._read_at = float("-inf")

    def refresh(self) -> None:
        """Read the archive again (blocking: call it off the event loop)."""
        held = archive.load_factchecks(self._wh)
        index = ReviewIndex([f.review.claim_reviewed for f in held]) if held else None
        with self._lock:
            self._held, self._index, self._read_at = held, index, self._clock()

    def fresh_matches(self, text: str) -> tuple[FactCheckMatch, ...] | None:
        """The matches of ``text``, or None when the archive must be read again first."""
        with self._lock:
            if self._clock() - self._read_at > self._ttl:
                return None
            held, index = self._held, self._index
        if index is None:
            return ()
        return tuple(FactCheckMatch(text, m.score, held[m.index], m.opposed, m.words)
                     for m in index.matches(text, top=self._top))
