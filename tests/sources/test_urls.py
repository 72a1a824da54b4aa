from __future__ import annotations

import pytest

from sources.urls import canonical_url, domain_of, resolve, source_id


@pytest.mark.parametrize(("raw", "expected"), [
    ("HTTPS://WWW.Example.COM:443/a/b?utm_source=x&b=2&a=1#frag",
     "https://www.example.com/a/b?a=1&b=2"),
    ("http://example.com:80", "http://example.com/"),
    ("http://example.com:8080/x?fbclid=1&gclid=2&id=7", "http://example.com:8080/x?id=7"),
    ("https://example.com/Path/Case", "https://example.com/Path/Case"),
    ("https://example.com/a%20b", "https://example.com/a%20b"),
    ("  https://example.com/x  ", "https://example.com/x"),
    ("not a url", "not a url"),
])
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_spellings_of_one_page_share_a_source_id() -> None:
    a = source_id("https://Example.com/story?utm_medium=social&id=3#top")
    b = source_id("https://example.com:443/story?id=3")
    assert a == b and a.startswith("s_") and len(a) == 18
    assert source_id("https://example.com/other") != a


def test_domain_of() -> None:
    assert domain_of("https://www.BBC.co.uk/news/1") == "bbc.co.uk"
    assert domain_of("http://127.0.0.1:8000/x") == "127.0.0.1"
    assert domain_of("garbage") == ""


def test_resolve_links() -> None:
    assert resolve("/a?b=1#c", "https://e.org/x/y") == "https://e.org/a?b=1"
    assert resolve("mailto:a@b.c", "https://e.org/") is None
    assert resolve("javascript:void(0)", None) is None
    assert resolve("#top", "https://e.org/") is None
    assert resolve("/relative", None) is None
    assert resolve("http://[bad", None) is None
