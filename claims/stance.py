"""What one passage says about one claim: supports, refutes or neutral, with a reason a person can
read and the sentence that decided it.

The rules align the claim's slots with each sentence of the passage:

- words: how much of the claim the sentence (and the passage around it) is about; too little and
  the passage is neutral, whatever numbers it holds;
- entities: at least one of the claim's entities, by canonical name, so aliases and spelling
  variants ("Honour of Kings" / "Honor of Kings") match and another company does not;
- quantities: the same unit and measure, the value compatible with both qualifiers ("more than 200
  million" takes 210 million); a different number on the same measure refutes, a different measure
  (daily users vs registered accounts) says nothing either way;
- dates: compatible when they agree on every part both know; the date in the passage compared is the
  one in the clause most like the claim's ("took effect" vs "was adopted");
- polarity: a denial cue ("did not", "denied", "false", "no evidence") or an opposite word
  ("accessible" for "blocked") on one side only turns a match into a refutation;
- hedges and attribution ("reportedly", "according to") weaken the score and are named.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Literal

from claims.model import DateRef, Quantity, Stance
from claims.slots import (
    OPPOSITE,
    Measure,
    Negation,
    Sentence,
    Slot,
    TextSlots,
    passage_slots,
    passage_words,
    words,
)

MIN_TOPIC = 0.3  # below this share of the claim's words a passage is not about the claim
WORDS_SUPPORT = 0.6
PARAPHRASE = 0.5  # share of a claim's words that makes a one-date sentence about the same event
SLOT_SUPPORT = 0.4  # a matching number or date supports in a passage at least this much about it
CONFLICT_TOPIC = 0.35  # a contradiction counts only in a sentence at least this much about the claim  # a claim with no numbers or dates is supported by a sentence saying this much
LOWER = frozenset({"more than", "over", "at least", "in excess of", "upwards of", "above",
                   "just over", "well over"})
UPPER = frozenset({"less than", "fewer than", "up to", "at most", "as many as", "as much as",
                   "under", "below", "just under", "only"})
ROUGH = frozenset({"about", "around", "approximately", "roughly", "some", "an estimated",
                   "close to", "nearly", "almost"})

CAP_WORDS = frozenset({"reach", "maximum", "max", "cap", "ceil", "highest", "limit"})

EVALUATIVE = frozenset({"massiv", "huge", "enormous", "hefty", "heavy", "record", "vast",
                        "unprecedented", "draconian", "sweeping", "tiny", "paltry", "meagr"})
EVALUATIVE_KIN: dict[str, frozenset[str]] = {
    w: frozenset({"massiv", "huge", "enormous", "hefty", "heavy", "vast", "record"}) - {w}
    for w in ("massiv", "huge", "enormous", "hefty", "heavy", "vast")
}

Relation = Literal["match", "conflict", "consistent", "other-measure", "absent"]


@dataclass(frozen=True, slots=True)
class Judgement:
    """The stance of one passage, before it is numbered into an ``Assessment``."""

    stance: Stance
    score: float
    relevance: float
    reason: str
    quote_start: int = 0
    quote_end: int = 0
    matched: frozenset[int] = frozenset()  # the claim's slots (numbers, then dates) it bears out
    conflicted: frozenset[int] = frozenset()  # and those it contradicts
    slot_texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Aligned:
    relation: Relation
    claim: Slot
    found: Slot | None = None


def _significant(text: str) -> int:
    digits = "".join(ch for ch in text.split(".")[0] if ch.isdigit()).rstrip("0")
    return len(digits) or 1


def interval(q: Quantity) -> tuple[float, float]:
    """The values a quantity as written allows: "more than 200 million" is [200M, inf)."""
    v = q.value
    eps = 0.02 if _significant(q.text) <= 2 else 0.005
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


def _enumeration(slot: Slot) -> bool:
    """A small count in words ("three services"): pages list the three rather than count them, so
    it is not needed for support (a different count still contradicts)."""
    q = slot.quantity
    return q is not None and q.unit == "count" and q.value <= 12 and not any(
        ch.isdigit() for ch in q.text)


def _superlative(q: Quantity) -> bool:
    """A rank read from a superlative ("the world's most valuable"): too loose to hold a number."""
    return q.unit == "rank" and re.match(r"(?:the|\w+['’]s)\s", q.text.lower()) is not None


def _align_quantity(c: Slot, sentence: Sentence, cov: float) -> _Aligned:
    assert c.quantity is not None
    same_unit = [p for p in sentence.quantities
                 if p.quantity is not None and p.quantity.unit == c.quantity.unit
                 and not (_superlative(p.quantity) and not _superlative(c.quantity))]
    if not same_unit:
        return _Aligned("absent", c)
    ranked = sorted(same_unit, key=lambda p: -len(p.context & c.context))
    verdicts = [(p, measures(c.measure, p.measure),
                 values_agree(c.quantity, p.quantity, caps=is_cap(c) and is_cap(p)))
                for p in ranked if p.quantity is not None]
    for p, rel, ok in verdicts:
        if ok and rel != "different" and p.quantity is not None and establishes(p.quantity, c.quantity):
            return _Aligned("match", c, p)
    for p, rel, ok in verdicts:
        if ok and rel != "different":
            return _Aligned("consistent", c, p)
    for p, rel, _ in verdicts:
        if rel == "same":
            return _Aligned("conflict", c, p)
    for p, rel, _ in verdicts:
        if rel == "unknown" and p.context & c.context and cov >= 0.5:
            return _Aligned("conflict", c, p)
    for p, rel, _ in verdicts:
        if rel in ("different", "partial"):
            return _Aligned("other-measure", c, p)
    return _Aligned("absent", c)


def _align_date(c: Slot, claim: Sentence, sentence: Sentence, cov: float) -> _Aligned:
    """The claim's date against the passage date whose clause is most like the claim; a different
    date counts against the claim only when that clause says what the claim says. A passage date
    that is one of the claim's other dates ("did not regain its 1929 peak until 1954"), or nearer
    one of them, is not against this one."""
    assert c.date is not None
    others = [o.date for o in claim.dates if o is not c and o.date is not None]
    year = c.date.year

    def nearer_other(p: DateRef) -> bool:
        return any(dates_agree(o, p) or (o.year and p.year and year
                                         and abs(o.year - p.year) < abs(year - p.year))
                   for o in others)

    candidates = [p for p in sentence.dates if p.date is not None and (
        dates_agree(c.date, p.date) or not nearer_other(p.date))]
    if not candidates:
        return _Aligned("absent", c)

    def share(p: Slot) -> float:
        return len(p.context & c.context) / len(p.context) if p.context else 0.0

    best = max(share(p) for p in candidates)
    closest = [p for p in candidates if share(p) == best]
    for p in closest:
        if p.date is not None and dates_agree(c.date, p.date):
            return _Aligned("match", c, p)
    for p in closest:
        shared = p.context & c.context
        # the same event: most of its clause is the claim's, or it shares the claim's verb
        if shared and (best >= 0.5 or shared & p.verbs & c.verbs):
            return _Aligned("conflict", c, p)
    # A paraphrase shares few clause words ("touched down" / "landed"): a sentence naming the
    # claim's subject and saying most of a one-date claim (three of its words at least, a
    # quarter of those outside its names), with another date, still contradicts it.
    told = c.context & sentence.tokens  # a claim's slot context is every non-name word of it
    if (not others and cov >= PARAPHRASE and len(claim.tokens & sentence.tokens) >= 3
            and len(told) >= max(1, len(c.context) / 4)
            and (claim.subject is None or _has(claim.subject, sentence))):
        ranked = sorted(candidates, key=lambda p: -len(p.context & c.context))
        if len(ranked) == 1 or len(ranked[0].context & c.context) > len(ranked[1].context & c.context):
            return _Aligned("conflict", c, ranked[0])
    return _Aligned("absent", c)


def _opposite(claim: frozenset[str], sentence: frozenset[str]) -> tuple[str, str] | None:
    """A word of the claim whose opposite the sentence uses instead ("blocked" / "accessible")."""
    for word in sorted(claim):
        flipped = OPPOSITE.get(word)
        if flipped and word not in sentence:
            hit = sorted(flipped & sentence)
            if hit:
                return word, hit[0]
    return None


def _need(words: frozenset[str]) -> int:
    return 1 if len(words) <= 3 else 2


def _denial(claim: frozenset[str], found: tuple[Negation, ...]) -> Negation | None:
    """A denial in the sentence that denies some of the claim's words in a clause about the claim
    (two of its words, or one of a short claim), not one in a side clause ("operators that do not
    stop ...") or of another predicate ("the phrase ... is not defined")."""
    need = _need(claim)
    for n in found:
        if n.scope & claim and len((n.scope | n.clause) & claim) >= need:
            return n
    return None


def _aliases(claim: TextSlots, passage: TextSlots) -> str:
    """Names written differently on each side but meaning the same thing."""
    seen = []
    for written, canon in claim.entity_names:
        for other, ocanon in passage.entity_names:
            if ocanon.lower() == canon.lower() and other.lower() != written.lower():
                seen.append(f"'{other}' is '{written}'")
                break
    return ("; " + ", ".join(dict.fromkeys(seen))) if seen else ""


def _coverage(claim: frozenset[str], tokens: frozenset[str]) -> float:
    return len(claim & tokens) / len(claim) if claim else 0.0


@dataclass(frozen=True, slots=True)
class _Read:
    """One sentence's stance and how it aligned each of the claim's slots."""

    sentence: Sentence
    stance: Stance
    score: float
    reason: str
    topic: float
    aligned: tuple[_Aligned, ...]


def _names_subject(key: frozenset[str], s: Sentence, c: Sentence) -> bool:
    """A sentence with names of its own must name most of the claim's (all of one or two), and
    not another number of the claim's numbered names ("Apollo 17" for "Apollo 11")."""
    mine = dict(c.numbered)
    if any(name in mine and num != mine[name] for name, num in s.numbered) and not (
            c.numbered & s.numbered):
        return False
    if not key or not s.entities:
        return True
    if c.subject and s.subject and c.subject != s.subject and not _has(c.subject, s):
        return False  # "Banting and Macleod received ..." is not about "Crick and Wilkins"
    found = sum(1 for n in key if _has(n, s))
    return found >= (len(key) if len(key) <= 2 else math.ceil(len(key) / 2))


def _has(name: str, s: Sentence) -> bool:
    return name in s.entities or set(words(name)) <= s.tokens


def _read_sentence(
    c: Sentence, s: Sentence, pass_cov: float, claim_key: frozenset[str] = frozenset(),
    predicate: frozenset[str] = frozenset(),
) -> _Read:
    cov = _coverage(c.tokens, s.tokens)
    topic = max(cov, 0.85 * pass_cov, 0.6 * cov + 0.4 * pass_cov)
    qs = [_align_quantity(q, s, cov) for q in c.quantities]
    ds = [_align_date(d, c, s, cov) for d in c.dates]
    # a differing number or date in a sentence not about the claim, or about someone else
    # ("Apollo 17 landed in December 1972"), says nothing against it
    if topic < CONFLICT_TOPIC or not _names_subject(claim_key, s, c):
        qs = [a if a.relation != "conflict" else _Aligned("absent", a.claim) for a in qs]
        ds = [a if a.relation != "conflict" else _Aligned("absent", a.claim) for a in ds]
    stance, score, reason = _sentence_judgement(c, s, cov, topic, qs, ds, predicate)
    if stance != "neutral" and topic < MIN_TOPIC:
        stance, score, reason = "neutral", 0.1, f"too little about the claim: {reason}"
    return _Read(s, stance, score, reason, topic, tuple(qs + ds))


def _sentence_judgement(
    c: Sentence, s: Sentence, cov: float, topic: float, qs: list[_Aligned], ds: list[_Aligned],
    predicate: frozenset[str] = frozenset(),
) -> tuple[Stance, float, str]:
    """(stance, score, reason) for one sentence of a passage."""
    hedge = 0.85 if s.hedge and s.hedge != c.hedge else 1.0
    hedged = f"; hedged: '{s.hedge}'" if hedge < 1.0 else ""

    conflicts = [a for a in qs + ds if a.relation == "conflict"]
    if conflicts:
        a = conflicts[0]
        assert a.found is not None
        kind = "number on the same measure" if a.claim.quantity else "date"
        score = min(1.0, 0.55 + 0.45 * topic) * hedge
        return "refutes", score, f"'{a.found.text}' contradicts '{a.claim.text}' ({kind}){hedged}"

    matches = [a for a in qs + ds if a.relation == "match"]
    # a claimed magnitude ("massive fines") is borne out only by a sentence that says it too
    unbacked = {w for w in c.tokens & EVALUATIVE
                if w not in s.tokens and not (EVALUATIVE_KIN.get(w, frozenset()) & s.tokens)}
    denial = _denial(c.tokens, s.negations)
    # the sentence states what the claim denies: most of the denied words, unnegated
    neg_c = any(len(n.scope & s.tokens) >= max(_need(n.scope), math.ceil(len(n.scope) / 2))
                for n in c.negations)
    neg_s = denial is not None
    flip = _opposite(c.tokens, s.tokens)
    strong = cov >= 0.45 or (matches and topic >= 0.4)
    if (neg_c != neg_s or flip) and strong:
        score = min(1.0, 0.5 + 0.4 * topic) * hedge
        if flip:
            why = f"says '{flip[1]}' where the claim says '{flip[0]}'"
        elif denial is not None:
            why = f"denies it: '{denial.cue}'"
        else:
            why = f"states what the claim denies ('{c.negations[0].cue}')"
        return "refutes", score, why + hedged

    if c.quantities or c.dates:
        wanted = len(qs) + len(ds)
        needed = [a for a in qs if not _enumeration(a.claim)]
        q_ok = not needed or any(a.relation == "match" for a in needed)
        if matches and q_ok and topic >= SLOT_SUPPORT and unbacked:
            return "neutral", 0.25, (
                f"bears out {', '.join(repr(a.claim.text) for a in matches)} but not "
                f"'{sorted(unbacked)[0]}'")
        if matches and q_ok and topic >= SLOT_SUPPORT:
            share = len(matches) / wanted
            score = min(1.0, 0.45 + 0.3 * topic + 0.25 * share) * hedge
            said = "; ".join(f"'{a.found.text}' matches '{a.claim.text}'" for a in matches
                             if a.found is not None)
            return "supports", score, said + hedged
        other = [a for a in qs if a.relation == "other-measure"]
        if other and other[0].found is not None and other[0].found.measure is not None:
            a, found = other[0], other[0].found
            assert a.claim.measure is not None and found.measure is not None
            return "neutral", 0.3, (
                f"'{found.text}' is a different measure ({found.measure.describe()}) from "
                f"'{a.claim.text}' ({a.claim.measure.describe()})"
            )
        weak = [a for a in qs if a.relation == "consistent" and a.found is not None]
        if weak and weak[0].found is not None:
            return "neutral", 0.25, (
                f"'{weak[0].found.text}' is consistent with '{weak[0].claim.text}' but does not "
                "establish it"
            )
        missing = ", ".join(f"'{a.claim.text}'" for a in qs + ds if a.relation != "match")
        return "neutral", 0.2, f"about the claim but gives nothing for {missing}"

    told = predicate & s.tokens
    if cov >= WORDS_SUPPORT and unbacked and (not predicate or len(told) / len(predicate) >= 0.5):
        return "neutral", 0.25, f"says much of it but not '{sorted(unbacked)[0]}'"
    if cov >= WORDS_SUPPORT and (not predicate or len(told) / len(predicate) >= 0.5):
        score = min(1.0, 0.4 + 0.5 * cov) * hedge
        shared = ", ".join(sorted(c.tokens & s.tokens)[:6])
        return "supports", score, (
            f"says the same: {len(c.tokens & s.tokens)} of {len(c.tokens)} key words ({shared})"
            + hedged
        )
    return "neutral", 0.2, (
        f"related but does not say it ({len(c.tokens & s.tokens)} of {len(c.tokens)} key words)"
    )


def _named(claim: TextSlots, passage: TextSlots) -> bool:
    """Whether the passage names whom the claim is about: one of one or two typed entities, half of
    more ("Watson, Crick and Wilkins" are not named by a page that only mentions a Nobel Prize)."""
    if not claim.key_entities:
        return True
    found = sum(1 for n in claim.key_entities
                if n in passage.entities or set(words(n)) <= passage.tokens)
    return found >= (1 if len(claim.key_entities) <= 2 else math.ceil(len(claim.key_entities) / 2))


def _settle(reads: list[_Read]) -> _Read:
    """The passage's stance from its sentences. A slot one sentence matches is not contradicted by
    another sentence's different number or date (a page gives many dates); a contradiction of a
    slot no sentence matches outweighs support for the other slots."""
    matched = {k for r in reads if r.topic >= MIN_TOPIC
               for k, a in enumerate(r.aligned) if a.relation == "match"}
    settled = []
    for r in reads:
        conflicted = {k for k, a in enumerate(r.aligned) if a.relation == "conflict"}
        if r.stance == "refutes" and conflicted and conflicted <= matched:
            first = next(a for a in r.aligned if a.relation == "conflict")
            r = replace(r, stance="neutral", score=0.2, reason=(
                f"gives '{first.found.text if first.found else ''}', but the passage also gives "
                f"'{first.claim.text}' elsewhere"))
        settled.append(r)
    for stance in ("refutes", "supports"):
        side = [r for r in settled if r.stance == stance]
        if side:
            return max(side, key=lambda r: (r.score, -r.sentence.start))
    return max(settled, key=lambda r: (r.topic, -r.sentence.start))


def judge(claim: TextSlots, passage: str) -> Judgement:
    """The stance of ``passage`` on ``claim``, with the sentence that decided it."""
    c = claim.sentences[0]
    plain = passage_words(passage)
    if _coverage(c.tokens, plain) < MIN_TOPIC / 2:
        # far from the claim on its plain words alone (aliases could add a little, not this
        # much): skip reading its names, numbers and dates
        return Judgement("neutral", 0.0, round(_coverage(c.tokens, plain), 3),
                         f"not about the claim ({len(c.tokens & plain)} of {len(c.tokens)} key words)")
    slots = passage_slots(passage)
    pass_cov = _coverage(c.tokens, slots.tokens)
    named = _named(claim, slots)
    if not slots.sentences or not named or pass_cov < MIN_TOPIC * 0.85:
        shared = len(c.tokens & slots.tokens)
        why = "does not name whom the claim is about" if not named else "not about the claim"
        return Judgement("neutral", 0.0, round(pass_cov, 3),
                         f"{why} ({shared} of {len(c.tokens)} key words)")
    best = _settle([_read_sentence(c, s, pass_cov, claim.key_entities, claim.predicate)
                    for s in slots.sentences])
    reason = best.reason + (_aliases(claim, slots) if best.stance != "neutral" else "")
    return Judgement(
        best.stance, round(best.score, 3), round(min(1.0, best.topic), 3), reason,
        best.sentence.start, best.sentence.end,
        matched=frozenset(k for k, a in enumerate(best.aligned) if a.relation == "match"),
        conflicted=frozenset(k for k, a in enumerate(best.aligned) if a.relation == "conflict"),
        slot_texts=tuple(a.claim.text for a in best.aligned),
    )
