"""``assess``: a claim and its passages in, a verdict with per-passage stances and reasons out.

An ``Assessor`` is anything with this ``assess`` method; the rule-based one is the default because
it is offline, fast and gives the same answer every time. A stronger model (an NLI model, an LLM)
plugs in with ``register_assessor`` and is chosen by name from settings, without touching callers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from claims.model import Assessment, Claim, PassageStance
from claims.slots import claim_slots, words
from claims.stance import judge
from claims.verdict import ExistingReview, ReviewStance, decide, review_stance
from claimtrack.errors import ConfigError

REVIEW_MATCH = 0.5  # share of the claim's words a fact-check's claimReviewed must share


class Assessor(Protocol):
    """Decides a claim from passages; ``tiers[i]`` is the credibility tier of passage ``i``."""

    def assess(
        self,
        claim: str | Claim,
        passages: Sequence[str],
        tiers: Sequence[str | None] | None = None,
        reviews: Sequence[ExistingReview] = (),
    ) -> Assessment: ...


def _reviews_about(text: str, reviews: Sequence[ExistingReview]) -> list[tuple[ExistingReview, ReviewStance]]:
    """The fact-checks whose rating says something and whose claim is this claim."""
    mine = set(words(text))
    out = []
    for r in reviews:
        stance = review_stance(r.rating)
        if stance is None:
            continue
        if r.claim_reviewed:
            theirs = set(words(r.claim_reviewed))
            if mine and len(mine & theirs) / len(mine) < REVIEW_MATCH:
                continue
        out.append((r, stance))
    return out


class RuleAssessor:
    """The default: slot-aligning rules (:mod:`claims.stance`), credibility-weighted verdict."""

    name = "rules"

    def assess(
        self,
        claim: str | Claim,
        passages: Sequence[str],
        tiers: Sequence[str | None] | None = None,
        reviews: Sequence[ExistingReview] = (),
        labels: Sequence[str] | None = None,
    ) -> Assessment:
        text = claim if isinstance(claim, str) else claim.text
        slots = claim_slots(text)
        stances = []
        for i, passage in enumerate(passages):
            j = judge(slots, passage)
            stances.append(PassageStance(
                index=i, stance=j.stance, score=j.score, relevance=j.relevance, reason=j.reason,
                quote=passage[j.quote_start:j.quote_end], quote_start=j.quote_start,
                quote_end=j.quote_end,
            ))
        status, confidence, rationale = decide(
            stances, list(tiers or ()), _reviews_about(text, reviews), labels
        )
        return Assessment(status, confidence, rationale, tuple(stances))


_ASSESSORS: dict[str, Callable[[], Assessor]] = {"rules": RuleAssessor}


def register_assessor(name: str, factory: Callable[[], Assessor]) -> None:
    """Make an assessor choosable by name (``get_assessor(name)``, the ``assessor`` setting)."""
    _ASSESSORS[name] = factory


def get_assessor(name: str = "rules") -> Assessor:
    """The assessor registered under ``name``; an unknown name is a configuration error."""
    try:
        return _ASSESSORS[name]()
    except KeyError:
        raise ConfigError(
            f"unknown assessor {name!r}; known: {', '.join(sorted(_ASSESSORS))}"
        ) from None


def assess(
    claim: str | Claim,
    passages: Sequence[str],
    *,
    tiers: Sequence[str | None] | None = None,
    reviews: Sequence[ExistingReview] = (),
    labels: Sequence[str] | None = None,
) -> Assessment:
    """What ``passages`` say about ``claim``: status, confidence, rationale and a stance per passage.

    ``tiers[i]`` is the credibility tier of passage ``i``'s source; ``labels[i]`` (a domain or URL)
    names it in the rationale; ``reviews`` are existing fact-checks of the claim.
    """
    return RuleAssessor().assess(claim, passages, tiers, reviews, labels)
