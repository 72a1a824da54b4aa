"""JSON-LD in pages: the objects themselves, and ClaimReview read into a structured rating.

Pages embed schema.org as ``<script type="application/ld+json">`` blocks: a single object, a
list, or an ``@graph``. Publishers get it wrong often (trailing commas, HTML comments, several
objects pasted together), so parsing is lenient and a broken block is skipped, never raised.
Fact-check pages carry ``ClaimReview``; an existing fact-check is strong evidence, so it is read
into ``ClaimReviewRating`` (https://schema.org/ClaimReview, Google's ClaimReview guidelines).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from sources.model import ClaimReviewRating

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_COMMENT = re.compile(r"^\s*<!--|-->\s*$")
MAX_OBJECTS = 50


def parse_block(raw: str) -> list[dict[str, Any]]:
    """The objects of one ld+json block (top-level list and ``@graph`` flattened); [] when broken."""
    text = _COMMENT.sub("", raw.strip()).strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = json.loads(_TRAILING_COMMA.sub(r"\1", text))
        except ValueError:
            return []
    items = data if isinstance(data, list) else [data]
    out: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if isinstance(graph, list):
            out.extend(g for g in graph if isinstance(g, dict))
            if len(item) > 2:  # a graph container with its own fields besides @context
                out.append({k: v for k, v in item.items() if k != "@graph"})
        else:
            out.append(item)
    return out[:MAX_OBJECTS]


def types_of(obj: dict[str, Any]) -> set[str]:
    """``@type`` as a set of bare names ("ClaimReview" for "schema:ClaimReview" too)."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def walk(obj: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every nested object, depth-first, bounded (JSON-LD can nest reviews inside articles)."""
    if depth > 8:
        return
    if isinstance(obj, dict):
        yield obj
        for value in obj.values():
            yield from walk(value, depth + 1)
    elif isinstance(obj, list):
        for value in obj[:MAX_OBJECTS]:
            yield from walk(value, depth + 1)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@id") or value.get("url"))
    if isinstance(value, list) and value:
        return _text(value[0])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def claim_review(obj: dict[str, Any]) -> ClaimReviewRating | None:
    """A ClaimReview object as a rating; None when it says neither what nor how it was rated."""
    rating = obj.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    rating = rating if isinstance(rating, dict) else {}
    label = _text(rating.get("alternateName")) or _text(rating.get("name"))
    value = _number(rating.get("ratingValue"))
    claim = _text(obj.get("claimReviewed"))
    if claim is None:
        item = obj.get("itemReviewed")
        claim = _text(item.get("name")) if isinstance(item, dict) else None
    if claim is None or (label is None and value is None):
        return None
    publisher = _text(obj.get("author")) or _text(obj.get("publisher"))
    date = _text(obj.get("datePublished"))
    return ClaimReviewRating(
        claim_reviewed=claim,
        rating=label or (f"{value:g}" if value is not None else ""),
        rating_value=value,
        best_rating=_number(rating.get("bestRating")),
        worst_rating=_number(rating.get("worstRating")),
        url=_text(obj.get("url")),
        publisher=publisher,
        date_published=date[:10] if date else None,
    )


def claim_reviews(objects: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> list[ClaimReviewRating]:
    found: list[ClaimReviewRating] = []
    for top in objects:
        for obj in walk(top):
            if "ClaimReview" in types_of(obj):
                rating = claim_review(obj)
                if rating is not None and rating not in found:
                    found.append(rating)
    return found


def first_field(objects: tuple[dict[str, Any], ...] | list[dict[str, Any]], *names: str) -> str | None:
    """The first non-empty value of any of ``names`` in the objects (datePublished, author, ...)."""
    for top in objects:
        for obj in walk(top):
            for name in names:
                value = _text(obj.get(name))
                if value:
                    return value
    return None
