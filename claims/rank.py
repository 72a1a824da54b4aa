"""Which passages are about a claim: BM25 over word stems plus overlap of the claim's entities,
numbers and dates, with a relevance in [0, 1].

``PassageIndex`` is built once over many passages (a corpus, every source of a run) and then
answers many claims; its postings are numpy arrays, so a query is a few vector operations per claim
word. ``rank_passages`` is the one-shot form for a claim and its own few passages.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from claims.align import dates_agree, values_agree
from claims.model import Claim
from claims.slots import TextSlots, claim_slots, passage_slots, words

K1 = 1.2
B = 0.75
WORD_SHARE = 0.7  # relevance = 0.7 x word coverage + 0.3 x slot overlap (when the claim has slots)


def _text(claim: str | Claim) -> str:
    return claim if isinstance(claim, str) else claim.text


class PassageIndex:
    """BM25 postings over a fixed list of passages; ``search`` ranks them for one claim."""

    def __init__(self, passages: Sequence[str], *, k1: float = K1, b: float = B) -> None:
        self.passages = list(passages)
        counts = [Counter(words(p)) for p in self.passages]
        vocab: dict[str, int] = {}
        rows: list[tuple[int, int, int]] = []
        for doc, c in enumerate(counts):
            for term, count in c.items():
                rows.append((vocab.setdefault(term, len(vocab)), doc, count))
        rows.sort()
        n = len(self.passages)
        self.vocab = vocab
        terms = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        self.docs = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        tf = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        avg = float(lengths.mean()) if n and lengths.sum() else 1.0
        dl = lengths[self.docs] if len(rows) else np.zeros(0)
        self.weights = tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avg))
        self.offsets = np.searchsorted(terms, np.arange(len(vocab) + 1))
        df = np.diff(self.offsets).astype(np.float64)
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        self.max_idf = math.log(1.0 + (n + 0.5) / 0.5)

    def __len__(self) -> int:
        return len(self.passages)

    def scores(self, claim: str | Claim) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 score, share of the claim's idf mass present) for every passage."""
        n = len(self.passages)
        bm25 = np.zeros(n)
        cover = np.zeros(n)
        total = 0.0
        for term in set(words(_text(claim))):
            t = self.vocab.get(term)
            if t is None:
                total += self.max_idf
                continue
            lo, hi = self.offsets[t], self.offsets[t + 1]
            docs = self.docs[lo:hi]
            bm25[docs] += self.idf[t] * self.weights[lo:hi]
            cover[docs] += self.idf[t]
            total += float(self.idf[t])
        if total > 0:
            cover /= total
        return bm25, cover

    def search(self, claim: str | Claim, top: int = 5) -> list[tuple[int, float]]:
        """The ``top`` passages most about ``claim``, best first: ``(index, relevance)``."""
        bm25, cover = self.scores(claim)
        hits = np.flatnonzero(bm25 > 0)
        if not len(hits):
            return []
        pool = hits[np.argsort(-bm25[hits], kind="stable")[: max(top * 4, 20)]]
        slots = claim_slots(_text(claim))
        peak = float(bm25[pool[0]]) or 1.0
        ranked = []
        for i in pool:
            overlap = slot_overlap(slots, self.passages[int(i)])
            rel = float(cover[i]) if overlap is None else (
                WORD_SHARE * float(cover[i]) + (1 - WORD_SHARE) * overlap)
            ranked.append((rel + 0.05 * float(bm25[i]) / peak, int(i), rel))
        ranked.sort(key=lambda t: (-t[0], t[1]))
        return [(i, round(min(1.0, rel), 4)) for _, i, rel in ranked[:top]]

    def search_many(
        self, claims: Iterable[str | Claim], top: int = 5
    ) -> list[list[tuple[int, float]]]:
        """``search`` for each claim, in order (the batch path: one index, many claims)."""
        return [self.search(c, top) for c in claims]


def slot_overlap(claim: TextSlots, passage: str) -> float | None:
    """Share of the claim's entities, quantities and dates the passage also has; None: no slots."""
    c = claim.sentences[0]
    wanted = len(claim.entities) + len(c.quantities) + len(c.dates)
    if not wanted:
        return None
    p = passage_slots(passage)
    found = len(claim.entities & p.entities)
    p_quants = [q.quantity for s in p.sentences for q in s.quantities if q.quantity is not None]
    p_dates = [d.date for s in p.sentences for d in s.dates if d.date is not None]
    for q in c.quantities:
        if q.quantity is not None and any(
            x.unit == q.quantity.unit and values_agree(q.quantity, x) for x in p_quants
        ):
            found += 1
    for d in c.dates:
        if d.date is not None and any(dates_agree(d.date, x) for x in p_dates):
            found += 1
    return found / wanted


def rank_passages(
    claim: str | Claim, passages: Sequence[str], *, top: int = 5
) -> list[tuple[int, float]]:
    """The ``top`` of ``passages`` most about ``claim``: ``(index, relevance in [0, 1])``."""
    return PassageIndex(passages).search(claim, top)
