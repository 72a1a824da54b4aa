"""Two numbers read as one value: a range ("5-8 minutes", "between 5 and 8 minutes", "$5-8
million") or a score ("a 1-1 draw", "beat Chelsea 2-1", "passed 68-32").

The quantity finder drops both (a dash between digits is neither of two counts). Read as one
value they can be compared: "6 minutes" is within "5-8 minutes", "20 minutes" is not; a "1-1 draw"
is not a "2-1 win", and "2-1" is "1-2" told from the other side. A range is a ``Quantity`` with
qualifier ``"range"`` and the low end as its value (:func:`range_bounds` gives both ends); a score
has unit ``"score"`` and the value ``high * 1000 + low``, so both orders are one value.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claims.model import Quantity
from claims.quantities import find_quantity_spans

_PAIR = re.compile(
    r"(?P<between>\bbetween\s+)?(?P<sym>US\$|\$|€|£)?(?P<lo>\d{1,3}(?:,\d{3})*(?:\.\d+)?)"
    r"(?P<sep>\s?[-–]\s?|\s+to\s+|\s+and\s+)(?:US\$|\$|€|£)?(?P<hi>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\b"
    r"(?![.,]?\d|[-–]\d)",
    re.IGNORECASE,
)
_FROM = re.compile(r"\bfrom\s+(?:US\$|\$|€|£)?$", re.IGNORECASE)
# Words that make "2-1" a result: a match, a vote, a verdict.
_SCORE_CUE = re.compile(
    r"\b(?:draw|drew|drawn|win|wins|won|beat|beats|victory|defeat|defeated|lost|loss|lose|"
    r"tie|tied|score|scored|scoreline|lead|led|final|match|game|vote|votes|voted|passed|"
    r"margin|verdict|thrash\w*|edged?|routed?|series|leg|half-time|halftime)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def range_bounds(q: Quantity) -> tuple[float, float] | None:
    """The two ends of a range quantity, scaled as its value is ("$5-8 million": 5e6, 8e6)."""
    if q.qualifier != "range":
        return None
    nums = [float(n) for n in _NUMBER.findall(q.text.replace(",", ""))[:2]]
    if len(nums) < 2 or not nums[0]:
        return None
    scale = q.value / nums[0]
    return q.value, nums[1] * scale


@lru_cache(maxsize=4096)
def find_pair_spans(text: str) -> tuple[tuple[int, int, Quantity], ...]:
    """Ranges and scores in ``text`` with their spans (the span covers both numbers)."""
    out: list[tuple[int, int, Quantity]] = []
    scored = _SCORE_CUE.search(text) is not None
    for m in _PAIR.finditer(text):
        sep = m.group("sep").strip().lower()
        if (m.start() > 0 and text[m.start() - 1].isalnum()) or (
                sep == "and" and not m.group("between")):
            continue
        if _FROM.search(text, max(0, m.start() - 12), m.start()):
            continue  # "rose from 5 to 8 percent": a change, not a range
        lo = float(m.group("lo").replace(",", ""))
        hi_start = m.start("hi")
        sym = m.group("sym") or ""
        tail = find_quantity_spans(sym + text[hi_start:hi_start + 80])
        hi = tail[0][2] if tail and tail[0][0] == 0 else None
        plain = hi is None or (hi.unit == "count" and not hi.measure
                               and hi.value == float(m.group("hi").replace(",", "")))
        start = m.start("sym") if sym else m.start("lo")
        if sep in ("-", "–") and scored and (plain or hi is None or hi.unit == "count"):
            h, low = sorted((lo, float(m.group("hi").replace(",", ""))), reverse=True)
            out.append((start, m.end(), Quantity(text[start:m.end()], h * 1000 + low, "score")))
            continue
        if hi is None or plain:
            continue  # "pages 5-8", "the 2019-20 season": no unit to read it by
        first = float(m.group("hi").replace(",", ""))
        scale = hi.value / first if first else 1.0
        end = hi_start + len(hi.text) - len(sym)
        out.append((start, end, Quantity(text[start:end], lo * scale, hi.unit, hi.measure,
                                         "range")))
    return tuple(out)
