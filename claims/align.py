"""Aligning one slot of a claim with a sentence of a passage: numbers and dates.

A number matches when unit and measure agree and the values allowed by both qualifiers overlap
(and the passage's number bears the claim out); it contradicts on the same measure. A date
matches when every part both give agrees; the passage date compared is the one in the clause most
like the claim's, so another event's date in the same sentence is no contradiction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from claims.model import DateRef, Quantity
from claims.ranges import range_bounds
from claims.slots import Measure, Sentence, Slot, lemma, stem, words

PARAPHRASE = 0.5  # share of a claim's words that makes a one-date sentence about the same event
LOWER = frozenset({"more than", "over", "at least", "in excess of", "upwards of", "above",
                   "just over", "well over"})
UPPER = frozenset({"less than", "fewer than", "up to", "at most", "as many as", "as much as",
                   "under", "below", "just under", "only"})
ROUGH = frozenset({"about", "around", "approximately", "roughly", "some", "an estimated",
                   "close to", "nearly", "almost"})

CAP_WORDS = frozenset({"reach", "maximum", "max", "cap", "ceil", "highest", "limit"})

Relation = Literal["match", "conflict", "consistent", "other-measure", "absent"]


@dataclass(frozen=True, slots=True)
class Aligned:
    """How one of the claim's slots fared in one sentence, and what it was compared with."""

    relation: Relation
    claim: Slot
    found: Slot | None = None


def _significant(text: str) -> int:
    digits = "".join(ch for ch in text.split(".")[0] if ch.isdigit()).rstrip("0")
    return len(digits) or 1


def interval(q: Quantity) -> tuple[float, float]:
    """The values a quantity as written allows: "more than 200 million" is [200M, inf)."""
    v = q.value
    if q.unit == "score":
        return v, v  # "2-1" is not "2-2"
    eps = 0.02 if _significant(q.text) <= 2 else 0.005
    ends = range_bounds(q)
    if ends is not None:
        return ends[0] * (1 - eps), ends[1] * (1 + eps)
    lo, hi = v * (1 - eps), v * (1 + eps)
    qual = (q.qualifier or "").lower()
    if q.unit == "rank" and q.text.lower().startswith("top"):
        return 1.0, hi
    if qual in LOWER:
        return lo, math.inf
    if qual in UPPER:
        return 0.0, hi
    if qual in {"nearly", "almost", "close to"}:
        return v * 0.9, hi
    if qual in ROUGH:
        return v * 0.9, v * 1.1
    return lo, hi


def values_agree(a: Quantity, b: Quantity, *, caps: bool = False) -> bool:
    """Whether two written quantities can both be true. ``caps``: both state a ceiling ("fines
    can reach 500,000" and "fines of up to 1 million"), so the ceilings themselves must agree."""
    if caps:
        rough = {(a.qualifier or "").lower(), (b.qualifier or "").lower()} & ROUGH
        tol = 0.1 if rough else 0.02
        return abs(a.value - b.value) <= tol * max(abs(a.value), abs(b.value))
    (alo, ahi), (blo, bhi) = interval(a), interval(b)
    return alo <= bhi and blo <= ahi


def establishes(found: Quantity, claimed: Quantity) -> bool:
    """Whether a compatible number also bears the claim out: "more than 100 million" does not
    establish "200 million", "210 million" does establish "more than 200 million"."""
    lo, hi = interval(claimed)
    if range_bounds(found) is not None:  # "5-8 minutes" establishes "under 10", not "5 minutes"
        flo, fhi = interval(found)
        return lo <= flo and fhi <= hi
    return lo <= found.value <= hi or interval(found) == (lo, hi)


def is_cap(slot: Slot) -> bool:
    """A quantity stated as a ceiling: "up to", or next to "maximum", "cap", "can reach"."""
    q = slot.quantity
    if q is None:
        return False
    return (q.qualifier or "").lower() in UPPER - {"only"} or bool(slot.context & CAP_WORDS)


def measures(
    a: Measure | None, b: Measure | None
) -> Literal["same", "partial", "different", "unknown"]:
    """Whether two numbers count the same thing. Modifiers stated on both sides must agree; stated
    on one side only ("users" vs "mobile users") the measures may be the same, or one may hold the
    other: an agreeing number still matches, a different one refutes nothing."""
    if a is None or b is None:
        return "unknown"
    if a.words and b.words and not a.words & b.words and not (a.head and a.head == b.head):
        return "different"  # "45 billion messages" is not "1 billion monthly active users"
    if a.modifiers != b.modifiers and a.modifiers and b.modifiers:
        return "different"
    if a.head and b.head and a.head != b.head:
        return "different"
    if a.modifiers != b.modifiers:
        return "partial"
    if a.modifiers or (a.head and a.head == b.head):
        return "same"
    return "unknown"


def dates_agree(a: DateRef, b: DateRef) -> bool:
    """Partial dates agree when every part both of them give is the same."""
    return all(x is None or y is None or x == y
               for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day)))


def enumeration(slot: Slot) -> bool:
    """A small count in words ("three services"): pages list the three rather than count them, so
    it is not needed for support (a different count still contradicts)."""
    q = slot.quantity
    return q is not None and q.unit == "count" and q.value <= 12 and not any(
        ch.isdigit() for ch in q.text)


def _superlative(q: Quantity) -> bool:
    """A rank read from a superlative ("the world's most valuable"): too loose to hold a number."""
    return q.unit == "rank" and re.match(r"(?:the|\w+['’]s)\s", q.text.lower()) is not None


_SAME_SUPERLATIVE = {"biggest": "largest", "greatest": "largest"}


def _superlative_word(q: Quantity) -> str:
    """What a superlative ranks by ("the most deadly" -> "deadly"): "the most common" form of a
    disease is not its "most deadly" one."""
    last = q.text.lower().split()[-1]
    return _SAME_SUPERLATIVE.get(last, last)


def align_quantity(c: Slot, sentence: Sentence, cov: float) -> Aligned:
    assert c.quantity is not None
    top = _superlative(c.quantity)
    same_unit = [p for p in sentence.quantities
                 if p.quantity is not None and p.quantity.unit == c.quantity.unit
                 and not (_superlative(p.quantity) and (
                     not top or _superlative_word(p.quantity) != _superlative_word(c.quantity)))]
    if not same_unit:
        return Aligned("absent", c)
    ranked = sorted(same_unit, key=lambda p: -len(p.context & c.context))
    verdicts = [(p, measures(c.measure, p.measure),
                 values_agree(c.quantity, p.quantity, caps=is_cap(c) and is_cap(p)))
                for p in ranked if p.quantity is not None]
    for p, rel, ok in verdicts:
        if ok and rel != "different" and p.quantity is not None and establishes(p.quantity, c.quantity):
            return Aligned("match", c, p)
    for p, rel, ok in verdicts:
        if ok and rel != "different":
            return Aligned("consistent", c, p)
    for p, rel, _ in verdicts:
        if rel == "same":
            return Aligned("conflict", c, p)
    for p, rel, _ in verdicts:
        if rel == "unknown" and p.context & c.context and cov >= 0.5:
            return Aligned("conflict", c, p)
    for p, rel, _ in verdicts:
        if rel in ("different", "partial"):
            return Aligned("other-measure", c, p)
    return Aligned("absent", c)


def _stems(text: str) -> frozenset[str]:
    return frozenset(map(stem, text.split()))


_MONTHS = _stems("january february march april may june july august september october november "
                 "december jan feb mar apr jun jul aug sep sept oct nov dec")
_TITLES = _stems("rep sen gov mr mrs ms dr prof st lt gen col sgt capt hon rt posted by via")


def align_date(c: Slot, claim: Sentence, sentence: Sentence, cov: float) -> Aligned:
    """The claim's date against the passage date whose clause is most like the claim; a different
    date counts against the claim only when that clause says what the claim says. A passage date
    that is one of the claim's other dates ("did not regain its 1929 peak until 1954"), or nearer
    one of them, is not against this one."""
    assert c.date is not None
    if not c.context - _MONTHS - _TITLES:
        # a name and a date ("Rep. Ilhan Omar (@IlhanMN) November 19, 2019"): no event to date
        return Aligned("absent", c)
    others = [o.date for o in claim.dates if o is not c and o.date is not None]
    year = c.date.year

    def nearer_other(p: DateRef) -> bool:
        return any(dates_agree(o, p) or (o.year and p.year and year
                                         and abs(o.year - p.year) < abs(year - p.year))
                   for o in others)

    # a date that names another thing ("the November 2020 election") or times another verb of a
    # sentence that tells the claim's event without a date ("the telescope that spotted the
    # galaxy was launched in 2021") is not the claim's date
    def another_verb(p: Slot) -> bool:
        return (p.verb is not None and p.verb not in claim.lemmas
                and any(lemma(v) in p.apart for v in c.verbs))

    candidates = [p for p in sentence.dates if p.date is not None
                  and (p.of is None or p.of in claim.tokens) and not another_verb(p)
                  and (dates_agree(c.date, p.date) or not nearer_other(p.date))]
    if not candidates:
        return Aligned("absent", c)
    if c.date.day is not None:
        # the same day of the same month is never an accident, whatever clause it is in
        for p in candidates:
            if p.date is not None and p.date.day is not None and dates_agree(c.date, p.date):
                return Aligned("match", c, p)

    def share(p: Slot) -> float:
        return len(p.context & c.context) / len(p.context) if p.context else 0.0

    best = max(share(p) for p in candidates)
    closest = [p for p in candidates if share(p) == best]
    for p in closest:
        if p.date is not None and dates_agree(c.date, p.date) and _overlap(c.date, p.date):
            return Aligned("match", c, p)
    # the claim's date, as precise as the claim gives it (a month at least: a bare year is often
    # another event's), is in the sentence: another date in it belongs to something else ("born
    # 12 June 1875 -- died 1 December 1947")
    if c.date.month is not None and any(
            p.date is not None and dates_agree(c.date, p.date) and _as_precise(p.date, c.date)
            for p in candidates):
        return Aligned("absent", c)
    for p in closest:
        shared = p.context & c.context
        # the same event: most of its clause is the claim's, or it shares the claim's verb
        if shared and (best >= 0.5 or shared & p.verbs & c.verbs):
            return Aligned("conflict", c, p)
    # A paraphrase shares few clause words ("touched down" / "landed"): a sentence naming the
    # claim's subject and saying most of a one-date claim (three of its words at least, a
    # quarter of those outside its names), with another date, still contradicts it.
    told = c.context & sentence.tokens  # a claim's slot context is every non-name word of it
    if (not others and cov >= PARAPHRASE and len(claim.tokens & sentence.tokens) >= 3
            and len(told) >= max(1, len(c.context) / 4)
            and (claim.subject is None or has_name(claim.subject, sentence))):
        ranked = sorted(candidates, key=lambda p: -len(p.context & c.context))
        if len(ranked) == 1 or len(ranked[0].context & c.context) > len(ranked[1].context & c.context):
            return Aligned("conflict", c, ranked[0])
    return Aligned("absent", c)

def _overlap(a: DateRef, b: DateRef) -> bool:
    """Whether two dates give some part in common: "February 12" and "2015" share none, so their
    agreeing says nothing."""
    return any(x is not None and y is not None
               for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day)))


def _as_precise(p: DateRef, c: DateRef) -> bool:
    """Whether ``p`` gives every part ``c`` gives."""
    return all(y is not None for x, y in ((c.year, p.year), (c.month, p.month), (c.day, p.day))
               if x is not None)


def has_name(name: str, s: Sentence) -> bool:
    """Whether a sentence names ``name`` (canonical, or all its words)."""
    return name in s.entities or set(words(name)) <= s.tokens

