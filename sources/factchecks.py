"""Published fact-checks read from files and pages, for the local fact-check archive.

Three shapes arrive in practice: pages with ClaimReview in their JSON-LD; JSON feeds (a
schema.org ``DataFeed`` whose ``dataFeedElement`` items hold ClaimReview, as Google's fact-check
markup tool exports it, or a plain JSON list / JSON Lines of ClaimReview objects); and the Fact
Check Tools ``claims:search`` response (``{"claims": [{text, claimant, claimDate, claimReview:
[{publisher: {name, site}, url, title, reviewDate, textualRating, languageCode}]}]}``). Parsing is
pure and lenient: what is not a fact-check is left out, and a file that is neither JSON nor HTML
is an ``InputError`` naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from claimtrack.errors import InputError
from sources import jsonld
from sources.model import ClaimReviewRating
from sources.providers.base import as_list, as_str
from sources.text import decode_bytes
from sources.urls import resolve

FEED_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".html", ".htm", ".xhtml"})
MAX_BYTES = 200 * 1024 * 1024
_HTML = re.compile(r"^\s*(?:<!doctype html|<html|<\?xml|<head|<script|<meta)", re.I)


@dataclass(frozen=True, slots=True)
class FactCheck:
    """One published fact-check: the review (claim reviewed, rating, URL, publisher, date) and
    who made the claim and in which language, when the source says."""

    review: ClaimReviewRating
    claimant: str | None = None
    language: str | None = None


def _from_jsonld(obj: dict[str, Any]) -> Iterator[FactCheck]:
    """Every ClaimReview in one JSON-LD object (walked: feeds nest them in DataFeedItems)."""
    for found in jsonld.walk(obj):
        if "ClaimReview" not in jsonld.types_of(found):
            continue
        review = jsonld.claim_review(found)
        if review is None:
            continue
        item = found.get("itemReviewed")
        item = item[0] if isinstance(item, list) and item else item
        claimant = None
        if isinstance(item, dict):
            author = item.get("author")
            author = author[0] if isinstance(author, list) and author else author
            claimant = as_str(author.get("name")) if isinstance(author, dict) else as_str(author)
        language = found.get("inLanguage")
        language = language.get("alternateName") if isinstance(language, dict) else language
        yield FactCheck(review, claimant or None, as_str(language) or None)


def _from_search(data: dict[str, Any]) -> Iterator[FactCheck]:
    """The Fact Check Tools ``claims:search`` (and ``pages``) response."""
    for claim in as_list(data.get("claims")):
        if not isinstance(claim, dict) or not as_str(claim.get("text")):
            continue
        for raw in as_list(claim.get("claimReview")):
            if not isinstance(raw, dict) or not as_str(raw.get("url")):
                continue
            pub = raw.get("publisher")
            publisher: dict[str, Any] = pub if isinstance(pub, dict) else {}
            review = ClaimReviewRating(
                claim_reviewed=as_str(claim.get("text")),
                rating=as_str(raw.get("textualRating")),
                url=as_str(raw.get("url")),
                publisher=as_str(publisher.get("name")) or as_str(publisher.get("site")) or None,
                date_published=as_str(raw.get("reviewDate"))[:10] or None,
            )
            yield FactCheck(review, as_str(claim.get("claimant")) or None,
                            as_str(raw.get("languageCode")) or None)


def _from_json(data: Any) -> Iterator[FactCheck]:
    if isinstance(data, list):
        for item in data:
            yield from _from_json(item)
    elif isinstance(data, dict):
        if isinstance(data.get("claims"), list):
            yield from _from_search(data)
        elif isinstance(data.get("dataFeedElement"), list):
            for element in data["dataFeedElement"]:
                if isinstance(element, dict):
                    yield from _from_jsonld(element)
        elif isinstance(data.get("@graph"), list):
            for element in data["@graph"]:
                if isinstance(element, dict):
                    yield from _from_jsonld(element)
        else:
            yield from _from_jsonld(data)


def _json_values(text: str, name: str) -> list[Any]:
    """One JSON document, or JSON Lines (one value a line)."""
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except ValueError as exc:
            raise InputError(f"{name} is not valid JSON or JSON Lines (line {number}: "
                             f"{getattr(exc, 'msg', exc)})") from exc
    return values


def _html_objects(text: str) -> list[dict[str, Any]]:
    parser = lxml.html.HTMLParser(remove_comments=True, recover=True, huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        objects.extend(jsonld.parse_block(script.text or ""))
    return objects


def read_factchecks(data: bytes, *, name: str, url: str | None = None,
                    content_type: str | None = None) -> list[FactCheck]:
    """The fact-checks in one file's or response's bytes, deduplicated, in reading order.

    ``[]`` when it is readable but holds none; ``InputError`` naming ``name`` when it is empty,
    binary, or JSON that does not parse. Relative review URLs resolve against ``url``.
    """
    if not data.strip():
        raise InputError(f"{name} is empty")
    text = decode_bytes(data, content_type)
    if text is None:
        raise InputError(f"{name} is a binary file, not JSON or HTML")
    kind = (content_type or "").lower()
    looks_json = text.lstrip()[:1] in ("{", "[")
    # what the bytes look like decides before the label: servers often send JSON as text/html
    if looks_json or ("json" in kind and not _HTML.match(text[:1000])):
        found = [fc for value in _json_values(text, name) for fc in _from_json(value)]
    elif "html" in kind or _HTML.match(text[:1000]):
        found = [fc for obj in _html_objects(text) for fc in _from_jsonld(obj)]
    else:
        raise InputError(f"{name} is neither JSON nor HTML")
    out: dict[tuple[str, str], FactCheck] = {}
    for fc in found:
        address = fc.review.url or url
        fc = replace(fc, review=replace(fc.review, url=resolve(address, url) or address
                                        if address else None))
        out.setdefault((fc.review.url or "", fc.review.claim_reviewed), fc)
    return list(out.values())


def feed_files(folder: Path) -> Iterator[Path]:
    """The .json/.jsonl/.html files under a folder, recursively, in name order (dotfiles left)."""
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            yield from feed_files(entry)
        elif entry.is_file() and entry.suffix.lower() in FEED_SUFFIXES:
            yield entry


def read_factcheck_file(path: Path) -> list[FactCheck]:
    """One local file's fact-checks; InputError in one line when it cannot be read."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path} is too large ({size / 1_048_576:.0f} MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_factchecks(data, name=str(path))
