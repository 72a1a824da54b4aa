"""The sentence encoder as the stages use it: loaded once from the settings' model folder, with
vectors read through the warehouse's embedding cache when there is one.

Optional everywhere: without the semantic extra or ``make models`` every caller gets ``None``
and keeps its word-only path, and says why in a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import claims
from claims.model import Claim
from claimtrack.errors import ModelError
from claimtrack.settings import Settings
from sources.model import Candidate
from warehouse import corpus as corpus_store
from warehouse.db import Warehouse
from warehouse.embeddings import embed_cached


def load(settings: Settings) -> tuple[Any, str]:
    """(the encoder, "") or (None, why not); loading is once per process and folder."""
    try:
        from semantic import load_encoder
    except ImportError as exc:  # the optional extra is not installed
        return None, f"the semantic extra is not installed ({exc.name})"
    try:
        encoder = load_encoder(settings.model_dir)
    except ModelError as exc:
        return None, str(exc)
    if encoder is None:
        return None, f"no sentence encoder in {settings.model_dir} (run `make models`)"
    return encoder, ""


def vectors(wh: Warehouse, encoder: Any, texts: Sequence[str]) -> np.ndarray:
    """(len(texts), d) unit vectors, each distinct text encoded once and cached in the warehouse,
    rows in input order."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, int(getattr(encoder, "dim", 384))), dtype=np.float32)
    found = np.asarray(embed_cached(wh, encoder, unique), dtype=np.float32)
    row = {t: i for i, t in enumerate(unique)}
    return found[[row[t] for t in texts]]


Table = dict[str, np.ndarray]


def table(wh: Warehouse, settings: Settings, texts: Sequence[str]) -> Table | None:
    """Text -> unit vector for every distinct text, or None when no encoder is installed."""
    encoder, _ = load(settings)
    if encoder is None:
        return None
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, vectors(wh, encoder, unique), strict=True))


def rank(claim: Claim, texts: Sequence[str], known: Table | None, top: int = 5
         ) -> list[tuple[int, float]]:
    """``claims.rank_passages``, hybrid when ``known`` holds the vectors, words alone otherwise."""
    if known is None or not texts:
        return claims.rank_passages(claim, texts, top=top)
    return claims.rank_passages(claim, texts, top=top, claim_vector=known[claim.text],
                                passage_vectors=np.stack([known[t] for t in texts]))


CorpusSearch = Callable[[Warehouse, Sequence[str], int], list[list[Candidate]]]


def corpus_search(settings: Settings) -> CorpusSearch:
    """The corpus provider's search: BM25, fused with passage cosine when the encoder is
    installed (the query vectors through the cache, only when the corpus has passage vectors)."""
    encoder, _ = load(settings)

    def search(wh: Warehouse, queries: Sequence[str], limit: int) -> list[list[Candidate]]:
        if encoder is None:
            return corpus_store.search_corpus_many(wh, queries, limit)
        return corpus_store.search_corpus_many(
            wh, queries, limit, embed=lambda texts: vectors(wh, encoder, texts),
            model=encoder.model_id)

    return search
