"""Sentence splitting with offsets: abbreviations, initials, decimals and attributed quotes.

A quotation that runs over several sentences and is then attributed (“A. B,” says X) stays one
sentence, so the quote and its speaker are checked together.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gov", "sen", "rep", "gen", "col", "lt", "sgt", "capt", "fig", "approx", "est", "dept", "univ", "ave", "blvd", "rd", "cf", "al", "ph.d", "p.m", "a.m", "op", "pp", "vol", "ed", "eds"]
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9¿¡])|[.!?…]+[\"'”’)\]]*$")
_PREV_WORD = re.compile(r"([\w.]+)\.$")
SPEECH_AFTER = re.compile(
    r"^\s*(?:[A-Za-z’'.-]+\s+){0,6}?(?:says|said|added|adds|notes|noted|told|wrote|writes|argued|"
    r"argues|explained|explains|warned|warns|continued|insisted|claimed|claims|stated|asked)\b"
)


def _quote_close(text: str, begin: int, pos: int, end: int) -> int | None:
    """Where the quotation open at ``pos`` closes, or None when no quotation is open there.
    Curly quotes nest by direction; straight quotes by parity since ``begin``."""
    depth = 0
    for i in range(pos - 1, begin - 1, -1):
        ch = text[i]
        if ch == "”":
            depth -= 1
        elif ch == "“":
            depth += 1
        if depth > 0:
            close = text.find("”", pos, end)
            return close if close >= 0 else None
    if text.count('"', begin, pos) % 2 == 1:
        close = text.find('"', pos + 1, end)
        return close if close >= 0 else None
    return None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as ``(start, end)`` offsets into ``text``, trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        dot = m.start()
        if text[dot] == ".":
            pw = _PREV_WORD.search(text, max(start, dot - 12), dot + 1)
            word = pw.group(1).lower() if pw else ""
            if word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                continue  # "Mr.", "J.", "U.S." end a word, not (usually) a sentence
        close = _quote_close(text, start, dot, end)
        if close is not None and close >= stop:
            before = text[close - 1] if close > 0 else ""
            if before == "," or SPEECH_AFTER.match(text[close + 1:close + 80]):
                continue  # inside a quotation that is attributed after it closes
        spans.append((cur, stop))
        cur = stop
    if cur < end:
        spans.append((cur, end))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail))
    return out
