"""Reading a page: main text, metadata, links and JSON-LD out of raw HTML (pure, no network).

trafilatura finds the main text; when it finds under 250 characters (its own minimum), a
block-level fallback reads the page's prose and wins if it found clearly more; a JSON-LD
``articleBody`` twice as long as what was found wins over both (script-rendered pages). Metadata comes from the page's own declarations first (Open Graph / ``article:*``
meta, ``<link rel=canonical>``, JSON-LD) and from htmldate (via trafilatura's stack) last.
Whatever the input (binary, broken, huge, deeply nested), this returns a ``Document`` or
``None`` for "nothing to read", never an exception: one bad page must not stop a run.
"""

from __future__ import annotations

import logging
import re
from copy import copy
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Extractor

from sources import jsonld
from sources.language import guess_language
from sources.model import ClaimReviewRating, Document, Link
from sources.text import decode_bytes, normalize_text
from sources.urls import canonical_url, resolve

MAX_CHARS = 5_000_000  # beyond this a "page" is a dump; read its head
MAX_LINKS = 500
MAX_TEXT = 1_000_000  # main text beyond this is cut at a line end (passages stay bounded)
TRUST_CHARS = 250  # trafilatura's own minimum: below it, the fallback may know better
MAX_ELEMENTS = 60_000  # trafilatura takes ~40 us per element; past this only the fallback reads
_HTML_HINT = re.compile(r"<(?:!doctype|html|head|body|p|div|article|title|meta|br|span|a)\b", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")
_NEVER_TEXT = ("script", "style", "template", "svg", "iframe", "button", "select", "option",
               "textarea", "head", "title", "object", "embed", "canvas", "math")
_BOILERPLATE = ("noscript", "nav", "header", "footer", "aside", "form", "menu", "dialog")
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})
MIN_FALLBACK_CHARS = 200
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "date", "dc.date.issued", "dc.date", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "citation_publication_date",
)
_AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author",
                "citation_author")
_NOISY_CLASS = re.compile(
    r"\b(?:nav|menu|footer|sidebar|cookie|banner|share|social|related|comment|advert|promo|"
    r"newsletter|subscribe|breadcrumb)", re.I)

_CODE = '//script[not(contains(translate(@type, "LDJSON", "ldjson"), "ld+json"))]|//style'
_OPTIONS = Extractor(output_format="txt", comments=False, tables=True, with_metadata=False)

log = logging.getLogger(__name__)
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)  # their warnings are our "None"


def extract_document(html: str | bytes, url: str | None = None) -> Document | None:
    """The readable content of a page, or None when there is nothing to read."""
    text = decode_bytes(html) if isinstance(html, bytes) else html
    if text is None:
        return None
    text = text[:MAX_CHARS]
    if "\x00" in text:  # memchr-fast; replace() scans and copies 200 KB even when there is none
        text = text.replace("\x00", "")
    if not text.strip():
        return None
    if not _HTML_HINT.search(text[:5000]):
        return plain_document(text, url)
    tree = _parse(text)
    if tree is None:
        return None
    objects = _jsonld(tree)
    meta = _meta(tree)
    title = _title(tree, meta, objects)
    published = _published(tree, meta, objects)
    lang = (tree.get("lang") or meta.get("og:locale") or "").strip().lower()[:2] or None
    canonical = _canonical(tree, meta, url)
    _drop_code(tree)  # JSON-LD and htmldate have read the scripts they need
    main = _cap(_main_text(tree, url, objects))  # the fallback prunes the tree: meta first
    if not main:
        return None
    return Document(
        text=main,
        title=title,
        url=url,
        canonical_url=canonical,
        published=published,
        author=_author(meta, objects),
        language=guess_language(main) or lang,
        links=_links(tree, _base(tree, url) or canonical, main),
        jsonld=tuple(objects),
        claim_reviews=tuple(_review_at(r, url) for r in jsonld.claim_reviews(objects)),
    )


def plain_document(text: str, url: str | None = None) -> Document | None:
    """A text page: the text itself; its first short line is the title."""
    body = normalize_text(text)
    if not body:
        return None
    first = body.split("\n", 1)[0].strip().lstrip("#").strip()
    title = first if 0 < len(first) <= 150 and "\n" in body else None
    return Document(text=body, title=title, url=url,
                    canonical_url=canonical_url(url) if url else None,
                    language=guess_language(body))


def _parse(text: str) -> Any:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True,
                                    huge_tree=True)
    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root


def _jsonld(tree: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        objects.extend(jsonld.parse_block(script.text or ""))
    return objects[: jsonld.MAX_OBJECTS]


def _drop_code(tree: Any) -> None:
    """Scripts (bar JSON-LD) and styles out of the tree before trafilatura reads it.

    They are most of a modern page's bytes, trafilatura copies the whole tree three times
    before its own cleaning drops them, and no reader here takes text from them: about
    0.3 ms a page on 50-200 KB pages. JSON-LD stays (trafilatura's baseline reads
    ``articleBody`` from it)."""
    for el in tree.xpath(_CODE):
        el.drop_tree()


def _meta(tree: Any) -> dict[str, str]:
    """``<meta>`` by property/name/itemprop, lowercased keys, first value wins."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    return found


def _main_text(tree: Any, url: str | None, objects: list[dict[str, Any]]) -> str:
    oversized = tree.xpath("count(//*)") > MAX_ELEMENTS  # counted in libxml2, no Python proxies
    main = "" if oversized else _trafilatura(tree, url)
    body = normalize_text(jsonld.first_field(objects, "articleBody") or "")
    if body and len(main) < 0.5 * len(body):
        return body
    if len(main) >= TRUST_CHARS:
        return main
    fallback = _fallback(tree)  # trafilatura found little: see whether the page has more prose
    if len(fallback) >= 2 * len(main) + 50:
        return fallback
    return main or fallback or body


def _cap(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    cut = text.rfind("\n", 0, MAX_TEXT)
    return text[: cut if cut > 0 else MAX_TEXT].rstrip()


def _trafilatura(tree: Any, url: str | None) -> str:
    """trafilatura on our parsed tree (it reads a copy and leaves ours as it was; parsing the
    page once instead of twice saves about a fifth of the time). Its options are built once:
    ``extract()`` with keywords builds an ``Extractor``, reading its settings out of a
    ConfigParser, on every call (~50 us a page)."""
    options = copy(_OPTIONS)
    options.url = options.source = url
    try:
        out = trafilatura.extract(tree, options=options)
    except Exception as exc:  # a parser bug on a hostile page must not stop the run
        log.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    return normalize_text(out or "")


def fallback_text(html: str) -> str:
    """The fallback reader alone (for the evaluation): paragraphs minus boilerplate."""
    tree = _parse(html)
    return _fallback(tree) if tree is not None else ""


def _fallback(tree: Any) -> str:
    """Prose outside navigation and boilerplate; if that leaves nothing, prose anywhere.

    Text is read block by block (a block's own text and its inline children, split at ``<br>``
    pairs), so ``<div>``-and-``<br>`` pages read as well as ``<p>`` pages. Mostly-link lines
    (menus, "most read" lists) are dropped. The second pass exists for pages that put the
    article where boilerplate usually lives (a whole page inside ``<form>``, ``<header>`` or
    ``<aside>``): it keeps only lines that read like sentences.
    """
    body = tree.find("body")
    root = body if body is not None else tree
    for el in list(root.iter(*_NEVER_TEXT)):
        if el.getparent() is not None:
            el.drop_tree()
    lenient = _prose(_lines(root), min_words=6, max_links=0.3)
    for el in list(root.iter(*_BOILERPLATE)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter("div", "section", "ul", "ol", "span", "table")):
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _NOISY_CLASS.search(marker) and el.getparent() is not None:
            el.drop_tree()
    strict = _prose(_lines(root), min_words=1, max_links=0.6)
    text = strict if len(strict) >= MIN_FALLBACK_CHARS or len(strict) >= len(lenient) else lenient
    return normalize_text(text)


def _lines(root: Any) -> list[tuple[str, int]]:
    """``(line, characters inside links)`` for every block's own text, in document order."""
    out: list[tuple[str, int]] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _INLINE:
            continue
        parts: list[str] = [el.text or ""]
        linked = 0
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                parts.append("\n")
            elif tag in _INLINE:
                inner = child.text_content()
                parts.append(inner)
                linked += len(inner) if tag == "a" else sum(
                    len(a.text_content()) for a in child.iter("a"))
            elif tag:
                parts.append("\n")
            parts.append(child.tail or "")
        raw = "".join(parts)
        for piece in raw.split("\n"):
            line = _SPACE.sub(" ", piece).strip()
            if line:
                out.append((line, min(linked, len(line)) if "\n" not in raw.strip() else 0))
    return out


def _prose(lines: list[tuple[str, int]], *, min_words: int, max_links: float) -> str:
    kept: list[str] = []
    for line, linked in lines:
        if len(line) < 2 or linked > max_links * len(line) or len(line.split()) < min_words:
            continue
        if not kept or kept[-1] != line:
            kept.append(line)
    return "\n".join(kept)


def _review_at(review: ClaimReviewRating, url: str | None) -> ClaimReviewRating:
    """A review's URL made absolute (pages often write it relative); the page's own if absent."""
    if not review.url:
        return replace(review, url=url)
    return replace(review, url=resolve(review.url, url) or review.url)


def _title(tree: Any, meta: dict[str, str], objects: list[dict[str, Any]]) -> str | None:
    for candidate in (meta.get("og:title"), jsonld.first_field(objects, "headline"),
                      tree.findtext(".//title"), _first_text(tree, "h1")):
        if candidate and candidate.strip():
            return _SPACE.sub(" ", candidate).strip()[:500]
    return None


def _first_text(tree: Any, tag: str) -> str | None:
    el = next(tree.iter(tag), None)
    return el.text_content() if el is not None else None


def _canonical(tree: Any, meta: dict[str, str], url: str | None) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = resolve(link.get("href") or "", url)
            if href:
                return canonical_url(href)
    og = resolve(meta.get("og:url", ""), url)
    if og:
        return canonical_url(og)
    return canonical_url(url) if url else None


def iso_date(value: str | None) -> str | None:
    """"2017-09-25T10:00:00+08:00", "2017/09/25", "20170925" -> "2017-09-25"; else None."""
    if not value:
        return None
    raw = value.strip()
    match = re.match(r"(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})", raw)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return None
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%a, %d %b %Y %H:%M:%S %Z"):
        try:
            return datetime.strptime(raw, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _published(tree: Any, meta: dict[str, str], objects: list[dict[str, Any]]) -> str | None:
    for key in _DATE_META:
        found = iso_date(meta.get(key))
        if found:
            return found
    found = iso_date(jsonld.first_field(objects, "datePublished", "dateCreated"))
    if found:
        return found
    for el in tree.iter("time"):
        if el.get("itemprop") == "datePublished" or el.get("pubdate") is not None:
            found = iso_date(el.get("datetime"))
            if found:
                return found
    return _htmldate(tree)


def _htmldate(tree: Any) -> str | None:
    try:
        from htmldate import find_date

        return iso_date(find_date(tree, extensive_search=False, original_date=True,
                                  outputformat="%Y-%m-%d"))
    except Exception:  # htmldate on a hostile page: an unknown date, not a failure
        return None


def _author(meta: dict[str, str], objects: list[dict[str, Any]]) -> str | None:
    for key in _AUTHOR_META:
        value = meta.get(key, "")
        if value and not value.startswith(("http://", "https://")):
            return value[:200]
    for obj in objects:
        if jsonld.types_of(obj) & {"ClaimReview", "WebSite", "Organization"}:
            continue  # a fact-check's "author" is its publisher, not a byline
        found = jsonld.first_field([obj], "author", "creator")
        if found and not found.startswith(("http://", "https://")):
            return found[:200]
    return None


def _base(tree: Any, url: str | None) -> str | None:
    """What relative links resolve against: ``<base href>``, else the page's URL."""
    for el in tree.iter("base"):
        found = resolve(el.get("href") or "", url)
        if found:
            return found
    return url


def word_set(text: str) -> set[str]:
    """``set(re.findall(r"\\w+", text))``, about 3x faster: a whitespace split gives most words
    whole (a token of only letters and digits is one ``\\w+`` match, ``str.isalnum`` and
    ``\\w`` being the same test bar "_"), and the regex reads only the distinct tokens that
    carry punctuation."""
    words = set(text.split())
    mixed = [w for w in words if not w.isalnum()]
    if mixed:
        words.difference_update(mixed)
        words.update(_WORDS.findall(" ".join(mixed)))
    return words


def _links(tree: Any, url: str | None, main: str) -> tuple[Link, ...]:
    """Links whose anchor text is part of the main text, resolved, deduplicated by canonical URL.

    Most anchors (menus, footers, related lists) fail the word test, so it is the only work
    they cost; URLs are resolved and canonicalized only for anchors that pass."""
    flat = main.replace("\n", " ")  # main text is normalized: lines are its only breaks
    words = word_set(flat.lower())
    own: str | None = None
    seen: set[str] = set()
    links: list[Link] = []
    for a in tree.iter("a"):
        href = a.get("href")
        if not href or href[0] == "#":
            continue
        raw = a.text_content() if len(a) else a.text  # no children: its text is all of it
        if not raw:
            continue
        anchor = " ".join(raw.split())
        if len(anchor) < 2 or not words.issuperset(_WORDS.findall(anchor.lower())):
            continue  # a word of it is not in the text: most links (menus) end here, cheaply
        if anchor not in flat:
            continue
        absolute = resolve(href, url)
        if absolute is None:
            continue
        key = canonical_url(absolute)
        if own is None:
            own = canonical_url(url) if url else ""
        if key in seen or key == own:
            continue
        seen.add(key)
        links.append(Link(url=absolute, text=anchor[:300]))
        if len(links) >= MAX_LINKS:
            break
    return tuple(links)
