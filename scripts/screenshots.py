"""The documentation's screenshots, made on purpose: tests never write into the repository.

    .venv/bin/python scripts/screenshots.py [--out DIR] [report] [demo] [review]   (default: all)

- ``docs/img/report.png``: the article report of the fixed test warehouse
  (``tests/desk/report_fixtures.py``), the whole page, 1000 px wide;
- ``docs/img/report-demo.png``: the report of a ``claimtrack demo`` run on a fresh warehouse;
- ``docs/img/review-claim.png``: the review desk's claim page after an editor took and decided it
  (``tests/desk/review_fixtures.py``).

Needs Debian's chromium (``make browser``); every network request a report page makes is refused.
Run it from the repository root (``make screenshots``), look at the pictures, commit them.
``--out`` writes them elsewhere (to look before replacing the committed ones).
"""

from __future__ import annotations

import contextlib
import io
import socket
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the test fixtures are the pictures' data

IMG = REPO / "docs" / "img"  # --out changes it
PASSWORD = "correct horse battery"


def report(tmp: Path) -> Path:
    import desk.report as render
    from desk.report.screenshot import screenshot_html
    from tests.desk.report_fixtures import (
        ARTICLE_ID,
        FIXED_NOW,
        build_fixture_warehouse,
        settings_for,
    )
    from warehouse import reports

    db = tmp / "report.duckdb"
    wh = build_fixture_warehouse(db)
    page = reports.article_report(wh, ARTICLE_ID, settings=settings_for(db), now=FIXED_NOW)
    shot = screenshot_html(render.render(page, "html"), IMG / "report.png")
    _clean(shot, "report")
    return shot.path


def demo(tmp: Path) -> Path:
    from claimtrack.settings import Settings
    from desk.demo import run_demo
    from desk.report.screenshot import screenshot_html

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    with contextlib.redirect_stdout(io.StringIO()):
        result = run_demo(Settings(db=tmp / "demo.duckdb"), port=port, as_json=True)
    html = Path(str(result["report"])).read_text(encoding="utf-8")
    shot = screenshot_html(html, IMG / "report-demo.png", width=1100, full_page=False)
    _clean(shot, "demo report")
    return shot.path


def review(tmp: Path) -> Path:
    from playwright.sync_api import sync_playwright

    from claimtrack.settings import Settings
    from desk.report.screenshot import CHROMIUM, CHROMIUM_ARGS
    from desk.web import create_app
    from desk.web.server import running
    from tests.desk.review_fixtures import build_small
    from warehouse.db import Warehouse
    from warehouse.editors import Accounts

    settings = Settings(db=tmp / "review.duckdb")
    seeded = build_small(Warehouse(settings.db))
    Accounts(Warehouse(settings.db)).add("ana", PASSWORD)
    out = IMG / "review-claim.png"
    with running(create_app(settings)) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/login")
            page.fill("#username", "ana")
            page.fill("#password", PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/queue")
            page.goto(f"{base}/claims/{seeded.roads}")
            page.keyboard.press("t")  # take it
            page.wait_for_selector("text=You hold this claim")
            page.keyboard.press("d")
            page.keyboard.press("3")  # misleading
            page.fill("#note", "The audited figure is 11.8 million euros, not 12 million.")
            page.fill("#internal_note", "Checked the annual report PDF.")
            page.check("#decide-form input[name=publish]")
            page.locator("#decide-form button[type=submit]").press("Enter")
            page.wait_for_selector("text=Decided: misleading (published).")
            page.screenshot(path=str(out), full_page=True)
        finally:
            browser.close()
    return out


def _clean(shot: object, what: str) -> None:
    requests = getattr(shot, "requests", ())
    errors = getattr(shot, "console_errors", ())
    if requests or errors:
        raise SystemExit(f"the {what} asked for the network or logged errors: {requests} {errors}")


MAKERS = {"report": report, "demo": demo, "review": review}


def main(argv: list[str]) -> int:
    global IMG
    from desk.report.screenshot import CHROMIUM

    if argv[:1] == ["--out"] and len(argv) > 1:
        IMG, argv = Path(argv[1]).resolve(), argv[2:]
    unknown = [a for a in argv if a not in MAKERS]
    if unknown:
        print(f"unknown picture {unknown[0]!r}; known: {', '.join(MAKERS)}", file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(f"{CHROMIUM} not found: run `make browser` first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        for name in argv or list(MAKERS):
            path = MAKERS[name](Path(tmp))
            print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
