"""Domain records of the sources stage: candidates, fetch outcomes, documents and passages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FetchStatus = Literal["fetched", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class ClaimReviewRating:
    """An existing fact-check found in a page's JSON-LD or from the Fact Check Tools API."""

    claim_reviewed: str
    rating: str  # alternateName / textualRating, e.g. "False"
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    url: str | None = None
    publisher: str | None = None
    date_published: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """What a page says, parsed; the text is what passages and quotes point into."""

    text: str
    title: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    published: str | None = None  # ISO date "2017-09-25" or None when unknown
    author: str | None = None
    language: str | None = None
    links: tuple[Link, ...] = ()
    jsonld: tuple[dict[str, Any], ...] = ()
    claim_reviews: tuple[ClaimReviewRating, ...] = ()


@dataclass(frozen=True, slots=True)
class Passage:
    """A slice of a document's text: ``doc.text[start:end] == text``."""

    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL a provider proposes for a claim."""

    url: str
    title: str = ""
    snippet: str = ""
    provider: str = ""
    rank: int = 0
    query: str = ""
    claim_review: ClaimReviewRating | None = None
    text: str | None = None  # providers that already hold the text (corpus) pass it on
    cited: bool = False  # the article cites it for this claim (sources.citations): read first


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetch of one URL: raw bytes and metadata; parsing happens elsewhere."""

    url: str
    status: FetchStatus
    reason: str  # "ok", "not_modified", "timeout", "http_404", "robots", "private_address", ...
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    body: bytes | None = field(default=None, repr=False)
    bytes: int = 0
    ms: int = 0
    attempts: int = 1
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class Article:
    """An article handed to a check: from a URL, an HTML/text/Markdown file, or stdin."""

    id: str  # stable: hash of the canonical URL when known, else of the text
    text: str
    content_hash: str
    title: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    published: str | None = None  # ISO date, or None when unknown
    source_path: str | None = None
    links: tuple[Link, ...] = ()
    language: str | None = None  # ISO 639-1 guess; the flow records a reason when not "en"
