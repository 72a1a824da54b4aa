"""Cleaning article text: find the paragraphs worth reading and drop the page furniture.

Nothing is rewritten: every block keeps its offsets into the original text, so claims found in it
slice back to the article exactly. Furniture is what a page carries around an article ("Select Page",
"About The Author", share buttons, bylines, captions, a title repeated under itself); headings are
kept apart from body text; list items are kept so a lead-in sentence ending in ":" can take them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["body", "heading", "item", "furniture"]

_FURNITURE = re.compile(
    r"^(?:select page|about the author|about us|share(?: this(?: article| story| post)?)?"
    r"(?: on \w+)?|share (?:this|the) (?:article|story|post|page)\b.*|!\[[^\]]*\]\([^)]*\)|tweet|email|e-mail|print|facebook|twitter|linkedin|whatsapp|pinterest|reddit|"
    r"telegram|advertisement|advert|sponsored(?: content)?|related(?: articles| posts| stories| content)?|"
    r"read more|read next|read also|see also|more from .{0,40}|comments?|\d+ comments?|"
    r"leave a (?:comment|reply)|post a comment|subscribe.*|sign up.*|log ?in|register|follow us.*|"
    r"skip to (?:main )?content|menu|search|home|newsletter.*|.*cookies?.*|all rights reserved.*|"
    r"©.*|copyright.*|tags?:.*|categor(?:y|ies):.*|posted in.*|filed under.*|you may also like.*|"
    r"recommended(?: for you)?|trending(?: now)?|most (?:read|popular|viewed)|click here.*|"
    r"listen to this article.*|\d+ min(?:ute)?s? read|(?:last )?updated:?.*\d.*|previous(?: post| article)?|"
    r"next(?: post| article)?|back to top|load more|show more|continue reading|print this page|"
    r"photo|image|video|watch|getty images|source:.*|image source:.*|photo credit:.*)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by|written by|posted by|words by|author:|reporting by|edited by)\s+[A-Z][\w.'’-]*"
    r"(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*(?:,|\||and|&|—|–|-)\s*.{0,60})?$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"^(?:photo|image|picture|pictured|above|below|caption|illustration|credit|file photo)\s*[:|—–-]"
    r"|\((?:photo|image|picture)[^)]*\)\s*$|(?:getty images|afp|reuters|ap photo|shutterstock)"
    r"(?:/[\w ]+)?\)?\s*$|^photo(?:graph)? by\b",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(
    r"^(?:(?:published|posted|updated|on)\s*:?\s*)?(?:\w+day,?\s+)?(?:\d{1,2}\s+\w+\.?|\w+\.?\s+\d{1,2}(?:st|nd|rd|th)?),?"
    r"\s+\d{4}(?:\s*(?:at\s*)?\d{1,2}:\d{2}\s*(?:am|pm)?(?:\s*\w{2,4})?)?$",
    re.IGNORECASE,
)
# The attribution line of an embedded post: "— Rep. Ilhan Omar (@IlhanMN) November 19, 2019", "A
# post shared by NASA (@nasa) on Jul 20, 2019", a bare "pic.twitter.com/..." link. It names who
# posted and when; it states nothing.
_EMBED_DATE = r"(?:on\s+)?(?:\w+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\.?,?\s+\d{4})"
_EMBED = re.compile(
    r"^(?:[—–-]{1,2}\s*)?(?:a (?:post|photo|video) shared by\s+)?[^()\n]{0,80}\(@\w{1,30}\)"
    r"\s*(?:" + _EMBED_DATE + r")?\s*\.?$|^(?:pic\.twitter\.com|https?://t\.co)/\S+$",
    re.IGNORECASE,
)
_EMBED_TAIL = re.compile(
    r"(?:\s(?:pic\.twitter\.com|https?://t\.co)/\S+)?\s+[—–]{1,2}\s*[^()\n]{1,80}\(@\w{1,30}\)\s*"
    + _EMBED_DATE + r"\s*\.?\s*$",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^\s*(?:[•·▪●◦‣∙*+-]|–|—|\d{1,2}[.)])\s+")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
_END = re.compile(r"[.!?:;…\"”’)]\s*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, heading, list item or piece of furniture; ``text[start:end]`` is its text."""

    start: int
    end: int
    kind: BlockKind


def _key(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def _kind(line: str, seen: set[str], first_body_seen: bool) -> BlockKind:
    bare = line.strip().strip("*_ ").strip()
    key = _key(bare)
    if not key:
        return "furniture"
    words = bare.split()
    short = len(words) <= 30  # furniture, bylines and captions are short; skip the regexes otherwise
    if short and (_FURNITURE.match(bare) or _BYLINE.match(bare) or _CAPTION.search(bare)
                  or _DATE_ONLY.match(bare) or _EMBED.match(bare)):
        return "furniture"
    if key in seen:
        return "furniture"  # a title or teaser repeated under itself
    if _ITEM.match(line):
        return "item"
    if _MD_HEADING.match(line):
        return "heading"
    if len(words) <= 16 and not _END.search(bare):
        return "heading"  # a title or crosshead: no sentence punctuation
    if len(words) <= 3 and not first_body_seen:
        return "heading"
    return "body"


def blocks(text: str) -> list[Block]:
    """Every block of ``text`` in order: blank lines end a paragraph; list items, headings and
    furniture stand on their own lines."""
    out: list[Block] = []
    seen: set[str] = set()
    body_seen = False
    para_start: int | None = None
    para_end = 0

    def flush() -> None:
        nonlocal para_start, body_seen
        if para_start is None:
            return
        chunk = text[para_start:para_end]
        tail = _EMBED_TAIL.search(chunk)
        if tail and tail.start() > 0:
            # an embedded post: its text, then its attribution as furniture
            cut = para_start + tail.start()
            out.append(Block(para_start, cut, _kind(text[para_start:cut], seen, body_seen)))
            body_seen = body_seen or out[-1].kind == "body"
            seen.add(_key(text[para_start:cut]))
            out.append(Block(cut + len(tail.group(0)) - len(tail.group(0).lstrip()), para_end,
                             "furniture"))
            para_start = None
            return
        kind = _kind(chunk, seen, body_seen)
        body_seen = body_seen or kind == "body"
        seen.add(_key(chunk))
        out.append(Block(para_start, para_end, kind))
        para_start = None

    pos = 0
    # Without a single blank line (text from an HTML extractor), every line is a paragraph;
    # with blank lines, single line breaks are hard wraps inside one.
    line_mode = _BLANK_LINE.search(text) is None
    for line in text.splitlines(keepends=True):
        start = pos
        pos += len(line)
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if line_mode:
            flush()
        lead = len(line) - len(line.lstrip())
        s, e = start + lead, start + len(line.rstrip())
        if stripped.startswith("|") and stripped.endswith("|"):
            flush()  # a Markdown table row: data for a person to read, not sentences
            out.append(Block(s, e, "furniture"))
            continue
        standalone = _ITEM.match(line) or _MD_HEADING.match(line) or (
            len(stripped) < 200
            and (_FURNITURE.match(stripped.strip("*_ ")) or _BYLINE.match(stripped)
                 or _EMBED.match(stripped))
        )
        if standalone:
            flush()
            para_start, para_end = s, e
            flush()
            continue
        if para_start is None:
            para_start = s
        para_end = e
    flush()
    return out


def body_blocks(text: str) -> list[Block]:
    """The blocks claims come from: body paragraphs and list items."""
    return [b for b in blocks(text) if b.kind in ("body", "item")]
