"""Properties the stance rules must keep whatever the wording: a supporting passage whose number or
year is changed no longer supports; a passage about something else never supports or refutes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.align import LOWER, UPPER
from claims.model import Quantity
from claims.slots import claim_slots
from claims.stance import judge

ROWS = [json.loads(line) for line in
        (Path(__file__).parent / "data" / "stance_pairs.jsonl").read_text("utf-8").splitlines()]
# a number written with digits, not a year, not an identifier ("Article 68")
NUMBER = re.compile(r"(?<![\w.,])(?<!Article )(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d,]*\d)")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _is_year(m: re.Match[str]) -> bool:
    return m.group(2) is None and "," not in m.group(1) and 1800 <= int(m.group(1)) <= 2099


def _numbers(text: str) -> list[re.Match[str]]:
    return [m for m in NUMBER.finditer(text) if not _is_year(m)]


def _bound(q: Quantity) -> str:
    """The qualifier of a claimed quantity; "top 10" is a ceiling like "up to 10"."""
    if q.unit == "rank" and q.text.lower().startswith("top"):
        return "up to"
    return (q.qualifier or "").lower()


def _claim_quantities(claim: str) -> list[str]:
    return [_bound(s.quantity) for s in claim_slots(claim).sentences[0].quantities if s.quantity]


NUMBER_PAIRS = [r for r in ROWS if r["label"] == "supports" and _claim_quantities(r["claim"])
                and _numbers(r["passage"])]
YEAR_PAIRS = [r for r in ROWS if r["label"] == "supports"
              and any(d.date is not None and d.date.year
                      for d in claim_slots(r["claim"]).sentences[0].dates)
              and YEAR.search(r["passage"])]


def _scale(text: str, factor: float) -> str:
    def one(m: re.Match[str]) -> str:
        if _is_year(m):
            return m.group(0)
        value = float(m.group(0).replace(",", "")) * factor
        return f"{value:,.0f}" if "," in m.group(0) else f"{value:.6g}"

    return NUMBER.sub(one, text)


def test_there_are_enough_cases() -> None:
    assert len(NUMBER_PAIRS) >= 15 and len(YEAR_PAIRS) >= 15


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NUMBER_PAIRS), st.floats(min_value=1.3, max_value=20.0), st.booleans())
def test_changed_number_never_supports(row: dict[str, str], factor: float, down: bool) -> None:
    qualifiers = {q for q in _claim_quantities(row["claim"]) if q}
    # "more than 1 billion" stays true of a bigger number, "up to" of a smaller one: change the
    # number the way that makes the claim false
    if qualifiers & LOWER:
        down = True
    elif qualifiers & UPPER:
        down = False
    changed = _scale(row["passage"], 1 / factor if down else factor)
    got = judge(claim_slots(row["claim"]), changed)
    assert got.stance != "supports", (row["id"], changed, got.reason)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(YEAR_PAIRS), st.integers(min_value=1, max_value=40), st.booleans())
def test_changed_year_never_supports(row: dict[str, str], shift: int, down: bool) -> None:
    changed = YEAR.sub(lambda m: str(int(m.group(1)) + (-shift if down else shift)), row["passage"])
    got = judge(claim_slots(row["claim"]), changed)
    assert got.stance != "supports", (row["id"], changed, got.reason)


OFF_TOPIC = (
    "The {n} volunteers planted {m} oak saplings along the canal in {month} {year}.",
    "Ticket sales for the jazz festival reached {n} on {day} {month}, organisers said.",
    "The recipe needs {n} grams of butter and bakes for {m} minutes at a low heat.",
    "Glaciers in the valley retreated {n} metres between {year} and {year2}, surveyors found.",
    "Our neighbourhood library lent {n} books last month and hosted {m} reading clubs.",
    "The ferry did not sail on {day} {month} {year} because waves reached {m} metres.",
    "Researchers denied that the {n} beetles found in {year} belonged to a new species.",
    "A vintage tram, built in {year}, carried {n} passengers on its final run.",
)
MONTHS = ("January", "March", "June", "August", "October", "December")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted({r["claim"] for r in ROWS})),
    st.lists(st.sampled_from(OFF_TOPIC), min_size=1, max_size=3),
    st.integers(min_value=2, max_value=900_000), st.integers(min_value=2, max_value=500),
    st.sampled_from(MONTHS), st.integers(min_value=1, max_value=28),
    st.integers(min_value=1990, max_value=2024),
)
def test_unrelated_passage_is_neutral(
    claim: str, templates: list[str], n: int, m: int, month: str, day: int, year: int
) -> None:
    passage = " ".join(t.format(n=f"{n:,}", m=m, month=month, day=day, year=year, year2=year + 3)
                       for t in templates)
    got = judge(claim_slots(claim), passage)
    assert got.stance == "neutral", (claim, passage, got.reason)
