"""Semantic corpus search: passage vectors made at import, fused with BM25 at search.

The fusion is tested with a table encoder (hand-made unit vectors, no model); a reworded query
with the real encoder skips without ``make models``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sources.model import Document
from tests.encoder_fixture import encoder_or_skip
from warehouse.corpus import add_documents, search_corpus, search_corpus_many
from warehouse.corpus_vectors import embed_corpus
from warehouse.db import Warehouse

VACCINE = "Physicians observed far fewer admissions once the vaccine was rolled out."
KINGS = "Tencent said Honor of Kings has 200 million registered accounts."
WEATHER = "The weather in Paris will be sunny with light winds."
DOCS = [
    (Document(text=VACCINE, title="Admissions", url="https://e.example/vaccine"), None),
    (Document(text=KINGS, title="Honor of Kings", url="https://e.example/hok"), None),
    (Document(text=WEATHER, title="Weather", url="https://e.example/weather"), None),
]
QUERY = "Hospital stays dropped after immunisation began"


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


class TableEncoder:
    """A stand-in encoder: fixed vectors for known texts, counting what it was asked."""

    model_id = "table@1"
    dim = 3

    def __init__(self) -> None:
        self.rows = {VACCINE: unit(1, 0, 0), KINGS: unit(0, 1, 0), WEATHER: unit(0, 0, 1),
                     QUERY: unit(1, 0.1, 0), "Honor of Kings accounts": unit(0, 1, 0)}
        self.asked: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        self.asked.extend(texts)
        return np.stack([self.rows.get(t, unit(1, 1, 1)) for t in texts])


def test_passage_vectors_are_made_once(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS)
    encoder = TableEncoder()
    assert embed_corpus(wh, encoder) == 3
    assert sorted(encoder.asked) == sorted([VACCINE, KINGS, WEATHER])
    assert embed_corpus(wh, encoder) == 0  # nothing new
    assert len(encoder.asked) == 3
    replaced = [(Document(text=KINGS + " It launched in 2015.", title="Honor of Kings",
                          url="https://e.example/hok"), None)]
    assert add_documents(wh, replaced) == 1
    assert embed_corpus(wh, encoder) == 1  # the replaced document only


def test_reworded_query_is_found_only_through_the_semantic_side(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS)
    encoder = TableEncoder()
    assert search_corpus(wh, QUERY, 5) == []  # no two words shared: keywords find nothing
    embed_corpus(wh, encoder)

    def embed(texts: Sequence[str]) -> np.ndarray:
        return encoder.encode(texts)

    found = search_corpus(wh, QUERY, 5, embed=embed, model=encoder.model_id)
    assert [c.url for c in found] == ["https://e.example/vaccine"]  # the others are below 0.4
    assert found[0].provider == "corpus" and found[0].text == VACCINE
    both = search_corpus_many(wh, [QUERY, "Honor of Kings accounts"], 5, embed=embed,
                              model=encoder.model_id)
    assert [[c.url for c in hits] for hits in both] == [
        ["https://e.example/vaccine"], ["https://e.example/hok"]]
    # another model's vectors are not this one's: keyword search alone
    assert search_corpus(wh, QUERY, 5, embed=embed, model="other@2") == []


def test_without_vectors_search_is_keyword_search(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS)
    asked: list[str] = []

    def embed(texts: Sequence[str]) -> np.ndarray:
        asked.extend(texts)
        return np.zeros((len(texts), 3), dtype=np.float32)

    plain = search_corpus(wh, "Honor of Kings registered accounts", 5)
    assert search_corpus(wh, "Honor of Kings registered accounts", 5, embed=embed,
                         model="table@1") == plain
    assert asked == []  # no passage vectors: the queries are not even encoded


def test_reworded_query_with_the_real_encoder(tmp_path: Path) -> None:
    encoder = encoder_or_skip()
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, DOCS)
    embed_corpus(wh, encoder)
    query = "Fewer people had to go to hospital after the jabs started"
    assert [c.url for c in search_corpus(wh, query, 5)] == []
    found = search_corpus(wh, query, 5, embed=encoder.encode, model=encoder.model_id)
    assert [c.url for c in found][:1] == ["https://e.example/vaccine"]
    assert "https://e.example/weather" not in [c.url for c in found]
