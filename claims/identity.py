"""Claim identity: one stable id for one claim, however an article words it.

``normalize_claim`` rewrites a claim into content tokens: entities by their canonical name,
quantities by value and unit, dates as ``YYYY-MM-DD`` parts, words lower-cased, lightly stemmed and
mapped through a small synonym table (users/accounts/players -> user). ``claim_id`` hashes the sorted
tokens, so word order and filler do not change it. ``same_claim`` is the fuzzy check for two wordings
whose ids differ: same numbers, no conflicting entity, no negation flip, and most of the shorter
claim's content found in the longer one.

``same_meaning`` adds the sentence encoder: two wordings that share few words are one claim when
their vectors are close (cosine >= ``SAME_COSINE``, calibrated on Check-COVID train in
``bench/identity_quality.py``) and their slots agree: the same numbers, agreeing dates, no
conflicting entity, no denial or opposite word on one side only. Closeness never overrides a
slot: "200 million" and "300 million" read alike to an encoder, and stay two claims.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from claims.dates import find_date_spans
from claims.entities import find_entity_spans
from claims.matching import conflict, facts_of, opposed
from claims.quantities import find_quantity_spans

# Cosine from which two wordings whose slots agree are one claim (bench/results/identity_quality.md).
SAME_COSINE = 0.99


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


STOPWORDS = _words(
    "a an the this that these those is are was were be been being am has have had having do does "
    "did of in on at to for from by with as and or but if then so than too very its it it's their "
    "they them his her he she we our you your i my me us which who whom whose what when where why "
    "how there here also just about into over under up out some any all both each more most such "
    "own same can could should would will shall may might must according says said say saying "
    "told adds added notes noted reported reports according currently now already one while"
)
# Intensifiers and hype change how a claim sounds, not what it says.
INTENSIFIERS = _words(
    "really very highly hugely massively extremely enormously wildly incredibly truly"
)
NEGATIONS = _words("not no never none nor without n't cannot neither")
SYNONYMS: dict[str, str] = {
    "users": "user", "accounts": "user", "account": "user", "players": "user", "player": "user",
    "members": "user", "member": "user", "subscribers": "user", "subscriber": "user",
    "registered": "register", "registrations": "register", "registration": "register",
    "fined": "fine", "fines": "fine", "penalty": "fine", "penalties": "fine", "penalised": "fine",
    "penalized": "fine", "banned": "block", "blocked": "block", "bans": "block", "ban": "block",
    "censored": "block", "prohibited": "block", "took": "take", "taken": "take", "effect": "effect",
    "effective": "effect", "enacted": "effect", "started": "start", "began": "start", "begins": "start",
    "rose": "rise", "risen": "rise", "increased": "rise", "increase": "rise", "grew": "rise",
    "grown": "rise", "fell": "fall", "fallen": "fall", "decreased": "fall", "declined": "fall",
    "dropped": "fall", "cut": "fall", "firms": "company", "firm": "company", "companies": "company",
    "businesses": "company", "people": "person", "persons": "person", "citizens": "person",
    "game": "game", "games": "game", "percent": "pct", "per": "pct",
}


def _stem(word: str) -> str:
    w = SYNONYMS.get(word)
    if w:
        return w
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return SYNONYMS.get(word[:-1], word[:-1])
    return word


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e18 else f"{value:.6g}"


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    replaced: list[tuple[int, int, str]] = []
    for s, e, q in find_quantity_spans(text):
        tok = _number(q.value) + ("" if q.unit == "count" else q.unit.lower().replace(" ", ""))
        replaced.append((s, e, f" #{tok} "))
    for s, e, d in find_date_spans(text):
        if d.year is not None or d.month is not None:
            parts = ["x" if p is None else str(p) for p in (d.year, d.month, d.day)]
            replaced.append((s, e, " @" + "-".join(parts) + " "))  # "@2017-6-1", "@x-6-1"
    for s, e, ent in find_entity_spans(text):
        replaced.append((s, e, " $" + re.sub(r"\W+", "_", ent.canonical.lower()).strip("_") + " "))
    replaced.sort(key=lambda t: t[0])
    out: list[str] = []
    pos = 0
    for s, e, rep in replaced:
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(rep)
        pos = e
    out.append(text[pos:])
    flat = "".join(out).lower().replace("n't", " not")
    tokens: list[str] = []
    for tok in re.findall(r"[#@$][\w.-]+|[^\W_]+", flat):
        if tok[0] in "#@$":
            tokens.append(tok.rstrip(".-"))
        elif tok in NEGATIONS:
            tokens.append("not")
        elif tok not in STOPWORDS and tok not in INTENSIFIERS and (len(tok) > 1 or tok.isdigit()):
            tokens.append(_stem(tok))
    return tokens


def normalize_claim(text: str) -> str:
    """The claim as content tokens in reading order, each once (``$entity``, ``#quantity``,
    ``@date`` and plain stemmed words)."""
    return " ".join(dict.fromkeys(_tokens(text)))


def claim_id(text: str) -> str:
    """A short stable id ("c_" + 16 hex) of the normalized claim; word order does not matter."""
    key = " ".join(sorted(set(_tokens(text))))
    return "c_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


Sets = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], bool]


@lru_cache(maxsize=16384)
def _sets(text: str) -> Sets:
    toks = frozenset(_tokens(text))
    nums = frozenset(t for t in toks if t[0] == "#")
    ents = frozenset(t for t in toks if t[0] == "$")
    dates = frozenset(t for t in toks if t[0] == "@")
    return toks - {"not"}, nums, ents, dates, "not" in toks


def same_claim(a: str, b: str) -> bool:
    """Whether two wordings state the same claim (symmetric)."""
    ta, na, ea, da, nega = _sets(a)
    tb, nb, eb, db, negb = _sets(b)
    if not ta or not tb or nega != negb:
        return False
    if ta == tb:
        return True
    if swapped(a, b) or not _slots_agree((ta, na, ea, da, nega), (tb, nb, eb, db, negb)):
        return False  # a reversal ("more" / "less likely") is another claim, however alike
    ta -= da  # dates were just compared part by part ("June 1" vs "1 June 2017")
    tb -= db
    if not ta or not tb:
        return False
    shared = len(ta & tb)
    if shared / min(len(ta), len(tb)) >= 0.75 and shared / len(ta | tb) >= 0.3:
        return True
    return SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio() >= 0.9


def _slots_agree(a: Sets, b: Sets) -> bool:
    _, na, ea, da, nega = a
    _, nb, eb, db, negb = b
    if nega != negb:
        return False
    if (na or nb) and (na.isdisjoint(nb) or not (na <= nb or nb <= na)):
        return False  # 200 million is not 300 million, and a number is not its absence
    if da and db and not _dates_agree(da, db):
        return False
    return not (ea and eb and ea.isdisjoint(eb))


# Words a reversed claim swaps for their opposite, as written (several are stop words elsewhere).
_SWAPS = (
    "more less", "more fewer", "higher lower", "greater smaller", "greater lesser", "twice half",
    "present absent", "increase decrease", "increased decreased", "increases decreases",
    "increase reduce", "increased reduced", "increases reduces", "increasing decreasing",
    "likely unlikely", "able unable", "safe unsafe", "safe dangerous", "effective ineffective",
    "positive negative", "better worse", "stronger weaker", "strong weak", "rise fall",
    "rose fell", "raise lower", "raises lowers", "easier harder", "easy hard", "before after",
    "many few", "most least", "high low", "large small", "larger smaller", "long short",
    "longer shorter", "earlier later", "faster slower", "worsened improved", "helps hurts",
)
_SWAP: dict[str, frozenset[str]] = {}
for _pair in _SWAPS:
    _x, _y = _pair.split()
    _SWAP[_x] = _SWAP.get(_x, frozenset()) | {_y}
    _SWAP[_y] = _SWAP.get(_y, frozenset()) | {_x}


@lru_cache(maxsize=16384)
def _plain_words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", text.lower()))


def swapped(a: str, b: str) -> bool:
    """One text has a word the other replaces with its opposite ("more" / "less likely")."""
    wa, wb = _plain_words(a), _plain_words(b)
    only_a, only_b = wa - wb, wb - wa
    return any(_SWAP.get(w, frozenset()) & only_b for w in only_a)


def slots_agree(a: str, b: str) -> bool:
    """Whether nothing two wordings pin down differs: numbers, dates, entities, polarity, and
    no opposite word on one side only ("increases" / "decreases")."""
    if not _slots_agree(_sets(a), _sets(b)) or swapped(a, b):
        return False
    fa, fb = facts_of(a), facts_of(b)
    return conflict(fa, fb) is None and not opposed(fa, fb)


def same_meaning(a: str, b: str, cosine: float, *, threshold: float = SAME_COSINE) -> bool:
    """``same_claim`` or sentence vectors at least ``threshold`` close (``cosine`` is the two
    texts' vector cosine), and every slot agreeing (entities and facts too, beyond what
    ``same_claim`` compares)."""
    return (same_claim(a, b) or cosine >= threshold) and slots_agree(a, b)


def _dates_agree(da: frozenset[str], db: frozenset[str]) -> bool:
    """Dates agree when some date on each side matches on every part both give: "June 1" (no
    year) agrees with "1 June 2017", "2017" with "2017-06-01"; "June 1" and "June 2" do not."""
    def parts(token: str) -> list[str]:
        return token[1:].split("-")

    return any(
        all(p == q or "x" in (p, q) for p, q in zip(parts(x), parts(y), strict=False))
        for x in da for y in db
    )
