"""``assess``: a claim and its passages in, a verdict with per-passage stances and reasons out.

An ``Assessor`` is anything with this ``assess`` method; the rule-based one is the default because
it is offline, fast and gives the same answer every time. A stronger model (an NLI model, an LLM)
plugs in with ``register_assessor`` and is chosen by name from settings, without touching callers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from claims.credibility import tier_weight
from claims.model import Assessment, Claim, PassageStance
from claims.slots import claim_slots, words
from claims.stance import Judgement, judge
from claims.verdict import ExistingReview, ReviewStance, decide, review_stance
from claimtrack.errors import ConfigError

REVIEW_MATCH = 0.4  # share of each side's words a claim and a fact-check's claimReviewed share
DEFAULT_ASSESSOR = "rules"  # what ``assess`` uses when not told


class Assessor(Protocol):
    """Decides a claim from passages; ``tiers[i]`` is the credibility tier of passage ``i``."""

    def assess(
        self,
        claim: str | Claim,
        passages: Sequence[str],
        tiers: Sequence[str | None] | None = None,
        reviews: Sequence[ExistingReview] = (),
        labels: Sequence[str] | None = None,
    ) -> Assessment:
        """``labels[i]`` names passage ``i``'s source (its URL): the rationale cites it, and
        passages with the same label are read as one page that does not contradict itself."""
        ...


def reviews_about(text: str, reviews: Sequence[ExistingReview]) -> list[tuple[ExistingReview, ReviewStance]]:
    """The fact-checks whose rating says something and whose claim is this claim (every assessor
    counts them the same way, through :func:`claims.verdict.decide`)."""
    mine = set(words(text))
    out = []
    for r in reviews:
        stance = review_stance(r.rating, r.rating_value, r.best_rating, r.worst_rating)
        if stance is None:
            continue
        if r.claim_reviewed:
            theirs = set(words(r.claim_reviewed))
            shared = len(mine & theirs)
            if not mine or not theirs or min(shared / len(mine), shared / len(theirs)) < REVIEW_MATCH:
                continue
        out.append((r, stance))
    return out


def reconcile(
    found: list[Judgement], tiers: Sequence[str | None], labels: Sequence[str] | None = None,
) -> list[Judgement]:
    """Stances read together. A page does not contradict itself: a different date in one of its
    passages is another event when another of its passages gives the claimed one. And a claim is
    only as true as all its parts: a passage bearing out the number is no support when an
    as-credible passage contradicts the date it does not give ("42.195 km ... in 1951")."""
    def weight(i: int) -> float:
        return tier_weight(tiers[i] if i < len(tiers) else None)

    def source(i: int) -> str | None:
        return labels[i] if labels and i < len(labels) and labels[i] else None

    out = list(found)
    for k, r in enumerate(found):
        if r.stance != "refutes" or not r.conflicted or source(k) is None:
            continue
        if any(source(i) == source(k) and j.stance == "supports" and r.conflicted <= j.matched
               for i, j in enumerate(found)):
            slot = r.slot_texts[min(r.conflicted)]
            out[k] = replace(r, stance="neutral", score=0.2, reason=(
                f"{r.reason}, but the same source gives '{slot}' elsewhere"))
    found = list(out)
    for i, j in enumerate(found):
        if j.stance != "supports":
            continue
        against = [(k, r) for k, r in enumerate(found) if r.stance == "refutes"
                   and r.conflicted and not r.conflicted & j.matched and weight(k) >= 0.8 * weight(i)]
        if against:
            k, r = against[0]
            slot = r.slot_texts[min(r.conflicted)]
            out[i] = replace(j, stance="neutral", score=0.2, reason=(
                f"{j.reason}, but passage {k + 1} contradicts '{slot}', which this one does not give"))
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
        tier_list = list(tiers or ())
        judged = reconcile([judge(slots, p) for p in passages], tier_list, labels)
        for i, j in enumerate(judged):
            passage = passages[i]
            stances.append(PassageStance(
                index=i, stance=j.stance, score=j.score, relevance=j.relevance, reason=j.reason,
                quote=passage[j.quote_start:j.quote_end], quote_start=j.quote_start,
                quote_end=j.quote_end,
            ))
        status, confidence, rationale = decide(
            stances, tier_list, reviews_about(text, reviews), labels
        )
        return Assessment(status, confidence, rationale, tuple(stances))


_ASSESSORS: dict[str, Callable[..., Assessor]] = {"rules": RuleAssessor}


def register_assessor(name: str, factory: Callable[..., Assessor]) -> None:
    """Make an assessor choosable by name (``get_assessor(name)``, the ``assessor`` setting);
    a factory may take keyword options (the ``llm`` one needs its endpoint and a fallback)."""
    _ASSESSORS[name] = factory


def assessor_names() -> list[str]:
    """The names ``get_assessor`` knows, for help texts and checking a setting."""
    return sorted(_ASSESSORS)


def get_assessor(name: str = "rules", **options: object) -> Assessor:
    """The assessor registered under ``name``, built with ``options``; an unknown name is a
    configuration error."""
    factory = _ASSESSORS.get(name)
    if factory is None:
        raise ConfigError(f"unknown assessor {name!r}; known: {', '.join(sorted(_ASSESSORS))}")
    return factory(**options)


def assess(
    claim: str | Claim,
    passages: Sequence[str],
    *,
    tiers: Sequence[str | None] | None = None,
    reviews: Sequence[ExistingReview] = (),
    labels: Sequence[str] | None = None,
    assessor: str | None = None,
) -> Assessment:
    """What ``passages`` say about ``claim``: status, confidence, rationale and a stance per passage.

    ``tiers[i]`` is the credibility tier of passage ``i``'s source; ``labels[i]`` (a domain or URL)
    names it in the rationale; ``reviews`` are existing fact-checks of the claim; ``assessor``
    names a registered assessor (None: the default, ``DEFAULT_ASSESSOR``).
    """
    return get_assessor(assessor or DEFAULT_ASSESSOR).assess(claim, passages, tiers, reviews, labels)
