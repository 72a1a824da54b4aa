"""Discovery: a claim's queries through every provider, fused into one ranked candidate list.

Each provider ranks on its own scale, so ranks are fused, not scores: reciprocal-rank fusion
(Cormack et al., SIGIR 2009) gives each candidate ``sum(1 / (k + rank))`` over every (provider,
query) list it appears in, which rewards URLs that several providers or queries agree on.
Duplicates are merged by canonical URL; the merged candidate keeps the provider and query that
ranked it best, its final position as ``rank``, and any ClaimReview or text one of them had.
A provider that fails is recorded and skipped for the rest of the batch. ``discover_many`` asks
each distinct query once per check, and batch providers (the corpus) answer all of them in one
call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from claims.model import Claim
from claimtrack.errors import ProviderError
from sources.model import Candidate, ClaimReviewRating
from sources.providers.base import BatchProvider, Provider
from sources.queries import queries_for
from sources.urls import canonical_url

RRF_K = 60
log = logging.getLogger(__name__)


def discover(
    claim: Claim,
    providers: Sequence[Provider],
    *,
    per_claim: int = 5,
    queries: Sequence[str] | None = None,
    errors: list[str] | None = None,
) -> list[Candidate]:
    """Up to ``per_claim`` candidates for ``claim``, best first, one per canonical URL."""
    asked = {claim.id: list(queries) if queries is not None else queries_for(claim)}
    return discover_many([claim], providers, per_claim=per_claim, queries=asked,
                         errors=errors)[claim.id]


def discover_many(
    claims: Sequence[Claim],
    providers: Sequence[Provider],
    *,
    per_claim: int = 5,
    queries: Mapping[str, Sequence[str]] | None = None,
    errors: list[str] | None = None,
) -> dict[str, list[Candidate]]:
    """``discover`` for many claims; batch providers get every query of the check in one call."""
    asked = {c.id: list(queries[c.id]) if queries and c.id in queries else queries_for(c)
             for c in claims}
    unique = list(dict.fromkeys(q for qs in asked.values() for q in qs))
    answers: dict[str, list[list[Candidate]]] = {q: [] for q in unique}
    for provider in providers:
        try:
            if isinstance(provider, BatchProvider):
                for query, hits in zip(unique, provider.search_many(unique, per_claim),
                                       strict=True):
                    answers[query].append(hits)
            else:
                for query in unique:
                    answers[query].append(provider.search(query, per_claim))
        except ProviderError as exc:  # the next query would most likely fail the same way
            log.warning("provider %s failed: %s", provider.name, exc)
            if errors is not None:
                errors.append(str(exc))
    return {c.id: fuse([hits for q in asked[c.id] for hits in answers[q]], per_claim)
            for c in claims}


def fuse(lists: Sequence[Sequence[Candidate]], limit: int) -> list[Candidate]:
    """Reciprocal-rank fusion of ranked lists, merged by canonical URL."""
    score: dict[str, float] = {}
    best: dict[str, tuple[float, Candidate]] = {}
    reviews: dict[str, ClaimReviewRating] = {}
    texts: dict[str, str] = {}
    order: dict[str, int] = {}
    for candidates in lists:
        for position, candidate in enumerate(candidates, start=1):
            if not candidate.url:
                continue
            key = canonical_url(candidate.url)
            contribution = 1.0 / (RRF_K + (candidate.rank or position))
            score[key] = score.get(key, 0.0) + contribution
            order.setdefault(key, len(order))
            if key not in best or contribution > best[key][0]:
                best[key] = (contribution, candidate)
            if candidate.claim_review is not None:
                reviews.setdefault(key, candidate.claim_review)
            if candidate.text is not None:
                texts.setdefault(key, candidate.text)
    ranked = sorted(score, key=lambda k: (-score[k], order[k]))[:limit]
    out = []
    for rank, key in enumerate(ranked, start=1):
        top = best[key][1]
        out.append(replace(
            top, rank=rank, claim_review=top.claim_review or reviews.get(key),
            text=top.text if top.text is not None else texts.get(key),
        ))
    return out
