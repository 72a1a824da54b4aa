"""Local documents: HTML, text and Markdown files, one at a time or whole folders for the corpus.

Every way a file can be unusable (missing, a folder, empty, binary, no readable text) is an
``InputError`` with one line that names the file and says what is wrong; a folder walk records
those as problems and carries on, so one bad file does not sink an import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from claimtrack.errors import ClaimtrackError, InputError
from sources.extract import extract_document, plain_document
from sources.model import Document, FetchResult, Link
from sources.text import decode_bytes
from sources.urls import is_url, resolve

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
CORPUS_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES | MARKDOWN_SUFFIXES
MAX_FILE_BYTES = 50 * 1024 * 1024
Problems = list[dict[str, str]]

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)(?:\s+\"[^\"]*\")?\)")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M)
_MD_BULLET = re.compile(r"^([ \t]*)(?:[-*+]|\d+[.)])[ \t]+", re.M)
_MD_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.M)
_MD_EMPHASIS = re.compile(r"(?<!\w)(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_MD_FENCE = re.compile(r"^[ \t]*(```|~~~).*$", re.M)
_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<\?xml)", re.I)


def markdown_document(text: str, url: str | None = None) -> Document | None:
    """Markdown read as plain text: markup dropped, links kept, the first heading as title."""
    links = tuple(
        Link(url=absolute, text=m[1].strip())
        for m in _MD_LINK.finditer(text)
        if (absolute := resolve(m[2], url)) is not None
    )
    heading = _MD_HEADING.search(text)
    plain = _MD_IMAGE.sub(r"\1", text)
    plain = _MD_LINK.sub(r"\1", plain)
    plain = _MD_HEADING.sub(r"\1", plain)
    plain = _MD_FENCE.sub("", plain)
    plain = _MD_QUOTE.sub("", _MD_BULLET.sub(r"\1", plain))
    plain = _MD_EMPHASIS.sub(r"\2", plain)
    doc = plain_document(plain, url)
    if doc is None:
        return None
    title = heading[1].strip() if heading else doc.title
    return Document(text=doc.text, title=title, url=url, canonical_url=doc.canonical_url,
                    language=doc.language, links=links)


def kind_of(name: str, text: str) -> str:
    """"html", "markdown" or "text", from the suffix, else from the first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "html" if _HTML_START.match(text[:1000]) else "text"


def document_from_bytes(
    data: bytes, *, name: str, url: str | None = None, content_type: str | None = None
) -> Document:
    """Read one document's bytes; InputError naming ``name`` when there is nothing to read."""
    if not data.strip():
        raise InputError(f"{name} is empty")
    text = decode_bytes(data, content_type)
    if text is None:
        raise InputError(f"{name} is a binary file, not HTML, text or Markdown")
    if content_type and "html" in content_type.lower():
        kind = "html"
    elif content_type and "markdown" in content_type.lower():
        kind = "markdown"
    elif content_type and content_type.lower().startswith("text/plain"):
        kind = "text"
    else:
        kind = kind_of(url or name, text)
    if kind == "html":
        doc = extract_document(text, url=url)
    elif kind == "markdown":
        doc = markdown_document(text, url)
    else:
        doc = plain_document(text, url)
    if doc is None or not doc.text.strip():
        raise InputError(f"{name} has no readable text")
    return doc


def read_file(path: Path) -> Document:
    """One local file as a Document, or InputError saying in one line why it cannot be read."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path} is too large ({size / 1_048_576:.1f} MB; the limit is "
                         f"{MAX_FILE_BYTES / 1_048_576:.0f} MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return document_from_bytes(data, name=str(path))


def document_from_fetch(result: FetchResult) -> Document:
    """A fetched page as a Document, or InputError saying why the URL gave nothing to read."""
    if result.status != "fetched" or result.body is None:
        raise InputError(f"could not fetch {result.url}: {result.reason}")
    return document_from_bytes(result.body, name=result.url, url=result.final_url or result.url,
                               content_type=result.content_type)


def _walk(folder: Path) -> Iterator[Path]:
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry)
        elif entry.is_file() and entry.suffix.lower() in CORPUS_SUFFIXES:
            yield entry


def corpus_files(
    item: str | Path,
    *,
    problems: Problems | None = None,
    fetch: Callable[[str], FetchResult] | None = None,
) -> Iterator[tuple[Document, str]]:
    """Documents under a path (folders recursively: .html/.htm/.txt/.md) or at a URL.

    A file that cannot be read is recorded in ``problems`` (path and reason) and skipped; a
    missing path, or a URL without a ``fetch``, is an InputError.
    """
    if isinstance(item, str) and is_url(item):
        if fetch is None:
            raise InputError(f"cannot fetch {item}: no fetcher given")
        try:
            yield document_from_fetch(fetch(item)), item
        except ClaimtrackError as exc:
            _record(problems, item, exc)
        return
    path = Path(item)
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    for file in _walk(path) if path.is_dir() else iter([path]):
        try:
            yield read_file(file), str(file)
        except InputError as exc:
            _record(problems, str(file), exc)


def _record(problems: Problems | None, where: str, exc: Exception) -> None:
    if problems is None:
        raise exc
    problems.append({"path": where, "reason": str(exc)})
