"""The review app in-process: every route, the auth and CSRF rules, escaping, and the JSON API."""

from __future__ import annotations

import asyncio
import re
import stat
import warnings
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

with warnings.catch_warnings():  # starlette 1.x nudges towards httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from claimtrack.settings import Settings
from desk.web import create_app
from desk.web.auth import CSRF_FIELD, LoginLimiter
from desk.web.server import running
from tests.desk.review_fixtures import XSS_SCRIPT, SmallDesk, build_small
from warehouse.db import Warehouse
from warehouse.editors import Accounts
from warehouse.review import ReviewDesk

PASSWORD = "correct horse battery"


@pytest.fixture
def seeded(settings: Settings) -> SmallDesk:
    return build_small(Warehouse(settings.db), xss=True)


@pytest.fixture
def tokens(settings: Settings, seeded: SmallDesk) -> dict[str, str]:
    accounts = Accounts(Warehouse(settings.db))
    return {name: accounts.add(name, PASSWORD) for name in ("ana", "ben")}


@pytest.fixture
def client(settings: Settings, tokens: dict[str, str]) -> TestClient:
    return TestClient(create_app(settings), follow_redirects=False)


def csrf(html: str) -> str:
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match[1]


def login(client: TestClient, name: str = "ana", password: str = PASSWORD,
          next_: str = "/queue") -> TestClient:
    token = csrf(client.get("/login").text)
    r = client.post("/login", data={"username": name, "password": password, "next": next_,
                                    CSRF_FIELD: token})
    assert r.status_code == 303, r.text
    return client


def post(client: TestClient, path: str, data: dict[str, str] | None = None,
         page: str | None = None) -> object:
    token = csrf(client.get(page or path.rsplit("/", 1)[0]).text)
    return client.post(path, data={**(data or {}), CSRF_FIELD: token})


def test_health_needs_no_login_and_everything_else_does(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    r = client.get("/queue?status=mixed")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/queue%3Fstatus%3Dmixed"
    for path in ("/", "/claims/c_roads", "/audit", "/snapshots/snap_city"):
        assert client.get(path).status_code == 303
    assert client.post("/claims/c_roads/take").status_code == 401
    r = client.get("/api/queue")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_security_headers_and_cookie_flags(client: TestClient) -> None:
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/static/review.js").status_code == 200


def test_login_rules(client: TestClient) -> None:
    page = client.get("/login").text
    r = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert r.status_code == 403  # no CSRF token
    r = client.post("/login", data={"username": "ana", "password": "nope nope nope",
                                    CSRF_FIELD: csrf(page)})
    assert r.status_code == 401 and "wrong password" in r.text
    r = client.post("/login", data={"username": "ana", "password": PASSWORD,
                                    "next": "//evil.example/", CSRF_FIELD: csrf(page)})
    assert r.status_code == 303 and r.headers["location"] == "/queue"  # no open redirect


def test_failed_logins_are_rate_limited(settings: Settings, tokens: dict[str, str]) -> None:
    client = TestClient(create_app(settings, limiter=LoginLimiter(attempts=3, window=60)),
                        follow_redirects=False)
    token = csrf(client.get("/login").text)
    for _ in range(3):
        r = client.post("/login", data={"username": "ana", "password": "wrong wrong wrong",
                                        CSRF_FIELD: token})
        assert r.status_code == 401
    r = client.post("/login", data={"username": "ana", "password": PASSWORD, CSRF_FIELD: token})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # another editor from the same address is not locked out
    r = client.post("/login", data={"username": "ben", "password": PASSWORD, CSRF_FIELD: token})
    assert r.status_code == 303


def test_queue_page_filters_and_counts(client: TestClient, seeded: SmallDesk) -> None:
    html = login(client).get("/queue").text
    assert "c_xss" in html and html.index("c_roads") < html.index("c_jobs")
    assert "c_lanes" not in html and "Needs a person <b>3</b>" in html
    html = client.get("/queue?status=refuted&kind=statistic").text
    assert "c_jobs" in html and "c_roads" not in html
    html = client.get(f"/queue?article={seeded.article_2}").text
    assert "c_roads" in html and "c_jobs" not in html
    html = client.get("/queue?state=decided").text
    assert "c_quote" in html and "unproven" in html
    assert client.get("/queue?state=bogus").status_code == 400
    assert client.get("/queue?page=x").status_code == 400
    assert client.get("/").headers["location"] == "/queue"


def test_claim_page(client: TestClient, seeded: SmallDesk) -> None:
    html = login(client).get(f"/claims/{seeded.roads}").text
    assert "<mark>The city spent 12 million euros on road repairs in 2024, officials said.</mark>" in html
    assert "<mark>the city spent 11.8 million euros on road repairs in 2024</mark>" in html
    assert 'href="https://city.example.org/report-2024"' in html
    assert 'href="/snapshots/snap_city"' in html and "official" in html
    assert "mixed (was supported)" in html and "Repeated in 2 articles" in html
    assert 'name="version" value="v_roads_2:-"' in html
    assert "Re-run verification" not in html  # no recheck function given
    assert client.get("/claims/c_missing").status_code == 404
    snap = client.get("/snapshots/snap_city")
    assert snap.status_code == 200 and "11.8 million" in snap.text
    assert client.get("/snapshots/nope").status_code == 404


def test_take_decide_and_audit(client: TestClient, settings: Settings, seeded: SmallDesk) -> None:
    login(client)
    page = f"/claims/{seeded.jobs}"
    r = client.post(f"{page}/take", data={})
    assert r.status_code == 403  # CSRF
    r = post(client, f"{page}/take", page=page)
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert "You hold this claim" in client.get(page).text
    other = login(TestClient(client.app, follow_redirects=False), "ben")
    assert "<b>ana</b> holds this claim" in other.get(page).text
    html = other.get("/queue?state=in_review").text
    assert "held by ana" in html
    token = csrf(client.get(page).text)
    r = client.post(f"{page}/decide", data={
        "rating": "false", "note": "The 4.1% is a December figure.", "internal_note": "called",
        "publish": "on", "version": "v_jobs_2:-", CSRF_FIELD: token})
    assert r.status_code == 303
    html = client.get(page).text
    assert "Decided: false (published)." in html and "Current: <b>false</b> by ana" in html
    r = post(client, f"{page}/note", {"internal_note": "source emailed"}, page=page)
    audit = client.get("/audit").text
    assert "decide: <b>false</b>" in audit and "source emailed" in audit
    assert "editor added" in audit
    with Warehouse(settings.db).connect() as con:
        rows = con.execute("SELECT editor, action, rating, publish FROM reviews "
                           "WHERE claim_id = ? ORDER BY id", [seeded.jobs]).fetchall()
    assert rows == [("ana", "take", None, None), ("ana", "decide", "false", True),
                    ("ana", "note", None, None)]


def test_second_decision_on_a_stale_page_is_refused_and_kept(
        client: TestClient, seeded: SmallDesk) -> None:
    login(client)
    other = login(TestClient(client.app, follow_redirects=False), "ben")
    page = f"/claims/{seeded.roads}"
    ana_form, ben_form = csrf(client.get(page).text), csrf(other.get(page).text)
    r = client.post(f"{page}/decide", data={"rating": "misleading", "note": "ana's words",
                                            "version": "v_roads_2:-", CSRF_FIELD: ana_form})
    assert r.status_code == 303
    r = other.post(f"{page}/decide", data={"rating": "true", "note": "ben's careful words",
                                           "version": "v_roads_2:-", CSRF_FIELD: ben_form})
    assert r.status_code == 409
    assert "ana decided claim c_roads as &#39;misleading&#39;" in r.text
    assert "ben&#39;s careful words" in r.text  # nothing lost: the form still holds it
    assert 'value="true" required checked' in r.text


def test_rating_must_be_on_the_scale(client: TestClient, seeded: SmallDesk) -> None:
    login(client)
    page = f"/claims/{seeded.jobs}"
    r = client.post(f"{page}/decide", data={"rating": "pants-on-fire",
                                            CSRF_FIELD: csrf(client.get(page).text)})
    assert r.status_code == 400 and "unknown rating" in r.text


def test_untrusted_text_is_escaped(client: TestClient, seeded: SmallDesk) -> None:
    login(client)
    for path in (f"/claims/{seeded.xss}", "/queue", "/snapshots/snap_xss"):
        html = client.get(path).text
        assert XSS_SCRIPT not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html and "onerror=\"" not in html
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    html = client.get(f"/claims/{seeded.xss}").text
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in html


def test_recheck_routes(settings: Settings, tokens: dict[str, str], seeded: SmallDesk) -> None:
    plain = login(TestClient(create_app(settings), follow_redirects=False))
    page = f"/claims/{seeded.jobs}"
    r = plain.post(f"{page}/reverify", data={CSRF_FIELD: csrf(plain.get(page).text)})
    assert r.status_code == 503 and "not available" in r.text
    calls: list[tuple[str, Sequence[str]]] = []
    client = login(TestClient(create_app(settings, recheck=lambda c, u: calls.append((c, u))),
                              follow_redirects=False))
    html = client.get(page).text
    assert "Re-run verification" in html
    r = client.post(f"{page}/evidence", data={"url": "https://stats.example.net/new",
                                              CSRF_FIELD: csrf(html)})
    assert r.status_code == 303
    r = client.post(f"{page}/evidence", data={"url": "javascript:alert(1)", CSRF_FIELD: csrf(html)})
    assert r.status_code == 400
    client.post(f"{page}/reverify", data={CSRF_FIELD: csrf(html)})
    assert calls == [(seeded.jobs, ["https://stats.example.net/new"]), (seeded.jobs, [])]
    actions = [e.action for e in ReviewDesk(Warehouse(settings.db)).audit(
        claim_id=seeded.jobs).entries]
    assert actions == ["reverify", "add_evidence"]


def test_logout_and_removed_editor(client: TestClient, settings: Settings) -> None:
    login(client)
    r = post(client, "/logout", page="/queue")
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert client.get("/queue").status_code == 303
    login(client, "ben")
    Accounts(Warehouse(settings.db)).remove("ben")
    client.app.state.desk.editors.forget("ben")  # type: ignore[attr-defined]
    assert client.get("/queue").status_code == 303


def test_secret_key_file(settings: Settings, tokens: dict[str, str]) -> None:
    create_app(settings)
    secret = settings.db.with_name(settings.db.stem + ".secret")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    key = secret.read_text()
    create_app(settings)
    assert secret.read_text() == key and len(key) >= 40


def test_api(client: TestClient, tokens: dict[str, str], seeded: SmallDesk) -> None:
    auth = {"authorization": f"Bearer {tokens['ana']}"}
    bad = client.get("/api/queue", headers={"authorization": "Bearer ct_wrong"})
    assert bad.status_code == 401
    body = client.get("/api/queue?per_page=2", headers=auth).json()
    assert body["total"] == 3 and body["pages"] == 2 and body["counts"]["open"] == 3
    roads = next(i for i in client.get("/api/queue", headers=auth).json()["items"]
                 if i["id"] == seeded.roads)
    assert {m["article_id"] for m in roads["mentions"]} == {seeded.article_1, seeded.article_2}
    assert client.get("/api/queue?state=nope", headers=auth).status_code == 400
    claim = client.get(f"/api/claims/{seeded.roads}", headers=auth).json()
    assert claim["id"] == seeded.roads and claim["evidence"][0]["domain"] == "city.example.org"
    assert [m["article_id"] for m in claim["mentions"]] == [seeded.article_1, seeded.article_2]
    assert client.get("/api/claims/c_missing", headers=auth).status_code == 404
    r = client.post(f"/api/claims/{seeded.roads}/decision", headers=auth,
                    json={"rating": "misleading", "note": "11.8m, not 12m", "publish": True,
                          "version": claim["version"]})
    assert r.status_code == 201 and r.json()["decision"]["editor"] == "ana"
    r = client.post(f"/api/claims/{seeded.roads}/decision",
                    headers={"authorization": f"Bearer {tokens['ben']}"},
                    json={"rating": "true", "note": "", "publish": False,
                          "version": claim["version"]})
    assert r.status_code == 409 and "ana decided" in r.json()["error"]
    r = client.post(f"/api/claims/{seeded.jobs}/decision", headers=auth,
                    json={"rating": "bogus", "publish": False})
    assert r.status_code == 400 and "unknown rating" in r.json()["error"]
    r = client.post(f"/api/claims/{seeded.jobs}/decision", headers=auth, content=b"[1]")
    assert r.status_code == 400
    assert client.post("/api/claims/c_missing/decision", headers=auth,
                       json={"rating": "true", "publish": False}).status_code == 404
    assert client.post(f"/api/claims/{seeded.jobs}/take", headers=auth).json()["hold"][
        "editor"] == "ana"
    r = client.post(f"/api/claims/{seeded.jobs}/take",
                    headers={"authorization": f"Bearer {tokens['ben']}"})
    assert r.status_code == 409


def test_app_works_on_a_fresh_empty_warehouse(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "empty.duckdb")
    Accounts(Warehouse(settings.db)).add("ana", PASSWORD)
    client = login(TestClient(create_app(settings), follow_redirects=False))
    assert "The queue is empty." in client.get("/queue").text
    assert "Nothing logged yet." not in client.get("/audit").text  # the account add is logged


def test_claims_asked_for_at_once_each_get_their_own_file(
        settings: Settings, tokens: dict[str, str], seeded: SmallDesk) -> None:
    """Concurrent claim requests are read from the warehouse together (desk.web.loader); over
    a real loopback server each answer is still its own claim, and a missing one is a 404."""
    wanted = [seeded.roads, seeded.jobs, seeded.lanes, seeded.quote, "c_missing"] * 6

    async def fetch_all(base: str) -> list[httpx.Response]:
        auth = {"authorization": f"Bearer {tokens['ben']}"}
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=30) as http:
            return await asyncio.gather(*(http.get(f"/api/claims/{c}") for c in wanted))

    with running(create_app(settings)) as base:
        answers = asyncio.run(fetch_all(base))
    for claim_id, r in zip(wanted, answers, strict=True):
        if claim_id == "c_missing":
            assert r.status_code == 404
        else:
            assert r.status_code == 200 and r.json()["id"] == claim_id
