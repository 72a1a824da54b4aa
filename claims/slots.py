"""The slots a claim and a passage are compared on: words, entities, quantities, dates and cues.

Ranking and stance both read text through here, so a claim and a passage are always cut the same
way. Entities, quantities and dates come from the extraction normalizers (:mod:`claims.entities`,
:mod:`claims.quantities`, :mod:`claims.dates`); this module adds the word stems, sentence cuts and
the negation, hedge and measure cues the stance rules need. Passage slots are cached by text:
in a batch the same passage is judged against many claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from claims.dates import find_date_spans
from claims.entities import find_entity_spans
from claims.model import DateRef, Entity, Quantity
from claims.quantities import WORDS as NUMBER_WORDS
from claims.quantities import find_quantity_spans
from claims.ranges import find_pair_spans
from claims.sentences import split_sentences


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
# Cues that turn a statement around. "false" counts only when it is said of a statement ("is false",
# "false claims"), not of a thing ("false rumours").
NEGATIONS = re.compile(
    r"\b(?:not|never|no|none|nor|cannot|can't|won't|didn't|doesn't|isn't|wasn't|aren't|weren't|"
    r"haven't|hasn't|hadn't|don't|denied|denies|deny|denying|debunked|myth|hoax|no evidence|"
    r"rejected|refuted|dismissed|falsely|false claims?|overstat\w*|exaggerat\w*|misleading|"
    r"(?:is|are|was|were|be|been|proved|proven)\s+(?:to be\s+)?(?:completely\s+|entirely\s+|totally\s+)?"
    r"(?:false|untrue|incorrect|inaccurate|wrong|fabricated|baseless|unfounded))\b",
    re.IGNORECASE,
)
# States of not doing, read apart (one long alternation is slow; the lookahead skips most words).
_STATES = re.compile(
    r"\b(?=[nuilfdrtscqv])(?:no longer|unable to|inability to|(?:lost|lose|loses|losing) "
    r"(?:the|his|her|their|its) ability to|(?:failed|fails|fail|refused|refuses|refuse|declined|"
    r"declines|decline) to|(?:turned|turns|turn|turning) down|(?:voted|votes|vote|voting) against|"
    r"(?:stopped|stops|ceased|ceases|quit|"
    r"quits)(?= \w+ing\b))\b",
    re.IGNORECASE,
)
_AFTERWARD = frozenset({"not", "never", "no", "none", "nor", "cannot", "no evidence", "falsely",
                        "false claim", "false claims", "no longer", "unable to", "inability to"})
# A state of not doing ("unable to walk", "lost the ability to walk", "failed to pay", "refused
# to sign", "turned down offers to", "stopped making"): said of what follows, like "not".
_PRIVATIVE = ("lost ", "lose", "fail", "refuse", "decline", "turn", "stop", "cease", "quit", "vot")
# Words between a cue and the predicate it denies ("did not actually say", "has not been shown
# to cause"): the head is the word after them.
_LIGHT = frozenset({"ever", "alway", "shown", "prov", "proven", "abl", "expect", "going", "longer"})
_RELATIVE = re.compile(r"\b(?:that|which|who)\s+(?:(?:do|does|did|have|has|had|is|are|was|were|"
                       r"can|could|would|will)\s+)?$", re.IGNORECASE)
_DENIALS = frozenset({"denied", "denies", "deny", "denying", "rejected", "refuted", "dismissed",
                      "debunked", "falsely"})
_NOT_NEGATION = re.compile(
    r"\b(?:not only|no doubt|no wonder|nothing but|not just|no later than|no fewer than|"
    r"no less than|no more than|not\b[^.;]{0,40}?\b(?:until|since)|"
    r"(?:must|may|shall|should) not|not (?:be )?(?:allowed|permitted))\b",  # a rule, not a denial
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"[,;:()\u2014]|\b(?:that|which|who|whom|whose|if|unless|because|"
                           r"although|though|while|whereas|despite)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:()\u2014]|\b(?:but|although|though|while|whereas|despite|because)\b",
                         re.IGNORECASE)
# A sentence telling that a claim was made ("an article said that ...", "Claim: ..."): on a
# fact-check page it restates the claim, it is no evidence for it.
REPORTS = re.compile(
    r"^\W*(?:the\s+)?(?:claim|what was claimed|what was said)\s*:|"
    r"\b(?:an?|the|this|that|one|some)\s+(?:\w+\s+)?"
    r"(?:article|post|tweet|video|claim|rumou?r|message|meme|headline|blog)s?\b(?!\s*\d)[^.;]{0,60}?"
    r"\b(?:said|says|claimed|claims|stated|states|alleged|alleges|asserted|asserts|suggested)\b",
    re.IGNORECASE,
)
HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|supposedly|rumou?red|is said to|are said to|"
    r"was said to|believed to|appears? to|may have|might have|could have|unconfirmed|claimed|"
    r"claims that|according to)\b",
    re.IGNORECASE,
)
# Words whose swap turns a statement around ("blocked" vs "accessible"); matched on stems.
_OPPOSITES: tuple[tuple[str, str], ...] = (
    ("block ban banned censor restrict blocked censored restricted",
     "accessible available unblocked unrestricted allowed lifted"),
    ("massive huge heavy record hefty enormous",
     "small modest minor tiny token paltry negligible light"),
    ("increase increased rise rose risen grow grew grown gain gained up",
     "decrease decreased fall fell fallen drop dropped decline declined shrink shrank down"),
    ("adopt adopted approve approved", "reject rejected veto vetoed withdrawn"),
    ("legal lawful", "illegal unlawful"),
    ("win won", "lose lost"),
    ("open opened launch launched", "close closed shut"),
    ("require required mandatory", "optional voluntary"),
)
# Words that tell one measure of a thing from another: registered accounts are not daily users.
MEASURE_MODIFIERS = _set(
    "daily monthly weekly annual yearly quarterly registered active peak total cumulative unique "
    "paying concurrent new average maximum minimum mobile urban rural online domestic overseas "
    "international global"
)
# Verbs right before a number that say what it counts: vehicles delivered are not vehicles produced.
_MEASURE_VERBS = (  # stemmed below
    "delivered produced sold sells shipped exported imported raised earned spent invested "
    "downloaded installed lost hired laid borrowed paid received collected"
)
# A number right after these words names a thing ("Article 68"), it does not count anything.
IDENTIFIER_WORDS = _set(  # stems
    "articl art section chapter paragraph claus rul no number rout room flight model version pag "
    "item point"
)
_HEADS: dict[str, str] = {  # stemmed below
    "user": "people", "account": "people", "player": "people", "subscriber": "people",
    "member": "people", "customer": "people", "gamer": "people", "people": "people",
    "download": "downloads", "install": "downloads", "revenue": "money", "sale": "money",
    "income": "money", "profit": "money", "fine": "money", "penalty": "money",
    "employee": "staff", "worker": "staff", "staff": "staff", "death": "deaths",
    "case": "cases", "view": "views", "visit": "views", "company": "companies",
    "firm": "companies", "camera": "cameras",
}
# Stems read as one: spellings, near-synonyms news copy swaps freely. Keys and values are stems.
_SYNONYMS: dict[str, str] = {
    "ban": "block", "bann": "block", "penalty": "fin", "penaliz": "fin", "penalis": "fin",
    "forc": "effect", "effectiv": "effect", "firm": "company",
    "mainland": "china", "chines": "china", "gamer": "player",
    "regulator": "authority", "investigation": "probe", "investigat": "probe",
    "began": "begin", "start": "begin", "commenc": "begin", "built": "build", "construct": "build",
    "construction": "build", "won": "win", "beat": "win", "defeat": "win", "suspend": "end",
    "halt": "end", "stopp": "end", "stop": "end", "ceas": "end", "launch": "launch",
    "releas": "launch", "introduc": "launch", "unveil": "launch", "debut": "launch",
    "locat": "found", "discover": "found", "find": "found",
}

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


@lru_cache(maxsize=65536)
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


@lru_cache(maxsize=131072)
def _content(token: str) -> str:
    """The stem of a content word; "" for a stop word or a bare number."""
    low = token.lower()
    if token[0].isdigit() or low in STOPWORDS or low.replace("’", "'").removesuffix("'s") in STOPWORDS:
        return ""
    return stem(token)


def words(text: str) -> list[str]:
    """Content-word stems in reading order (stop words and bare numbers dropped)."""
    return [w for w in map(_content, _WORD.findall(text)) if w]


def surface(text: str, stems: frozenset[str]) -> list[str]:
    """The words of ``text`` as written whose stems are in ``stems``, once each, in order: what a
    reason shows a person ("blocked", not "block")."""
    seen: dict[str, str] = {}
    for token in _WORD.findall(text):
        st = _content(token)
        if st in stems and st not in seen:
            seen[st] = token
    return list(seen.values())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of ``text`` as ``(start, end)``: each line cut by the extraction's splitter (a
    passage's heading or list item stands alone on its line)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        for s, e in split_sentences(text, pos, pos + len(line)):
            while s < e and text[s] in "•*-– \t":
                s += 1
            if e > s:
                out.append((s, e))
        pos += len(line) + 1
    return out


def _opposites() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for one, other in _OPPOSITES:
        a, b = frozenset(map(stem, one.split())), frozenset(map(stem, other.split()))
        table.update(dict.fromkeys(a, b))
        table.update(dict.fromkeys(b, a))
    return table


OPPOSITE: dict[str, frozenset[str]] = _opposites()

# Words that tell one thing from its sibling: a figure for the southern district says nothing
# of the northern one. Stems, by (family, member).
_CONTRASTS: tuple[tuple[str, ...], ...] = (
    ("north northern", "south southern", "east eastern", "west western",
     "northeast northeastern", "northwest northwestern", "southeast southeastern",
     "southwest southwestern", "central"),
    ("upper", "lower"), ("inner", "outer"), ("men male", "women femal"),
    ("junior", "senior"), ("boy", "girl"), ("indoor", "outdoor"),
)
CONTRAST: dict[str, tuple[int, int]] = {
    stem(w): (f, k) for f, family in enumerate(_CONTRASTS)
    for k, member in enumerate(family) for w in member.split()
}


def sibling(claim: frozenset[str], sentence: frozenset[str]) -> tuple[str, str] | None:
    """A word of the claim and the sentence's word for a sibling of it instead ("northern" /
    "southern" district), the claim's own word missing from the sentence."""
    mine = {CONTRAST[w]: w for w in claim if w in CONTRAST}
    if not mine:
        return None
    for w in sorted(sentence):
        fk = CONTRAST.get(w)
        if fk is None or fk in mine:
            continue
        for (f, _), cw in mine.items():
            if f == fk[0] and cw not in sentence:
                return cw, w
    return None


@dataclass(frozen=True, slots=True)
class Negation:
    """A denial cue and the words of the clause it denies."""

    cue: str
    scope: frozenset[str]  # the words it denies
    clause: frozenset[str] = frozenset()  # its whole clause, subject included
    head: str | None = None  # the predicate it denies, as a lemma ("disclos" in "not disclosed")
    side: bool = False  # in a relative clause ("companies that fail to comply"): says who, not what


def negations(text: str) -> tuple[Negation, ...]:
    """Denial cues with the words they deny. "not", "never" and denial verbs deny what follows
    them in their clause ("operators that do not stop ..." denies stopping; "denied that X" denies
    X); "a myth", "is false" deny what went before them in the clause."""
    cleaned = _NOT_NEGATION.sub(lambda m: " " * len(m.group(0)), text)
    out = []
    states = list(_STATES.finditer(cleaned))
    taken = {m.start() for m in states}
    found = states + [m for m in NEGATIONS.finditer(cleaned) if m.start() not in taken]
    for m in sorted(found, key=lambda m: m.start()) if states else found:
        cue = m.group(0).lower()
        rest = cleaned[m.end():]
        starts = [b.end() for b in _CLAUSE_START.finditer(cleaned, 0, m.start())]
        before = cleaned[starts[-1] if starts else 0:m.start()]
        stop = _CLAUSE_END.search(rest)
        after = rest[: stop.start()] if stop else rest
        head = None
        if cue.startswith(("overstat", "exaggerat", "misleading")):
            scope = before + " " + after
        elif cue in _DENIALS:
            scope = re.split(r"[;:()]", rest)[0]
        elif cue in _AFTERWARD or cue.endswith(("n't", "not")) or cue.startswith(_PRIVATIVE):
            scope = after
            said = [w for w in words(after) if w not in _LIGHT and not w.endswith("ly")]
            head = lemma(said[0]) if said else None
        else:
            scope = before
        side = _RELATIVE.search(cleaned, max(0, m.start() - 30), m.start()) is not None
        out.append(Negation(cue, frozenset(words(scope)), frozenset(words(before + " " + after)),
                            head, side))
    return tuple(out)


# Irregular verb forms read as their base stem, so "never known" denies "knew".
_LEMMAS: dict[str, str] = {
    form: base
    for base, forms in (
        ("know", "knew known"), ("mak", "made"), ("tak", "took taken"), ("sell", "sold"),
        ("pay", "paid"), ("giv", "gave given"), ("go", "went gone"), ("com", "came"),
        ("hold", "held"), ("lead", "led"), ("meet", "met"), ("writ", "wrote written"),
        ("see", "saw seen"), ("tell", "told"), ("leav", "left"), ("bring", "brought"),
        ("buy", "bought"), ("spend", "spent"), ("send", "sent"), ("becom", "became"),
        ("rise", "rose risen"), ("fall", "fell fallen"), ("grow", "grew grown"), ("run", "ran"),
        ("speak", "spoke spoken"), ("steal", "stole stolen"), ("driv", "drove driven"),
        ("eat", "ate eaten"), ("fly", "flew flown"), ("get", "got gotten"), ("keep", "kept"),
        ("think", "thought"), ("feel", "felt"), ("hear", "heard"), ("sit", "sat"), ("stand", "stood"),
        ("win", "won"), ("los", "lost lose"),
    )
    for form in forms.split()
}


def lemma(stem_: str) -> str:
    """A stem with irregular past forms folded into the base ("known" -> "know") and a doubled
    final consonant undone ("cancell" -> "cancel")."""
    if len(stem_) > 4 and stem_[-1] == stem_[-2] and stem_[-1] in "bdglmnprt":
        stem_ = stem_[:-1]
    return _LEMMAS.get(stem_, stem_)


def hedge_cue(text: str) -> str | None:
    m = HEDGES.search(text)
    return m.group(0).lower() if m else None


@dataclass(frozen=True, slots=True)
class Measure:
    """What a number counts: the distinguishing modifiers, the kind of thing and its own words."""

    modifiers: frozenset[str]
    head: str | None
    words: frozenset[str] = frozenset()
    verbs: tuple[str, ...] = ()  # the counting verbs as written ("delivered")

    def describe(self) -> str:
        shown = [*self.verbs, *sorted(m for m in self.modifiers if m not in MEASURE_VERBS)]
        shown += [self.head] if self.head else []
        return " ".join(shown) or " ".join(sorted(self.words)) or "unstated"


MEASURE_VERBS = frozenset(map(stem, _MEASURE_VERBS.split()))
_MEASURE_HEADS = {stem(word): kind for word, kind in _HEADS.items()}


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
    """One quantity or date with its span and the event words of its clause (names left out)."""

    start: int
    end: int
    text: str
    context: frozenset[str]
    quantity: Quantity | None = None
    date: DateRef | None = None
    measure: Measure | None = None
    verbs: frozenset[str] = frozenset()  # the context words that read as verbs ("adopted")
    verb: str | None = None  # a date's own verb, the nearest before it ("launched in 2021")
    of: str | None = None  # the thing a date names ("the November 2020 *election*")
    apart: frozenset[str] = frozenset()  # verbs told apart from a date (relative or other clause)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    tokens: frozenset[str]
    entities: frozenset[str]  # canonical names, lower case
    quantities: tuple[Slot, ...]
    dates: tuple[Slot, ...]
    negations: tuple[Negation, ...]
    hedge: str | None
    numbered: frozenset[tuple[str, str]] = frozenset()  # ("apollo", "11"), ("articl", "68")
    subject: str | None = None  # the first name in it, canonical, lower case
    reports: bool = False  # tells that a claim was made ("an article said that ...")
    lemmas: frozenset[str] = frozenset()  # its tokens with irregular forms folded ("knew" -> "know")


@dataclass(frozen=True, slots=True)
class TextSlots:
    """A text cut into sentences with their slots; also the claim's own slots."""

    text: str
    sentences: tuple[Sentence, ...]
    tokens: frozenset[str]
    entities: frozenset[str]  # canonical names, lower case
    key_entities: frozenset[str]  # the ones a passage must name to be about the same thing
    entity_names: tuple[tuple[str, str], ...]  # (as written, canonical) in reading order
    predicate: frozenset[str] = frozenset()  # a claim's words outside its names: what it says


def _context(text: str, start: int, end: int, names: frozenset[str]) -> frozenset[str]:
    """The event words in the clause around a span: a few before it and after it."""
    before = words(re.split(r"[;:()]|\band\b|,\s(?:and|but|while|which)\b",
                            text[max(0, start - 70):start])[-1])
    after = words(re.split(r"[;:(),.]", text[end:end + 60])[0])
    return frozenset(before[-5:] + after[:5]) - names


_IRREGULAR = _set(
    "took went came began begun won lost made held sold became found built beat rose fell grew set "
    "met led paid gave hit ran saw left broke brought bought chose drew fought flew got hung knew "
    "laid lent rode sank sent shot shut spent stood struck swam taught told threw wrote"
)


_DETERMINER = re.compile(r"\b(?:the|this|that|last|its|their|his|her|a|an)\s+$", re.IGNORECASE)
_NOUN_AFTER = re.compile(r"\s+([a-z]+)\b")


def _date_of(text: str, start: int, end: int) -> str | None:
    """The noun a date is said of ("the November 2020 election" -> "election"): such a date
    names that thing, it does not time the sentence's event."""
    if not _DETERMINER.search(text, max(0, start - 8), start):
        return None
    m = _NOUN_AFTER.match(text, end)
    if not m or m.group(1) in STOPWORDS or m.group(1).endswith("ed"):
        return None
    return stem(m.group(1))


_RELATIVE_VERB = re.compile(
    r"\b(?:that|which|who)\s+(?:(?:was|were|had|has|have|is|are|been)\s+)?([A-Za-z]+)\b",
    re.IGNORECASE)


def _apart(text: str, start: int) -> frozenset[str]:
    """Lemmas of the past-tense verbs a sentence tells apart from the date at ``start``: in a
    relative clause ("the telescope *that spotted* the galaxy was launched in 2021") or in
    another clause after a semicolon ("The Titanic sank in 1912; the wreck was *found* later")."""
    cut = text.rfind(";", 0, start)
    end = text.find(";", start)
    others = text[:max(cut, 0)] + " " + (text[end:] if end >= 0 else "")
    found = set(verbs_in(others)) if cut >= 0 or end >= 0 else set()
    found |= {w for m in _RELATIVE_VERB.finditer(text)
              for w in verbs_in(m.group(1))}
    return frozenset(map(lemma, found))


def _own_verb(text: str, start: int) -> str | None:
    """The verb nearest before a date in its clause ("was launched in December 2021"); none in a
    "when" clause, which times the sentence's main event ("raised $25 billion when it listed in
    2014")."""
    parts = re.split(r"([,;:()]|\b(?:and|that|which|who|while|when|as)\b)",
                     text[max(0, start - 60):start])
    if len(parts) > 1 and parts[-2].lower() in ("when", "as"):
        return None
    clause = parts[-1]
    found = [stem(w) for w in _WORD.findall(clause)
             if w.lower() in _IRREGULAR or (len(w) > 4 and w.lower().endswith("ed"))]
    return lemma(found[-1]) if found else None


def verbs_in(text: str) -> frozenset[str]:
    """Stems of the words that read as past-tense verbs ("adopted", "took"): the event a date or a
    number belongs to."""
    return frozenset(stem(w) for w in _WORD.findall(text)
                     if w.lower() in _IRREGULAR or (len(w) > 4 and w.lower().endswith("ed")))


def _measure_text(text: str, start: int, end: int, q: Quantity) -> Measure:
    """The measure of a quantity: its own words, else the words just after and before it, and the
    verb that counts it ("delivered 1.31 million vehicles")."""
    own = measure_of(q.measure or "")
    after = measure_of(re.split(r"[.,;:(]", text[end:end + 40])[0])
    near = _WORD.findall(re.split(r"[;:(),.]", text[max(0, start - 40):start])[-1])[-3:]
    before = measure_of(" ".join(near))
    said = tuple(w.lower() for w in near if stem(w) in MEASURE_VERBS)
    own_words = frozenset(words(q.measure or ""))
    mods = set(own.modifiers or after.modifiers or before.modifiers) | set(map(stem, said))
    # an increment ("five more companies", "another 300 jobs", "nine others") is not the total
    own_tokens = _WORD.findall((q.measure or "").lower())
    if (own_tokens and (own_tokens[0] in _INCREMENT or "others" in own_tokens)) or any(
            w.lower() in _INCREMENT - {"more", "other", "others"} for w in near[-2:]):
        mods.add("more")
    near_head = before.head
    if q.unit not in ("count", "rank") and near_head != "money":
        near_head = None  # "the company lost $2 billion": the money is not a count of companies
    head = own.head if own_words else (after.head or near_head)
    return Measure(frozenset(mods), head, own_words, said)


_SCORE_MEASURE = Measure(frozenset(), "score")
_INCREMENT = frozenset({"more", "additional", "another", "other", "others", "further", "extra"})


def _with_parts(part: str, start: int, qs: tuple[Slot, ...]) -> tuple[Slot, ...]:
    """Counts told as parts ("the five companies join nine others") are increments, and their sum
    is the total they make (14 companies) with the first part's measure."""
    counts = [q for q in qs if q.quantity is not None and q.quantity.unit == "count"]
    if len(counts) < 2 or not any(
            "others" in _WORD.findall((q.quantity.measure or "").lower())
            for q in counts if q.quantity is not None):
        return qs
    marked = [replace(q, measure=replace(q.measure, modifiers=q.measure.modifiers | {"more"}))
              if q in counts and q.measure is not None else q for q in qs]
    first, last = counts[0], counts[-1]
    assert first.quantity is not None and first.measure is not None
    total = sum(q.quantity.value for q in counts if q.quantity is not None)
    text = part[first.start - start:last.start - start + len(last.text)]
    # a total worked out, not written: it may bear a count out, only a stated total contradicts it
    measure = replace(first.measure, modifiers=first.measure.modifiers - {"more"} | {"total"})
    whole = Slot(first.start, last.end, text, frozenset().union(*(q.context for q in counts)),
                 quantity=Quantity(text, total, "count", first.quantity.measure), measure=measure)
    return (*marked, whole)


_SCORE = re.compile(r"\d+\s?[-–]\s?\d+\b|-\d")  # "4-2": a score or a range, not a count


_NUMBERED = re.compile(
    r"\b([A-Z][a-z]+|[a-z]{1,2}[A-Z][A-Za-z]*|[A-Z]{2,5})\s(\d{1,4})\b(?![.,]\d|\s?%|\s?[-–]\d)")
_NOT_NAMES = _set("usd eur gbp cny rmb jpy hkd inr aud cad")
# a count of things a numbered name names: "two Thunderbolt 3 ports", "three Boeing 737 jets"
_COUNT_OF_NAMED = re.compile(
    r"\b(?P<n>\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<what>(?:[A-Z][A-Za-z]+|[a-z]{1,2}[A-Z][A-Za-z]*)\s\d{1,4}\s+[a-z]+)\b")
_MONTH_WORDS = _set("january february march april may june july august september october november "
                    "december jan feb mar apr jun jul aug sep sept oct nov dec")
_NAME_STOP = STOPWORDS | _MONTH_WORDS | _NOT_NAMES


def numbered_names(text: str) -> frozenset[tuple[str, str]]:
    """Names that carry a number ("Apollo 11", "Article 68"): another number is another thing."""
    return frozenset((stem(m.group(1)), m.group(2)) for m in _numbered(text))


def _numbered(text: str) -> list[re.Match[str]]:
    return [m for m in _NUMBERED.finditer(text) if m.group(1).lower() not in _NAME_STOP]


_DIGIT = re.compile(r"\d")


def _quantities(part: str, named: set[int], digits: bool = True) -> list[tuple[int, int, Quantity]]:
    """The quantities of a sentence as stance compares them: no identifiers ("Article 68") or
    numbers of names ("iPhone 7"); ranges and scores as one value each; a count of named things
    ("two Thunderbolt 3 ports") with the name as its measure."""
    pairs = find_pair_spans(part) if digits else ()
    found = [(s, e, q) for s, e, q in find_quantity_spans(part)
             if not _is_identifier(part, s) and not _SCORE.match(part, max(0, s - 1))
             and not _SCORE.match(part, s) and s not in named
             and not any(ps <= s < pe for ps, pe, _ in pairs)]
    found += [(s, e, q) for s, e, q in pairs if not _is_identifier(part, s)]
    for m in _COUNT_OF_NAMED.finditer(part) if digits else ():
        if not any(s == m.start() for s, _, _ in found) and (
                m.group("what").split()[0].lower() not in _NAME_STOP):
            n = m.group("n")
            value = float(n) if n.isdigit() else float(NUMBER_WORDS[n.lower()])
            found.append((m.start(), m.end("n"),
                          Quantity(m.group(0), value, "count", m.group("what"))))
    return sorted(found, key=lambda t: t[0])


def _is_identifier(text: str, start: int) -> bool:
    before = _WORD.findall(text[max(0, start - 12):start])
    return bool(before) and stem(before[-1]) in IDENTIFIER_WORDS


Spans = list[tuple[int, int, Entity]]


def _sentence(text: str, start: int, end: int, spans: Spans | None = None) -> Sentence:
    """One sentence's slots; ``spans``: the passage's entity spans, so names are read once."""
    part = text[start:end]
    ents = find_entity_spans(part) if spans is None else [
        (s - start, e - start, ent) for s, e, ent in spans if s >= start and e <= end]
    names = frozenset(w for _, _, ent in ents for w in words(ent.text) + words(ent.canonical))
    digits = _DIGIT.search(part) is not None
    numbered = _numbered(part) if digits else []
    found = _quantities(part, {m.start(2) for m in numbered}, digits)
    # a bare four-digit number the date finder left (years before 1600: "around 1455") is a year
    years = [(s, e, DateRef(part[s:e], int(q.value))) for s, e, q in found
             if q.unit == "count" and q.measure is None and re.fullmatch(r"1\d{3}", part[s:e])]
    qs = tuple(
        Slot(start + s, start + e, q.text or part[s:e], _context(part, s, e, names), quantity=q,
             measure=_SCORE_MEASURE if q.unit == "score" else _measure_text(part, s, e, q))
        for s, e, q in found if not any(s == y[0] for y in years)
    )
    qs = _with_parts(part, start, qs)
    ds = tuple(
        Slot(start + s, start + e, part[s:e], ctx, date=d,
             verbs=ctx & verbs_in(part[max(0, s - 70):e + 60]), verb=_own_verb(part, s),
             of=_date_of(part, s, e), apart=_apart(part, s))
        for s, e, d in sorted([*find_date_spans(part), *years], key=lambda t: t[0])
        for ctx in (_context(part, s, e, names),)
    )
    # a name counts under every alias: "Wangzhe Rongyao" brings the words of "Honor of Kings"
    tokens = set(words(part)) | {w for _, _, ent in ents for w in words(ent.canonical)}
    return Sentence(
        start, end, part, frozenset(tokens), frozenset(ent.canonical.lower() for _, _, ent in ents),
        qs, ds, negations(part), hedge_cue(part),
        frozenset((stem(m.group(1)), m.group(2)) for m in numbered),
        ents[0][2].canonical.lower() if ents else None,
        bool(REPORTS.search(part)), frozenset(map(lemma, tokens)),
    )


def _names(
    text: str, found: Spans | None = None
) -> tuple[tuple[tuple[str, str], ...], frozenset[str], frozenset[str]]:
    found = find_entity_spans(text) if found is None else found
    names = tuple((ent.text, ent.canonical) for _, _, ent in found)
    every = frozenset(ent.canonical.lower() for _, _, ent in found)
    # the names a passage must share; a plural acronym ("ISPs") names a kind of thing, not one
    typed = frozenset(ent.canonical.lower() for _, _, ent in found
                      if not re.fullmatch(r"[A-Z]{2,}s", ent.text))
    return names, every, typed


@lru_cache(maxsize=8192)
def passage_words(text: str) -> frozenset[str]:
    """The plain word stems of a passage: enough to tell it is about something else."""
    return frozenset(words(text))


@lru_cache(maxsize=8192)
def passage_slots(text: str) -> TextSlots:
    """Slots of a passage, cached: a batch judges the same passage against many claims. About
    15 KiB each, so the cache holds at most some 120 MiB in a long-running process."""
    spans = list(find_entity_spans(text))
    sentences = tuple(_sentence(text, s, e, spans) for s, e in sentence_spans(text))
    names, every, typed = _names(text, spans)
    tokens = frozenset().union(*(s.tokens for s in sentences)) if sentences else frozenset()
    return TextSlots(text, sentences, tokens, every, typed, names)


@lru_cache(maxsize=4096)
def claim_slots(text: str) -> TextSlots:
    """Slots of a claim, read as one sentence: its dates and numbers belong to the whole claim, so
    their context is every event word of it. Its words are its own, except a name written other
    than its canonical form ("Wangzhe Rongyao", "CAC"), read as the canonical name; passages carry
    both, so either spelling finds the other."""
    sentence = _sentence(text, 0, len(text))
    names, every, typed = _names(text)
    own = set(words(text))
    for written, canon in names:
        mine, theirs = set(words(written)), set(words(canon))
        if not mine <= theirs:
            own = (own - mine) | theirs
    sentence = replace(sentence, tokens=frozenset(own), lemmas=frozenset(map(lemma, own)))
    name_words = frozenset(w for n in names for w in words(n[0]) + words(n[1]))
    events = sentence.tokens - name_words
    sentence = replace(
        sentence,
        quantities=tuple(replace(q, context=events) for q in sentence.quantities),
        dates=tuple(replace(d, context=events, verbs=events & verbs_in(text))
                    for d in sentence.dates),
    )
    return TextSlots(text, (sentence,), sentence.tokens, every, typed, names, events)
