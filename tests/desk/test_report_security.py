"""Untrusted text (article, sources, editors) stays inert in HTML and Markdown reports."""

from __future__ import annotations

import json
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import desk.report as render
from desk.report.common import safe_url
from desk.report.markdown import escape, link
from tests.desk.report_fixtures import (
    FIXED_NOW,
    HOSTILE_ID,
    RUN_ID,
    build_fixture_warehouse,
    settings_for,
)
from warehouse import reports

SAFE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "section",
    "article",
    "footer",
    "h1",
    "h2",
    "h3",
    "p",
    "span",
    "div",
    "a",
    "ul",
    "li",
    "strong",
    "em",
    "blockquote",
    "mark",
    "br",
    "code",
    "time",
    "svg",
    "rect",
    "text",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "script",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def assert_inert(html: str) -> _Tags:
    """Only expected tags; no event handlers; links only to http(s) or in-page anchors; the
    only script is JSON-LD data."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in SAFE_TAGS, f"unexpected <{tag}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name}= on <{tag}>"
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                assert value and (value.startswith(("http://", "https://", "#"))), (
                    tag,
                    name,
                    value,
                )
        if tag == "script":
            assert dict(attrs).get("type") == "application/ld+json"
    assert "javascript:" not in " ".join(str(v) for _, a in parser.tags for _, v in a)
    return parser


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("hostile") / "wh.duckdb"
    wh = build_fixture_warehouse(path)
    settings = settings_for(path)
    return (
        reports.article_report(wh, HOSTILE_ID, settings=settings, now=FIXED_NOW),
        reports.run_report(wh, RUN_ID, settings=settings, now=FIXED_NOW),
    )


def test_hostile_html_is_inert(hostile) -> None:  # type: ignore[no-untyped-def]
    report, _ = hostile
    html = render.render(report, "html")
    parser = assert_inert(html)
    assert "<script>alert" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html  # shown, as text
    # the JSON-LD block survives hostile text: it parses, and cannot close its <script>
    assert len(parser.scripts) == 1
    (block,) = parser.scripts
    assert "</" not in block
    data = json.loads(block)
    assert data["itemReviewed"]["author"]["name"] == "</script><script>alert('speaker')</script>"


def _markdown_html(text: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def test_hostile_markdown_is_inert(hostile) -> None:  # type: ignore[no-untyped-def]
    report, run = hostile
    for md in (render.render(report, "md"), render.markdown_summary(run)):
        html = _markdown_html(md)
        assert_inert(html)
        assert "<script" not in html and "<img" not in html and "<svg" not in html
    md = render.render(report, "md")
    assert "[x](javascript" not in md and "](javascript" not in md
    assert "\\[click\\]\\(javascript:alert\\(4\\)\\)" in md  # the text is kept, escaped


def test_markdown_tables_keep_their_columns(hostile) -> None:  # type: ignore[no-untyped-def]
    _, run = hostile
    html = _markdown_html(render.markdown_summary(run))
    parser = _Tags()
    parser.feed(html)
    rows = html.split("<tr>")[1:]
    assert rows and all(row.count("<td") + row.count("<th") == 2 for row in rows)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F, blacklist_categories=("Cs",)),
        max_size=80,
    )
)
def test_escaped_text_renders_as_itself(text: str) -> None:
    """Whatever the text, Markdown shows exactly it (whitespace folded), with no markup."""
    html = MarkdownIt("commonmark", {"html": True}).renderInline(escape(text))
    assert "<" not in html.replace("&lt;", "")
    assert unescape(html) == " ".join(text.split())


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:x",
        "data:text/html,<script>",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        'https://ok.example/a"onmouseover=x',
        "mailto:a@b",
        "http://",
        "https://a.example/<script>",
    ],
)
def test_unsafe_urls_are_never_links(url: str) -> None:
    assert safe_url(url) is None
    assert "](" not in link("label", url)


def test_safe_urls_become_links() -> None:
    assert link("a (b)", "https://x.example/p_(1)") == "[a \\(b\\)](https://x.example/p_%281%29)"
    assert safe_url("HTTPS://x.example/") == "HTTPS://x.example/"


def test_ordinary_text_reads_naturally() -> None:
    assert escape("Water use fell 12.5% in 2025 - the report") == (
        "Water use fell 12.5% in 2025 - the report"
    )
    assert escape("1. first") == "1\\. first"
    assert escape("- item") == "\\- item"


def test_written_files_stay_inert(hostile, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report, _ = hostile
    out = tmp_path / "r.html"
    out.write_text(render.render(report, "html"), encoding="utf-8")
    assert_inert(out.read_text(encoding="utf-8"))
