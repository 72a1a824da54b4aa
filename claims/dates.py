"""Dates in claim text, resolved against the article's publication date when it is known.

A date part the text does not give stays ``None``: a claim's year is taken from ``published`` (or a
year in the same text), never invented.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

from claims.model import DateRef
from claims.spans import SpanMask

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"

_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b(?P<iso>" + r"(?P<y>1[6-9]\d\d|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d))\b"),
    # June 1st, 2017 / June 1 / Jun. 1, 2017
    re.compile(r"\b" + _MON + r"\s+" + _DAY + r"(?!\d)(?: ?,?\s+" + _YEAR + r")?\b(?!\s*(?:%|percent|million|billion))"),
    # 1 June 2017 / 1st of June
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MON + r"(?:,?\s+" + _YEAR + r")?\b"),
    # June 2017 / in June
    re.compile(r"\b" + _MON + r"(?:\s+(?:of\s+)?" + _YEAR + r")?\b"),
    # a bare year: "in 2017", "(2016)"
    re.compile(r"(?<![\d$€£¥.,])\b" + _YEAR + r"\b(?![.,]?\d)(?!\s*(?:%|percent|per cent|million|billion|people|users))"),
)

_BARE_YEAR = _PATTERNS[-1]
_COUNTED = re.compile(r"\s+(?!(?:has|was|its|his|this|does|thus|plus|across|always|perhaps|less|"
                      r"unless|whereas|besides|towards|afterwards|news|series|analysis)\b)"
                      r"[a-z]{2,}[^s']s\b")
# words before a bare year that make it one: "in 2019 sales rose", "the 2020 elections"
_YEAR_CUE = re.compile(
    r"(?:\b(?:in|since|until|till|by|of|from|through|during|before|after|early|late|mid|the|"
    r"this|that|its|their|his|her|our|each|every|a|an|to|and|or)|['’]s|[(,–-])\s*$",
    re.IGNORECASE,
)
_MONTH_CUE = re.compile(
    r"\b(?:in|since|until|till|by|early|late|mid|last|next|this|of|from|through|during|before|after)"
    r"[\s-]+$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?P<rel>today|yesterday|tomorrow|(?:last|this|next)\s+(?:year|month)|"
    r"(?:on\s+|last\s+)(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    re.IGNORECASE,
)


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _infer_year(month: int, day: int | None, published: date | None) -> int | None:
    """The year of a day-month the text gave without one: the publication year, or the year before
    when that would put the date more than six months after publication."""
    if published is None:
        return None
    year = published.year
    if (month - published.month) > 6:
        year -= 1
    del day
    return year


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if not 1 <= day <= 31:
            return False
        try:
            date(year or 2000, month or 1, day)
        except ValueError:
            return False
    return True


def _relative(word: str, published: date) -> DateRef | None:
    w = " ".join(unicodedata.normalize("NFKC", word).lower().split())
    if w.split()[-1] not in {"today", "yesterday", "tomorrow", "year", "month", *WEEKDAYS} or (
        len(w.split()) > 1 and w.split()[0] not in {"last", "this", "next", "on"}
    ):
        return None  # a case-folding look-alike the pattern let through
    if w == "today":
        d = published
    elif w == "yesterday":
        d = published - timedelta(days=1)
    elif w == "tomorrow":
        d = published + timedelta(days=1)
    elif w.endswith("year"):
        shift = {"last": -1, "this": 0, "next": 1}[w.split()[0]]
        return DateRef(word, published.year + shift, None, None)
    elif w.endswith("month"):
        shift = {"last": -1, "this": 0, "next": 1}[w.split()[0]]
        m = published.month + shift
        y = published.year + (m - 1) // 12
        return DateRef(word, y, (m - 1) % 12 + 1, None)
    else:
        target = WEEKDAYS.index(w.split()[-1])
        back = (published.weekday() - target) % 7 or 7
        d = published - timedelta(days=back)
    return DateRef(word, d.year, d.month, d.day)


def find_date_spans(text: str, *, published: date | None = None) -> list[tuple[int, int, DateRef]]:
    """Every date in ``text`` with its character span, in reading order, spans not overlapping."""
    return list(_date_spans(text, published))


@lru_cache(maxsize=4096)
def _date_spans(text: str, published: date | None) -> tuple[tuple[int, int, DateRef], ...]:
    """Cached: extraction, identity and verification all ask about the same sentences."""
    found: list[tuple[int, int, DateRef]] = []
    taken = SpanMask(len(text))
    free = taken.free

    for pat in _PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            if not free(s, e):
                continue
            if pat is _BARE_YEAR and _COUNTED.match(text, e) and not _YEAR_CUE.search(
                    text, max(0, s - 16), s):
                continue  # "drew 1600 runners": a count of things, not a year
            g = m.groupdict()
            y: int | None
            mo: int | None
            d: int | None
            if g.get("iso"):
                y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
            else:
                mon = g.get("mon")
                if mon and not (g.get("day") or g.get("year")) and (
                    (len(mon.rstrip(".")) == 3 and mon != "May")
                    or (mon == "May" and not _MONTH_CUE.search(text, max(0, s - 16), s))
                    or mon == "may"
                ):
                    continue  # "may" the verb, "Mar"/"Jan" the names: a month alone must be spelt
                    # out, and a lone "May" needs a cue ("in May", "since May")
                mo = _month(mon) if mon else None
                d = int(g["day"]) if g.get("day") else None
                y = int(g["year"]) if g.get("year") else None
                if y is None and mo is not None:
                    y = _infer_year(mo, d, published)
            if not _valid(y, mo, d):
                continue
            taken.take(s, e)
            found.append((s, e, DateRef(m.group(0), y, mo, d)))
    if published is not None:
        for m in _RELATIVE.finditer(text):
            s, e = m.span()
            if free(s, e):
                ref = _relative(m.group("rel"), published)
                if ref is not None:
                    taken.take(s, e)
                    found.append((s, e, DateRef(m.group(0), ref.year, ref.month, ref.day)))
    found.sort(key=lambda t: t[0])
    return tuple(found)


def find_dates(text: str, *, published: date | None = None) -> list[DateRef]:
    """Dates mentioned in ``text``; day-months without a year take it from ``published``."""
    spans: Sequence[tuple[int, int, DateRef]] = find_date_spans(text, published=published)
    if published is None:
        # A year written elsewhere in the same text completes a day-month that lacks one.
        years = {r.year for _, _, r in spans if r.year is not None}
        if len(years) == 1:
            year = next(iter(years))
            spans = [(s, e, DateRef(r.text, year, r.month, r.day))
                     if r.year is None and r.month is not None else (s, e, r) for s, e, r in spans]
    return [r for _, _, r in spans]
