"""The embedding cache: sentence vectors computed once per (model, text), kept in the warehouse.

``embed_cached`` reads every cached vector in one query, encodes only the texts missing (each
distinct text once), stores them with ``INSERT OR IGNORE`` (two processes racing on the same
text store it once) and returns the rows in input order. The encoder is anything with a
``model_id`` and an ``encode`` (``semantic.Encoder``), so this module needs neither the model nor
the semantic extra.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from warehouse.db import Connection, Warehouse

_READ = """
SELECT e.text_hash, e.dim, e.vector
FROM embeddings AS e
JOIN (SELECT unnest($hashes::VARCHAR[]) AS text_hash) AS wanted USING (text_hash)
WHERE e.model = $model
"""
_WRITE = """
INSERT OR IGNORE INTO embeddings
SELECT $model, unnest($hashes::VARCHAR[]), $dim, unnest($vectors::BLOB[])
"""


class TextEncoder(Protocol):
    """What the cache needs of an encoder."""

    @property
    def model_id(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def embed_cached(wh_or_con: Warehouse | Connection, encoder: TextEncoder,
                 texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """(len(texts), dim) float32 vectors in input order; only uncached texts are encoded."""
    if isinstance(wh_or_con, Warehouse):
        with wh_or_con.connect() as con:
            return _embed(con, encoder, texts)
    return _embed(wh_or_con, encoder, texts)


def _embed(con: Connection, encoder: TextEncoder,
           texts: Sequence[str]) -> npt.NDArray[np.float32]:
    hashes = [text_hash(t) for t in texts]
    first: dict[str, str] = {}  # hash -> the text, each distinct text once
    for h, t in zip(hashes, texts, strict=True):
        first.setdefault(h, t)
    found: dict[str, npt.NDArray[np.float32]] = {}
    model = encoder.model_id
    if first:
        rows = con.execute(_READ, {"hashes": list(first), "model": model}).fetchall()
        for h, dim, blob in rows:
            found[h] = np.frombuffer(blob, dtype="<f4", count=dim)
    missing = [h for h in first if h not in found]
    if missing:
        fresh = np.ascontiguousarray(encoder.encode([first[h] for h in missing]), dtype="<f4")
        con.execute(_WRITE, {"model": model, "hashes": missing, "dim": int(fresh.shape[1]),
                             "vectors": [row.tobytes() for row in fresh]})
        found.update(zip(missing, fresh, strict=True))
    if not hashes:
        dim = int(getattr(encoder, "dim", 0))
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)
