"""Claim identity by meaning: close sentence vectors join two wordings only when their slots agree.

The rule is pure (a cosine is passed in), so the properties run without the model: a changed
number, date, denial or opposite word never becomes "same claim", however close the vectors.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.identity import SAME_COSINE, same_claim, same_meaning, slots_agree

CLAIM = "The hospital admitted {n} patients with influenza in {month} 2019."
TEMPLATES = [
    "The hospital admitted {n} patients with influenza in {month} 2019.",
    "In {month} 2019, {n} flu patients were taken in by the hospital.",
    "Some {n} people with the flu were admitted to the hospital in {month} 2019.",
    "Unemployment in Spain fell to {n} percent in {month} 2019.",
    "Tesla delivered {n} cars in {month} 2019, the company said.",
]
MONTHS = ["January", "March", "June", "October"]


def test_reworded_claims_with_the_same_slots_are_one_claim_when_close() -> None:
    a = "Vaccinated people were far less likely to be admitted to hospital."
    b = "Immunisation sharply cut the odds of a hospital stay."
    assert not same_claim(a, b)  # words alone: too few shared
    assert same_meaning(a, b, SAME_COSINE + 0.05)
    assert not same_meaning(a, b, SAME_COSINE - 0.05)


def test_a_denial_or_an_opposite_word_is_another_claim() -> None:
    a = "Ultraviolet light is associated with lower COVID-19 growth rates."
    assert not same_meaning(a, a.replace("lower", "higher"), 0.99)
    assert not same_meaning(a, "Ultraviolet light is not associated with lower COVID-19 growth "
                               "rates.", 0.99)
    assert not slots_agree("Fines rose in 2019.", "Fines rose in 2020.")


@settings(max_examples=150, deadline=None)
@given(template=st.sampled_from(TEMPLATES), other=st.sampled_from(TEMPLATES),
       n=st.integers(min_value=2, max_value=900_000), delta=st.integers(min_value=1, max_value=5000),
       month=st.sampled_from(MONTHS), cosine=st.floats(min_value=-1.0, max_value=1.0))
def test_numbers_changed_never_raise_a_match(template: str, other: str, n: int, delta: int,
                                             month: str, cosine: float) -> None:
    a = template.format(n=f"{n:,}", month=month)
    b = other.format(n=f"{n + delta:,}", month=month)
    assert not same_meaning(a, b, cosine)
    assert not same_meaning(b, a, 1.0)


@settings(max_examples=60, deadline=None)
@given(template=st.sampled_from(TEMPLATES), n=st.integers(min_value=2, max_value=900_000),
       months=st.lists(st.sampled_from(MONTHS), min_size=2, max_size=2, unique=True))
def test_dates_changed_never_raise_a_match(template: str, n: int, months: list[str]) -> None:
    a = template.format(n=f"{n:,}", month=months[0])
    b = template.format(n=f"{n:,}", month=months[1])
    assert not same_meaning(a, b, 1.0)
