"""A check of an article whose claims each cite their own source (issue 14), end to end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from claimtrack.settings import Settings
from flows.check import check_article
from flows.outcome import outcome_json
from tests.flows.citation_pages import EVENTS, MISSING, PAGES, source_path
from tests.servers import serve_pages


@pytest.fixture
def site() -> Iterator[str]:
    with serve_pages(PAGES) as base:
        yield base


def _settings(settings: Settings, base: str, per_claim: int = 1) -> Settings:
    return settings.with_overrides(
        fetch={"allow_hosts": (base.removeprefix("http://"),)},
        providers={"enabled": ("links",), "per_claim": per_claim},
    )


def test_every_citation_is_fetched_once_and_reported(
    prefect_harness: None, settings: Settings, site: str,
) -> None:
    data = outcome_json(check_article([f"{site}/cited/article.html"], _settings(settings, site)))
    cited = data["articles"][0]["citations"]
    assert [c["url"] for c in cited] == [f"{site}{source_path(i)}" for i in range(12)] + [
        f"{site}/cited/gallery.html"]
    by_url = {c["url"]: c for c in cited}
    missing = by_url[f"{site}{source_path(MISSING)}"]
    assert (missing["status"], missing["http_status"]) == ("failed", 404)
    gallery = by_url[f"{site}/cited/gallery.html"]
    assert gallery["status"] == "fetched" and gallery["claim_ids"] == []
    claim_of = {c["id"]: c["text"] for c in data["claims"]}
    for i in range(12):
        owners = [claim_of[cid] for cid in by_url[f"{site}{source_path(i)}"]["claim_ids"]]
        assert any(f"{EVENTS[i][1]:,} homes" in t for t in owners), (i, owners)
    sources = [s["url"] for s in data["sources"]]
    assert len(sources) == len(set(sources)) == 13, "each citation fetched once"


@pytest.mark.parametrize("per_claim", [1, 5])
def test_each_claim_is_decided_by_its_own_citation(
    prefect_harness: None, settings: Settings, site: str, per_claim: int,
) -> None:
    """With more candidates than its own, the other claims' citations (other subjects, other
    figures) are read too, and must not make a claim mixed."""
    s = _settings(settings, site, per_claim)
    data = outcome_json(check_article([f"{site}/cited/article.html"], s))
    assert len(data["claims"]) == 12
    others = 0
    for claim in data["claims"]:
        i = next(k for k, (_, homes) in enumerate(EVENTS) if f"{homes:,} homes" in claim["text"])
        assert claim["status"] != "mixed", (claim["text"], claim["rationale"])
        own = f"{site}{source_path(i)}"
        if i != MISSING:
            assert claim["evidence"][0]["url"] == own, "its own citation is read first"
        theirs = [e for e in claim["evidence"] if e["url"] != own]
        others += len(theirs)
        assert all(e["stance"] != "refutes" for e in theirs), (claim["text"], theirs)
        if i == MISSING:
            assert claim["status"] == "unverified", claim["rationale"]
            continue
        assert claim["status"] == "supported", (claim["text"], claim["rationale"])
        assert own in claim["rationale"]
    assert (others > 0) == (per_claim > 1), "other claims' citations were read, and did not count"
