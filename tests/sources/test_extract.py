"""extract_document on pages we wrote: metadata, links, JSON-LD, ClaimReview and hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.extract import extract_document, iso_date

PAGES = Path(__file__).parent / "fixtures" / "pages"


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_news_article_text_and_metadata() -> None:
    doc = extract_document(_page("news_article.html"), url="https://coastal-ledger.example/energy/tidal-plant-opens")
    assert doc is not None
    assert "40 megawatts" in doc.text and "no measurable effect on salmon" in doc.text
    assert "Most read" not in doc.text and "All rights reserved" not in doc.text
    assert doc.title == "Harbour city opens its third tidal power plant"
    assert doc.canonical_url == "https://coastal-ledger.example/energy/tidal-plant-opens"
    assert doc.published == "2024-03-18"
    assert doc.author == "Mira Okafor"
    assert doc.language == "en"
    assert {t for t in ("NewsArticle", "WebSite")} <= {o.get("@type") for o in doc.jsonld}


def test_links_are_the_main_texts_resolved_and_untracked_by_canonical_form() -> None:
    doc = extract_document(_page("news_article.html"), url="https://coastal-ledger.example/energy/tidal-plant-opens")
    assert doc is not None
    urls = {link.url: link.text for link in doc.links}
    assert urls["https://marine-institute.example/study/turbines"] == "Marine Institute"
    assert urls["https://coastal-ledger.example/people/fishers-union"] == "fishers' union"
    assert any(u.startswith("https://energy-agency.example/reports/2024/tidal") for u in urls)
    assert not any(u.endswith(("/sport", "/privacy", "/x")) for u in urls), "navigation is not a source"


def test_claimreview_is_parsed_into_a_rating() -> None:
    doc = extract_document(_page("factcheck_page.html"), url="https://checkers.example/fact-check/moon-studio")
    assert doc is not None
    (review,) = doc.claim_reviews
    assert review.claim_reviewed == "The 1969 moon landing footage was filmed in a studio."
    assert review.rating == "False"
    assert (review.rating_value, review.best_rating, review.worst_rating) == (1.0, 5.0, 1.0)
    assert review.publisher == "Checkers Desk"
    assert review.date_published == "2024-01-05"
    assert review.url == "https://checkers.example/fact-check/moon-studio"
    assert doc.author is None, "a fact-checker's organisation is not a byline"


def test_broken_html_still_reads() -> None:
    doc = extract_document(_page("broken.html"))
    assert doc is not None
    assert "river flooding in April" in doc.text
    assert "emergency funds" in doc.text


def test_non_english_page_reports_its_language() -> None:
    doc = extract_document(_page("german.html"))
    assert doc is not None and doc.language == "de"


@pytest.mark.parametrize("body", [
    b"", b"   \n ", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\x00\x00>>", "<html><body></body></html>",
    "<html><head><title>Only a title</title></head><body><script>var x = 1;</script></body></html>",
])
def test_nothing_to_read_is_none(body: bytes | str) -> None:
    assert extract_document(body) is None


def test_hostile_inputs_give_a_plain_answer() -> None:
    # deeper than the parser goes: no document rather than an error (200 levels read, below)
    assert extract_document("<div>" * 20_000 + "deep" + "</div>" * 20_000) is None
    brackets = extract_document("<html><body><p>" + "<" * 10_000 + "</p></body></html>")
    assert brackets is not None and brackets.text == "<" * 10_000  # text, not markup
    # a ClaimReview with a rating that is not an object: the JSON-LD is kept, no review is made up
    odd = extract_document('<script type="application/ld+json">{"@type": ["ClaimReview"], '
                           '"reviewRating": 5}</script><p>x</p>')
    assert odd is not None and odd.text == "x"
    assert odd.jsonld == ({"@type": ["ClaimReview"], "reviewRating": 5},)
    assert odd.claim_reviews == ()
    latin1 = extract_document(
        b"<html><body><p>caf\xe9 cr\xe8me br\xfbl\xe9e is on the menu today.</p></body></html>")
    assert latin1 is not None and latin1.text == "café crème brûlée is on the menu today."


def test_shallow_nesting_reads() -> None:
    doc = extract_document("<html><body>" + "<div>" * 200 + "<p>Deeply placed text about the harbour.</p>" + "</div>" * 200 + "</body></html>")
    assert doc is not None and "harbour" in doc.text


def test_huge_page_is_read_in_bounded_time() -> None:
    big = "<html><body>" + "".join(f"<p>Paragraph {i} of a very long page.</p>" for i in range(65_000)) + "</body></html>"
    started = time.perf_counter()
    doc = extract_document(big)
    assert doc is not None and "Paragraph 0 of" in doc.text
    assert time.perf_counter() - started < 20


def test_plain_text_body_is_a_document() -> None:
    doc = extract_document(b"Council minutes\n\nThe council met on Tuesday and approved the budget.")
    assert doc is not None
    assert doc.title == "Council minutes"
    assert doc.text.endswith("approved the budget.")


@pytest.mark.parametrize(("raw", "expected"), [
    ("2017-09-25T10:00:00+08:00", "2017-09-25"), ("2017/09/25", "2017-09-25"),
    ("20170925", "2017-09-25"), ("September 25, 2017", "2017-09-25"), ("25 Sep 2017", "2017-09-25"),
    ("2017-02-30", None), ("yesterday", None), ("", None), (None, None),
])
def test_iso_date(raw: str | None, expected: str | None) -> None:
    assert iso_date(raw) == expected


def test_claimreview_urls_are_made_absolute() -> None:
    page = ('<script type="application/ld+json">{"@type": "ClaimReview", "claimReviewed": "x is y",'
            ' "url": "/checks/1", "reviewRating": {"alternateName": "False"}}</script>'
            "<p>The claim that x is y is false, as the records show.</p>")
    doc = extract_document(page, url="https://checkers.example/a/b")
    assert doc is not None and doc.claim_reviews[0].url == "https://checkers.example/checks/1"
    bare = page.replace(' "url": "/checks/1",', "")
    doc = extract_document(bare, url="https://checkers.example/a/b")
    assert doc is not None and doc.claim_reviews[0].url == "https://checkers.example/a/b"


def test_relative_links_resolve_against_base_or_the_canonical_url_of_a_saved_page() -> None:
    page = ('<html><head><link rel="canonical" href="https://news.example/a/story">{base}</head>'
            '<body><p>The figure comes from <a href="../reports/2024">the annual report</a> of the'
            ' agency, published in March.</p></body></html>')
    saved = extract_document(page.format(base=""))  # a file on disk: no URL of its own
    assert saved is not None and saved.links[0].url == "https://news.example/reports/2024"
    based = extract_document(page.format(base='<base href="https://cdn.example/x/y/">'),
                             url="https://news.example/a/story")
    assert based is not None and based.links[0].url == "https://cdn.example/x/reports/2024"


_PIECES = [*"<>/=\"' \n&;#!-?ab", "<p>", "</p>", "<div>", "<html>", "</script>", "<a href=",
           '<script type="application/ld+json">', "<meta ", "{", "}"]


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=400),
                 st.lists(st.sampled_from(_PIECES), max_size=120).map("".join)))
def test_any_input_gives_a_document_or_none(body: bytes | str) -> None:
    doc = extract_document(body, url="https://e.example/x")
    assert doc is None or doc.text.strip()
