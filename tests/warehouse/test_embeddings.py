"""The embedding cache: each distinct text encoded once per model, ever; rows in input order."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from warehouse.db import Warehouse
from warehouse.embeddings import embed_cached


class CountingEncoder:
    """A tiny deterministic encoder that records every text it was asked to encode."""

    dim = 8

    def __init__(self, model_id: str = "toy@1") -> None:
        self.model_id = model_id
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8)[: self.dim]
                for t in texts]
        out = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim) - 127.5
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def rows(wh: Warehouse) -> int:
    with wh.connect(read_only=True) as con:
        found = con.execute("SELECT count(*) FROM embeddings").fetchone()
    assert found is not None
    return int(found[0])


def test_second_call_computes_nothing_and_adds_no_rows(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "e.duckdb")
    enc = CountingEncoder()
    texts = ["alpha", "beta", "alpha", "gamma", "", "beta"]
    first = embed_cached(wh, enc, texts)
    assert sorted(enc.seen) == ["", "alpha", "beta", "gamma"]  # each distinct text once
    np.testing.assert_array_equal(first, CountingEncoder().encode(texts))  # input order
    assert first.dtype == np.float32 and rows(wh) == 4
    enc.seen.clear()
    again = embed_cached(wh, enc, texts)
    assert enc.seen == [] and rows(wh) == 4
    np.testing.assert_array_equal(again, first)


def test_only_missing_texts_are_encoded_and_models_are_kept_apart(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "e.duckdb")
    enc = CountingEncoder()
    embed_cached(wh, enc, ["alpha", "beta"])
    enc.seen.clear()
    with wh.connect() as con:  # a connection works as well as the warehouse
        mixed = embed_cached(con, enc, ["gamma", "alpha", "gamma"])
    assert enc.seen == ["gamma"]
    np.testing.assert_array_equal(mixed, CountingEncoder().encode(["gamma", "alpha", "gamma"]))
    other = CountingEncoder("toy@2")
    embed_cached(wh, other, ["alpha"])
    assert other.seen == ["alpha"] and rows(wh) == 4


def test_empty_input(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "e.duckdb")
    enc = CountingEncoder()
    out = embed_cached(wh, enc, [])
    assert out.shape == (0, 8) and out.dtype == np.float32 and enc.seen == []
