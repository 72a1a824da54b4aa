"""ClaimReview markup: only published editorial ratings, with Google's required and
recommended fields, and ratings placed on the configured scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import desk.report as render
from desk.report.claimreview import missing_fields
from tests.desk.report_fixtures import (
    ARTICLE_ID,
    FIXED_NOW,
    HOSTILE_ID,
    build_fixture_warehouse,
    settings_for,
)
from warehouse import reports


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("cr") / "wh.duckdb"
    return build_fixture_warehouse(path), path


def _reviews(built, article_id: str = ARTICLE_ID, **review: object) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    wh, path = built
    settings = settings_for(path)
    if review:
        settings = settings.with_overrides(review=review)
    report = reports.article_report(wh, article_id, settings=settings, now=FIXED_NOW)
    return list(json.loads(render.render(report, "claimreview")))


def test_only_published_ratings_are_marked_up(built) -> None:  # type: ignore[no-untyped-def]
    items = _reviews(built)
    assert [i["url"].rsplit("#", 1)[1] for i in items] == ["claim-c_use", "claim-c_leaks"]


def test_required_and_recommended_fields_present(built) -> None:  # type: ignore[no-untyped-def]
    # the hostile article's URL is javascript:, so it has no appearance to point to
    for article_id, gaps in ((ARTICLE_ID, []), (HOSTILE_ID, ["itemReviewed.appearance"])):
        for item in _reviews(built, article_id):
            assert missing_fields(item) == ([], gaps), item
            assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
            assert item["reviewRating"]["@type"] == "Rating"
            assert item["itemReviewed"]["@type"] == "Claim"
            assert len(item["claimReviewed"]) <= 75
            assert item["url"].startswith("https://factdesk.example.org/checks/")


def test_ratings_on_the_default_scale(built) -> None:  # type: ignore[no-untyped-def]
    use, leaks = _reviews(built)
    assert use["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly true",
    }
    assert leaks["reviewRating"]["ratingValue"] == 2
    assert leaks["reviewRating"]["alternateName"] == "False"
    assert use["author"] == {
        "@type": "Organization",
        "name": "Riverton Fact Desk",
        "url": "https://factdesk.example.org/",
    }
    assert use["datePublished"] == "2026-01-10"
    assert use["itemReviewed"]["appearance"]["url"] == (
        "https://news.example.org/2026/01/09/riverton-water"
    )
    assert use["itemReviewed"]["author"]["name"] == "news.example.org"


def test_a_custom_scale_and_a_rating_off_the_scale(built) -> None:  # type: ignore[no-untyped-def]
    use, leaks = _reviews(built, ratings=("mostly-true", "false"))
    assert use["reviewRating"]["ratingValue"] == 2 and use["reviewRating"]["bestRating"] == 2
    assert leaks["reviewRating"]["ratingValue"] == 1
    use, leaks = _reviews(built, ratings=("correct", "incorrect"))
    assert "ratingValue" not in use["reviewRating"]
    required, recommended = missing_fields(use)
    assert required == [] and "reviewRating.ratingValue" in recommended


def test_quoted_claims_name_the_speaker(built) -> None:  # type: ignore[no-untyped-def]
    (hostile,) = _reviews(built, HOSTILE_ID)
    assert hostile["itemReviewed"]["author"]["@type"] == "Person"
    assert "appearance" not in hostile["itemReviewed"]  # the article URL is javascript:


def test_long_claims_are_shortened_at_a_word() -> None:
    from desk.report.common import short_text

    text = (
        "The council said that water use across every district of Riverton fell by twelve "
        "percent over the course of 2025 compared with 2024."
    )
    short = short_text(text)
    assert len(short) <= 75 and short.endswith("…") and text.startswith(short[:-1])


def test_missing_fields_reports_gaps() -> None:
    required, recommended = missing_fields({"@type": "ClaimReview", "reviewRating": {}})
    assert required == [
        "@context",
        "claimReviewed",
        "reviewRating",
        "url",
        "reviewRating.@type",
        "reviewRating.alternateName",
    ]
    assert "author" in recommended and "itemReviewed.appearance" in recommended


def test_html_report_carries_the_same_markup(built) -> None:  # type: ignore[no-untyped-def]
    wh, path = built
    report = reports.article_report(
        wh, ARTICLE_ID, settings=settings_for(Path(path)), now=FIXED_NOW
    )
    html = render.render(report, "html")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(block) == json.loads(render.render(report, "claimreview"))
    for item in json.loads(block):
        assert f'id="{item["url"].rsplit("#", 1)[1]}"' in html
