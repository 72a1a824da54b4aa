"""Claim matching: rewordings find their fact-check, other claims do not, and a changed number or
date never makes a match."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.matching import (
    CONFLICT_FACTOR,
    FUSED_THRESHOLD,
    WORD_THRESHOLD,
    ReviewIndex,
    conflict,
    facts_of,
)

ARCHIVE = [
    "Tap water in Springfield contains lithium to calm residents",
    "The new Springfield stadium will cost 45 million dollars",
    "Eating carrots lets people see in complete darkness",
    "The Great Wall of China is visible from the Moon with the naked eye",
    "Ultraviolet light is associated with lower COVID-19 growth rates",
    "The bridge over the Elbe opened in March 2015",
]


@pytest.fixture(scope="module")
def index() -> ReviewIndex:
    return ReviewIndex(ARCHIVE)


def test_a_reworded_claim_finds_its_fact_check(index: ReviewIndex) -> None:
    found = index.matches("Springfield's tap water contains lithium that calms residents")
    assert [m.index for m in found] == [0]
    assert found[0].score >= WORD_THRESHOLD and found[0].conflict is None
    assert index.scorer == "words" and index.threshold == WORD_THRESHOLD


def test_another_claim_finds_nothing(index: ReviewIndex) -> None:
    assert index.matches("The council approved a new library in Springfield") == []
    assert index.matches("") == []


def test_a_different_number_is_not_the_same_claim(index: ReviewIndex) -> None:
    [scored] = [m for m in index.score("The new Springfield stadium will cost 450 million dollars")
                if m.index == 1]
    assert scored.conflict == "numbers differ" and scored.words == 1.0
    assert scored.score == pytest.approx(CONFLICT_FACTOR * scored.words, abs=1e-3)
    assert index.matches("The new Springfield stadium will cost 450 million dollars") == []
    assert [m.index for m in index.matches("Springfield's new stadium will cost 45 million dollars")
            ] == [1]


def test_dates_must_agree(index: ReviewIndex) -> None:
    assert index.matches("The bridge over the Elbe opened in March 2016") == []
    assert [m.index for m in index.matches("The bridge over the Elbe opened in 2015")] == [5]


def test_a_reversed_claim_matches_but_is_flagged(index: ReviewIndex) -> None:
    found = index.matches("Ultraviolet light is associated with higher COVID-19 growth rates")
    assert [m.index for m in found] == [4] and found[0].opposed
    found = index.matches("Eating carrots does not let people see in complete darkness")
    assert [m.index for m in found] == [2] and found[0].opposed
    assert not index.matches("Eating carrots lets people see in complete darkness")[0].opposed


def test_a_number_on_one_side_only_is_no_conflict() -> None:
    assert conflict(facts_of("Vaccines cause autism"),
                    facts_of("Vaccines cause autism in 1 in 10 children")) is None


def test_fused_score_uses_the_vectors() -> None:
    vectors = np.eye(3, 4, dtype=np.float32)
    index = ReviewIndex(["alpha beta gamma", "delta epsilon zeta", "eta theta iota"], vectors)
    assert index.scorer == "words+semantic" and index.threshold == FUSED_THRESHOLD
    # no word in common, the same meaning: the cosine alone carries a quarter of the score
    [top, *_] = index.score("kappa lambda", vectors[1])
    assert top.index == 1 and top.words == 0.0 and top.semantic == 1.0
    assert index.matches("kappa lambda", vectors[1]) == []  # meaning alone is not enough here
    found = index.matches("delta epsilon zeta", vectors[1])
    assert [m.index for m in found] == [1] and found[0].score == 1.0
    with pytest.raises(ValueError, match="vectors"):
        ReviewIndex(["one"], vectors)


TEMPLATES = [
    "The new stadium in {place} will cost {n} million dollars",
    "{n} percent of residents in {place} own a bicycle",
    "The {place} marathon drew {n} runners last year",
    "Unemployment in {place} fell to {n} percent",
]


@settings(max_examples=60, deadline=None)
@given(template=st.sampled_from(TEMPLATES),
       place=st.sampled_from(["Springfield", "Riverton", "Lakeside"]),
       n=st.integers(min_value=2, max_value=9000), delta=st.integers(min_value=1, max_value=500),
       others=st.lists(st.sampled_from(ARCHIVE), max_size=4))
def test_a_changed_number_never_raises_a_match(template: str, place: str, n: int, delta: int,
                                               others: list[str]) -> None:
    """Property: with the number changed, the archived claim scores below its own wording and is
    never a match, whatever else the archive holds."""
    archived = template.format(place=place, n=n)
    changed = template.format(place=place, n=n + delta)
    index = ReviewIndex([archived, *others])
    same = {m.index: m.score for m in index.score(archived)}
    moved = {m.index: m for m in index.score(changed)}
    assert moved[0].conflict == "numbers differ"
    assert moved[0].score < same[0]
    assert all(m.index != 0 for m in index.matches(changed, threshold=0.0))


@settings(max_examples=40, deadline=None)
@given(template=st.sampled_from(["The bridge over the {place} river opened in {n}",
                                 "The {place} marathon drew {n} runners",
                                 "In {n} the {place} council banned cars from the old town"]),
       place=st.sampled_from(["Elbe", "Tay", "Loire"]),
       n=st.integers(min_value=1000, max_value=2100), delta=st.integers(min_value=1, max_value=60))
def test_a_changed_year_or_year_like_count_never_matches(template: str, place: str, n: int,
                                                         delta: int) -> None:
    """Four-digit numbers may be read as years on one side and counts on the other; either way a
    changed one is no match."""
    index = ReviewIndex([template.format(place=place, n=n)])
    changed = template.format(place=place, n=n + delta)
    [scored] = index.score(changed)
    assert scored.conflict is not None
    assert index.matches(changed, threshold=0.0) == []
