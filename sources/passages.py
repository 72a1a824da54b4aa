"""Passages: the slices of a document that evidence and quotes point into.

A passage is a paragraph, or a window of whole sentences when a paragraph is long; a short line
(a heading, a dateline) is joined to what follows so it keeps its context. Offsets are exact:
``text[p.start:p.end] == p.text`` always, so a quote can be found again in the snapshot.
"""

from __future__ import annotations

import re

from sources.model import Passage

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")  # lines up to a blank line
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])|(?<=[。！？])")
MIN_CHARS = 80


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs; a text without blank lines splits on single newlines instead."""
    spans = [_strip(text, m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    if len(spans) <= 1 and "\n" in text.strip():
        spans = [_strip(text, m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return [(s, e) for s, e in spans if e > s]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.start() > pos:
            spans.append(_strip(text, pos, m.start()))
        pos = m.end()
    spans.append(_strip(text, pos, end))
    return [(s, e) for s, e in spans if e > s]


def _hard_split(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than a window: cut at the last space before the limit."""
    spans = []
    while end - start > max_chars:
        cut = start + max_chars
        space = text.rfind(" ", start + max_chars // 2, cut)
        cut = space if space > start else cut
        spans.append(_strip(text, start, cut))
        start, _ = _strip(text, cut, end)
    spans.append(_strip(text, start, end))
    return [(s, e) for s, e in spans if e > s]


def _windows(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Pack whole sentences into windows of at most ``max_chars``."""
    units: list[tuple[int, int]] = []
    for s, e in _sentences(text, start, end):
        units.extend(_hard_split(text, s, e, max_chars) if e - s > max_chars else [(s, e)])
    windows: list[tuple[int, int]] = []
    for s, e in units:
        if windows and e - windows[-1][0] <= max_chars:
            windows[-1] = (windows[-1][0], e)
        else:
            windows.append((s, e))
    return windows


def split_passages(text: str, *, max_chars: int = 600) -> list[Passage]:
    """Paragraph- and sentence-aware windows over ``text`` with exact character offsets."""
    if max_chars < 20:
        raise ValueError("max_chars must be at least 20")
    spans: list[tuple[int, int]] = []
    for start, end in _paragraphs(text):
        pieces = [(start, end)] if end - start <= max_chars else _windows(text, start, end, max_chars)
        for s, e in pieces:
            short = spans and spans[-1][1] - spans[-1][0] < min(MIN_CHARS, max_chars // 3)
            if short and e - spans[-1][0] <= max_chars:
                spans[-1] = (spans[-1][0], e)
            else:
                spans.append((s, e))
    return [Passage(index=i, text=text[s:e], start=s, end=e) for i, (s, e) in enumerate(spans)]
