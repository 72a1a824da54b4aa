"""Property tests: no input makes extraction raise, and offsets always slice back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import (
    checkworthiness,
    claim_id,
    extract_claims,
    find_dates,
    find_entities,
    find_quantities,
    normalize_claim,
    same_claim,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "article.txt"
# text that looks like news: words, numbers, quotes, punctuation, line breaks, any Unicode
NEWSY = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from([
            "Tencent", "Honour of Kings", "200 million", "$1.5bn", "35%", "June 1st", "2017", "“",
            "”", '"', ".", ". ", "? ", "\n\n", "• ", "said", "Mr.", "U.S.", "top 10", ", and ",
            "second only to", "Select Page", "It ", "Its ", "who was", "both of which are",
            ",” says ", "” he added", " said: “", "   .", "ſix", "laſt year", "ONE IN ſIX", "İstanbul",
            "ﬁve", "K", "one in five", "a third", "NEW YORK (Reuters) - ", "[link](http://x/1)",
        ]),
    ),
    max_size=60,
).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str) -> None:
    for claim in extract_claims(text, keep_all=True):
        assert text[claim.start:claim.end] == claim.sentence
        assert 0.0 <= claim.checkworthiness <= 1.0
        assert claim.id.startswith("c_") and len(claim.id) == 18


@FAST
@given(st.text())
def test_arbitrary_unicode(text: str) -> None:
    _check(text)


@FAST
@given(NEWSY)
def test_newsy_text(text: str) -> None:
    _check(text)
    assert len(checkworthiness([text, text[::-1]])) == 2


@FAST
@given(st.binary(max_size=2000))
def test_binary_looking(data: bytes) -> None:
    _check(data.decode("latin-1"))
    _check(data.decode("utf-8", errors="replace"))


@FAST
@given(NEWSY, NEWSY)
def test_normalizers_answer_from_the_text(a: str, b: str) -> None:
    """What the finders return is in the text; ids have their shape; a claim is itself."""
    assert all(q.text and q.text in a for q in find_quantities(a))
    assert all(d.text and d.text in a for d in find_dates(a))
    assert all(e.text and e.text in a for e in find_entities(a))
    assert re.fullmatch(r"c_[0-9a-f]{16}", claim_id(a))
    # a wording is its own claim, unless it has no content word beyond a negation ("No.")
    assert same_claim(a, a) or set(normalize_claim(a).split()) <= {"not"}
    assert same_claim(a, b) == same_claim(b, a) or not (a.strip() and b.strip())


@pytest.mark.parametrize(
    ("text", "quantities", "dates"),
    [
        # an attribution with no one after the verb
        ("“Hello there my friend,” says   .", [], []),
        # case-folding look-alikes of number words: the long s reads as an s
        ("one in ſix people; ſix firms; laſt year",
         [("one in ſix people", 0.1667, "fraction"), ("ſix firms", 6.0, "count")],
         [("laſt year", 2019, None, None)]),
        ("Prices fell on ſunday and laſt month.", [],
         [("on ſunday", 2019, 12, 29), ("laſt month", 2019, 12, None)]),
    ],
)
def test_found_by_hypothesis_or_review(
    text: str, quantities: list[tuple[str, float, str]], dates: list[tuple[str, int, int, int]],
) -> None:
    _check(text)
    assert [(q.text, q.value, q.unit) for q in find_quantities(text)] == quantities
    assert [(d.text, d.year, d.month, d.day)
            for d in find_dates(text, published=date(2020, 1, 1))] == dates


def test_empty_and_blank() -> None:
    for text in ("", " ", "\n\n\n", "\x00" * 10):
        assert extract_claims(text) == []
    assert checkworthiness([]) == []
    assert checkworthiness([""])[0] < 0.5


def test_not_text() -> None:
    assert extract_claims(b"bytes are not text") == []  # type: ignore[arg-type]


def test_huge_inputs() -> None:
    """5 MB inputs finish (a few seconds each) and keep their offsets."""
    base = EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.is_file() else "Tencent has 200 million users.\n\n"
    for text in (
        (base * (5_000_000 // len(base) + 1))[:5_000_000],
        ("word " * 1_000_000)[:5_000_000],
        "." * 5_000_000,
    ):
        _check(text)


def test_normalizers_linear_on_long_passages() -> None:
    """Thousands of numbers, dates and names in one passage: every one found, in linear time
    (overlap checks go through a character mask, context windows are bounded)."""
    text = "Sales rose 12% to $3.4 billion on 1 June 2017 at Tencent, up from 200 million. " * 5000
    assert len(find_quantities(text)) == 15000
    assert len(find_dates(text)) == 5000
    assert len(find_entities(text)) == 5000


def test_binary_file_gives_nothing() -> None:
    data = bytes(range(256)) * 4000
    assert extract_claims(data.decode("latin-1")) == []
