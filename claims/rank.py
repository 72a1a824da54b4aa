"""Which passages are about a claim: BM25 over word stems plus overlap of the claim's entities,
numbers and dates, with a relevance in [0, 1]; with sentence vectors, fused with their cosine.

``PassageIndex`` is built once over many passages (a corpus, every source of a run) and then
answers many claims; its postings are numpy arrays, so a query is a few vector operations per claim
word. ``rank_passages`` is the one-shot form for a claim and its own few passages.

Sources rarely repeat a claim's words, so when the caller gives unit sentence vectors (the
passages' at build time, the claim's at search time, or an ``Embedder`` to make both) the word
ranking and the cosine ranking are fused by weighted reciprocal rank fusion. Vectors are passed
in, never loaded here: this module stays pure. Without them the ranking is the word ranking,
unchanged.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from claims.align import dates_agree, values_agree
from claims.model import Claim
from claims.slots import TextSlots, claim_slots, passage_slots, words

K1 = 1.2
B = 0.75
WORD_SHARE = 0.7  # relevance = 0.7 x word coverage + 0.3 x slot overlap (when the claim has slots)
# Fusion, tuned on Check-COVID train (bench/results/rank_quality.md): the word ranking's share of
# the reciprocal-rank score and the rank offset. A passage sharing no word with the claim joins
# only when its cosine reaches MIN_COSINE (unrelated sentences score about 0 to 0.2).
SEMANTIC_WEIGHT = 0.5
RRF_K = 10
MIN_COSINE = 0.3

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """What ranking needs of a sentence encoder (``semantic.Encoder`` is one)."""

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Vectors: ...


def _text(claim: str | Claim) -> str:
    return claim if isinstance(claim, str) else claim.text


class PassageIndex:
    """BM25 postings over a fixed list of passages; ``search`` ranks them for one claim."""

    def __init__(self, passages: Sequence[str], *, k1: float = K1, b: float = B,
                 vectors: Vectors | None = None) -> None:
        self.passages = list(passages)
        if vectors is not None and len(vectors) != len(self.passages):
            raise ValueError(f"{len(vectors)} vectors for {len(self.passages)} passages")
        self.vectors = None if vectors is None else np.asarray(vectors, dtype=np.float32)
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

    def search(self, claim: str | Claim, top: int = 5, *, vector: Vectors | None = None,
               semantic_weight: float = SEMANTIC_WEIGHT, k: int = RRF_K,
               ) -> list[tuple[int, float]]:
        """The ``top`` passages most about ``claim``, best first: ``(index, relevance)``.

        With the claim's unit ``vector`` (and passage vectors at build time) the word and cosine
        rankings are fused: ``w / (k + word rank) + (1 - w) / (k + cosine rank)`` with ``w`` =
        ``1 - semantic_weight``; the relevance is then the larger of the word relevance and the
        cosine.
        """
        if vector is None or self.vectors is None:
            return self._words(claim, top)
        return self._hybrid(claim, top, np.asarray(vector, dtype=np.float32), semantic_weight, k)

    def _hybrid(self, claim: str | Claim, top: int, vector: Vectors, semantic_weight: float,
                k: int) -> list[tuple[int, float]]:
        if top <= 0 or not self.passages:
            return []
        assert self.vectors is not None
        depth = max(top * 4, 20)
        by_words = self._words(claim, depth)
        cosine = self.vectors @ vector
        near = np.argsort(-cosine, kind="stable")[:depth]
        word_rank = {i: r for r, (i, _) in enumerate(by_words, start=1)}
        word_rel = dict(by_words)
        fused: dict[int, float] = {}
        for i, _ in by_words:
            fused[i] = (1 - semantic_weight) / (k + word_rank[i])
        for r, i in enumerate(near.tolist(), start=1):
            if i in word_rank or float(cosine[i]) >= MIN_COSINE:
                fused[i] = fused.get(i, 0.0) + semantic_weight / (k + r)
        ranked = sorted(fused, key=lambda i: (-fused[i], i))[:top]
        return [(i, round(min(1.0, max(word_rel.get(i, 0.0), float(cosine[i]), 0.0)), 4))
                for i in ranked]

    def _words(self, claim: str | Claim, top: int) -> list[tuple[int, float]]:
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
        self, claims: Iterable[str | Claim], top: int = 5, *, vectors: Vectors | None = None
    ) -> list[list[tuple[int, float]]]:
        """``search`` for each claim, in order (the batch path: one index, many claims);
        ``vectors`` holds the claims' unit vectors, row by row, for the hybrid ranking."""
        return [self.search(c, top, vector=None if vectors is None else vectors[n])
                for n, c in enumerate(claims)]


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
    claim: str | Claim, passages: Sequence[str], *, top: int = 5,
    claim_vector: Vectors | None = None, passage_vectors: Vectors | None = None,
    encoder: Embedder | None = None,
) -> list[tuple[int, float]]:
    """The ``top`` of ``passages`` most about ``claim``: ``(index, relevance in [0, 1])``.

    Hybrid when both vectors are given, or an ``encoder`` to make the missing ones; words only
    otherwise.
    """
    if encoder is not None and passages:
        if passage_vectors is None:
            passage_vectors = encoder.encode(list(passages))
        if claim_vector is None:
            claim_vector = encoder.encode([_text(claim)])[0]
    if claim_vector is None or passage_vectors is None:
        return PassageIndex(passages).search(claim, top)
    return PassageIndex(passages, vectors=passage_vectors).search(claim, top, vector=claim_vector)
