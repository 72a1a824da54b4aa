"""schema.org ClaimReview markup for every claim an editor rated and chose to publish.

Google's required fields (``claimReviewed``, ``reviewRating.alternateName``, ``url``) are always
present; the recommended ones (``author``, ``datePublished``, ``itemReviewed`` as a ``Claim`` with
its ``author``, ``datePublished`` and ``appearance``, and the rating's numbers from the configured
scale) whenever the warehouse knows them. Only machine statuses are never published: a rating is
a person's decision.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from desk.report.common import (
    claim_anchor,
    rating_label,
    rating_value,
    report_url,
    safe_url,
    short_text,
)
from warehouse.reports import ArticleReport, ClaimReport

REQUIRED = ("@context", "@type", "claimReviewed", "reviewRating", "url")
REQUIRED_RATING = ("@type", "alternateName")
RECOMMENDED = ("author", "datePublished", "itemReviewed")
RECOMMENDED_RATING = ("ratingValue", "bestRating", "worstRating")
RECOMMENDED_CLAIM = ("@type", "appearance", "author", "datePublished")


def _organisation(name: str, url: str | None) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": name}
    if safe_url(url):
        org["url"] = url
    return org


def _claim_author(report: ArticleReport, claim: ClaimReport) -> dict[str, Any] | None:
    """Who made the claim: the quoted speaker, else the outlet that published the article."""
    if claim.speaker:
        return {"@type": "Person", "name": claim.speaker}
    url = safe_url(report.article.canonical_url) or safe_url(report.article.url)
    if url:
        host = urlsplit(url).hostname or ""
        return _organisation(host.removeprefix("www."), f"{urlsplit(url).scheme}://{host}/")
    return None


def _item_reviewed(report: ArticleReport, claim: ClaimReport) -> dict[str, Any]:
    a = report.article
    item: dict[str, Any] = {"@type": "Claim"}
    author = _claim_author(report, claim)
    if author:
        item["author"] = author
    if a.published:
        item["datePublished"] = a.published
    url = safe_url(a.canonical_url) or safe_url(a.url)
    if url:
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": url}
        if a.title:
            appearance["headline"] = a.title
        if a.published:
            appearance["datePublished"] = a.published
        item["appearance"] = appearance
    return item


def published_claims(report: ArticleReport) -> list[ClaimReport]:
    return [
        c
        for c in report.claims
        if c.decision is not None and c.decision.publish and c.decision.rating
    ]


def claim_review(report: ArticleReport, claim: ClaimReport) -> dict[str, Any]:
    decision = claim.decision
    assert decision is not None and decision.rating
    review = report.review
    rating: dict[str, Any] = {"@type": "Rating"}
    value = rating_value(decision.rating, review)
    if value is not None:
        rating |= {"ratingValue": value, "bestRating": len(review.ratings), "worstRating": 1}
    rating["alternateName"] = rating_label(decision.rating)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{report_url(report)}#{claim_anchor(claim)}",
        "claimReviewed": short_text(claim.text),
        "datePublished": decision.decided_at.date().isoformat(),
        "author": _organisation(review.publisher_name, review.publisher_url),
        "reviewRating": rating,
        "itemReviewed": _item_reviewed(report, claim),
    }


def claim_reviews(report: ArticleReport) -> list[dict[str, Any]]:
    """One ClaimReview per published, rated claim, in the report's claim order."""
    return [claim_review(report, c) for c in published_claims(report)]


def missing_fields(item: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(missing required, missing recommended) field paths of one ClaimReview object."""
    required = [k for k in REQUIRED if not item.get(k)]
    rating = item.get("reviewRating") or {}
    required += [f"reviewRating.{k}" for k in REQUIRED_RATING if not rating.get(k)]
    recommended = [k for k in RECOMMENDED if not item.get(k)]
    recommended += [f"reviewRating.{k}" for k in RECOMMENDED_RATING if k not in rating]
    claim = item.get("itemReviewed") or {}
    recommended += [f"itemReviewed.{k}" for k in RECOMMENDED_CLAIM if not claim.get(k)]
    return required, recommended


def render_claimreview(report: ArticleReport) -> str:
    return json.dumps(claim_reviews(report), ensure_ascii=False, indent=2) + "\n"


def jsonld_script(report: ArticleReport) -> str:
    """The markup for a ``<script type="application/ld+json">``: ``<`` escaped so no text in it
    can close the script element."""
    items = claim_reviews(report)
    if not items:
        return ""
    text = json.dumps(items if len(items) > 1 else items[0], ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
