"""The HTML report in headless Chromium: it renders, makes no network request, runs no script.

Screenshots go to the test's own temporary folder; the documentation's pictures
(docs/img/report.png and the others) are made on purpose by ``scripts/screenshots.py``.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

import desk.report as render
from desk.report.screenshot import CHROMIUM, screenshot_html
from tests.desk.report_fixtures import (
    ARTICLE_ID,
    FIXED_NOW,
    HOSTILE_ID,
    build_fixture_warehouse,
    settings_for,
)
from warehouse import reports

pytestmark = pytest.mark.browser  # no chromium: skipped on a desk, a failure in CI (conftest)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


@pytest.fixture(scope="module")
def wh_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("browser") / "wh.duckdb"
    return build_fixture_warehouse(path), settings_for(path)


def test_report_screenshot_without_network(wh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wh, settings = wh_settings
    report = reports.article_report(wh, ARTICLE_ID, settings=settings, now=FIXED_NOW)
    shot = screenshot_html(render.render(report, "html"), tmp_path / "report.png")
    assert shot.requests == ()
    assert shot.console_errors == ()
    assert shot.dialogs == ()
    width, height = _png_size(shot.path)
    assert width == 1000 and height > 1500  # the whole page, every claim


def test_hostile_report_runs_nothing(wh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wh, settings = wh_settings
    report = reports.article_report(wh, HOSTILE_ID, settings=settings, now=FIXED_NOW)
    shot = screenshot_html(render.render(report, "html"), tmp_path / "hostile.png")
    assert shot.dialogs == ()  # no alert() ran
    assert shot.requests == ()  # no image or frame was loaded
    assert shot.console_errors == ()


def test_a_page_that_asks_for_the_network_is_caught(tmp_path: Path) -> None:
    """The harness itself: a request the page makes is seen and refused."""
    html = (
        '<!DOCTYPE html><html><body><img src="http://203.0.113.9/x.png">'
        '<script>alert("hi")</script></body></html>'
    )
    shot = screenshot_html(html, tmp_path / "bad.png", full_page=False)
    assert shot.requests == ("http://203.0.113.9/x.png",)
    assert shot.dialogs == ("hi",)


def test_print_layout(wh_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """On paper: claims are not split across pages, evidence links print their targets."""
    from playwright.sync_api import sync_playwright

    from desk.report.screenshot import CHROMIUM_ARGS

    wh, settings = wh_settings
    report = reports.article_report(wh, ARTICLE_ID, settings=settings, now=FIXED_NOW)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda r: r.abort())
            page.set_content(render.render(report, "html"))
            page.emulate_media(media="print")
            style = page.evaluate(
                "() => { const c = document.querySelector('.claim');"
                " const a = document.querySelector('.evidence a[href]');"
                " return [getComputedStyle(c).breakInside,"
                "         getComputedStyle(a, '::after').content]; }"
            )
            pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
        finally:
            browser.close()
    assert style[0] == "avoid"
    assert "https://council.example.gov/water-report-2025" in style[1]
    assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000
