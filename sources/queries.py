"""Search queries from a claim: a few short keyword queries, not the sentence itself.

Search engines (and BM25) do best with the claim's distinctive words. Three angles, so one bad
guess does not sink the search: the named things (canonical entity names, so "Honour of Kings"
and "Honor of Kings" search the same), the named things with the numbers, and the key terms.
"""

from __future__ import annotations

import re

from claims.model import Claim
from claims.slots import STOPWORDS

_TOKEN = re.compile(r"[\w][\w'’.-]*[\w]|\w", re.UNICODE)
_EXTRA_STOP_WORDS = (
    "he she it they we i you his her its their our my your not no yes new also well much many "
    "told tell including include includes included using use used make made get got known "
    "example recalls like"
)
_EXTRA_STOP = frozenset(_EXTRA_STOP_WORDS.split())
MAX_TERMS = 8


_POSSESSIVE = re.compile(r"['’]s$", re.I)


def _tokens(text: str) -> list[str]:
    return [_POSSESSIVE.sub("", t).strip(".'’-") for t in _TOKEN.findall(text)]


def key_terms(text: str, *, skip: set[str] | None = None) -> list[str]:
    """Content words in reading order, capitalized and long words first when there are many."""
    skip = skip or set()
    seen: dict[str, str] = {}
    for token in _tokens(text):
        low = token.lower()
        if (not token or low in STOPWORDS or low in _EXTRA_STOP or low in skip
                or (len(token) < 3 and not token.isdigit()) or low in seen):
            continue
        seen[low] = token
    terms = list(seen.values())
    if len(terms) <= MAX_TERMS:
        return terms
    keep = sorted(terms, key=lambda t: (not t[0].isupper(), not t[0].isdigit(), -len(t)))
    chosen = set(keep[:MAX_TERMS])
    return [t for t in terms if t in chosen]


def _numbers(claim: Claim) -> list[str]:
    out: list[str] = []
    for q in claim.quantities:
        number = re.search(r"\d[\d,.]*(?:\s*(?:million|billion|trillion|thousand|%|percent))?",
                           q.text)
        if number:
            out.append(number[0])
    for d in claim.dates:
        if d.year is not None:
            out.append(str(d.year))
    return list(dict.fromkeys(out))


def queries_for(claim: Claim, *, limit: int = 3) -> list[str]:
    """2-3 distinct keyword queries mixing canonical entities, key terms and numbers."""
    entities = list(dict.fromkeys(e.canonical or e.text for e in claim.entities))
    entity_words = {w.lower() for e in claim.entities for w in _tokens(f"{e.canonical} {e.text}")}
    numbers = _numbers(claim)
    number_words = {w.lower() for n in numbers for w in _tokens(n)}
    terms = key_terms(claim.text, skip=entity_words | number_words)
    candidates = [
        entities[:3] + terms[:4],
        entities[:2] + numbers[:2] + terms[:2] if numbers else terms[:6],
        key_terms(claim.text),
    ]
    out: list[str] = []
    for words in candidates:
        query = " ".join(" ".join(words).split())
        if len(query.split()) >= 2 and query.lower() not in {q.lower() for q in out}:
            out.append(query)
    if not out and claim.text.strip():
        out.append(" ".join(key_terms(claim.text)) or claim.text.strip())
    return out[:limit]
