"""From stances to a verdict: weights by tier, agreement and strength; a rationale naming why."""

from __future__ import annotations

import claims
from claims.assess import reconcile
from claims.model import PassageStance
from claims.stance import Judgement
from claims.verdict import ExistingReview, decide, review_stance


def st(i: int, stance: str, score: float = 0.9, relevance: float = 0.8, reason: str = "r") -> PassageStance:
    return PassageStance(index=i, stance=stance, score=score, relevance=relevance,  # type: ignore[arg-type]
                         reason=f"{reason}{i}")


def test_statuses() -> None:
    assert decide([st(0, "supports")], ["wire"])[0] == "supported"
    assert decide([st(0, "refutes")], ["wire"])[0] == "refuted"
    assert decide([st(0, "supports"), st(1, "refutes")], ["wire", "wire"])[0] == "mixed"
    assert decide([st(0, "neutral")], ["wire"])[0] == "unverified"
    assert decide([], [])[0] == "unverified"


def test_confidence_grows_with_agreement_and_tier() -> None:
    one = decide([st(0, "supports")], ["unknown"])[1]
    two = decide([st(0, "supports"), st(1, "supports")], ["unknown", "unknown"])[1]
    official = decide([st(0, "supports")], ["official"])[1]
    assert 0 < one < two <= 1 and one < official <= 1


def test_an_unreliable_source_alone_decides_nothing() -> None:
    status, conf, why = decide([st(0, "supports", score=0.7)], ["unreliable"])
    assert status == "unverified" and "weak evidence" in why


def test_one_side_far_stronger_wins() -> None:
    status, _, why = decide(
        [st(0, "supports"), st(1, "supports"), st(2, "refutes", score=0.5, relevance=0.3)],
        ["official", "wire", "unreliable"])
    assert status == "supported" and "against" not in why


def test_rationale_names_the_deciding_evidence() -> None:
    status, _, why = decide([st(0, "neutral"), st(1, "refutes", reason="x")], [None, "wire"],
                            labels=["a.example", "reuters.com"])
    assert status == "refuted" and why.startswith("Refuted by reuters.com (wire): x1")
    _, _, unverified = decide([st(0, "neutral", relevance=0.1)], [None])
    assert unverified == "Unverified: none of 1 passages is about the claim"


def test_existing_reviews() -> None:
    assert review_stance("False") == "refutes"
    assert review_stance("Mostly false") == "refutes"
    assert review_stance("Half true") == "mixed"
    assert review_stance("Mostly True") == "supports"
    assert review_stance("Unproven") is None
    assert review_stance("", 1, 5, 1) == "refutes"
    assert review_stance("Rated", 3, 5, 1) == "mixed"
    assert review_stance("", 5, 5) == "supports"
    assert review_stance("", 3, None) is None
    review = ExistingReview(rating="Misleading", publisher="FactCo")
    status, _, why = decide([], [], [(review, "refutes")])
    assert status == "refuted" and "FactCo" in why


def test_deterministic() -> None:
    stances = [st(i, s) for i, s in enumerate(["supports", "refutes", "neutral", "supports"])]
    tiers = ["wire", "established", None, "reference"]
    assert len({decide(stances, tiers) for _ in range(5)}) == 1


def test_partial_support_yields_to_a_contradicted_part() -> None:
    sup = Judgement("supports", 0.9, 0.8, "km matches", matched=frozenset({0}),
                    slot_texts=("42.195 km", "1951"))
    ref = Judgement("refutes", 0.9, 0.8, "1921 contradicts 1951", conflicted=frozenset({1}),
                    slot_texts=("42.195 km", "1951"))
    out = reconcile([sup, ref], ["wire", "wire"])
    assert out[0].stance == "neutral" and "contradicts '1951'" in out[0].reason
    # a less credible contradiction does not undo it
    assert reconcile([sup, ref], ["official", "unreliable"])[0].stance == "supports"
    # a contradiction of the part the support gives is real disagreement: both stay
    both = Judgement("refutes", 0.9, 0.8, "km differs", conflicted=frozenset({0}),
                     slot_texts=("42.195 km", "1951"))
    assert [j.stance for j in reconcile([sup, both], ["wire", "wire"])] == ["supports", "refutes"]


def test_assess_marathon_example_end_to_end() -> None:
    claim = "The marathon's distance of 42.195 kilometres was made the official standard in 1951."
    a = claims.assess(claim, [
        "The marathon is run over 42.195 kilometres, a distance first used at the 1908 London Games.",
        "The 42.195 kilometre distance was made the official standard for the marathon in 1921.",
    ], tiers=["established", "established"])
    assert a.status == "refuted", a
