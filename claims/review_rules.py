"""When a claim needs a person: the review-queue rules, kept apart so a desk can tune them.

The defaults mirror ``claimtrack.settings.ReviewSettings``; ``ReviewRules.from_settings`` builds
them from the settings an entry point loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimtrack.settings import ReviewSettings

_DECIDED = ("supported", "refuted", "mixed")


@dataclass(frozen=True, slots=True)
class ReviewRules:
    queue_min_checkworthiness: float = 0.8
    queue_max_confidence: float = 0.6
    queue_on_mixed: bool = True
    queue_on_change: bool = True
    # Low confidence matters for a decision a reader could see; an "unverified" claim is already
    # flagged by its status, and queueing every one of them would bury the desk.
    low_confidence_statuses: tuple[str, ...] = _DECIDED

    @classmethod
    def from_settings(cls, review: ReviewSettings) -> ReviewRules:
        return cls(
            queue_min_checkworthiness=review.queue_min_checkworthiness,
            queue_max_confidence=review.queue_max_confidence,
            queue_on_mixed=review.queue_on_mixed,
            queue_on_change=review.queue_on_change,
        )


def review_reasons(
    *,
    status: str,
    confidence: float,
    checkworthiness: float,
    previous_status: str | None = None,
    rules: ReviewRules | None = None,
) -> list[str]:
    """Why a claim should go to the review queue, in words for the desk; empty: it need not."""
    rules = rules or ReviewRules()
    reasons: list[str] = []
    if rules.queue_on_mixed and status == "mixed":
        reasons.append("mixed evidence")
    if status in rules.low_confidence_statuses and confidence < rules.queue_max_confidence:
        reasons.append(f"low confidence ({confidence:.2f} < {rules.queue_max_confidence:.2f})")
    if checkworthiness >= rules.queue_min_checkworthiness:
        reasons.append(f"highly check-worthy ({checkworthiness:.2f})")
    if rules.queue_on_change and previous_status is not None and previous_status != status:
        reasons.append(f"status changed: {previous_status} -> {status}")
    return reasons
