"""The stages of extraction one by one: cleaning, sentences, quotes, decomposition, kinds."""

from __future__ import annotations

import pytest

from claims import extract_claims, find_quantities
from claims.clean import blocks, body_blocks
from claims.decompose import decompose
from claims.extract import dateline, tidy
from claims.kinds import claim_kind
from claims.quotes import find_quote
from claims.sentences import split_sentences

PAGE = """Select Page

Tariffs Rise Again

Tariffs Rise Again

By Ana Lima | 4 May 2025

Photo: Containers at the port of Santos (Reuters)

The government raised import tariffs on steel to 25% on 2 May.

Share this article: [Twitter](https://twitter.com/x) | [Facebook](https://facebook.com/x)

About The Author
"""


def test_furniture_is_dropped_and_offsets_kept() -> None:
    kinds = [(b.kind, PAGE[b.start:b.end]) for b in blocks(PAGE)]
    body = [text for kind, text in kinds if kind == "body"]
    assert body == ["The government raised import tariffs on steel to 25% on 2 May."]
    assert ("heading", "Tariffs Rise Again") in kinds
    assert ("furniture", "Tariffs Rise Again") in kinds  # the repeated title
    for kind, text in kinds:
        if text.startswith(("Select", "By Ana", "Photo:", "Share", "About")):
            assert kind == "furniture", text
    assert [PAGE[b.start:b.end] for b in body_blocks(PAGE)] == body


def test_dateline_dates_the_article() -> None:
    (claim,) = extract_claims(PAGE)
    assert [(d.year, d.month, d.day) for d in claim.dates] == [(2025, 5, 2)]
    assert dateline(PAGE) is not None and dateline("No date here.\n\nNone at all.") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith paid $3.5 million in the U.S. last year. He left.",
         ["Mr. Smith paid $3.5 million in the U.S. last year.", "He left."]),
        ("“We grew. We hired,” says CEO Jane Roe. Then we stopped.",
         ["“We grew. We hired,” says CEO Jane Roe.", "Then we stopped."]),
        ('"Houston, Tranquility Base here. The Eagle has landed," Armstrong radioed. Done.',
         ['"Houston, Tranquility Base here. The Eagle has landed," Armstrong radioed.', "Done."]),
        ("Is it? Yes! It is.", ["Is it?", "Yes!", "It is."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_quotes_speaker_and_words() -> None:
    q = find_quote("“Prices will fall,” said Jane Roe, an economist at the bank.")
    assert q is not None and (q.quote.speaker, q.quote.words) == ("Jane Roe", "Prices will fall")
    q = find_quote("“That is simply wrong,” he added.", previous_speaker="Jane Roe")
    assert q is not None and q.quote.speaker == "Jane Roe"
    q = find_quote("The minister said: “We will cut emissions by half by 2030.”")
    assert q is not None and q.quote.words.startswith("We will cut emissions")
    assert find_quote("They spread “false rumors.”") is None


@pytest.mark.parametrize(
    ("sentence", "parts"),
    [
        ("Facebook, Twitter, and most of Google’s services are blocked in China.",
         ["Facebook is blocked in China.", "Twitter is blocked in China.",
          "Most of Google’s services are blocked in China."]),
        ("Tencent is a gaming company whose WeChat messaging service has a virtual monopoly.",
         ["Tencent is a gaming company.", "Tencent’s WeChat messaging service has a virtual monopoly."]),
        ("People use apps run by Alibaba or Tencent, both of which are among the top 10 companies.",
         ["People use apps run by Alibaba or Tencent.",
          "Alibaba and Tencent are among the top 10 companies."]),
        ("Shop signs are common, and the game has 200 million accounts.",
         ["Shop signs are common.", "The game has 200 million accounts."]),
        ("In effect, the state runs the network.", ["The state runs the network."]),
        ("NEW YORK (Reuters) - Oil prices rose 2% on Monday.", ["Oil prices rose 2% on Monday."]),
        ("In July the People's Daily accused the game of harm, and within days Tencent limited play.",
         ["In July the People's Daily accused the game of harm.", "Within days Tencent limited play."]),
        ("Prices rose in May, and in June they fell.", ["Prices rose in May.", "In June prices fell."]),
        ("The ability sounds good, but is it worth it?", ["The ability sounds good, but is it worth it?"]),
    ],
)
def test_decompose(sentence: str, parts: list[str]) -> None:
    assert decompose(sentence) == parts


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The game has 200 million registered accounts.", "statistic"),
        ("Alibaba is second only to Amazon.", "comparison"),
        ("A new law requires ISPs to help the police.", "law"),
        ("The regulator fined Tencent in September.", "event"),
        ("Tencent is a gaming company.", "other"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert claim_kind(text, find_quantities(text)) == kind


def test_markdown_and_links_tidied() -> None:
    assert tidy("ending 142 years, [according to the BBC](https://bbc.co.uk/a/1).") == (
        "ending 142 years, according to the BBC."
    )
    assert tidy("**Ratcliffe-on-Soar** closed (see https://gov.uk/x-2012.pdf).") == "Ratcliffe-on-Soar closed."


def test_list_items() -> None:
    text = "Tencent filters feeds for content such as:\n\n• Pornography\n\n• Gambling\n\n- Wind supplied 30% of UK power in 2024.\n"
    claims = extract_claims(text, keep_all=True)
    texts = [c.text for c in claims]
    assert "Tencent filters feeds for content such as pornography and gambling." in texts
    wind = [c for c in claims if c.text.startswith("Wind supplied")]
    assert wind and text[wind[0].start:wind[0].end] == "Wind supplied 30% of UK power in 2024."


def test_it_carries_the_subject() -> None:
    text = ("The International Space Station is the largest structure in orbit. "
            "It circles the Earth about 16 times a day. Its first module launched in 1998.")
    texts = [c.text for c in extract_claims(text)]
    assert "The International Space Station circles the Earth about 16 times a day." in texts
    assert "The International Space Station’s first module launched in 1998." in texts


def test_lines_are_paragraphs_without_blank_lines() -> None:
    """Text from an HTML extractor has one paragraph per line; furniture lines still drop out."""
    text = "Select Page\nTariffs Rise Again\nThe government raised tariffs on steel to 25%.\nShare\n"
    assert [(b.kind, text[b.start:b.end]) for b in blocks(text)] == [
        ("furniture", "Select Page"),
        ("heading", "Tariffs Rise Again"),
        ("body", "The government raised tariffs on steel to 25%."),
        ("furniture", "Share"),
    ]
    wrapped = "The government raised tariffs\non steel to 25% on Monday.\n\nShare\n"
    assert [b.kind for b in blocks(wrapped)] == ["body", "furniture"]


def test_tables_titles_and_dates_next_to_names() -> None:
    text = ("| Party | Seats |\n|---|---|\n| Labour | 411 |\n\n"
            "“This is a mandate for change,” Prime Minister Keir Starmer said on Friday.\n")
    claims = extract_claims(text)
    assert [c.text for c in claims] == ["Prime Minister Keir Starmer said “This is a mandate for change”."]
    assert claims[0].quote is not None and claims[0].quote.speaker == "Keir Starmer"
