"""read_article and corpus_files: every kind of input, and one clear line for every bad one."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from claimtrack.errors import InputError
from claimtrack.settings import FetchSettings
from sources import fetch_urls
from sources.files import corpus_files, markdown_document
from sources.ingest import read_article
from sources.model import FetchResult
from tests.servers import serve_pages

PAGES = Path(__file__).parent / "fixtures" / "pages"
UNDATED = ("<html><head><meta property='article:published_time' content='sometime'></head><body><p>"
           + "Text about the harbour. " * 20 + "</p></body></html>")
TEXT = ("Harbour city opens third tidal plant\n\nThe city council opened its third tidal power "
        "plant on Monday, adding 40 megawatts of capacity.\n")


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    article = read_article(str(path))
    assert article.title == "Harbour city opens third tidal plant"
    assert "40 megawatts" in article.text
    assert article.id.startswith("a_") and len(article.id) == 18
    assert article.source_path == str(path) and article.url is None
    assert article.language == "en"
    again = tmp_path / "b.txt"
    again.write_text(TEXT.replace("\n", "\r\n"), encoding="utf-8")
    assert read_article(str(again)).id == article.id, "same text, same id"


def test_markdown_file_drops_markup_and_keeps_links(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Tidal power\n\nThe plant adds **40 megawatts**, says "
                    "[the agency](https://agency.example/report).\n\n- cost: 120 million euros\n",
                    encoding="utf-8")
    article = read_article(str(path))
    assert article.title == "Tidal power"
    assert "The plant adds 40 megawatts, says the agency." in article.text
    assert "cost: 120 million euros" in article.text and "#" not in article.text
    assert [(link.url, link.text) for link in article.links] == [("https://agency.example/report", "the agency")]


@pytest.fixture
def site() -> Iterator[tuple[str, Callable[[str], FetchResult]]]:
    """A real server on 127.0.0.1 and the real fetcher, allowed to reach it."""
    pages: dict[str, str | tuple[int, str]] = {
        "/energy/tidal-plant-opens": (PAGES / "news_article.html").read_text(encoding="utf-8"),
        "/undated": UNDATED,
    }
    with serve_pages(pages) as base:
        settings = FetchSettings(allow_hosts=(base.removeprefix("http://"),), host_delay=0.0,
                                 retries=0, connect_timeout=2.0, read_timeout=3.0)

        def fetch(url: str) -> FetchResult:
            return fetch_urls([url], settings)[0]

        yield base, fetch


def test_html_file_with_canonical_link_gets_the_url_id(
    site: tuple[str, Callable[[str], FetchResult]],
) -> None:
    article = read_article(str(PAGES / "news_article.html"), published="2024-03-19")
    assert article.canonical_url == "https://coastal-ledger.example/energy/tidal-plant-opens"
    assert article.published == "2024-03-19", "--published wins over the page's date"
    base, fetch = site
    by_url = read_article(f"{base}/energy/tidal-plant-opens", fetch=fetch)
    assert by_url.canonical_url == article.canonical_url
    assert by_url.id == article.id, "the same page from another address: the canonical URL's id"
    assert by_url.text == article.text
    assert by_url.published == "2024-03-18"


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    assert "40 megawatts" in read_article("-").text


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p / "missing.txt", "no such file"),
    (lambda p: p, "is a folder"),
    (lambda p: _write(p / "empty.txt", b""), "is empty"),
    (lambda p: _write(p / "blank.md", b"  \n\n "), "is empty"),
    (lambda p: _write(p / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"), "binary file"),
    (lambda p: _write(p / "scripts.html", b"<html><body><script>x()</script></body></html>"), "no readable text"),
])
def test_bad_files_give_one_clear_line(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message) as info:
        read_article(str(make(tmp_path)))
    assert "\n" not in str(info.value)


def test_bad_published_date(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", TEXT.encode())
    with pytest.raises(InputError, match="--published 'last tuesday' is not a date"):
        read_article(str(path), published="last tuesday")


def test_urls_that_fail_say_why(site: tuple[str, Callable[[str], FetchResult]]) -> None:
    base, fetch = site
    with pytest.raises(InputError, match=rf"could not fetch {re.escape(base)}/x: http_404"):
        read_article(f"{base}/x", fetch=fetch)
    with pytest.raises(InputError, match="fetching is not available"):
        read_article("https://e.example/x", fetch=None)


def test_non_english_text_is_read_with_its_language(tmp_path: Path) -> None:
    path = _write(tmp_path / "de.txt", "Der Stadtrat hat am Dienstag den neuen Haushalt für das kommende "
                  "Jahr beschlossen, und die Ausgaben steigen um vier Prozent.".encode())
    assert read_article(str(path)).language == "de"


def test_corpus_files_walks_folders_and_records_problems(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    _write(tmp_path / "a.txt", TEXT.encode())
    _write(tmp_path / "sub" / "b.md", b"# B\n\nA markdown page about harbour tides and fishing boats.")
    (tmp_path / "sub" / "deeper" / "c.html").write_bytes((PAGES / "news_article.html").read_bytes())
    _write(tmp_path / "sub" / "empty.txt", b"")
    _write(tmp_path / "sub" / "ignored.pdf", b"%PDF")
    _write(tmp_path / ".hidden.txt", TEXT.encode())
    problems: list[dict[str, str]] = []
    found = list(corpus_files(tmp_path, problems=problems))
    names = sorted(Path(where).name for _, where in found)
    assert names == ["a.txt", "b.md", "c.html"]
    assert problems == [{"path": str(tmp_path / "sub" / "empty.txt"),
                         "reason": f"{tmp_path / 'sub' / 'empty.txt'} is empty"}]
    with pytest.raises(InputError, match="no such file or folder"):
        list(corpus_files(tmp_path / "nope"))


def test_markdown_without_text_is_none() -> None:
    assert markdown_document("   ") is None


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sources.files

    monkeypatch.setattr(sources.files, "MAX_FILE_BYTES", 1024 * 1024)
    path = _write(tmp_path / "big.txt", b"word " * 300_000)
    with pytest.raises(InputError, match=r"big\.txt is too large \(1\.4 MB; the limit is 1 MB\)"):
        read_article(str(path))


def test_a_page_with_an_unknown_date_reads_with_none(
    site: tuple[str, Callable[[str], FetchResult]],
) -> None:
    base, fetch = site
    fetched = read_article(f"{base}/undated", fetch=fetch)
    assert "Text about the harbour." in fetched.text
    assert fetched.published is None


def test_markdown_keeps_paragraphs_and_snake_case() -> None:
    doc = markdown_document("# T\n\nThe file_name_here and **bold** stay.\n\n- one\n- two\n\n> quoted\n\nEnd.\n")
    assert doc is not None
    assert doc.text == "T\n\nThe file_name_here and bold stay.\n\none\ntwo\n\nquoted\n\nEnd."
