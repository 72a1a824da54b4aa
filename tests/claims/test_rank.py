"""Passage ranking: BM25 over stems plus the claim's names, numbers and dates."""

from __future__ import annotations

import claims
from claims.rank import PassageIndex, rank_passages, slot_overlap
from claims.slots import claim_slots

PASSAGES = [
    "The bakery sold 300 loaves on Saturday, its best day this year.",
    "Honor of Kings, Tencent's mobile game, had about 55 million daily active users in 2017.",
    "Tencent said Honour of Kings has more than 200 million registered users in China.",
    "Facebook and Twitter have been blocked in mainland China since 2009.",
    "Tencent also runs WeChat, China's most popular messaging app.",
]
CLAIM = "Tencent's Honour of Kings has 200 million registered accounts in China."


def test_best_passage_first_and_relevance_in_range() -> None:
    top = rank_passages(CLAIM, PASSAGES, top=3)
    assert [i for i, _ in top][:2] == [2, 1]
    assert all(0.0 <= r <= 1.0 for _, r in top)
    assert top[0][1] > top[-1][1]


def test_unrelated_passages_are_left_out() -> None:
    assert rank_passages("Wheat harvest in Kansas", PASSAGES) == []
    assert rank_passages(CLAIM, []) == []


def test_slot_overlap_rewards_the_claimed_number() -> None:
    slots = claim_slots(CLAIM)
    with_number = slot_overlap(slots, PASSAGES[2])
    without = slot_overlap(slots, PASSAGES[1])
    assert with_number is not None and without is not None and with_number > without
    assert slot_overlap(claim_slots("blocked services are a problem"), PASSAGES[3]) is None


def test_alias_spelling_matches() -> None:
    # "Honour" in the claim, "Honor" in the passage: the same stems
    top = rank_passages("Honor of Kings launched in November 2015.",
                        ["Honour of Kings was launched by Tencent in November 2015.", PASSAGES[0]])
    assert top[0][0] == 0


def test_index_answers_many_claims_in_order() -> None:
    index = PassageIndex(PASSAGES * 200)  # 1,000 passages
    assert len(index) == 1000
    claims_ = [CLAIM, "Facebook is blocked in China.", "Wheat harvest in Kansas"]
    found = index.search_many(claims_, top=4)
    assert len(found) == 3
    assert {i % 5 for i, _ in found[0]} <= {1, 2, 4}
    assert {i % 5 for i, _ in found[1]} == {3}
    assert found[2] == []


def test_accepts_claim_records() -> None:
    claim = claims.Claim(id="x", text=CLAIM, sentence=CLAIM, start=0, end=len(CLAIM),
                         kind="statistic", checkworthiness=0.9)
    assert rank_passages(claim, PASSAGES, top=1)[0][0] == 2
