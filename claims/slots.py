"""The slots a claim and a passage are compared on: words, entities, quantities, dates and cues.

Ranking and stance both read text through here, so a claim and a passage are always cut the same
way. Entities, quantities and dates come from the extraction normalizers (:mod:`claims.entities`,
:mod:`claims.quantities`, :mod:`claims.dates`); this module adds the word stems, sentence cuts and
the negation, hedge and measure cues the stance rules need. Passage slots are cached by text:
in a batch the same passage is judged against many claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from claims.dates import find_date_spans
from claims.entities import find_entity_spans
from claims.model import DateRef, Quantity
from claims.quantities import find_quantity_spans


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _set(
    "a an the and or but if then than that this these those there here of in on at to for from by "
    "with without into onto over under about as is are was were be been being am has have had do "
    "does did will would shall should can could may might must it its it's they them their theirs "
    "he him his she her hers we us our you your i me my which who whom whose what when where why "
    "how all any both each few more most other some such only own same so too very just also even "
    "still yet s t up out off again further once while during before after above below between "
    "through against among per via said says say according reportedly one like thousand million "
    "billion trillion percent cent"
)
# Cues that turn a statement around. "not only" and "no longer" are handled apart.
NEGATIONS = re.compile(
    r"\b(?:not|never|no|none|nor|cannot|can't|won't|didn't|doesn't|isn't|wasn't|aren't|weren't|"
    r"haven't|hasn't|hadn't|don't|denied|denies|deny|denying|false|falsely|untrue|incorrect|"
    r"inaccurate|debunked|myth|hoax|fabricated|baseless|unfounded|no evidence|rejected|refuted|"
    r"dismissed)\b",
    re.IGNORECASE,
)
_NOT_NEGATION = re.compile(r"\b(?:not only|no doubt|no wonder|nothing but|not just)\b", re.IGNORECASE)
HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|supposedly|rumou?red|is said to|are said to|"
    r"was said to|believed to|appears? to|may have|might have|could have|unconfirmed|claimed|"
    r"claims that|according to)\b",
    re.IGNORECASE,
)
# Pairs of words whose swap turns a statement around ("blocked" vs "accessible").
_OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"block", "ban", "bann", "censor", "restrict"}),
     frozenset({"accessible", "available", "unblock", "unrestrict", "allow", "lift"})),
    (frozenset({"massive", "huge", "heavy", "record", "hefty", "enormous"}),
     frozenset({"small", "modest", "minor", "tiny", "token", "paltry", "negligible", "light"})),
    (frozenset({"increase", "rise", "grow", "gain", "up"}),
     frozenset({"decrease", "fall", "drop", "decline", "shrink", "down"})),
    (frozenset({"adopt", "pass", "approv", "approve"}), frozenset({"reject", "veto", "withdraw"})),
    (frozenset({"legal", "lawful"}), frozenset({"illegal", "unlawful"})),
    (frozenset({"win", "won"}), frozenset({"lose", "lost"})),
    (frozenset({"open", "launch"}), frozenset({"close", "shut"})),
    (frozenset({"require", "mandate", "force", "oblige"}), frozenset({"optional", "voluntary"})),
)
OPPOSITE: dict[str, frozenset[str]] = {}
for _a, _b in _OPPOSITES:
    for _w in _a:
        OPPOSITE[_w] = _b
    for _w in _b:
        OPPOSITE[_w] = _a

# Words that tell one measure of a thing from another: registered accounts are not daily users.
MEASURE_MODIFIERS = _set(
    "daily monthly weekly annual yearly quarterly registered active peak total cumulative unique "
    "paying concurrent new average maximum minimum"
)
_MEASURE_HEADS: dict[str, str] = {
    "user": "people", "account": "people", "player": "people", "subscriber": "people",
    "member": "people", "customer": "people", "gamer": "people", "people": "people",
    "download": "downloads", "install": "downloads", "revenue": "money", "sale": "money",
    "income": "money", "profit": "money", "fine": "money", "penalty": "money",
    "employee": "staff", "worker": "staff", "staff": "staff", "death": "deaths",
    "case": "cases", "view": "views", "visit": "views", "company": "companies",
    "firm": "companies", "camera": "cameras",
}
_SYNONYMS: dict[str, str] = {
    "ban": "block", "bann": "block", "penalty": "fine", "penaliz": "fine", "penalis": "fine",
    "enforce": "effect", "effective": "effect", "force": "effect", "rumour": "rumor",
    "honour": "honor", "favour": "favor", "colour": "color", "firm": "company",
    "mainland": "china", "chinese": "china", "gamer": "player", "gaming": "game",
    "us": "united", "regulator": "authority", "investigation": "probe", "investigat": "probe",
}

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9•])|\n\s*\n|\n(?=\s*[•\-*]\s)")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Art|No|Nos|Sept|Sep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Oct|Nov|Dec|Inc|Corp|"
    r"Ltd|Co|vs|etc|e\.g|i\.e|U\.S|U\.K|Gen|Gov|Sen|Rep|Prof|Jr|Sr)|\b[A-Z])\.$"
)


def stem(word: str) -> str:
    """A light, deterministic stem: plural and tense endings off, British spellings to American."""
    w = word.lower().replace("’", "'")
    w = w.removesuffix("'s").removesuffix("'")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("our"):
        w = w[:-3] + "or"
    if len(w) > 5 and w.endswith(("ise", "ize")):
        w = w[:-3] + "iz"
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return _SYNONYMS.get(w, w)


def words(text: str) -> list[str]:
    """Content-word stems in reading order (stop words and bare numbers dropped)."""
    out = []
    for m in _WORD.finditer(text):
        token = m.group(0)
        low = token.lower()
        if low in STOPWORDS or low.replace("’", "'").removesuffix("'s") in STOPWORDS:
            continue
        if token[0].isdigit():
            continue
        out.append(stem(token))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of ``text`` as ``(start, end)``, trimmed, abbreviations not taken for ends."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREV.search(text[max(start, m.start() - 6):m.start()]):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s] in " \t\r\n•*-":
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def negation_cue(text: str) -> str | None:
    """The first word that denies the statement, if any ("did not", "denied", "no evidence")."""
    cleaned = _NOT_NEGATION.sub(" ", text)
    m = NEGATIONS.search(cleaned)
    return m.group(0) if m else None


def hedge_cue(text: str) -> str | None:
    m = HEDGES.search(text)
    return m.group(0).lower() if m else None


@dataclass(frozen=True, slots=True)
class Measure:
    """What a number counts: the distinguishing modifiers and the kind of thing."""

    modifiers: frozenset[str]
    head: str | None

    @property
    def known(self) -> bool:
        return bool(self.modifiers) or self.head is not None

    def describe(self) -> str:
        return " ".join(sorted(self.modifiers) + ([self.head] if self.head else [])) or "unstated"


def measure_of(phrase: str) -> Measure:
    """The measure named by a phrase ("200 million registered accounts" -> registered, people)."""
    mods: set[str] = set()
    head: str | None = None
    for token in _WORD.findall(phrase.lower()):
        if token in MEASURE_MODIFIERS:
            mods.add(token)
        st = stem(token)
        if head is None and st in _MEASURE_HEADS:
            head = _MEASURE_HEADS[st]
    return Measure(frozenset(mods), head)


@dataclass(frozen=True, slots=True)
class Slot:
    """One quantity or date with its span and the words around it (its clause)."""

    start: int
    end: int
    text: str
    context: frozenset[str]
    quantity: Quantity | None = None
    date: DateRef | None = None
    measure: Measure | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    tokens: frozenset[str]
    entities: frozenset[str]  # canonical names, lower case
    quantities: tuple[Slot, ...]
    dates: tuple[Slot, ...]
    negation: str | None
    hedge: str | None


@dataclass(frozen=True, slots=True)
class TextSlots:
    """A text cut into sentences with their slots; also the claim's own slots."""

    text: str
    sentences: tuple[Sentence, ...]
    tokens: frozenset[str]
    entities: frozenset[str]
    entity_names: tuple[tuple[str, str], ...]  # (as written, canonical) in reading order


def _context(text: str, start: int, end: int) -> frozenset[str]:
    """The content words in the clause around a span: a few before it, fewer after it."""
    before = words(re.split(r"[;:()]|\band\b|,\s(?:and|but|while|which)\b", text[max(0, start - 70):start])[-1])
    after = words(re.split(r"[;:(),.]", text[end:end + 40])[0])
    return frozenset(before[-5:] + after[:3])


def _measure_text(text: str, start: int, end: int, q: Quantity) -> Measure:
    """The measure of a quantity: its own measure words, else the words just after and before."""
    m = measure_of(q.measure or "")
    if m.modifiers and m.head:
        return m
    after = measure_of(text[end:end + 40].split(".")[0])
    before = measure_of(text[max(0, start - 40):start])
    mods = m.modifiers or after.modifiers or before.modifiers
    return Measure(mods, m.head or after.head or before.head)


def _sentence(text: str, start: int, end: int) -> Sentence:
    part = text[start:end]
    ents = find_entity_spans(part)
    qs = tuple(
        Slot(start + s, start + e, q.text or part[s:e], _context(part, s, e), quantity=q,
             measure=_measure_text(part, s, e, q))
        for s, e, q in find_quantity_spans(part)
    )
    ds = tuple(
        Slot(start + s, start + e, part[s:e], _context(part, s, e), date=d)
        for s, e, d in find_date_spans(part)
    )
    tokens = set(words(part))
    return Sentence(
        start, end, part, frozenset(tokens), frozenset(ent.canonical.lower() for _, _, ent in ents),
        qs, ds, negation_cue(part), hedge_cue(part),
    )


def _slots(text: str) -> TextSlots:
    sentences = tuple(_sentence(text, s, e) for s, e in sentence_spans(text))
    names = tuple((ent.text, ent.canonical) for _, _, ent in find_entity_spans(text))
    tokens = frozenset().union(*(s.tokens for s in sentences)) if sentences else frozenset()
    entities = frozenset(c.lower() for _, c in names)
    return TextSlots(text, sentences, tokens, entities, names)


@lru_cache(maxsize=65536)
def passage_slots(text: str) -> TextSlots:
    """Slots of a passage, cached: a batch judges the same passage against many claims."""
    return _slots(text)


def claim_slots(text: str) -> TextSlots:
    """Slots of a claim, read as one sentence (a claim is one statement)."""
    sentence = _sentence(text, 0, len(text))
    names = tuple((ent.text, ent.canonical) for _, _, ent in find_entity_spans(text))
    return TextSlots(text, (sentence,), sentence.tokens, sentence.entities, names)
