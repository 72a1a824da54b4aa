"""The semantic side of corpus search through vss's in-memory HNSW index.

The index must be what the planner uses (EXPLAIN), agree with the exact scan, follow corpus
imports, and leave the warehouse file alone. Synthetic vectors (a hash encoder) need no model;
the reworded-query test with the real encoder skips without ``make models``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from sources.model import Document
from tests.encoder_fixture import encoder_or_skip
from warehouse import corpus_hnsw
from warehouse.corpus import add_documents, search_corpus, search_corpus_many
from warehouse.corpus_hnsw import HnswIndex, build_hnsw, passage_searcher, vss_extension_path
from warehouse.corpus_vectors import embed_corpus
from warehouse.db import Warehouse

pytestmark = pytest.mark.skipif(
    vss_extension_path() is None,
    reason="duckdb-extension-vss is not installed (pip install '.[semantic]'): exact scan only")
DIM = 384


@pytest.fixture(autouse=True)
def index_from_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """These corpora are small; the index is what is tested, so it is built from one passage."""
    monkeypatch.setattr(corpus_hnsw, "HNSW_MIN_PASSAGES", 1)


class HashEncoder:
    """Deterministic pseudo-random unit vectors per text: a corpus without a model."""

    model_id = "hash@1"

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows)


def corpus(n: int, offset: int = 0) -> list[tuple[Document, str | None]]:
    return [(Document(text=f"Document number {i} says item {i} costs {i * 7} coins.",
                      title=f"Item {i}", url=f"https://e.example/{i}"), None)
            for i in range(offset, offset + n)]


def warehouse_with(tmp_path: Path, n: int) -> tuple[Warehouse, HashEncoder]:
    wh = Warehouse(tmp_path / "c.duckdb")
    add_documents(wh, corpus(n))
    encoder = HashEncoder()
    embed_corpus(wh, encoder)
    return wh, encoder


def searcher(wh: Warehouse, model: str, *, use_hnsw: bool = True):  # type: ignore[no-untyped-def]
    with wh.connect(read_only=True) as con:
        return passage_searcher(con, wh.target, model, use_hnsw=use_hnsw)


def test_the_planner_uses_the_hnsw_index(tmp_path: Path) -> None:
    wh, encoder = warehouse_with(tmp_path, 30)
    index = searcher(wh, encoder.model_id)
    assert isinstance(index, HnswIndex) and index.method == "hnsw" and index.passages == 30
    query = encoder.encode(["anything"])[0]
    plan = index.con.execute("EXPLAIN " + index.sql(query, 10)).fetchall()[0][1]
    assert "HNSW_INDEX_SCAN" in plan


def test_hnsw_top_k_equals_the_exact_scan(tmp_path: Path) -> None:
    wh, encoder = warehouse_with(tmp_path, 200)
    hnsw, exact = searcher(wh, encoder.model_id), searcher(wh, encoder.model_id, use_hnsw=False)
    assert hnsw is not None and exact is not None and exact.method == "exact"
    rng = np.random.default_rng(7)
    base = encoder.encode([f"Document number {i} says item {i} costs {i * 7} coins."
                           for i in range(20)])
    for q in base + 0.3 * rng.standard_normal(base.shape).astype(np.float32):
        q = (q / np.linalg.norm(q)).astype(np.float32)
        got, want = hnsw.nearest(q, 10, -1.0), exact.nearest(q, 10, -1.0)
        assert [d for d, _ in got] == [d for d, _ in want]
        assert np.allclose([c for _, c in got], [c for _, c in want], atol=1e-5)
    texts = ["Document number 3 says item 3 costs 21 coins.", "item 5 coins"]
    embed = encoder.encode
    assert (search_corpus_many(wh, texts, 5, embed=embed, model=encoder.model_id)
            == search_corpus_many(wh, texts, 5, embed=embed, model=encoder.model_id,
                                  use_hnsw=False))


def test_the_index_is_rebuilt_when_corpus_add_adds_documents(tmp_path: Path) -> None:
    wh, encoder = warehouse_with(tmp_path, 20)
    first = searcher(wh, encoder.model_id)
    assert searcher(wh, encoder.model_id) is first  # unchanged corpus: the same index
    new_text = "Document number 99 says item 99 costs 693 coins."
    query = encoder.encode([new_text])
    found = search_corpus(wh, "unrelated words entirely", 3, embed=lambda t: query,
                          model=encoder.model_id)
    assert "https://e.example/99" not in [c.url for c in found]
    add_documents(wh, corpus(1, offset=99))
    embed_corpus(wh, encoder)  # what `claimtrack corpus add` does after the import
    rebuilt = searcher(wh, encoder.model_id)
    assert rebuilt is not first and rebuilt is not None and rebuilt.passages == 21
    found = search_corpus(wh, "unrelated words entirely", 3, embed=lambda t: query,
                          model=encoder.model_id)
    assert [c.url for c in found][:1] == ["https://e.example/99"]


def test_nothing_of_the_index_is_written_to_the_warehouse_file(tmp_path: Path) -> None:
    wh, encoder = warehouse_with(tmp_path, 20)
    schema = ("SELECT table_name FROM duckdb_tables() UNION ALL "
              "SELECT index_name FROM duckdb_indexes() ORDER BY 1")
    with wh.connect(read_only=True) as con:
        before = con.execute(schema).fetchall()
    digest = hashlib.sha256(wh.path.read_bytes()).hexdigest()
    query = encoder.encode(["Document number 4 says item 4 costs 28 coins."])
    found = search_corpus(wh, "item coins", 3, embed=lambda t: query, model=encoder.model_id)
    assert found and isinstance(searcher(wh, encoder.model_id), HnswIndex)
    assert hashlib.sha256(wh.path.read_bytes()).hexdigest() == digest
    with wh.connect(read_only=True) as con:
        assert con.execute(schema).fetchall() == before
        assert "hnsw" not in str(before).lower()


def test_reworded_query_through_hnsw_with_the_real_encoder(tmp_path: Path) -> None:
    encoder = encoder_or_skip()
    wh = Warehouse(tmp_path / "c.duckdb")
    docs = [
        (Document(text="Physicians observed far fewer admissions once the vaccine was rolled "
                       "out.", title="Admissions", url="https://e.example/vaccine"), None),
        (Document(text="The weather in Paris will be sunny with light winds.", title="Weather",
                  url="https://e.example/weather"), None),
    ]
    add_documents(wh, docs)
    embed_corpus(wh, encoder)
    assert isinstance(searcher(wh, encoder.model_id), HnswIndex)
    query = "Fewer people had to go to hospital after the jabs started"
    found = search_corpus(wh, query, 5, embed=encoder.encode, model=encoder.model_id)
    assert [c.url for c in found] == ["https://e.example/vaccine"]


def test_the_same_corpus_gives_the_same_index(tmp_path: Path) -> None:
    """A parallel HNSW build differs run to run; ours is built on one thread."""
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((1500, DIM)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    queries = matrix[:40] + 0.05 * rng.standard_normal((40, DIM)).astype(np.float32)
    answers = []
    for _ in range(2):
        index = build_hnsw([str(i) for i in range(len(matrix))], matrix, str(vss_extension_path()))
        answers.append([index.top(q, 10) for q in queries])
        index.close()
    assert answers[0] == answers[1]


def test_a_small_corpus_is_scanned_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below the threshold the exact scan answers (it is faster than a build at that size)."""
    monkeypatch.setattr(corpus_hnsw, "HNSW_MIN_PASSAGES", 31)
    wh, encoder = warehouse_with(tmp_path, 30)
    assert searcher(wh, encoder.model_id).method == "exact"
    add_documents(wh, corpus(1, offset=30))
    embed_corpus(wh, encoder)
    assert searcher(wh, encoder.model_id).method == "hnsw"
