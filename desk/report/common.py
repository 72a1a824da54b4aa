"""Labels, scales, counts and URL rules every report format shares, so the formats agree."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote, urlsplit

from claims.model import STATUSES
from claimtrack.settings import ReviewSettings
from warehouse.reports import ArticleReport, ClaimReport, EvidenceItem

STATUS_LABELS = {
    "supported": "Supported",
    "refuted": "Refuted",
    "mixed": "Mixed evidence",
    "unverified": "Unverified",
    "unchecked": "Not checked",
}
STATUS_COLORS = {
    "supported": "#1b7f3b",
    "refuted": "#b42318",
    "mixed": "#b54708",
    "unverified": "#5d6b82",
    "unchecked": "#8a94a6",
}
FLAGGED = frozenset({"refuted", "unverified"})  # the statuses a reader must not miss
CLAIM_REVIEWED_MAX = 75  # Google's advice for claimReviewed: under 75 characters


def rating_label(rating: str) -> str:
    """The human label of a rating slug: ``mostly-true`` -> ``Mostly true``."""
    words = rating.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def rating_value(rating: str, review: ReviewSettings) -> int | None:
    """Position on the configured scale, best first: the default scale maps to 5..1."""
    if rating not in review.ratings:
        return None
    return len(review.ratings) - review.ratings.index(rating)


def status_counts(statuses: Iterable[str]) -> list[tuple[str, int]]:
    """Counts in a fixed order (the four statuses always, "unchecked" only when present)."""
    tally = Counter(statuses)
    order = [*STATUSES, *sorted(s for s in tally if s not in STATUSES)]
    return [(s, tally.get(s, 0)) for s in order if s in STATUSES or tally.get(s)]


def safe_url(url: str | None) -> str | None:
    """Only absolute http(s) URLs become links; anything else (``javascript:``, ``data:``)
    stays text."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    if any(ch in url for ch in "\x00\r\n\t\"'<> `"):
        return None
    return url


def report_url(report: ArticleReport) -> str:
    """Where this report lives once published; relative when no base URL is configured."""
    return f"{report.review.report_base_url}{quote(report.article.id)}.html"


def claim_anchor(claim: ClaimReport) -> str:
    return f"claim-{claim.id}"


def snapshot_url(review: ReviewSettings, snapshot_hash: str | None) -> str | None:
    if not snapshot_hash or not review.snapshot_base_url:
        return None
    return safe_url(f"{review.snapshot_base_url}{quote(snapshot_hash)}")


def iso(value: datetime | None) -> str | None:
    """UTC timestamps with a ``Z``: one spelling in every format."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def short_text(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """One line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def deciding_evidence(claim: ClaimReport, limit: int = 5) -> list[EvidenceItem]:
    """The quotes a reader sees: evidence the verdict used, non-neutral first, at most ``limit``."""
    shown = [e for e in claim.evidence if e.deciding and e.stance != "neutral"]
    if not shown:
        shown = [e for e in claim.evidence if e.stance != "neutral"]
    return shown[:limit]


def closest_evidence(claim: ClaimReport, limit: int = 2) -> list[EvidenceItem]:
    """When nothing supports or refutes a claim, the most relevant passages the verdict read:
    a reader (and an editor) sees what was found and why it did not settle the claim."""
    if deciding_evidence(claim):
        return []
    neutral = sorted(
        (e for e in claim.evidence if e.deciding and e.stance == "neutral"),
        key=lambda e: (-e.relevance, -e.score, e.id),
    )
    return neutral[:limit]


def article_label(report: ArticleReport) -> str:
    a = report.article
    return a.title or a.canonical_url or a.url or a.source_path or a.id


def rating_counts(report: ArticleReport) -> list[tuple[str, int]]:
    """Published editorial ratings per label, in the order of the configured scale."""
    tally = Counter(
        c.decision.rating
        for c in report.claims
        if c.decision is not None and c.decision.publish and c.decision.rating
    )
    scale = list(report.review.ratings)
    order = sorted(tally, key=lambda r: (scale.index(r) if r in scale else len(scale), r))
    return [(rating_label(r), tally[r]) for r in order]


def run_params(params: str | None) -> dict[str, object]:
    """A run's stored parameters as an object, whatever was stored (never fails a report)."""
    try:
        value = json.loads(params) if params else {}
    except ValueError:
        return {"raw": params}
    return value if isinstance(value, dict) else {"value": value}
