"""Published fact-checks read from the three shapes they arrive in, and the ways a file is unusable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrack.errors import InputError
from sources.factchecks import feed_files, read_factcheck_file, read_factchecks

FIXTURES = Path(__file__).parent / "fixtures" / "factchecks"


def test_datafeed_of_the_markup_tool() -> None:
    found = read_factcheck_file(FIXTURES / "datafeed.json")
    assert [f.review.claim_reviewed for f in found] == [
        "Tap water in Springfield contains lithium to calm residents",
        "The new Springfield stadium will cost 45 million dollars",
    ]
    first = found[0]
    assert first.review.rating == "False" and first.review.rating_value == 1.0
    assert first.review.best_rating == 5.0 and first.review.worst_rating == 1.0
    assert first.review.publisher == "Example Checks"
    assert first.review.date_published == "2024-03-02"
    assert first.review.url == "https://checks.example.org/2024/springfield-lithium"
    assert first.claimant == "A viral post"


def test_fact_check_tools_response() -> None:
    found = read_factcheck_file(FIXTURES / "claims_search.json")
    assert len(found) == 2  # one claim, two publishers; the claim without a review gives nothing
    first, second = found
    assert first.review.claim_reviewed == "Eating carrots lets people see in complete darkness"
    assert (first.review.rating, first.review.publisher) == ("False", "Carrot Facts")
    assert first.review.date_published == "2023-11-03"
    assert first.claimant == "Social media users" and first.language == "en"
    assert second.review.publisher == "othercheck.example"  # the site when there is no name
    assert second.review.rating == "Misleading"


def test_json_lines_and_a_numeric_rating() -> None:
    found = read_factcheck_file(FIXTURES / "reviews.jsonl")
    assert [f.review.rating for f in found] == ["Pants on Fire", "1"]
    assert found[1].review.rating_value == 1.0 and found[1].review.best_rating == 5.0


def test_json_list_of_claim_reviews() -> None:
    rows = [json.loads(line) for line in (FIXTURES / "reviews.jsonl").read_text().splitlines()
            if line.strip()]
    found = read_factchecks(json.dumps(rows).encode(), name="list.json")
    assert [f.review.claim_reviewed for f in found] == [r["claimReviewed"] for r in rows]


def test_html_page_with_lenient_jsonld_and_a_relative_url() -> None:
    data = (FIXTURES / "review_page.html").read_bytes()
    found = read_factchecks(data, name="page", url="https://fruitcheck.example/2022/08/bananas")
    assert len(found) == 1
    review = found[0].review
    assert review.claim_reviewed == "Eating one banana gives a dangerous dose of radiation"
    assert review.url == "https://fruitcheck.example/checks/bananas"
    assert found[0].claimant == "A chain email"


def test_json_sent_as_html_is_still_json() -> None:
    data = (FIXTURES / "claims_search.json").read_bytes()
    found = read_factchecks(data, name="u", content_type="text/html; charset=utf-8")
    assert len(found) == 2


def test_a_repeated_review_is_kept_once() -> None:
    line = (FIXTURES / "reviews.jsonl").read_text().splitlines()[0]
    assert len(read_factchecks(f"{line}\n{line}\n".encode(), name="twice.jsonl")) == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"\x00\x01\x02\x03" * 100, "binary"),
    (b'{"claims": [\n', "not valid JSON"),
    (b"just some words", "neither JSON nor HTML"),
])
def test_unusable_input_is_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_factchecks(data, name="bad.json")


def test_readable_but_no_fact_checks() -> None:
    assert read_factchecks(b'{"@type": "NewsArticle", "headline": "x"}', name="a.json") == []
    assert read_factchecks(b"<html><body><p>Hello</p></body></html>", name="a.html") == []


def test_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        read_factcheck_file(FIXTURES / "absent.json")


def test_folder_walk_takes_feed_files_only() -> None:
    assert [p.name for p in feed_files(FIXTURES)] == [
        "claims_search.json", "datafeed.json", "review_page.html", "reviews.jsonl"]
