"""From passage stances to one verdict per claim: status, confidence and a rationale naming the
evidence that decided it.

Each non-neutral stance counts ``tier weight x score x (0.6 + 0.4 x relevance)``; the support and the
refutation of a claim are each the noisy-or of their pieces (two independent good sources say more
than one, never more than certain). Existing fact-checks count as one strong piece with their rating.
A side below ``MIN_EVIDENCE`` does not count; both sides counting is ``mixed`` unless one outweighs
the other ``DOMINANCE`` times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from claims.credibility import tier_weight
from claims.model import PassageStance, Status

MIN_EVIDENCE = 0.15
DOMINANCE = 3.0
REVIEW_WEIGHT = 0.85
RELEVANT = 0.3

ReviewStance = Literal["supports", "refutes", "mixed"]
_MIXED = re.compile(r"half|mix|partly|partially|part true|part false|needs context|missing context|"
                    r"lacks context|cherry|two pinocchios", re.I)
_REFUTES = re.compile(r"false|fake|incorrect|wrong|inaccurate|untrue|not true|misleading|fabricated|"
                      r"baseless|unsupported|exaggerat|pinocchios|pants on fire|\blie\b|hoax|scam|"
                      r"debunked|no evidence|distort|bogus|fiction|satire", re.I)
_SUPPORTS = re.compile(r"\btrue\b|correct|accurate|verified|confirmed|checkmark|legit|real\b", re.I)


@dataclass(frozen=True, slots=True)
class ExistingReview:
    """A fact-check someone already published about the claim (ClaimReview), with its rating."""

    rating: str  # textualRating / alternateName: "False", "Mostly true", ...
    url: str = ""
    publisher: str | None = None
    claim_reviewed: str | None = None
    rating_value: float | None = None  # reviewRating.ratingValue on its worst..best scale
    best_rating: float | None = None
    worst_rating: float | None = None


def review_stance(rating: str, value: float | None = None, best: float | None = None,
                  worst: float | None = None) -> ReviewStance | None:
    """What a fact-check's rating says, when it says something ("Unproven" says nothing). The
    words decide; a numeric rating alone counts by where it sits on its scale (bottom 40%
    refutes, top 20% supports, between is mixed)."""
    if _MIXED.search(rating):
        return "mixed"
    if re.search(r"mostly false|mostly untrue", rating, re.I) or _REFUTES.search(rating):
        return "refutes"
    if _SUPPORTS.search(rating):
        return "supports"
    if value is not None and best is not None:
        low = 1.0 if worst is None else worst
        if best <= low:
            return None
        share = (value - low) / (best - low)
        return "refutes" if share <= 0.4 else "supports" if share >= 0.8 else "mixed"
    return None


def _weight(s: PassageStance, tier: str | None) -> float:
    return tier_weight(tier) * s.score * (0.6 + 0.4 * s.relevance)


def _noisy_or(weights: Sequence[float]) -> float:
    p = 1.0
    for w in weights:
        p *= 1.0 - min(0.99, max(0.0, w))
    return 1.0 - p


def _label(i: int, labels: Sequence[str] | None, tiers: Sequence[str | None]) -> str:
    name = labels[i] if labels and i < len(labels) and labels[i] else f"passage {i + 1}"
    tier = tiers[i] if i < len(tiers) else None
    return f"{name} ({tier})" if tier and tier != "unknown" else name


def decide(
    stances: Sequence[PassageStance],
    tiers: Sequence[str | None] = (),
    reviews: Sequence[tuple[ExistingReview, ReviewStance]] = (),
    labels: Sequence[str] | None = None,
) -> tuple[Status, float, str]:
    """(status, confidence in [0, 1], rationale) for one claim. Deterministic."""
    tiers = list(tiers) + [None] * (len(stances) - len(tiers))
    weighted = [(s, _weight(s, tiers[s.index])) for s in stances]
    sup = [(s, w) for s, w in weighted if s.stance == "supports"]
    ref = [(s, w) for s, w in weighted if s.stance == "refutes"]
    review_sup = [r for r, st in reviews if st in ("supports", "mixed")]
    review_ref = [r for r, st in reviews if st in ("refutes", "mixed")]
    S = _noisy_or([w for _, w in sup] + [REVIEW_WEIGHT * (0.6 if r in review_ref else 1.0)
                                         for r in review_sup])
    R = _noisy_or([w for _, w in ref] + [REVIEW_WEIGHT * (0.6 if r in review_sup else 1.0)
                                         for r in review_ref])

    def best(side: list[tuple[PassageStance, float]], reviews_side: list[ExistingReview]) -> str:
        if side:
            s, _ = max(side, key=lambda t: (t[1], -t[0].index))
            more = f" (+{len(side) - 1} more)" if len(side) > 1 else ""
            return f"{_label(s.index, labels, tiers)}: {s.reason}{more}"
        r = reviews_side[0]
        return f"fact-check by {r.publisher or r.url or 'a publisher'} rated it '{r.rating}'"

    if S < MIN_EVIDENCE and R < MIN_EVIDENCE:
        return _unverified(stances, S, R, labels, tiers)
    if R < MIN_EVIDENCE or S >= DOMINANCE * R:
        conf = S * (1.0 - (R / S if S else 0.0))
        against = f"; against: {best(ref, review_ref)}" if R >= MIN_EVIDENCE else ""
        return "supported", round(conf, 3), f"Supported by {best(sup, review_sup)}{against}"
    if S < MIN_EVIDENCE or R >= DOMINANCE * S:
        conf = R * (1.0 - (S / R if R else 0.0))
        against = f"; for: {best(sup, review_sup)}" if S >= MIN_EVIDENCE else ""
        return "refuted", round(conf, 3), f"Refuted by {best(ref, review_ref)}{against}"
    conf = (S + R) / 2 * (min(S, R) / max(S, R))
    return "mixed", round(conf, 3), (
        f"Mixed: for, {best(sup, review_sup)}; against, {best(ref, review_ref)}"
    )


def _unverified(
    stances: Sequence[PassageStance], S: float, R: float, labels: Sequence[str] | None,
    tiers: Sequence[str | None],
) -> tuple[Status, float, str]:
    """No side counts: say why (nothing found, nothing relevant, only weak or other evidence)."""
    if not stances:
        return "unverified", 0.3, "Unverified: no passages to check against"
    relevant = [s for s in stances if s.relevance >= RELEVANT]
    if S > 0 or R > 0:
        weak = max((s for s in stances if s.stance != "neutral"), key=lambda s: (s.score, -s.index))
        return "unverified", 0.3, (
            f"Unverified: only weak evidence, {_label(weak.index, labels, tiers)}: {weak.reason}"
        )
    if not relevant:
        return "unverified", 0.3, f"Unverified: none of {len(stances)} passages is about the claim"
    top = max(relevant, key=lambda s: (s.relevance, -s.index))
    conf = min(0.6, 0.35 + 0.05 * len(relevant))
    return "unverified", round(conf, 3), (
        f"Unverified: {len(relevant)} passage(s) about the claim, none settles it; closest, "
        f"{_label(top.index, labels, tiers)}: {top.reason}"
    )
