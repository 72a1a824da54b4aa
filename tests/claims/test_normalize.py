"""Quantities, dates and entities: the normalizers claims and verification both lean on."""

from __future__ import annotations

from datetime import date

import pytest

from claims.dates import find_dates
from claims.entities import canonical, find_entities
from claims.model import DateRef
from claims.quantities import find_quantities


def _q(text: str) -> list[tuple[float, str]]:
    return [(q.value, q.unit) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The game has 200 million registered accounts in China.", [(200e6, "count")]),
        ("Honor of Kings has 200m registered users", [(200e6, "count")]),
        ("among the world's top 10 most valuable companies", [(10, "rank")]),
        ("an e-commerce giant second only to Amazon", [(2, "rank")]),
        ("They spent about $3 million and $1.5 trillion.", [(3e6, "USD"), (1.5e12, "USD")]),
        ("Unemployment fell to 3.5% last year", [(3.5, "percent")]),
        ("up 12 per cent", [(12, "percent")]),
        ("a fine of 1.2bn yuan", [(1.2e9, "CNY")]),
        ("fined €50 million", [(50e6, "EUR")]),
        ("the 6,300 km river", [(6300, "km")]),
        ("three million people", [(3e6, "count")]),
        ("the third-largest economy", [(3, "rank")]),
        ("the world's largest dam", [(1, "rank")]),
        ("In 2017, on June 1st", []),
        ("technology will one day make it possible", []),
        ("at the G20 summit on 4G networks", []),
        ("The bill passed the Senate 68-32.", []),  # a tally, not two quantities
    ],
)
def test_quantities(text: str, expected: list[tuple[float, str]]) -> None:
    assert _q(text) == expected


def test_quantity_measure_and_qualifier() -> None:
    (q,) = find_quantities("Officials said more than 500,000 registered voters were affected.")
    assert (q.value, q.measure, q.qualifier) == (500000, "registered voters", "more than")
    (q,) = find_quantities("Apple sold 232 million iPhones in 2023.")
    assert q.measure == "iPhones"
    (q,) = find_quantities("Tencent's game has 200 million registered accounts in China.")
    assert q.text == "200 million registered accounts"
    assert q.qualifier is None


def test_share_of_what() -> None:
    (q,) = find_quantities("Labour won 33.7% of the vote.")
    assert (q.text, q.measure) == ("33.7% of the vote", "vote")
    (q,) = find_quantities("Gas supplied about a third of the country's electricity in 2023.")
    assert (q.value, q.unit, q.measure, q.qualifier) == (0.3333, "fraction", "country's electricity", "about")


def test_dates_use_publication_year_never_invent() -> None:
    assert find_dates("On June 1st, a new law went into effect") == [DateRef("June 1st", None, 6, 1)]
    assert find_dates("On June 1st, a new law", published=date(2017, 7, 20)) == [
        DateRef("June 1st", 2017, 6, 1)
    ]
    # a December date in a January article is last year's December
    assert find_dates("on December 5", published=date(2018, 1, 10))[0].year == 2017
    # a year elsewhere in the same text completes the day-month
    assert find_dates("In 2016 the rule changed on 1 March.")[-1] == DateRef("1 March", 2016, 3, 1)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("2017-06-01", DateRef("2017-06-01", 2017, 6, 1)),
        ("June 1, 2017", DateRef("June 1, 2017", 2017, 6, 1)),
        ("1st of June 2017", DateRef("1st of June 2017", 2017, 6, 1)),
        ("in March 2020", DateRef("March 2020", 2020, 3, None)),
        ("since 1998", DateRef("1998", 1998, None, None)),
    ],
)
def test_date_forms(text: str, ref: DateRef) -> None:
    assert find_dates(text) == [ref]


def test_relative_dates_need_publication() -> None:
    assert find_dates("Prices rose last year") == []
    assert find_dates("Prices rose last year", published=date(2017, 7, 20)) == [
        DateRef("last year", 2016, None, None)
    ]
    assert find_dates("It was said yesterday", published=date(2017, 7, 20))[0].day == 19


def test_not_dates() -> None:
    assert find_dates("It may rain; sales reached 2017 percent; Feb. 30 is no day") == []
    assert find_dates("Theresa May said prices May rise.") == []


def test_may_the_month_needs_a_cue() -> None:
    assert find_dates("Growth slowed in May.", published=date(2020, 7, 1)) == [DateRef("May", 2020, 5, None)]


def test_entities_typed_with_aliases() -> None:
    ents = find_entities(
        "Acting under this law, China’s Cyberspace Administration was able to slap massive "
        "fines on Tencent."
    )
    got = {(e.canonical, e.type) for e in ents}
    assert ("Cyberspace Administration of China", "organisation") in got
    assert ("Tencent", "organisation") in got
    ents = find_entities("Tencent’s “Honour of Kings” mobile game, says activist Hu Jia in Beijing.")
    got = {(e.canonical, e.type) for e in ents}
    assert {("Honor of Kings", "product"), ("Hu Jia", "person"), ("Beijing", "place")} <= got


@pytest.mark.parametrize(
    ("alias", "canon"),
    [
        ("Honour of Kings", "Honor of Kings"),
        ("CAC", "Cyberspace Administration of China"),
        ("the Wall Street Journal", "The Wall Street Journal"),
        ("U.S.", "United States"),
        ("Tencent's", "Tencent"),
        ("Some Unknown Body", "Some Unknown Body"),
    ],
)
def test_canonical(alias: str, canon: str) -> None:
    assert canonical(alias) == canon


def test_unknown_names_typed_by_shape() -> None:
    got = {(e.text, e.type) for e in find_entities("Under the Data Protection Act, the Ministry of Truth acted.")}
    assert ("Data Protection Act", "law") in got
    assert ("Ministry of Truth", "organisation") in got
    # acronyms must be capitals: "who" is not the WHO
    assert find_entities("people who voted") == []
