"""Bytes to text when the Content-Type header may lie about the charset.

Servers often send ``charset=iso-8859-1`` (a framework default) for UTF-8 pages, or
``charset=utf-8`` for old windows-1252 pages. Order of trust, strongest first: a byte-order mark;
valid non-ASCII UTF-8 (random legacy bytes almost never validate as UTF-8); a ``<meta charset>``
in the first 4 KB and the header's charset, each only if the body decodes strictly with it;
then charset-normalizer's guess; then windows-1252, the web's legacy default; last resort
UTF-8 with replacement characters.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([^\s;"']+)""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 on the web (it is a superset that decodes 0x80-0x9F).
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
            "us-ascii": "cp1252", "iso8859-1": "cp1252", "l1": "cp1252"}
_SNIFF = 64 * 1024  # charset-normalizer looks at most at this much, to stay cheap on big pages


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER.search(content_type or "")
    return _codec(match.group(1)) if match else None


def meta_charset(body: bytes) -> str | None:
    match = _META.search(body[:4096])
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_encoding(body: bytes, content_type_header: str | None = None) -> str:
    """The codec name ``decode_body`` will use for ``body``."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    if not body.isascii() and _decodes(body, "utf-8"):
        return "utf-8"
    for label in (meta_charset(body), header_charset(content_type_header)):
        if label and _decodes(body, label):
            return "utf-8" if label in ("ascii", "utf-8-sig") else label
    if body.isascii():
        return "utf-8"
    best = from_bytes(body[:_SNIFF]).best()
    guess = best.encoding if best is not None else None
    if guess and guess.startswith(("utf_16", "utf_32")) and b"\x00" not in body[:_SNIFF]:
        guess = None  # BOM-less UTF-16 text has NUL bytes; without them it is a bad guess
    if guess and _decodes(body, guess):
        return guess
    # Not UTF-8 and no usable label: windows-1252 is the web's legacy default (WHATWG).
    return "cp1252" if _decodes(body, "cp1252") else "utf-8"


def decode_body(body: bytes, content_type_header: str | None = None) -> str:
    """Text of ``body``; never raises (undecodable bytes become U+FFFD)."""
    codec = detect_encoding(body, content_type_header)
    text = body.decode(codec, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text
