"""Quantities in claim text: numbers with their unit, what they measure and how exact they are.

"200 million registered accounts" -> 200000000 count of "registered accounts"; "top 10" -> rank 10;
"second only to Amazon" -> rank 2; "$1.5 trillion" -> 1.5e12 USD; "35%" -> 35 percent. Years and the
day numbers of dates are dates, not quantities (see :mod:`claims.dates`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from claims.dates import find_date_spans
from claims.model import Quantity
from claims.spans import SpanMask

SCALES: dict[str, float] = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12,
    "lakh": 1e5, "crore": 1e7,
}
WORDS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12, "a thousand": 1e3,
    "a million": 1e6, "a billion": 1e9, "half a million": 5e5, "a trillion": 1e12,
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}
CURRENCY_SYMBOLS: dict[str, str] = {
    "US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "RMB": "CNY", "CNY": "CNY",
    "USD": "USD", "EUR": "EUR", "GBP": "GBP", "HK$": "HKD", "A$": "AUD", "C$": "CAD", "₹": "INR",
    "JPY": "JPY", "Rs": "INR",
}
CURRENCY_WORDS: dict[str, str] = {
    "dollars": "USD", "dollar": "USD", "yuan": "CNY", "renminbi": "CNY", "euros": "EUR",
    "euro": "EUR", "pounds": "GBP", "pound sterling": "GBP", "yen": "JPY", "rupees": "INR",
}
MULTIWORD_UNITS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(r"^\s*" + pat + r"\b", re.IGNORECASE), unit)
    for pat, unit in (
        (r"(?:km|kilometres|kilometers) (?:per|an|a) hour|km/h|kph", "km/h"),
        (r"(?:miles) (?:per|an|a) hour|mph", "mph"),
        (r"cubic (?:metres|meters)|m3|m³", "m3"),
        (r"square (?:kilometres|kilometers)|km2|km²", "km2"),
        (r"square (?:metres|meters)|m2|m²", "m2"),
        (r"square miles", "sq mi"),
        (r"cubic feet", "cu ft"),
    )
)
UNITS: dict[str, str] = {
    "km": "km", "kilometres": "km", "kilometers": "km", "miles": "miles", "mile": "miles",
    "kg": "kg", "kilograms": "kg", "tonnes": "tonnes", "tons": "tonnes", "metres": "m",
    "meters": "m", "years": "years", "year": "years", "months": "months", "days": "days",
    "hours": "hours", "minutes": "minutes", "weeks": "weeks", "gw": "GW", "mw": "MW",
    "twh": "TWh", "gwh": "GWh", "barrels": "barrels", "litres": "litres", "liters": "litres",
    "hectares": "hectares", "acres": "acres", "terabytes": "TB", "gigabytes": "GB",
    "petabytes": "PB", "degrees": "degrees", "°c": "degC", "kw": "kW", "kilowatts": "kW",
    "megawatts": "MW", "gigawatts": "GW", "feet": "ft", "foot": "ft", "inches": "in",
    "seconds": "seconds", "centimetres": "cm", "cm": "cm", "mm": "mm", "metre": "m", "meter": "m",
}
QUALIFIERS = (
    "more than", "less than", "fewer than", "at least", "at most", "up to", "as many as",
    "as much as", "nearly", "almost", "about", "around", "approximately", "roughly", "over",
    "under", "some", "an estimated", "close to", "just over", "just under", "below", "above",
    "in excess of", "upwards of", "well over", "only",
)
_STOP_MEASURE = {
    "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "but", "that", "which",
    "who", "than", "as", "of", "the", "a", "an", "is", "are", "was", "were", "has", "have",
    "had", "will", "would", "since", "per", "across", "into", "each", "every", "last", "this",
    "over", "under", "after", "before", "during", "while", "when", "where", "it", "its", "their",
    "his", "her", "be", "been", "being", "do", "does", "did", "not", "so", "such", "if",
}

# thousands set off by commas or thin/no-break spaces ("122\u202f300"); a raised decimal point
# ("1·7 billion", as medical journals print it) is a decimal point
_NUM = r"\d{1,3}(?:[,\u202f\u2009]\d{3})+(?:[.·]\d+)?|\d+(?:[.·]\d+)?|\.\d+"
_SCALE = r"thousand|million|billion|trillion|mln|mn|bn|trn|tn|lakh|crore"
_SYM = r"US\$|HK\$|A\$|C\$|\$|€|£|¥|₹|RMB|CNY|USD|EUR|GBP|JPY|Rs\.?"
_WORDNUM = "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True))

_NUMBER = re.compile(
    r"(?:(?P<sym>" + _SYM + r")\s?)?"
    r"(?P<num>" + _NUM + r")"
    r"(?:\s?(?P<scale>" + _SCALE + r")\b|(?P<abbr>[mbk])\b(?!['’]))?"
    r"(?:\s?(?P<pct>%|percent\b|per\s?cent\b|percentage points?\b|pc\b))?",
    re.IGNORECASE,
)
_WORD_NUMBER = re.compile(
    r"\b(?P<num>" + _WORDNUM + r")(?:[\s-](?P<scale>" + _SCALE + r"))?\b"
    r"(?:\s?(?P<pct>percent\b|per\s?cent\b))?",
    re.IGNORECASE,
)
_FRACTION = re.compile(
    r"\b(?P<f>half|a half|one half|a third|one third|two[- ]thirds|a quarter|one quarter|"
    r"three[- ]quarters|a fifth|one in (?:two|three|four|five|six|seven|eight|nine|ten))\b"
    r"(?!\s+a\s+(?:million|billion|thousand|dozen))",
    re.IGNORECASE,
)
FRACTIONS: dict[str, float] = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3,
    "two thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75,
    "a fifth": 0.2,
}
_RANK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\btop[\s-](?P<n>\d+|ten|five|three|twenty|hundred|fifty)\b", re.I), "top"),
    (re.compile(r"\b(?P<n>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+only\s+to\b", re.I), "only"),
    (re.compile(r"\b(?:number|no\.)\s?(?P<n>one|two|three|\d+)\b(?!\s*(?:million|billion|percent|%))", re.I), "number"),
    (re.compile(r"\b(?P<n>\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
                r"[\s-](?:largest|biggest|most|highest|lowest|best|worst|richest|poorest|busiest|"
                r"fastest|smallest|leading|place|position|ranked)\b", re.I), "ord"),
    (re.compile(r"\branked\s+(?:No\.\s?)?(?P<n>\d+)(?:st|nd|rd|th)?\b", re.I), "ranked"),
    (re.compile(r"\b(?:the|world['’]s|country['’]s|nation['’]s|china['’]s|europe['’]s|america['’]s)\s+"
                r"(?P<n>largest|biggest|highest|richest|busiest|most\s+\w+)\b", re.I), "superlative"),
)
_QUALIFIER_RE = re.compile(
    r"(?:^|\s)(?P<q>" + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True))
    + r")\s*$",
    re.IGNORECASE,
)
_NAME_BEFORE = re.compile(r"\b(?!(?:In|On|By|Since|From|To|At|Of|The|About|Some|Over|Under|Nearly|Almost|Around|More|Less|Only|Just|All|And|Than|With|For)\b)[A-Z][A-Za-z]+\s$")
_CLOCK = re.compile(r"\d{1,2}:\d{2}\b")
_TALLY = re.compile(r"[-–]\d")
_TALLY_BEFORE = re.compile(r"\d[-–]$")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _fold(text: str) -> str:
    """Lower-case after NFKC, so what a case-insensitive pattern matched ("ſix", "ONE") looks up."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _to_float(num: str) -> float | None:
    try:
        return float(num.replace(",", "").replace("\u202f", "").replace("\u2009", "")
                     .replace("·", "."))
    except ValueError:
        return WORDS.get(num.lower())


def _qualifier(before: str) -> str | None:
    m = _QUALIFIER_RE.search(before[-24:])
    return m.group("q").lower() if m else None


_OF_WHAT = re.compile(
    r"\s+of\s+(?:the\s+|its\s+|their\s+|all\s+)?"
    r"(?P<np>[a-z][a-z-]*(?:['’]s)?(?:\s+[a-z][a-z-]*(?:['’]s)?){0,2})"
)
_VERBISH = frozenset({"said", "says", "say", "told", "voted", "think", "believe", "agreed", "live", "lives"})


def _share_of(after: str) -> tuple[str | None, int]:
    """What a percentage or fraction is a share of: "33.7% of the vote" -> "vote"."""
    m = _OF_WHAT.match(after)
    if not m:
        return None, 0
    words: list[str] = []
    end = 0
    for w in re.finditer(r"\S+", after[: m.end()][m.start("np"):]):
        if w.group(0) in _STOP_MEASURE or w.group(0) in _VERBISH:
            break
        words.append(w.group(0))
        end = m.start("np") + w.end()
    return (" ".join(words) or None), end


def _measure(after: str) -> tuple[str | None, str | None, int]:
    """The noun phrase right after a number ("registered accounts in China" -> "registered
    accounts"), a unit when one is named, and how many characters of ``after`` they take."""
    unit: str | None = None
    pos = 0
    for pat, multi in MULTIWORD_UNITS:
        mm = pat.match(after)
        if mm:
            unit, pos = multi, mm.end()
            break
    words: list[str] = []
    for m in _WORD_RE.finditer(after, pos, min(len(after), pos + 80)):
        gap = after[pos:m.start()]
        if gap.strip() and gap.strip() != "-":
            break
        w = m.group(0)
        lw = w.lower()
        if not words and unit is None and lw in CURRENCY_WORDS:
            return None, CURRENCY_WORDS[lw], m.end()
        if not words and unit is None and lw in UNITS:
            unit, pos = UNITS[lw], m.end()
            continue
        if lw in _STOP_MEASURE or len(words) >= 3 or not w[0].islower():
            break
        words.append(w)
        pos = m.end()
    return (" ".join(words) or None), unit, pos


def find_quantity_spans(text: str) -> list[tuple[int, int, Quantity]]:
    """Every quantity in ``text`` with its character span, in reading order."""
    return list(_quantity_spans(text))


@lru_cache(maxsize=4096)
def _quantity_spans(text: str) -> tuple[tuple[int, int, Quantity], ...]:
    """Cached: extraction, identity and verification all ask about the same sentences."""
    taken = SpanMask(len(text))
    for s, e, _ in find_date_spans(text):
        taken.take(s, e)
    out: list[tuple[int, int, Quantity]] = []

    for pat, how in _RANK_PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            if not taken.free(s, e):
                continue
            n = m.group("n").lower()
            if how == "superlative":
                value = 1.0
            else:
                digits = re.match(r"\d+", n)
                value = float(digits.group(0)) if digits else float(ORDINALS.get(n) or WORDS.get(n, 0))
            if value <= 0:
                continue
            measure, _, _ = _measure(text[e:e + 160])
            if how == "only":
                measure = None  # what follows is the one ahead, not the thing measured
            taken.take(s, e)
            out.append((s, e, Quantity(m.group(0), value, "rank", measure, _qualifier(text[max(0, s - 40):s]))))

    for m in _NUMBER.finditer(text):
        s, e = m.span()
        num = m.group("num")
        # a digit glued to a letter is a code or model name ("G20", "4G"), not a quantity
        if (s > 0 and text[s - 1].isalnum() and not m.group("sym")) or not taken.free(s, e):
            continue
        if (s > 1 and text[s - 1] == ":" and text[s - 2].isdigit()) or _CLOCK.match(text, s):
            continue  # a time of day ("3:42 a.m."), not a quantity
        if e < len(text) and text[e:e + 1].isalpha() and not (m.group("scale") or m.group("abbr") or m.group("pct")):
            continue
        if _TALLY.match(text, e) or (s > 1 and _TALLY_BEFORE.search(text, max(0, s - 8), s)):
            continue  # a vote or a score ("passed 68-32"), not two quantities
        if not (m.group("sym") or m.group("scale") or m.group("abbr") or m.group("pct")) and _NAME_BEFORE.search(
            text, max(0, s - 30), s
        ):
            continue  # "Apollo 11", "Article 68", "Boeing 747": part of a name
        parsed = _to_float(num)
        if parsed is None:
            continue
        value = parsed
        sym = m.group("sym")
        scale = (m.group("scale") or m.group("abbr") or "").lower()
        value *= SCALES.get(scale, 1.0)
        pct = m.group("pct")
        measure, unit_word, used = _measure(text[e:e + 160])
        full = text[s:e + used].strip()
        if pct:
            unit = "percentage points" if "point" in pct.lower() else "percent"
            if measure is None:
                measure, used = _share_of(text[e:e + 160])
                full = text[s:e + used].strip()
        elif sym:
            unit = CURRENCY_SYMBOLS.get(sym.rstrip("."), "USD")
        elif unit_word:
            unit = unit_word
            if unit in CURRENCY_WORDS.values():
                measure = None
        else:
            # a bare year-like number with nothing around it is a date, not a quantity
            if not scale and "," not in num and "." not in num and 1600 <= value <= 2100 and not measure:
                continue
            unit = "count"
        taken.take(s, e)
        out.append((s, e, Quantity(full, value, unit, measure, _qualifier(text[max(0, s - 40):s]))))

    for m in _FRACTION.finditer(text):
        s, e = m.span("f")
        if not taken.free(s, e):
            continue
        key = _fold(m.group("f")).replace("-", " ")
        if key.startswith("one in "):
            denominator = WORDS.get(key.split()[-1])
            found = 1 / denominator if denominator else None
        else:
            found = FRACTIONS.get(key)
        if found is None:
            continue  # a case-folding look-alike ("ſix"), not a number word
        value = found
        measure, _, used = _measure(text[e:e + 160])
        if measure is None:
            measure, used = _share_of(text[e:e + 160])
        taken.take(s, e)
        out.append((s, e, Quantity(text[s:e + used].strip(), round(value, 4), "fraction", measure,
                                   _qualifier(text[max(0, s - 40):s]))))
    for m in _WORD_NUMBER.finditer(text):
        s, e = m.span()
        if not taken.free(s, e):
            continue
        word_value = WORDS.get(_fold(m.group("num")))
        if word_value is None:
            continue
        value = word_value
        scale = (m.group("scale") or "").lower()
        pct = m.group("pct")
        measure, unit_word, used = _measure(text[e:e + 160])
        full = text[s:e + used].strip()
        # "one day", "two of them": a number word counts only with a scale, a unit or a plural noun
        if not (scale or pct or unit_word or value >= 1000 or (measure and value >= 2)):
            continue
        value *= SCALES.get(scale, 1.0)
        unit = "percent" if pct else (unit_word or "count")
        taken.take(s, e)
        out.append((s, e, Quantity(full, value, unit, measure, _qualifier(text[max(0, s - 40):s]))))
    out.sort(key=lambda t: t[0])
    return tuple(out)


def find_quantities(text: str) -> list[Quantity]:
    """Quantities in ``text`` in reading order, each with value, unit, measure and qualifier."""
    return [q for _, _, q in find_quantity_spans(text)]
