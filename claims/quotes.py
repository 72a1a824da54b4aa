"""Attributed quotations: who said it, and the words, kept apart.

Handles the three shapes news uses: “Words,” says Alibaba founder Jack Ma / “Words,” he added /
Jack Ma said: “Words”. The speaker is the person named in the attribution ("Jack Ma", not "Alibaba
founder Jack Ma"); a pronoun is resolved to the previous speaker when the caller gives one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claims.entities import find_entity_spans
from claims.model import Quote

SPEECH_VERBS = (
    "says|said|added|adds|notes|noted|told|wrote|writes|argued|argues|explained|explains|warned|"
    "warns|continued|insisted|insists|claimed|claims|stated|states|recalled|recalls|declared|"
    "announced|admitted|acknowledged|replied|tweeted|posted|radioed|recalled|remarked|"
    "testified|answered|responded|observed|predicted|promised|joked|quipped"
)
_Q = r"[“\"](?P<words>[^“”\"]{8,}?)[”\"]"
_AFTER_VERB = re.compile(_Q + r"\s*,?\s*(?P<verb>" + SPEECH_VERBS + r")\s+(?P<who>[^,.;:!?“”\"]{2,80})")
_BEFORE_VERB = re.compile(
    _Q + r"\s*,?\s*(?P<who>[^,.;:!?“”\"]{1,60}?)\s+(?P<verb>" + SPEECH_VERBS + r")\b"
)
_LEAD = re.compile(
    r"(?P<who>[A-Z][^,.;:!?“”\"]{1,80}?)\s+(?:later\s+|also\s+|once\s+)?(?P<verb>" + SPEECH_VERBS
    + r")(?:\s+that)?(?:\s+[^,.;:!?“”\"]{1,40}?)?\s*[,:]?\s*" + _Q
)
PRONOUNS = frozenset({"he", "she", "they", "we", "i"})


@dataclass(frozen=True, slots=True)
class Attribution:
    quote: Quote
    who: str  # the attribution as written: "Alibaba founder Jack Ma"
    verb: str
    start: int  # span of the quotation and its attribution inside the sentence
    end: int


def _speaker(who: str, previous: str | None) -> str | None:
    who = who.strip()
    if who.lower() in PRONOUNS:
        return previous
    ents = find_entity_spans(who)
    people = [e for _, _, e in ents if e.type == "person"]
    if people:
        return people[-1].text
    if ents:
        return ents[-1][2].text
    tokens = who.split()
    # an unknown name after a role ("activist Li Wei"): the trailing capitalised words
    tail: list[str] = []
    for tok in reversed(tokens):
        if tok[:1].isupper():
            tail.insert(0, tok)
        else:
            break
    if tail and len(tail) < len(tokens) and len(tail) <= 3:
        return " ".join(tail)
    return who


def find_quote(sentence: str, previous_speaker: str | None = None) -> Attribution | None:
    """The attributed quotation in ``sentence``, or None when it has none."""
    for pat in (_AFTER_VERB, _BEFORE_VERB, _LEAD):
        m = pat.search(sentence)
        if not m:
            continue
        who = m.group("who").strip()
        if not who or (pat is _AFTER_VERB and who.split()[0].lower() in {"that", "it", "to", "in"}):
            continue
        if pat is _BEFORE_VERB and len(who.split()) > 5:
            continue
        words = " ".join(m.group("words").split()).rstrip(",").strip()
        if len(words.split()) < 3:
            continue
        speaker = _speaker(who, previous_speaker)
        return Attribution(Quote(speaker, words), who, m.group("verb"), m.start(), m.end())
    return None
