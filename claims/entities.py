"""Named entities in claim text, typed, with every alias mapped to one canonical spelling.

Known names (and their aliases and spelling variants: "Honour/Honor of Kings", "CAC" / "Cyberspace
Administration of China") come from ``claims/data/aliases.json``; other capitalised names are found
by shape and typed by the words they carry ("... Administration" is an organisation, "... Law" a law)
or by context ("says Beijing activist Hu Jia" is a person).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from claims.model import Entity, EntityType
from claims.spans import SpanMask


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})

ORG_WORDS = _words(
    "inc inc. corp corp. corporation ltd ltd. llc plc group company co. holdings administration "
    "ministry department agency commission bureau party university institute bank journal times "
    "post news council court association foundation office authority committee parliament "
    "congress senate police army navy fund organization organisation union board service services "
    "network society federation league club airlines motors labs laboratory center centre "
    "school college hospital exchange reserve assembly government cabinet tribunal"
)
LAW_WORDS = _words(
    "law act regulation regulations directive bill treaty convention code accord agreement "
    "amendment constitution ordinance statute protocol decree"
)
PLACE_WORDS = _words(
    "city province county river mountains mountain island islands sea ocean lake state republic "
    "kingdom valley district region square street bay gulf desert"
)
PRODUCT_AFTER = _words("app game games service platform phone smartphone console software")
PERSON_TITLES = _words(
    "mr mr. mrs mrs. ms ms. dr dr. president premier senator governor judge minister chancellor chair "
    "secretary professor prof. activist founder ceo chairman chairwoman spokesman spokeswoman "
    "spokesperson director chief economist analyst researcher author editor lawyer mayor "
    "representative rep. sen. gov. king queen prince general colonel captain officer"
)
# Titles and the words that build them ("Prime Minister", "Deputy Foreign Minister"): stripped
# from the front of a name, so the entity is the person.
TITLE_WORDS = PERSON_TITLES | _words(
    "prime vice deputy former acting foreign finance interior defence defense health trade "
    "justice education energy executive managing general attorney supreme commander"
)
SPEECH = _words("said says told added noted argued wrote warned claimed stated explained asked")
# Capitalised words that start sentences or stand alone without naming anything.
COMMON = _words(
    "a an the this that these those it its in on at of for and but or if when while where what "
    "who why how there here he she they we i you our their his her my your some many most other "
    "others all each every both no not yes as after before since during until unlike like so "
    "such then than also however meanwhile still yet even just only about according to from by "
    "with without into over under between among everyone editor editor's note "
    "one two three select page share read more related comments about author"
)
MONTHS_DAYS = _words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)

GIVEN: set[str] = set()  # filled from claims/data/names.json with the alias table
SURNAME_FIRST: set[str] = set()
_NAME = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z]\.(?=\s+[A-Z][a-z])|[A-Z][\w'’&-]*(?:\.com)?)"
_CAPSEQ = re.compile(
    r"(?<![\w'’])" + _NAME + r"(?:(?:\s+(?:of|for|on|de|du|the|la|van|von|al-)){0,2}\s+" + _NAME + r")*"
)


_DATE_TAIL = re.compile(
    r"\s+(?:on|in|of|for|the)\s+(?:the\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)\b.*$"
)


def _key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).translate(_APOS).strip()
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"^(?:the)\s+", "", s, flags=re.IGNORECASE)
    s = re.sub(r"'s$", "", s)
    return s.lower()


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, EntityType]], dict[str, str], re.Pattern[str], re.Pattern[str]]:
    data = json.loads(resources.files("claims").joinpath("data/aliases.json").read_text("utf-8"))
    table: dict[str, tuple[str, EntityType]] = {}
    acronyms: list[str] = []
    words: list[str] = []
    for entry in data["entries"]:
        canonical, etype = entry["canonical"], entry["type"]
        for name in [canonical, *entry["aliases"]]:
            table[_key(name)] = (canonical, etype)
            plain = unicodedata.normalize("NFKC", name).translate(_APOS)
            plain = re.sub(r"^the\s+", "", plain, flags=re.IGNORECASE)
            (acronyms if re.fullmatch(r"[A-Z.]{2,}", plain) else words).append(plain)
    demonyms: dict[str, str] = data.get("demonyms", {})
    names = json.loads(resources.files("claims").joinpath("data/names.json").read_text("utf-8"))
    GIVEN.update(names["given"])
    SURNAME_FIRST.update(names["surname_first"])

    def alternation(names: list[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))

    acro = re.compile(r"(?<![\w.])(?:" + alternation(acronyms) + r")(?![\w])")
    # Case-sensitive over the spellings a text uses (as listed, Capitalised, Title Case, UPPER):
    # four times faster than one case-insensitive alternation.
    spellings = [v for w in words for v in (w, w[:1].upper() + w[1:], _title(w), w.upper())]
    word = re.compile(r"(?<![\w])(?:" + alternation(spellings) + r")(?!\w)")
    return table, demonyms, acro, word


def _title(name: str) -> str:
    small = {"of", "the", "and", "for", "on", "in", "de"}
    return " ".join(w if w in small and i else w[:1].upper() + w[1:] for i, w in enumerate(name.split(" ")))


def canonical(name: str) -> str:
    """The one spelling of a name: its canonical form if it is a known alias, else the name tidied
    (no leading "the", no possessive)."""
    table, demonyms, _, _ = _table()
    found = table.get(_key(name))
    if found:
        return found[0]
    tidy = re.sub(r"^(?:the)\s+", "", unicodedata.normalize("NFKC", name).translate(_APOS).strip(),
                  flags=re.IGNORECASE)
    tidy = re.sub(r"'s$", "", tidy)
    return demonyms.get(tidy, tidy)


def _guess_type(name: str, before: str, after: str) -> EntityType:
    words = name.lower().replace("'s", "").split()
    if words and words[-1] in LAW_WORDS:
        return "law"
    if any(w in ORG_WORDS for w in words):
        return "organisation"
    if words and words[-1] in PLACE_WORDS:
        return "place"
    next_words = after.lower().translate(_APOS).replace('"', " ").split()[:2]
    if next_words and (next_words[0] in PRODUCT_AFTER or next_words[-1] in PRODUCT_AFTER) and len(words) >= 1:
        return "product"
    prev = before.lower().translate(_APOS).split()[-2:]
    tokens = name.split()
    shaped = 2 <= len(tokens) <= 3 and all(t[:1].isupper() and t.replace(".", "").isalpha() for t in tokens)
    first = tokens[0].lower() if tokens else ""
    if shaped and (first in GIVEN or (first in SURNAME_FIRST and len(tokens) == 2 and len(tokens[1]) <= 8)):
        return "person"
    if shaped and (
        any(p.strip(",") in PERSON_TITLES for p in prev)
        or (prev and prev[-1] in SPEECH)
        or (next_words and next_words[0].strip(",") in SPEECH)
    ):
        return "person"
    return "other"


def find_entity_spans(text: str) -> list[tuple[int, int, Entity]]:
    """Every entity in ``text`` with its character span, in reading order."""
    return list(_entity_spans(text))


@lru_cache(maxsize=4096)
def _entity_spans(text: str) -> tuple[tuple[int, int, Entity], ...]:
    """Cached: extraction, identity and verification all ask about the same sentences."""
    table, demonyms, acro, word = _table()
    flat = unicodedata.normalize("NFC", text).translate(_APOS)
    if len(flat) != len(text):
        flat = text.translate(_APOS)
    out: list[tuple[int, int, Entity]] = []
    taken = SpanMask(len(text))
    free = taken.free

    def add(s: int, e: int, etype: EntityType, canon: str) -> None:
        taken.take(s, e)
        out.append((s, e, Entity(text[s:e], etype, canon)))

    for pat in (word, acro):
        for m in pat.finditer(flat):
            s, e = m.span()
            if not m.group(0)[:1].isupper() or not free(s, e):
                continue
            # a known name inside a longer capitalised name belongs to that name ("Tencent Music")
            canon, etype = table[_key(m.group(0))]
            add(s, e, etype, canon)
    masked = list(flat)
    for a, b in taken.spans:
        masked[a:b] = "#" * (b - a)
    for m in _CAPSEQ.finditer("".join(masked)):
        s, e = m.span()
        name = _DATE_TAIL.sub("", m.group(0))  # "Keir Starmer on Friday" -> "Keir Starmer"
        # trim a possessive and trailing punctuation
        while name and name[-1] in ".,;:-'":
            name = name[:-1]
        if name.endswith("'s"):
            name = name[:-2]
        e = s + len(name)
        if e <= s or not free(s, e):
            # keep the part that is not a known name, if any: "Chinese" in "Chinese government"
            continue
        tokens = name.split()
        while tokens and (tokens[0].lower().strip("'") in COMMON or (
            tokens[0].lower() in TITLE_WORDS and len(tokens) > 1
        )):
            s += len(tokens[0]) + (len(flat[s + len(tokens[0]):]) - len(flat[s + len(tokens[0]):].lstrip()))
            tokens = tokens[1:]
        while tokens and tokens[-1].lower() in {"of", "for", "on", "and", "de", "the"}:
            tokens = tokens[:-1]
        if not tokens:
            continue
        name = flat[s:e]
        name = name[: len(name.rstrip())]
        if len(tokens) == 1:
            tok = tokens[0]
            if tok.lower() in MONTHS_DAYS or tok.lower() in COMMON or len(tok) < 2:
                continue
            if tok in demonyms:
                add(s, e, "place", demonyms[tok])
                continue
            # a single capitalised word that opens a sentence is usually just a word
            lead = flat[:s].rstrip()
            if (not lead or lead[-1] in '.!?:"\n') and not tok.isupper():
                continue
        if not free(s, e):
            continue
        etype = _guess_type(name, flat[max(0, s - 40):s], flat[e:e + 40])
        add(s, e, etype, canonical(name))
    out.sort(key=lambda t: t[0])
    return tuple(out)


def find_entities(text: str) -> list[Entity]:
    """Entities in ``text`` in reading order, each typed and with its canonical spelling."""
    return [ent for _, _, ent in find_entity_spans(text)]
