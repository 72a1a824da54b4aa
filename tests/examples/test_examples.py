"""The example site: links resolve, pages state the facts the demo relies on, the server behaves."""

from __future__ import annotations

import http.client
import json
import re
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from examples import (
    ARTICLE_EXPECTED,
    ARTICLE_HTML,
    ARTICLE_TEXT,
    EXAMPLES_DIR,
    MISSING_PATH,
    ROBOTS_BLOCKED_PATH,
    SOURCES_DIR,
    VERIFY_CLAIMS,
    VERIFY_CLAIMS_HARD,
    VERIFY_CORPUS_DIR,
)
from examples.server import serve_directory


class PageParser(HTMLParser):
    """Collects what the tests look at: links, meta, JSON-LD, visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title = ""
        self.jsonld: list[object] = []
        self.text: list[str] = []
        self._in: list[str] = []
        self._script_type = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag == "script":
            self._script_type = a.get("type", "")
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        current = self._in[-1] if self._in else ""
        if current == "title":
            self.title += data
        elif current == "script" and self._script_type == "application/ld+json":
            self.jsonld.append(json.loads(data))
        elif current not in ("script", "style"):
            self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


SOURCE_PAGES = sorted(SOURCES_DIR.rglob("*.html"))
ARTICLE = parse(ARTICLE_HTML)
SOURCE_LINKS = [h for h in ARTICLE.links if h.startswith("/sources/")]


# --- the article ---------------------------------------------------------------------------------

def test_article_has_metadata_and_furniture() -> None:
    assert ARTICLE.title.strip()
    assert ARTICLE.meta["article:published_time"].startswith("2017-10-")
    assert ARTICLE.meta["author"] == "Dana Whitfield"
    for furniture in ("Share this", "Select Page", "About the Author"):
        assert furniture in ARTICLE.plain
    assert ARTICLE_HTML.read_text(encoding="utf-8").count("Learn to Police Themselves</h") == 2


@pytest.mark.parametrize("claim", [
    "took effect on June 1st",
    "in December 2016",
    "slapped massive fines on Tencent",
    "200 million registered accounts",
    "Facebook, Twitter and most Google services are blocked in China",
    "fines of up to 500,000 yuan",
    "In August 2017, the Cyberspace Administration of China opened investigations",
    "WeChat is China's most popular messaging app",
    "said Li Wenjun",
])
def test_article_states_each_claim_in_html_and_text(claim: str) -> None:
    assert claim in ARTICLE.plain
    assert claim in " ".join(ARTICLE_TEXT.read_text(encoding="utf-8").split())


def test_article_length_and_one_rhetorical_question() -> None:
    words = len(ARTICLE_TEXT.read_text(encoding="utf-8").split())
    assert 500 <= words <= 800
    assert ARTICLE_TEXT.read_text(encoding="utf-8").count("?") == 1


def test_article_text_is_the_html_body() -> None:
    """article.txt and article.html carry the same paragraphs, so both inputs give the same claims."""
    html = ARTICLE_HTML.read_text(encoding="utf-8")
    body = re.search(r'<div class="entry-content">(.*?)</div>', html, re.S)
    assert body is not None
    paragraphs = [" ".join(unescape(re.sub(r"<[^>]+>", "", raw)).split())
                  for raw in re.findall(r"<p>(.*?)</p>", body.group(1), re.S)]
    text = ARTICLE_TEXT.read_text(encoding="utf-8").split("\n\n")
    assert [" ".join(p.split()) for p in text[2:]] == paragraphs


def test_article_links_are_relative_and_resolve() -> None:
    assert len(SOURCE_LINKS) >= 8
    assert MISSING_PATH in SOURCE_LINKS and ROBOTS_BLOCKED_PATH in SOURCE_LINKS
    for href in SOURCE_LINKS:
        assert not href.startswith("http")
        exists = (EXAMPLES_DIR / href.lstrip("/")).is_file()
        assert exists == (href != MISSING_PATH), href


def test_robots_blocks_the_private_page_only() -> None:
    from urllib.robotparser import RobotFileParser

    robots = RobotFileParser()
    robots.parse((EXAMPLES_DIR / "robots.txt").read_text(encoding="utf-8").splitlines())
    base = "http://127.0.0.1:8765"
    assert not robots.can_fetch("claimtrack", base + ROBOTS_BLOCKED_PATH)
    for href in SOURCE_LINKS:
        if href != ROBOTS_BLOCKED_PATH:
            assert robots.can_fetch("claimtrack", base + href), href


def test_expected_file_is_well_formed() -> None:
    expected = json.loads(ARTICLE_EXPECTED.read_text(encoding="utf-8"))
    text = " ".join(ARTICLE_TEXT.read_text(encoding="utf-8").split())
    for row in expected["claims"]:
        assert text.count(row["match"]) == 1, row["id"]
        assert set(row["expected"]) <= {"supported", "refuted", "mixed", "unverified"}
        assert bool(row["expected"]) == row["checkworthy"]
    assert set(expected["sources"]) == set(SOURCE_LINKS)


def test_the_demo_gives_every_expected_status(demo_first_run: dict[str, Any]) -> None:
    """What the demo pipeline produces, claim by claim, is what article_expected.json allows.

    A row covers the claims whose text holds its ``match``; when none does (a sentence split into
    several claims, "Facebook, Twitter and ... are blocked"), every claim of its sentence."""
    expected = json.loads(ARTICLE_EXPECTED.read_text(encoding="utf-8"))
    sentences: dict[str, str] = demo_first_run["sentences"]
    claims = demo_first_run["result"]["claims"]
    wrong = []
    for row in expected["claims"]:
        got = [(c["text"], c["status"]) for c in claims if row["match"] in c["text"]] or [
            (c["text"], c["status"]) for c in claims
            if row["match"] in " ".join(sentences[c["id"]].split())]
        if not row["checkworthy"]:
            assert got == [], f"{row['id']}: not a claim, yet the demo checked {got}"
            continue
        assert got, f"{row['id']}: the demo found no claim in the sentence with {row['match']!r}"
        wrong += [(row["id"], text, status, row["expected"]) for text, status in got
                  if status not in row["expected"]]
    assert wrong == [], "statuses the expected file does not allow: " + "; ".join(
        f"{i} {text[:60]!r} is {status}, expected {allowed}" for i, text, status, allowed in wrong)


def test_the_demo_fetches_skips_and_fails_the_expected_sources(
    demo_first_run: dict[str, Any],
) -> None:
    expected = json.loads(ARTICLE_EXPECTED.read_text(encoding="utf-8"))
    got = {urlsplit(s["url"]).path: (s["status"], s["reason"])
           for s in demo_first_run["result"]["sources"]}
    assert {path: status for path, (status, _) in got.items()} == expected["sources"]
    assert got[MISSING_PATH] == ("failed", "http_404")
    assert got[ROBOTS_BLOCKED_PATH] == ("skipped", "robots")


# --- the source pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("page", SOURCE_PAGES, ids=lambda p: p.name)
def test_source_page_is_well_formed(page: Path) -> None:
    parsed = parse(page)
    assert parsed.title.strip()
    assert parsed.canonical == "/" + page.relative_to(EXAMPLES_DIR).as_posix()
    assert re.fullmatch(r"2017-\d\d-\d\dT.*", parsed.meta["article:published_time"])
    if page.parent.name != "private":
        assert 3_000 <= page.stat().st_size <= 30_000


VOID_TAGS = {"meta", "link", "img", "br", "hr", "input", "source", "area", "base", "col", "wbr"}


class TagBalance(HTMLParser):
    """Every non-void element is closed, in order: the pages are tidy HTML, not tag soup."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[tuple[str, tuple[int, int]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.errors.append((tag, self.getpos()))


@pytest.mark.parametrize("page", [ARTICLE_HTML, *SOURCE_PAGES, *sorted(VERIFY_CORPUS_DIR.glob("*.html"))],
                         ids=lambda p: p.name)
def test_pages_are_balanced_html(page: Path) -> None:
    checker = TagBalance()
    checker.feed(page.read_text(encoding="utf-8"))
    assert (checker.errors, checker.stack) == ([], [])


def page_text(name: str) -> str:
    return parse(SOURCES_DIR / name).plain


@pytest.mark.parametrize(("name", "facts"), [
    ("law-explainer.html", ["adopted the law on 7 November 2016", "1 June 2017", "Article 12",
                            "Article 47", "Article 68", "up to 500,000 yuan", "US$75,000",
                            "national security, honor and interests"]),
    ("cac-investigations.html", ["11 August 2017", "WeChat", "Sina Weibo", "Baidu Tieba"]),
    ("fines-announced.html", ["25 September 2017", "highest fine allowed",
                              "Neither office disclosed the amounts", "500,000 yuan"]),
    ("honour-of-kings.html", ["November 2015", "55 million daily active users",
                              "163 million monthly active users in May 2017", "Reuters",
                              "China Daily"]),
    ("great-firewall.html", ["Facebook, Twitter and most Google services are blocked in mainland China",
                             "July 2009", "March 2010", "most popular messaging app"]),
    ("zh/wangluo-anquanfa.html", ["2016年11月7日", "2017年6月1日", "五十万元"]),
])
def test_source_pages_state_the_key_facts(name: str, facts: list[str]) -> None:
    text = page_text(name)
    for fact in facts:
        assert fact in text, (name, fact)


def test_no_page_mentions_registered_accounts_figure() -> None:
    """Claim c must stay unverified: no page may give a count of registered accounts."""
    for page in SOURCE_PAGES:
        assert "200 million" not in page.read_text(encoding="utf-8"), page.name


def test_unrelated_page_mentions_none_of_the_subjects() -> None:
    text = page_text("tea-history.html")
    for word in ("Tencent", "Weibo", "Cybersecurity", "Facebook", "yuan", "Honour of Kings"):
        assert word not in text


def test_factcheck_page_carries_claimreview() -> None:
    jsonld = parse(SOURCES_DIR / "factcheck-massive-fines.html").jsonld
    reviews = [d for d in jsonld if isinstance(d, dict) and d.get("@type") == "ClaimReview"]
    assert len(reviews) == 1
    review = reviews[0]
    assert "massive fines" in review["claimReviewed"]
    assert review["reviewRating"]["alternateName"] == "Misleading"
    assert review["itemReviewed"]["appearance"]["url"] == "/article.html"


def test_chinese_page_declares_its_language() -> None:
    html = (SOURCES_DIR / "zh" / "wangluo-anquanfa.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html


# --- the verify corpus ---------------------------------------------------------------------------

CLAIM_FILES = [VERIFY_CLAIMS, VERIFY_CLAIMS_HARD]


def load_claims(path: Path = VERIFY_CLAIMS) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.name)
def test_verify_claims_are_well_formed_and_balanced(path: Path) -> None:
    rows = load_claims(path)
    assert 60 <= len(rows) <= 90
    for row in rows:
        assert set(row) == {"claim", "expected", "page"}, row
        assert isinstance(row["claim"], str) and row["claim"].strip()
        assert row["expected"] in ("supported", "refuted", "unverified")
        if row["expected"] == "unverified":
            assert row["page"] is None
        else:
            assert isinstance(row["page"], str) and (VERIFY_CORPUS_DIR / row["page"]).is_file()
    counts = Counter(row["expected"] for row in rows)
    assert max(counts.values()) - min(counts.values()) <= 3, counts
    assert len({row["claim"] for row in rows}) == len(rows)


def test_verify_corpus_pages_parse_and_each_is_used() -> None:
    pages = sorted(VERIFY_CORPUS_DIR.glob("*.html"))
    assert 20 <= len(pages) <= 30
    used = {row["page"] for row in load_claims()}
    for page in pages:
        parsed = parse(page)
        assert parsed.title.strip() and parsed.meta.get("article:published_time")
        assert page.name in used, f"{page.name} has no claim"


@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.name)
def test_verify_claims_pair_up_and_match_their_pages(path: Path) -> None:
    """Each refuted claim follows its supported twin, with one number changed; the page states the
    supported version's numbers and not the refuted one's."""
    rows = load_claims(path)
    pairs = [(rows[i - 1], row) for i, row in enumerate(rows) if row["expected"] == "refuted"]
    assert len(pairs) == sum(r["expected"] == "supported" for r in rows)
    for good, bad in pairs:
        assert good["expected"] == "supported" and good["page"] == bad["page"]
        claim, twin = str(good["claim"]), str(bad["claim"])
        text = parse(VERIFY_CORPUS_DIR / str(good["page"])).plain
        for number in re.findall(r"\d[\d,.]*\d|\d", claim):
            assert number in text, (good["page"], number)
        changed = [(a, b) for a, b in zip(claim.split(), twin.split(), strict=True) if a != b]
        assert len(changed) == 1, (claim, twin)
        assert changed[0][1].strip("$.,") not in text, (good["page"], changed)


# --- the server ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    with serve_directory(EXAMPLES_DIR) as url:
        host, port = url.removeprefix("http://").split(":")
        yield host, int(port)


def request(server: tuple[str, int], path: str, method: str = "GET",
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*server, timeout=5)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize(("path", "ctype"), [
    ("/article.html", "text/html; charset=utf-8"),
    ("/article.txt", "text/plain; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/sources/zh/wangluo-anquanfa.html", "text/html; charset=utf-8"),
])
def test_server_serves_files_with_content_type(server: tuple[str, int], path: str, ctype: str) -> None:
    status, headers, body = request(server, path)
    assert status == 200
    assert headers["content-type"] == ctype
    assert body == (EXAMPLES_DIR / path.lstrip("/")).read_bytes()
    assert int(headers["content-length"]) == len(body)


def test_server_304_on_if_none_match(server: tuple[str, int]) -> None:
    _, headers, _ = request(server, "/article.html")
    etag = headers["etag"]
    status, again, body = request(server, "/article.html", headers={"If-None-Match": etag})
    assert (status, body, again["etag"]) == (304, b"", etag)
    status, _, _ = request(server, "/article.html", headers={"If-None-Match": f'W/{etag}, "x"'})
    assert status == 304
    status, _, body = request(server, "/article.html", headers={"If-None-Match": '"other"'})
    assert status == 200 and body


def test_server_304_on_if_modified_since(server: tuple[str, int]) -> None:
    _, headers, _ = request(server, "/sources/law-explainer.html")
    last_modified = headers["last-modified"]
    status, _, body = request(server, "/sources/law-explainer.html",
                              headers={"If-Modified-Since": last_modified})
    assert (status, body) == (304, b"")
    old = formatdate(0, usegmt=True)
    status, _, _ = request(server, "/sources/law-explainer.html", headers={"If-Modified-Since": old})
    assert status == 200


def test_server_head_has_no_body(server: tuple[str, int]) -> None:
    status, headers, body = request(server, "/article.html", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


@pytest.mark.parametrize("path", [
    MISSING_PATH, "/sources/", "/nope", "/../pyproject.toml", "/sources/../../pyproject.toml",
    "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml", "/sources/%2e%2e/%2e%2e/pyproject.toml",
])
def test_server_404_for_missing_and_traversal(server: tuple[str, int], path: str) -> None:
    status, headers, body = request(server, path)
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert b"[project]" not in body


def test_server_is_quiet_and_stops(capfd: pytest.CaptureFixture[str]) -> None:
    with serve_directory(EXAMPLES_DIR) as url:
        host, port = url.removeprefix("http://").split(":")
        assert request((host, int(port)), "/article.html")[0] == 200
        assert request((host, int(port)), "/missing")[0] == 404
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    with pytest.raises(OSError):
        http.client.HTTPConnection(host, int(port), timeout=1).connect()


def test_server_rejects_a_file_as_root(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError), serve_directory(tmp_path / "nothing"):
        pass


def test_server_answers_concurrent_requests(server: tuple[str, int]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    paths = ["/" + p.relative_to(EXAMPLES_DIR).as_posix() for p in SOURCE_PAGES] * 3
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda p: request(server, p)[0], paths))
    assert statuses == [200] * len(paths)


def test_server_refuses_other_methods(server: tuple[str, int]) -> None:
    assert request(server, "/article.html", method="POST")[0] == 501


def test_every_example_file_is_package_data() -> None:
    """A non-editable install must carry the pages too: pyproject's package-data covers them all."""
    import tomllib

    pyproject = tomllib.loads((EXAMPLES_DIR.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]
    covered = {p for pat in patterns["*"] + patterns["examples"] for p in EXAMPLES_DIR.glob(pat)}
    data = {p for p in EXAMPLES_DIR.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert data - covered == set()
