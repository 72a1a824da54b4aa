"""The review app in Debian's chromium (Playwright, no downloaded browsers): an editor signs in,
works the queue with the keyboard, decides a claim, and the warehouse holds the decision and its
audit entry. A page full of hostile markup shows as text and runs nothing.

Run ``make browser`` (apt-get install chromium) first. The claim page's screenshot stays in the
test's temporary folder; docs/img/review-claim.png is made on purpose by ``scripts/screenshots.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimtrack.settings import Settings
from desk.report.screenshot import CHROMIUM
from desk.web import create_app
from desk.web.server import running
from tests.desk.review_fixtures import XSS_IMG, XSS_LINK, XSS_SCRIPT, SmallDesk, build_small
from warehouse.db import Warehouse
from warehouse.editors import Accounts

PASSWORD = "correct horse battery"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser  # no chromium: skipped on a desk, a failure in CI (conftest)


@pytest.fixture
def seeded(settings: Settings) -> SmallDesk:
    desk = build_small(Warehouse(settings.db), xss=True)
    Accounts(Warehouse(settings.db)).add("ana", PASSWORD)
    return desk


@pytest.fixture
def base_url(settings: Settings, seeded: SmallDesk) -> Iterator[str]:
    with running(create_app(settings)) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/queue")
    assert "/login" in page.url
    page.fill("#username", "ana")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/queue")


def test_editor_works_the_queue_with_the_keyboard(page: Any, base_url: str, settings: Settings,
                                                  seeded: SmallDesk, tmp_path: Path) -> None:
    sign_in(page, base_url)
    assert page.locator("a.claim-link").count() == 3
    page.keyboard.press("j")  # first claim by priority
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/claims/{seeded.roads}")
    assert page.locator("mark").first.inner_text().startswith("The city spent 12 million")
    page.keyboard.press("t")  # take it
    page.wait_for_selector("text=You hold this claim")
    page.keyboard.press("d")
    page.keyboard.press("3")  # third rating on the scale: misleading
    assert page.locator("#decide-form input[value=misleading]").is_checked()
    page.fill("#note", "The audited figure is 11.8 million euros, not 12 million.")
    page.fill("#internal_note", "Checked the annual report PDF.")
    page.check("#decide-form input[name=publish]")
    page.locator("#decide-form button[type=submit]").press("Enter")
    page.wait_for_selector("text=Decided: misleading (published).")
    assert "Current: misleading by ana" in page.inner_text("#decide")
    shot = tmp_path / "review-claim.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.goto(f"{base_url}/audit")
    assert "decide: misleading" in page.inner_text("table.audit")
    page.goto(f"{base_url}/queue")
    assert page.locator("a.claim-link").count() == 2  # decided: out of the queue
    with Warehouse(settings.db).connect() as con:
        rows = con.execute(
            "SELECT editor, action, rating, note, internal_note, publish FROM reviews "
            "WHERE claim_id = ? ORDER BY id", [seeded.roads]).fetchall()
        audit = con.execute("SELECT count(*) FROM audit WHERE claim_id = ? AND action = 'decide'",
                            [seeded.roads]).fetchone()
    assert rows == [
        ("ana", "take", None, None, None, None),
        ("ana", "decide", "misleading",
         "The audited figure is 11.8 million euros, not 12 million.",
         "Checked the annual report PDF.", True),
    ]
    assert audit == (1,)


def test_hostile_markup_shows_as_text_and_runs_nothing(page: Any, base_url: str,
                                                       seeded: SmallDesk) -> None:
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text))
    sign_in(page, base_url)
    for path in (f"/claims/{seeded.xss}", "/queue", "/snapshots/snap_xss"):
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("main img").count() == 0
        assert page.locator("a[href^='javascript:']").count() == 0
        assert XSS_SCRIPT in page.inner_text("main"), path
    page.goto(f"{base_url}/claims/{seeded.xss}")
    text = page.inner_text("main")
    assert XSS_IMG in text and XSS_LINK in text
    assert page.locator("mark", has_text="says 7 is 8").count() == 1
    # clicking every link on the page still runs nothing
    for link in page.locator("main a[href]").all():
        href = link.get_attribute("href") or ""
        assert href.startswith(("/", "http://", "https://")), href
    assert page.evaluate("typeof window.__pwned") == "undefined"
