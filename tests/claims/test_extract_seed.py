"""Extraction on the article the project was built around (../shared/seed/article.txt)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claims import Claim, claim_to_json, extract_claims

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"
pytestmark = pytest.mark.skipif(not SEED.is_file(), reason=f"seed article absent: {SEED}")

# Our expected list: each required claim is matched by words its text must contain.
REQUIRED = [
    ("forcing tech companies", "Alibaba"),
    ("United States", "court-approved"),
    ("search warrants",),
    ("do not release any information",),
    ("facial-recognition",),
    ("Alibaba is required", "hunt down criminal suspects"),
    ("Baidu is required",),
    ("Tencent is required",),
    ("Jack Ma", "inseparable from the Internet"),
    ("Hu Jia", "spy watching them"),
    ("Hu Jia was confronted by state security agents",),
    ("Wall Street Journal", "no independent judiciary"),
    ("threatened to shut down companies",),
    ("Facebook is blocked in China",),
    ("Twitter is blocked in China",),
    ("Google", "blocked in China"),
    ("June 1st", "new law went into effect"),
    ("Cyberspace Administration", "fines on Tencent"),
    ("online monitoring operations", "pornography", "state secrets"),
    ("Alibaba and Tencent are among the world’s top 10",),
    ("second only to Amazon",),
    ("WeChat messaging service has a virtual monopoly",),
    ("Honour of Kings", "200 million registered accounts"),
]
FORBIDDEN = [
    "Select Page",
    "About The Author",
    "is it worth the privacy",  # the rhetorical question
    "time to dial that back",  # the editor's exhortation
    "let’s not forget",
    "Spy on Citizens",  # the title, twice
    "He gave it to them",
]


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def claims(text: str) -> list[Claim]:
    return extract_claims(text)


def _find(claims: list[Claim], *words: str) -> Claim:
    hits = [c for c in claims if all(w in c.text for w in words)]
    assert hits, f"no claim with {words}"
    return hits[0]


@pytest.mark.parametrize("words", REQUIRED, ids=lambda w: w[0][:30])
def test_required_claims(claims: list[Claim], words: tuple[str, ...]) -> None:
    assert _find(claims, *words).checkworthy


@pytest.mark.parametrize("words", FORBIDDEN)
def test_not_claims(claims: list[Claim], words: str) -> None:
    assert not [c.text for c in claims if words in c.text or words in c.sentence]


def test_offsets_slice_back(text: str) -> None:
    for claim in extract_claims(text, keep_all=True):
        assert text[claim.start:claim.end] == claim.sentence


def test_june_law_date_normalized(text: str, claims: list[Claim]) -> None:
    law = _find(claims, "June 1st")
    assert law.kind == "law"
    assert [(d.month, d.day, d.year) for d in law.dates] == [(6, 1, None)]  # no year: never invented
    dated = _find(extract_claims(text, published=date(2017, 7, 3)), "June 1st")
    assert [(d.year, d.month, d.day) for d in dated.dates] == [(2017, 6, 1)]


def test_fines_tag_both_entities(claims: list[Claim]) -> None:
    fines = _find(claims, "fines on Tencent")
    got = {(e.canonical, e.type) for e in fines.entities}
    assert ("Cyberspace Administration of China", "organisation") in got
    assert ("Tencent", "organisation") in got
    assert fines.kind == "event"


def test_honour_of_kings_quantity(claims: list[Claim]) -> None:
    hok = _find(claims, "Honour of Kings")
    assert hok.kind == "statistic"
    assert [(q.value, q.unit) for q in hok.quantities] == [(200_000_000, "count")]
    assert "Honor of Kings" in {e.canonical for e in hok.entities}


def test_ranks(claims: list[Claim]) -> None:
    assert [(q.value, q.unit) for q in _find(claims, "top 10").quantities] == [(10, "rank")]
    assert [(q.value, q.unit) for q in _find(claims, "second only").quantities] == [(2, "rank")]


def test_quotes_keep_speaker_and_words_apart(claims: list[Claim]) -> None:
    ma = _find(claims, "Jack Ma")
    assert ma.kind == "quote" and ma.quote is not None
    assert ma.quote.speaker == "Jack Ma"
    assert ma.quote.words.startswith("The political and legal system")
    added = _find(claims, "WeChat is completely compromised")
    assert added.quote is not None and added.quote.speaker == "Hu Jia"


def test_low_scores_kept_for_the_record(text: str) -> None:
    everything = extract_claims(text, keep_all=True)
    question = [c for c in everything if "is it worth the privacy" in c.sentence]
    assert question and all(c.checkworthiness < 0.5 for c in question)


def test_json_contract(claims: list[Claim]) -> None:
    row = claim_to_json(_find(claims, "Honour of Kings"))
    for key in ("id", "text", "sentence", "start", "end", "kind", "checkworthiness", "entities",
                "quantities", "dates"):
        assert key in row
    assert row["quantities"][0]["value"] == 200_000_000
    assert {"text", "type"} <= set(row["entities"][0])
    assert row["id"].startswith("c_")
