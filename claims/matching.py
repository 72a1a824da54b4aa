"""Claim matching: which archived fact-checks are about this claim.

A desk's first question about a claim is whether someone has already checked it. The archive's
``claim_reviewed`` texts are scored against the claim on word stems (IDF-weighted cosine over
``claims.slots.words``, so it works with no model) and, when sentence vectors are given, on their
cosine too, mixed with a weight calibrated on public data (``bench/match_quality.py``).

Numbers and dates are slots, not words: two texts that give different numbers ("7 billion" vs
"1.7 billion") or different dates state different claims, however alike they read, so such a
pair is never a match and its score is halved. A denial or an opposite word on one side only
("increases" vs "decreases") is kept as a match but flagged ``opposed``: the archived rating is
about the reverse claim, so it must not count as a verdict on this one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from claims.model import DateRef
from claims.slots import OPPOSITE, claim_slots, stem, words

Scorer = Literal["words", "words+semantic"]
Vectors = npt.NDArray[np.float32]

# Calibrated on Check-COVID train for precision >= 0.9 (bench/results/match_quality.md).
WORD_THRESHOLD = 0.6774
FUSED_THRESHOLD = 0.7159
SEMANTIC_WEIGHT = 0.25  # the cosine's share of the fused score
CONFLICT_FACTOR = 0.5  # a pair whose numbers or dates disagree keeps half its score
TOP = 5
# Comparatives a reversed claim swaps, beside the stance rules' opposites (claims.slots.OPPOSITE).
_REVERSALS = ("higher lower", "more less", "more fewer", "greater smaller", "better worse",
              "increas decreas", "rais lower", "safe dangerous", "positiv negativ",
              "effectiv ineffectiv", "strong weak", "likely unlikely", "before after")


def _opposite_table() -> dict[str, frozenset[str]]:
    table = {k: set(v) for k, v in OPPOSITE.items()}
    for pair in _REVERSALS:
        a, b = (stem(w) for w in pair.split())
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in table.items()}


_OPPOSITE = _opposite_table()


@dataclass(frozen=True, slots=True)
class Facts:
    """What of a text must agree for two texts to be one claim: its numbers, dates, polarity."""

    stems: frozenset[str]
    numbers: frozenset[tuple[float, str]]  # (value, unit), and numbered names ("apollo", 11)
    dates: tuple[DateRef, ...]
    denied: bool  # a denial cue ("not", "no evidence", "is false") somewhere in it
    digits: frozenset[float] = frozenset()  # every number written in digits, however it was read


_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


@lru_cache(maxsize=16384)
def facts_of(text: str) -> Facts:
    slots = claim_slots(text)
    sentence = slots.sentences[0]
    numbers = {(round(q.quantity.value, 6), q.quantity.unit) for q in sentence.quantities
               if q.quantity is not None}
    numbers |= {(float(n), "#" + name) for name, n in sentence.numbered if n.isdigit()}
    dates = tuple(d.date for d in sentence.dates if d.date is not None)
    digits = frozenset(float(d.replace(",", "")) for d in _DIGITS.findall(text))
    return Facts(frozenset(words(text)), frozenset(numbers), dates, bool(sentence.negations),
                 digits)


def _dates_agree(a: Sequence[DateRef], b: Sequence[DateRef]) -> bool:
    """Some date on each side matches on every part both give ("March 2020" and "2020" agree)."""
    def parts(d: DateRef) -> tuple[int | None, ...]:
        return (d.year, d.month, d.day)

    return any(all(p is None or q is None or p == q for p, q in zip(parts(x), parts(y), strict=True))
               for x in a for y in b)


def conflict(a: Facts, b: Facts) -> str | None:
    """Why two texts cannot be the same claim ("numbers differ"), or None when their slots agree.
    A number on one side only is no conflict: a fact-check of "X causes autism" is about "X
    causes autism in 1 in 10 children" too."""
    na, nb = a.numbers, b.numbers
    if na and nb and not (na <= nb or nb <= na):
        return "numbers differ"
    if a.dates and b.dates and not _dates_agree(a.dates, b.dates):
        return "dates differ"
    # the same check on the digits as written, so a number read as a year on one side and as a
    # count on the other still counts; unless both read to the same quantities ("12 million"
    # and "12,000,000")
    da, db = a.digits, b.digits
    if da and db and not (da <= db or db <= da) and not (na and na == nb):
        return "numbers differ"
    return None


def opposed(a: Facts, b: Facts) -> bool:
    """One side denies what the other asserts, or swaps a word for its opposite."""
    if a.denied != b.denied:
        return True
    only_a, only_b = a.stems - b.stems, b.stems - a.stems
    return any(_OPPOSITE.get(s, frozenset()) & only_b for s in only_a)


@dataclass(frozen=True, slots=True)
class MatchScore:
    """One archived text scored against a claim; ``index`` points into the archive."""

    index: int
    score: float  # what the threshold applies to: fused when vectors were given, else words
    words: float
    semantic: float | None = None
    conflict: str | None = None  # numbers or dates disagree: never a match
    opposed: bool = False  # the archived claim is the reverse of this one


class ReviewIndex:
    """The archive's ``claim_reviewed`` texts, indexed for scoring many claims against them.

    Word vectors are binary stem sets weighted by IDF over the archive and unit-normalised, kept
    as posting lists so a query costs its postings, not the archive's size. ``vectors`` (n, d),
    unit rows in archive order, turn on the fused score.
    """

    def __init__(self, texts: Sequence[str], vectors: Vectors | None = None,
                 semantic_weight: float = SEMANTIC_WEIGHT) -> None:
        if vectors is not None and len(vectors) != len(texts):
            raise ValueError(f"{len(vectors)} vectors for {len(texts)} texts")
        self.texts = list(texts)
        self.vectors = vectors
        self.semantic_weight = semantic_weight
        stems = [frozenset(words(t)) for t in self.texts]  # slots are read for candidates only
        df: dict[str, int] = {}
        for s in stems:
            for w in s:
                df[w] = df.get(w, 0) + 1
        n = len(self.texts)
        self._idf = {w: math.log((n + 1) / (c + 1)) + 1.0 for w, c in df.items()}
        self._unseen = math.log(n + 1) + 1.0
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, s in enumerate(stems):
            norm = math.sqrt(sum(self._idf[w] ** 2 for w in s)) or 1.0
            for w in s:
                postings.setdefault(w, []).append((i, self._idf[w] ** 2 / norm))
        self._postings = {w: (np.array([i for i, _ in p], dtype=np.int64),
                              np.array([v for _, v in p], dtype=np.float64))
                          for w, p in postings.items()}

    @property
    def scorer(self) -> Scorer:
        return "words" if self.vectors is None else "words+semantic"

    @property
    def threshold(self) -> float:
        return WORD_THRESHOLD if self.vectors is None else FUSED_THRESHOLD

    def word_scores(self, text: str) -> npt.NDArray[np.float64]:
        """IDF-weighted cosine of ``text``'s stems with every archived text, in [0, 1]."""
        out = np.zeros(len(self.texts), dtype=np.float64)
        stems = frozenset(words(text))
        norm = math.sqrt(sum(self._idf.get(w, self._unseen) ** 2 for w in stems))
        if not norm:
            return out
        for w in stems:
            hit = self._postings.get(w)
            if hit is not None:
                np.add.at(out, hit[0], hit[1])
        return np.minimum(out / norm, 1.0)

    def raw_scores(self, text: str, vector: Vectors | None = None) -> tuple[
            npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        """(score before the slot check, word score, cosine or None) per archived text."""
        word = self.word_scores(text)
        if self.vectors is None or vector is None:
            return word, word, None
        product = self.vectors @ np.asarray(vector, dtype=np.float32)
        cosine = np.clip(product, 0.0, 1.0).astype(np.float64)
        w = self.semantic_weight
        return w * cosine + (1.0 - w) * word, word, cosine

    def score(self, text: str, vector: Vectors | None = None, *, floor: float = 0.0,
              ) -> list[MatchScore]:
        """Every archived text scoring at least ``floor`` (after the slot check), best first."""
        fused, word, cosine = self.raw_scores(text, vector)
        mine = facts_of(text)
        out = []
        for i in np.flatnonzero(fused >= floor):
            theirs = facts_of(self.texts[i])
            why = conflict(mine, theirs)
            value = float(fused[i]) * (CONFLICT_FACTOR if why else 1.0)
            if value < floor:
                continue
            out.append(MatchScore(
                int(i), round(value, 4), round(float(word[i]), 4),
                None if cosine is None else round(float(cosine[i]), 4), why,
                opposed(mine, theirs),
            ))
        out.sort(key=lambda m: (-m.score, m.index))
        return out

    def matches(self, text: str, vector: Vectors | None = None, *,
                threshold: float | None = None, top: int = TOP) -> list[MatchScore]:
        """The archived texts that are this claim: above the threshold, no slot conflict."""
        cut = self.threshold if threshold is None else threshold
        found = [m for m in self.score(text, vector, floor=cut) if m.conflict is None]
        return found[:top]
