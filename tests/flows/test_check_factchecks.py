"""A check meets the fact-check archive: a claim someone already rated is matched, recorded in the
check's JSON, and counted by the assessor like any existing ClaimReview."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack.settings import Settings
from flows.check import check_article
from flows.outcome import outcome_json
from sources.factchecks import read_factcheck_file
from warehouse.db import Warehouse
from warehouse.factchecks import add_factchecks

FEED = Path(__file__).resolve().parent.parent / "sources" / "fixtures" / "factchecks" / "datafeed.json"
ARTICLE = """City council approves new budget

The city council said on Monday that the new stadium in Springfield will cost 450 million dollars. Officials also claimed that tap water in Springfield contains lithium that calms residents. The mayor spoke for an hour.
"""


@pytest.fixture
def offline(settings: Settings, tmp_path: Path) -> Settings:
    """No providers to ask (the article links nowhere), words-only matching."""
    return settings.with_overrides(providers={"enabled": ("links",)},
                                   models=tmp_path / "no-models")


def run_check(s: Settings, tmp_path: Path) -> dict[str, dict]:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    data = outcome_json(check_article([str(article)], s))
    claims = data["claims"]
    assert isinstance(claims, list)
    return {("lithium" if "lithium" in c["text"] else "stadium"): c for c in claims}


def test_a_matched_false_rating_refutes_the_claim(prefect_harness: None, offline: Settings,
                                                  tmp_path: Path) -> None:
    before = run_check(offline, tmp_path)
    assert before["lithium"]["status"] == "unverified" and before["lithium"]["factchecks"] == []

    s = offline.with_overrides(db=tmp_path / "archive.duckdb")
    assert add_factchecks(Warehouse(s.db), [(fc, str(FEED)) for fc in read_factcheck_file(FEED)]) == 2
    after = run_check(s, tmp_path)
    lithium = after["lithium"]
    [match] = lithium["factchecks"]
    assert match["claim"] == lithium["text"] and match["score"] > 0
    assert match["factcheck"] == match["factcheck"] | {
        "url": "https://checks.example.org/2024/springfield-lithium", "rating": "False",
        "publisher": "Example Checks", "date": "2024-03-02",
        "claim_reviewed": "Tap water in Springfield contains lithium to calm residents"}
    assert lithium["status"] == "refuted"
    assert "Example Checks" in lithium["rationale"] and "'False'" in lithium["rationale"]
    # the archived stadium check gives 45 million, the article 450 million: not the same claim
    assert after["stadium"]["factchecks"] == []
    assert after["stadium"]["status"] == before["stadium"]["status"]
    with Warehouse(s.db).connect(read_only=True) as con:
        rationale = con.execute(
            "SELECT rationale FROM verdicts WHERE claim_id = ?", [lithium["id"]]).fetchone()
    assert rationale is not None and "Example Checks" in rationale[0]


def test_verify_counts_archived_fact_checks_too(prefect_harness: None, offline: Settings,
                                                tmp_path: Path) -> None:
    from flows.verify import verify_claims, verify_json

    add_factchecks(Warehouse(offline.db), [(fc, str(FEED)) for fc in read_factcheck_file(FEED)])
    data = verify_json(verify_claims(
        ["Officials say the tap water in Springfield contains lithium to calm residents.",
         "Tap water in Springfield does not contain lithium to calm residents."], offline))
    results = data["results"]
    assert isinstance(results, list)
    found, reversed_ = results
    assert found["status"] == "refuted" and len(found["factchecks"]) == 1
    # the reverse claim is matched and shown, but a "False" about the other claim is no verdict
    [match] = reversed_["factchecks"]
    assert match["opposed"] is True and reversed_["status"] == "unverified"
