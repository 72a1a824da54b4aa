"""What one passage says about one claim: supports, refutes or neutral, with a reason a person can
read and the sentence that decided it.

The rules align the claim's slots with each sentence of the passage:

- words: how much of the claim the sentence (and the passage around it) is about; too little and
  the passage is neutral, whatever numbers it holds;
- entities: the claim's names, by canonical name, so aliases and spelling variants ("Honour of
  Kings" / "Honor of Kings") match and another company does not;
- quantities and dates (:mod:`claims.align`): a different number on the same measure or a
  different date of the same event refutes, a different measure (daily users vs registered
  accounts) says nothing either way;
- magnitudes: "massive fines" is borne out only by a sentence that says so too;
- polarity: a denial cue ("did not", "denied", "false", "no evidence") or an opposite word
  ("accessible" for "blocked") on one side only turns a match into a refutation;
- hedges and attribution ("reportedly", "according to") weaken the score and are named.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from claims.align import (
    Aligned,
    align_date,
    align_quantity,
    enumeration,
    has_name,
)
from claims.model import Stance
from claims.slots import (
    OPPOSITE,
    STOPWORDS,
    Negation,
    Sentence,
    TextSlots,
    lemma,
    passage_slots,
    passage_words,
    sibling,
    stem,
    surface,
    words,
)

MIN_TOPIC = 0.3  # below this share of the claim's words a passage is not about the claim
WORDS_SUPPORT = 0.6  # a claim with no numbers or dates is supported by a sentence saying this much
SLOT_SUPPORT = 0.4  # a matching number or date supports in a passage at least this much about it
CONFLICT_TOPIC = 0.35  # a contradiction counts only in a sentence at least this much about it

EVALUATIVE = frozenset({"massiv", "huge", "enormous", "hefty", "heavy", "record", "vast",
                        "unprecedented", "draconian", "sweeping", "tiny", "paltry", "meagr"})
EVALUATIVE_KIN: dict[str, frozenset[str]] = {
    w: frozenset({"massiv", "huge", "enormous", "hefty", "heavy", "vast", "record"}) - {w}
    for w in ("massiv", "huge", "enormous", "hefty", "heavy", "vast")
}


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


_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


_SUPERLATIVE = re.compile(
    r"\b(?:the|its|their|world['’]s|country['’]s|nation['’]s)\s+(?:(?:second|third|fourth|fifth)[\s-])?"
    r"(?:(?P<most>most|least)\s+(?P<adj>[a-z]+)|(?P<est>[a-z]{2,}est|best|worst))\b",
    re.IGNORECASE,
)
_NOT_SUPERLATIVE = frozenset({"interest", "forest", "west", "test", "rest", "guest", "protest",
                              "harvest", "request", "contest", "suggest", "digest", "honest",
                              "modest", "invest", "arrest", "manifest", "priest", "chest", "nest",
                              "quest", "crest", "conquest", "latest"})
_SAME_TOP = {"biggest": "largest", "greatest": "largest"}


def superlatives(text: str) -> frozenset[str]:
    """The superlatives a text ranks by ("the deepest lake" -> "deepest", "the most deadly form"
    -> "most deadly"): the word a ranking claim rests on."""
    out = set()
    for m in _SUPERLATIVE.finditer(text):
        if m.group("est"):
            w = m.group("est").lower()
            if w not in _NOT_SUPERLATIVE:
                out.add(_SAME_TOP.get(w, w))
        else:
            out.add(f"{m.group('most').lower()} {m.group('adj').lower()}")
    return frozenset(out)


def _opposite(claim: frozenset[str], sentence: frozenset[str]) -> tuple[str, str] | None:
    """A word of the claim whose opposite the sentence uses instead ("blocked" / "accessible")."""
    for word in sorted(claim):
        flipped = OPPOSITE.get(word)
        if flipped and word not in sentence:
            hit = sorted(flipped & sentence)
            if hit:
                return word, hit[0]
    return None


_IDIOM_AFTER = re.compile(r"\s+(?:into|under|within|through|apart|asleep|behind|short|ill|sick|"
                          r"victim|prey|silent|foul|flat|in love|in line|out of)\b", re.IGNORECASE)


def _idiom(text: str, word: str) -> bool:
    """Whether every use of the word of stem ``word`` is an idiom ("fall into the category",
    "fell ill", "grew up"), not a change of amount."""
    uses = [m for m in _WORD.finditer(text) if stem(m.group(0)) == word]
    return bool(uses) and all(_IDIOM_AFTER.match(text, m.end()) for m in uses)


# A sentence that opens on another event of the kind ("A similar quake in 2011 killed 185
# people", "The last case in the state was in 2015"): its numbers and dates are not the claim's.
_OTHER_EVENT = re.compile(
    r"\W*(?:(?:in\s+)?(?:a|an|the)\s+(?:similar|separate|earlier|previous|prior|different|"
    r"unrelated)\b)", re.IGNORECASE)
_FUTURE = re.compile(
    r"\b(?:will|shall|won't|(?:is|are|was|were) (?:set|expected|scheduled|due|going|poised) to|"
    r"plans? to|intends? to)\b|\w['’]ll\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _future(text: str) -> bool:
    """Whether a text tells of something to come ("will play", "is set to open")."""
    return _FUTURE.search(text) is not None


def _sides(text: str, word: str) -> tuple[set[str], set[str]]:
    """The capitalised words before and after the first word of stem ``word``."""
    tokens = re.findall(r"[A-Za-z][\w'’-]*", text)
    at = next((k for k, t in enumerate(tokens) if stem(t) == word), None)
    if at is None:
        return set(), set()
    names = [(k, t) for k, t in enumerate(tokens) if t[0].isupper() and k != at
             and not (k == 0 and t.lower() in STOPWORDS)]
    return {t for k, t in names if k < at}, {t for k, t in names if k > at}


def _swapped(claim: str, word: str, sentence: str, other: str) -> bool:
    """Whether the sentence says with the opposite word what the claim says, its names on the
    other sides ("Arsenal beat Chelsea" / "Chelsea lost to Arsenal")."""
    cb, ca = _sides(claim, word)
    sb, sa = _sides(sentence, other)
    return bool(cb & sa) and bool(ca & sb)


def _said_of_same(claim: str, word: str, sentence: frozenset[str]) -> bool:
    """Whether the thing a claim's magnitude word is said of (the word after it: "massive
    *fines*") is in the sentence too, with one more of the claim's words."""
    seq = words(claim)
    if word not in EVALUATIVE or word not in seq:
        return False
    k = seq.index(word)
    head = seq[k + 1] if k + 1 < len(seq) else None
    return head is not None and head in sentence and len(set(seq) & sentence) >= 2


def _need(words: frozenset[str]) -> int:
    return 1 if len(words) <= 3 else 2


def _denial(claim: frozenset[str], found: tuple[Negation, ...],
            lemmas: frozenset[str] = frozenset()) -> Negation | None:
    """A denial in the sentence that denies some of the claim's words in a clause about the claim
    (two of its words, or one of a short claim), not one in a side clause ("operators that do not
    stop ...") or of another predicate ("the phrase ... is not defined", "the companies have not
    disclosed how many ..."): the word it denies first must be the claim's."""
    need = _need(claim)
    lemmas = lemmas or frozenset(map(lemma, claim))
    for n in found:
        if (not n.side and n.scope & claim and len((n.scope | n.clause) & claim) >= need
                and (n.head is None or n.head in lemmas)):
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
    aligned: tuple[Aligned, ...]


def _renamed(c: Sentence, s: Sentence) -> tuple[str, str] | None:
    """Another number of one of the claim's numbered names ("Apollo 12" for "Apollo 11",
    "iPhone 8" for "iPhone 7"), the claim's own not given: another thing, as (claim's, its)."""
    if not c.numbered or not s.numbered or c.numbered & s.numbered:
        return None
    mine = dict(c.numbered)
    for name, num in sorted(s.numbered):
        if name in mine and num != mine[name]:
            return _written(c.text, name, mine[name]), _written(s.text, name, num)
    return None


def _written(text: str, name: str, num: str) -> str:
    """A numbered name as the text writes it ("iPhone 7" for ("iphon", "7"))."""
    for m in re.finditer(r"([A-Za-z]+)\s" + re.escape(num) + r"\b", text):
        if stem(m.group(1)) == name:
            return m.group(0)
    return f"{name} {num}"


def _names_subject(key: frozenset[str], s: Sentence, c: Sentence) -> bool:
    """A sentence with names of its own must name most of the claim's (all of one or two), must not
    open on someone else while leaving out the claim's first name, and must not give another
    number of the claim's numbered names ("Apollo 17" for "Apollo 11")."""
    if _renamed(c, s):
        return False
    if not key or not s.entities:
        return True
    if (c.subject and s.subject and s.subject not in key and not has_name(c.subject, s)):
        return False  # "Banting and Macleod received ..." is not about "Crick and Wilkins"
    found = sum(1 for n in key if has_name(n, s))
    return found >= (len(key) if len(key) <= 2 else math.ceil(len(key) / 2))


def _read_sentence(
    c: Sentence, s: Sentence, pass_cov: float, claim_key: frozenset[str] = frozenset(),
    predicate: frozenset[str] = frozenset(), passage: frozenset[str] = frozenset(),
) -> _Read:
    cov = _coverage(c.tokens, s.tokens)
    topic = max(cov, 0.85 * pass_cov, 0.6 * cov + 0.4 * pass_cov)
    qs = [align_quantity(q, s, cov) for q in c.quantities]
    ds = [align_date(d, c, s, cov) for d in c.dates]
    # a differing number or date in a sentence not about the claim, or about someone else
    # ("Apollo 17 landed in December 1972"), says nothing against it
    if topic < CONFLICT_TOPIC or not _names_subject(claim_key, s, c):
        qs = [a if a.relation != "conflict" else Aligned("absent", a.claim) for a in qs]
        ds = [a if a.relation != "conflict" else Aligned("absent", a.claim) for a in ds]
    other = _renamed(c, s)
    kin = sibling(c.tokens, s.tokens)
    if kin:
        other = (surface(c.text, frozenset({kin[0]}))[0], surface(s.text, frozenset({kin[1]}))[0])
    why = f"about another thing: '{other[1]}', not '{other[0]}'" if other else ""
    event = _OTHER_EVENT.match(s.text)
    if not why and event and not _OTHER_EVENT.match(c.text):
        why = f"about another event ('{event.group(0).strip()} ...')"
    if why:
        # another thing or event of the same kind: nothing it says bears on the claim
        return _Read(s, "neutral", 0.15, why, topic,
                     tuple(a if a.relation == "absent" else Aligned("absent", a.claim)
                           for a in qs + ds))
    if s.reports and not c.reports:
        return _Read(s, "neutral", 0.1, "tells that the claim was made; it is no evidence for it",
                     topic, tuple(qs + ds))
    stance, score, reason = _sentence_judgement(c, s, cov, topic, qs, ds, predicate, passage)
    if stance != "neutral" and topic < MIN_TOPIC:
        stance, score, reason = "neutral", 0.1, f"too little about the claim: {reason}"
    return _Read(s, stance, score, reason, topic, tuple(qs + ds))


def _sentence_judgement(
    c: Sentence, s: Sentence, cov: float, topic: float, qs: list[Aligned], ds: list[Aligned],
    predicate: frozenset[str] = frozenset(), passage: frozenset[str] = frozenset(),
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
    denial = _denial(c.tokens, s.negations, c.lemmas)
    if denial is not None and _future(c.text) and not _future(s.text):
        denial = None  # "has not played here since 2016" does not deny "will play 40 shows"
    # both deny the same thing ("did not intend to cause harm" / "never intended to hurt anyone",
    # "can no longer walk" / "unable to walk"): they agree
    both = denial is not None and any(n.scope & denial.scope for n in c.negations)
    # the sentence states what the claim denies: most of the denied words, the first of them
    # among them ("not a *rock* album" is not stated by "an album by a blues guitarist"), none
    # of them negated
    neg_c = not both and any(
        len(n.scope & s.tokens) >= max(_need(n.scope), math.ceil(len(n.scope) / 2))
        and (n.head is None or n.head in s.lemmas)
        and not any(n.scope & m.scope for m in s.negations)
        for n in c.negations if not n.side)
    neg_s = denial is not None and not both
    flip = _opposite(c.tokens, s.tokens)
    if flip and (_idiom(c.text, flip[0]) or _idiom(s.text, flip[1])):
        flip = None  # "fall into a group", "fell ill": no change of amount
    if flip and _swapped(c.text, flip[0], s.text, flip[1]):
        flip = None  # told from the other side: "Chelsea lost to Arsenal" / "Arsenal beat Chelsea"
    strong = cov >= 0.45 or (matches and topic >= 0.4)
    if flip and not strong and _said_of_same(c.text, flip[0], s.tokens) and topic >= MIN_TOPIC:
        strong = True  # "massive fines" / "the fines were small": the same thing, the other size
    if (neg_c != neg_s or flip) and strong:
        score = min(1.0, 0.5 + 0.4 * topic) * hedge
        if flip:
            why = f"says '{flip[1]}' where the claim says '{flip[0]}'"
        elif denial is not None:
            why = f"denies it: '{denial.cue}'"
        else:
            why = f"states what the claim denies ('{c.negations[0].cue}')"
        return "refutes", score, why + hedged
    if not both:
        # (said elsewhere in the passage, the rest of the claim may still be borne out here)
        unsaid = next((n for n in c.negations if not n.side and n.head and n.head not in s.lemmas
                       and not any(lemma(w) == n.head for w in passage)), None)
        if unsaid is not None and unsaid.head is not None:
            # "not a jazz album" is neither said nor denied by "a studio album"
            shown = [w for w in _WORD.findall(c.text) if lemma(stem(w)) == unsaid.head]
            return "neutral", 0.2, ("does not say what the claim denies "
                                    f"('{unsaid.cue} ... {shown[0] if shown else unsaid.head}')")

    if c.quantities or c.dates:
        wanted = len(qs) + len(ds)
        needed = [a for a in qs if not enumeration(a.claim)]
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
            # the texts name the measures ("55 million daily active users"), unless they say the
            # same words and the difference lies around them ("produced" / "delivered")
            named = {q.measure.lower() for q in (found.quantity, a.claim.quantity)
                     if q is not None and q.measure}
            plain = len(named) == 2
            mine = "" if plain else f" ({found.measure.describe()})"
            theirs = "" if plain else f" ({a.claim.measure.describe()})"
            return "neutral", 0.3, (
                f"'{found.text}'{mine} is a different measure from '{a.claim.text}'{theirs}"
            )
        weak = [a for a in qs if a.relation == "consistent" and a.found is not None]
        if weak and weak[0].found is not None:
            return "neutral", 0.25, (
                f"'{weak[0].found.text}' is consistent with '{weak[0].claim.text}' but does not "
                "establish it"
            )
        if matches and matches[0].found is not None:
            return "neutral", 0.2, (
                f"gives '{matches[0].found.text}' but says too little of the rest of the claim "
                f"({len(c.tokens & s.tokens)} of {len(c.tokens)} key words)")
        missing = ", ".join(f"'{a.claim.text}'" for a in qs + ds if a.relation != "match")
        return "neutral", 0.2, f"about the claim but gives nothing for {missing}"

    told = predicate & s.tokens
    top = superlatives(c.text)
    ranked = superlatives(s.text) if top else frozenset()
    if top and ranked and not top & ranked:
        # "the oldest lake" does not bear out "the deepest lake"
        return "neutral", 0.2, f"says '{sorted(ranked)[0]}' where the claim says '{sorted(top)[0]}'"
    # a claim of three words or fewer is said only by a sentence with all it says of its names
    short = len(c.tokens) <= 3
    enough = cov >= WORDS_SUPPORT and (
        not predicate or len(told) / len(predicate) >= (1.0 if short else 0.5))
    if enough and unbacked:
        return "neutral", 0.25, f"says much of it but not '{sorted(unbacked)[0]}'"
    if enough:
        score = min(1.0, 0.4 + 0.5 * cov) * hedge
        shared = ", ".join(surface(c.text, c.tokens & s.tokens)[:6])
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
    # nothing either way: show the sentence that gives most of the claim's slots, then words
    return max(settled, key=lambda r: (sum(a.relation == "match" for a in r.aligned), r.topic,
                                       -r.sentence.start))


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
    best = _settle([_read_sentence(c, s, pass_cov, claim.key_entities, claim.predicate,
                                   slots.tokens)
                    for s in slots.sentences])
    reason = best.reason + (_aliases(claim, slots) if best.stance != "neutral" else "")
    return Judgement(
        best.stance, round(best.score, 3), round(min(1.0, best.topic), 3), reason,
        best.sentence.start, best.sentence.end,
        matched=frozenset(k for k, a in enumerate(best.aligned) if a.relation == "match"),
        conflicted=frozenset(k for k, a in enumerate(best.aligned) if a.relation == "conflict"),
        slot_texts=tuple(a.claim.text for a in best.aligned),
    )
