"""The article a check starts from: a URL, an HTML/text/Markdown file, or stdin.

The id is stable so the same article checked twice lands on the same rows: the canonical URL
when the article has one (a saved page's ``<link rel=canonical>`` counts), else its text.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

from claimtrack.errors import ClaimtrackError, InputError
from sources.extract import iso_date
from sources.files import document_from_bytes, document_from_fetch, read_file
from sources.model import Article, Document, FetchResult
from sources.text import normalize_text
from sources.urls import canonical_url, is_url


def article_id(canonical: str | None, text: str) -> str:
    key = canonical if canonical else normalize_text(text)
    return "a_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def parse_published(value: str | None) -> str | None:
    """A ``--published`` value as an ISO date; InputError when it is not one."""
    if value is None or not value.strip():
        return None
    found = iso_date(value)
    if found is None:
        raise InputError(f"--published {value!r} is not a date (use YYYY-MM-DD)")
    return found


def read_article(
    arg: str,
    *,
    published: str | None = None,
    fetch: Callable[[str], FetchResult] | None = None,
) -> Article:
    """Read ARTICLE; one clear InputError line for anything that cannot be checked."""
    given = parse_published(published)
    source_path: str | None = None
    if arg == "-":
        document = document_from_bytes(sys.stdin.buffer.read(), name="standard input")
    elif is_url(arg):
        if fetch is None:
            raise InputError(f"cannot fetch {arg}: fetching is not available here")
        try:
            result = fetch(arg)
        except ClaimtrackError as exc:
            raise InputError(f"could not fetch {arg}: {exc}") from exc
        document = document_from_fetch(result)
    else:
        path = Path(arg).expanduser()
        document = read_file(path)
        source_path = str(path)
    return to_article(document, published=given, source_path=source_path)


def to_article(document: Document, *, published: str | None = None,
               source_path: str | None = None) -> Article:
    text = normalize_text(document.text)
    canonical = document.canonical_url or (canonical_url(document.url) if document.url else None)
    return Article(
        id=article_id(canonical, text),
        text=text,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=document.title,
        url=document.url,
        canonical_url=canonical,
        published=published or document.published,
        source_path=source_path,
        links=document.links,
        language=document.language,
    )
