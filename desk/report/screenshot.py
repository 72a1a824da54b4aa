"""A PNG of an HTML report in headless Chromium, with every network request refused and counted.

Used by the report tests and reusable on any report (the README's picture comes from here).
Debian's chromium is driven by Playwright; no browser is downloaded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True, slots=True)
class Screenshot:
    path: Path
    requests: tuple[str, ...]  # every request other than the page itself (all were refused)
    console_errors: tuple[str, ...]
    dialogs: tuple[str, ...]  # alert()/confirm() a hostile page managed to open (should be none)


def screenshot_html(
    html: str, out: Path, *, width: int = 1000, full_page: bool = True, executable: Path = CHROMIUM
) -> Screenshot:
    """Render ``html`` as a page and save a PNG to ``out``; report any request it tried."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    origin = "http://report.invalid/"
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})

            def route(r):  # type: ignore[no-untyped-def]
                if r.request.url == origin:
                    r.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
                else:
                    requests.append(r.request.url)
                    r.abort()

            page.route("**/*", route)

            def console(message):  # type: ignore[no-untyped-def]
                if message.type == "error":
                    errors.append(message.text)

            def dialog(d):  # type: ignore[no-untyped-def]
                dialogs.append(d.message)
                d.dismiss()

            page.on("console", console)
            page.on("dialog", dialog)
            page.goto(origin, wait_until="load")
            page.screenshot(path=str(out), full_page=full_page)
        finally:
            browser.close()
    return Screenshot(out, tuple(requests), tuple(errors), tuple(dialogs))
