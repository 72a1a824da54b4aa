"""The review desk's claim page lists the archive's earlier fact-checks of the claim, escaped."""

from __future__ import annotations

import re
import warnings

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from claimtrack.settings import Settings
from desk.web import create_app
from desk.web.auth import CSRF_FIELD
from sources.factchecks import FactCheck
from sources.model import ClaimReviewRating
from tests.desk.review_fixtures import build_small
from warehouse.db import Warehouse
from warehouse.editors import Accounts
from warehouse.factchecks import add_factchecks

PASSWORD = "correct horse battery"


def review(claim: str, rating: str, url: str) -> tuple[FactCheck, str]:
    return FactCheck(ClaimReviewRating(claim_reviewed=claim, rating=rating, url=url,
                                       publisher="Example Checks", date_published="2025-01-10")), "t"


def logged_in(settings: Settings) -> TestClient:
    Accounts(Warehouse(settings.db)).add("ana", PASSWORD)
    client = TestClient(create_app(settings), follow_redirects=False)
    token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', client.get("/login").text)
    assert token
    r = client.post("/login", data={"username": "ana", "password": PASSWORD, "next": "/queue",
                                    CSRF_FIELD: token[1]})
    assert r.status_code == 303
    return client


def test_claim_page_shows_earlier_fact_checks(settings: Settings) -> None:
    wh = Warehouse(settings.db)
    seeded = build_small(wh)
    add_factchecks(wh, [
        review("The city spent 12 million euros repairing roads in 2024",
               "Mostly true <script>window.__pwned=1</script>", "https://checks.example.org/roads"),
        review("The city spent 20 million euros repairing roads in 2024", "False",
               "https://checks.example.org/roads-20"),
    ])
    client = logged_in(settings)
    html = client.get(f"/claims/{seeded.roads}").text
    assert "Earlier fact-checks (1)" in html
    assert 'href="https://checks.example.org/roads"' in html
    assert "roads-20" not in html  # 20 million is another claim
    assert "<script>window.__pwned" not in html
    assert "Mostly true &lt;script&gt;" in html
    other = client.get(f"/claims/{seeded.jobs}").text
    assert "Earlier fact-checks" not in other


def test_claim_page_without_an_archive(settings: Settings) -> None:
    seeded = build_small(Warehouse(settings.db))
    html = logged_in(settings).get(f"/claims/{seeded.roads}").text
    assert "Earlier fact-checks" not in html and "Machine verdict" in html
