"""The review app's "add evidence" and "re-run verification" buttons through the real wiring.

The claim comes from the real ``check_article`` flow (report included) against a local site; the
app gets the re-check that ``claimtrack review serve`` gives it (``desk.review_cli._recheck``), so
a web request starts a real Prefect flow run (``reverify_tracked`` in ``claims`` mode) on the
session's Prefect server, and the warehouse and Prefect both hold what it did.
"""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from claimtrack.settings import Settings
from desk.review_cli import _recheck
from desk.web import create_app
from desk.web.auth import CSRF_FIELD
from flows.check import check_article
from tests.desk.test_web_app import PASSWORD, csrf, login
from tests.flows.reverify_site import ARTICLE, ELBRUS, HERITAGE, RAILWAY, Site
from warehouse.db import Warehouse
from warehouse.editors import Accounts
from warehouse.review import ReviewDesk


def flow_runs_for(claim_id: str) -> dict[str, str]:
    """Run id -> state of the re-verification flow runs Prefect recorded for one claim (other
    tests of the session may have re-checked a claim with the same text, so the same id)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["reverify_tracked"])), limit=200)
    return {str(r.id): r.state_name or "" for r in runs
            if r.parameters.get("claim_ids") == [claim_id]}


def current(settings: Settings, claim_id: str) -> tuple[str, int]:
    with Warehouse(settings.db).connect(read_only=True) as con:
        status = con.execute("SELECT status FROM current_verdicts WHERE claim_id = ?",
                             [claim_id]).fetchone()
        count = con.execute("SELECT count(*) FROM verdicts WHERE claim_id = ?",
                            [claim_id]).fetchone()
    assert status is not None and count is not None
    return str(status[0]), int(count[0])


@pytest.mark.slow
def test_the_buttons_run_the_pipeline(prefect_harness: None, settings: Settings) -> None:
    site = Site({"/article.html": ARTICLE, "/sources/elbrus.html": ELBRUS,
                 "/sources/heritage.html": HERITAGE})
    with site.serve() as base:
        s = settings.with_overrides(fetch={"allow_hosts": (base.removeprefix("http://"),)},
                                    providers={"enabled": ("links",)})
        checked = check_article([f"{base}/article.html"], s)
        assert checked.report_path
        railway = next(c for c in checked.claims if "Railway" in c.text)
        assert railway.status == "unverified"  # its source is not on the site yet

        earlier = flow_runs_for(railway.id)
        Accounts(Warehouse(s.db)).add("ana", PASSWORD)
        recheck = _recheck(s)
        assert recheck is not None
        client = login(TestClient(create_app(s, recheck=recheck), follow_redirects=False))
        page = f"/claims/{railway.id}"
        html = client.get(page).text
        assert "Re-run verification" in html

        site.put("/sources/rail-stats.html", RAILWAY)
        r = client.post(f"{page}/evidence", data={"url": f"{base}/sources/rail-stats.html",
                                                  CSRF_FIELD: csrf(html)})
        assert r.status_code == 303 and r.headers["location"] == page
        assert "Evidence added and the claim re-checked." in client.get(page).text
        assert current(s, railway.id) == ("supported", 2)

        html = client.get(page).text
        r = client.post(f"{page}/reverify", data={CSRF_FIELD: csrf(html)})
        assert r.status_code == 303
        assert "The claim was re-checked." in client.get(page).text
        assert current(s, railway.id) == ("supported", 3)

    with Warehouse(s.db).connect(read_only=True) as con:
        assert con.execute(
            "SELECT s.url, cs.provider FROM claim_sources cs JOIN sources s ON s.id = cs.source_id "
            "WHERE cs.claim_id = ? AND cs.provider = 'editor'", [railway.id]).fetchall() == [
            (f"{base}/sources/rail-stats.html", "editor")]
        assert con.execute("SELECT count(*) FROM runs WHERE flow = 'reverify_tracked' "
                           "AND status = 'completed'").fetchone() == (2,)
    audit = ReviewDesk(Warehouse(s.db)).audit(claim_id=railway.id).entries
    assert [(e.action, e.editor) for e in audit] == [("reverify", "ana"), ("add_evidence", "ana")]
    started = {k: v for k, v in flow_runs_for(railway.id).items() if k not in earlier}
    assert sorted(started.values()) == ["Completed", "Completed"]  # one per button press
