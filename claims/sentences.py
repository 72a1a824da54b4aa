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
_INITIAL = re.compile(r"[a-z]|(?:[a-z]\.)+[a-z]")
SPEECH_AFTER = re.compile(
    r"\s*(?:[A-Za-z’'.-]+\s+){0,6}?(?:says|said|added|adds|notes|noted|told|wrote|writes|argued|"
    r"argues|explained|explains|warned|warns|continued|insisted|claimed|claims|stated|asked)\b"
)


class _Quotes:
    """Quotation state while scanning a block left to right, so each boundary costs O(1) amortised:
    curly quotes nest by direction, straight quotes by parity."""

    __slots__ = ("text", "end", "pos", "curly", "straight", "_close")

    def __init__(self, text: str, begin: int, end: int) -> None:
        self.text, self.end, self.pos = text, end, begin
        self.curly = 0
        self.straight = 0
        self._close: dict[str, int] = {}

    def close_after(self, dot: int) -> int | None:
        """Where the quotation open at ``dot`` closes, or None when none is open there."""
        text = self.text
        for i in range(self.pos, dot):
            ch = text[i]
            if ch == "“":
                self.curly += 1
            elif ch == "”":
                self.curly = max(0, self.curly - 1)
            elif ch == '"':
                self.straight ^= 1
        self.pos = max(self.pos, dot)
        if self.curly:
            return self._next("”", dot)
        if self.straight:
            return self._next('"', dot + 1)
        return None

    def _next(self, mark: str, pos: int) -> int | None:
        cached = self._close.get(mark)
        if cached is None or (cached >= 0 and cached < pos):
            cached = self.text.find(mark, pos, self.end)
            self._close[mark] = cached
        return None if cached < 0 else cached


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as ``(start, end)`` offsets into ``text``, trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cur = start
    quotes = _Quotes(text, start, end)
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        dot = m.start()
        if text[dot] == ".":
            pw = _PREV_WORD.search(text, max(start, dot - 12), dot + 1)
            word = pw.group(1).lower() if pw else ""
            if word in ABBREVIATIONS or _INITIAL.fullmatch(word):
                continue  # "Mr.", "J.", "U.S." end a word, not (usually) a sentence
        close = quotes.close_after(dot)
        if close is not None and close >= stop:
            before = text[close - 1] if close > 0 else ""
            if before == "," or SPEECH_AFTER.match(text, close + 1, close + 80):
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
