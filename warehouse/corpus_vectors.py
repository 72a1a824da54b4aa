"""The corpus's passage vectors: written at import, scanned at search (see warehouse/corpus.py).

Each document is split into passages (``sources.split_passages``, as the pipeline splits pages)
recorded in ``corpus_passages`` by text hash; their vectors live in the embedding cache, so a
passage text is encoded once per model whatever documents repeat it. A document is scored by its
best passage.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sources.passages import split_passages
from warehouse.db import Connection, Warehouse
from warehouse.embeddings import TextEncoder, embed_cached, text_hash

BATCH_DOCS = 64  # documents encoded per write: the lock is held for one batch's insert only

# Documents with no passage rows, or with a passage whose vector the cache lacks for the model.
_UNEMBEDDED = """
SELECT d.id, d.text FROM corpus_documents AS d
WHERE NOT EXISTS (SELECT 1 FROM corpus_passages AS p WHERE p.doc_id = d.id)
   OR EXISTS (SELECT 1 FROM corpus_passages AS p WHERE p.doc_id = d.id AND NOT EXISTS (
        SELECT 1 FROM embeddings AS e WHERE e.model = ? AND e.text_hash = p.text_hash))
ORDER BY d.id
"""


def embed_corpus(warehouse: Warehouse, encoder: TextEncoder) -> int:
    """Give every corpus document passage vectors for ``encoder``'s model; returns how many
    documents were (re)embedded. Idempotent: a second call finds nothing to do."""
    with warehouse.connect(read_only=True) as con:
        todo = con.execute(_UNEMBEDDED, [encoder.model_id]).fetchall()
    for first in range(0, len(todo), BATCH_DOCS):
        batch = todo[first:first + BATCH_DOCS]
        rows = [(doc_id, p.index, p.start, p.end, p.text)
                for doc_id, text in batch for p in split_passages(text)]
        embed_cached(warehouse, encoder, [r[4] for r in rows])  # encodes what the cache lacks
        with warehouse.transaction() as con:
            con.execute("DELETE FROM corpus_passages WHERE doc_id IN (SELECT unnest(?))",
                        [[doc_id for doc_id, _ in batch]])
            if rows:
                con.execute(
                    "INSERT INTO corpus_passages SELECT unnest(?::VARCHAR[]), "
                    "unnest(?::INTEGER[]), unnest(?::INTEGER[]), unnest(?::INTEGER[]), "
                    "unnest(?::VARCHAR[])",
                    [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                     [r[3] for r in rows], [text_hash(r[4]) for r in rows]])
    return len(todo)


def passage_matrix(con: Connection, model: str) -> tuple[list[str], npt.NDArray[np.float32]]:
    """(document id per row, unit vectors) of every corpus passage with a vector for ``model``."""
    rows = con.execute(
        "SELECT p.doc_id, e.dim, e.vector FROM corpus_passages AS p "
        "JOIN embeddings AS e ON e.model = ? AND e.text_hash = p.text_hash "
        "ORDER BY p.doc_id, p.idx", [model]).fetchall()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    matrix = np.stack([np.frombuffer(blob, dtype="<f4", count=dim) for _, dim, blob in rows])
    return [r[0] for r in rows], matrix.astype(np.float32, copy=False)


def nearest_documents(doc_ids: Sequence[str], matrix: npt.NDArray[np.float32],
                      query: npt.NDArray[np.float32], depth: int, floor: float,
                      ) -> list[tuple[str, float]]:
    """Documents by their best passage's cosine with ``query``, best first, those >= ``floor``."""
    if not len(doc_ids):
        return []
    cosine = matrix @ np.asarray(query, dtype=np.float32)
    best: dict[str, float] = {}
    for i in np.argsort(-cosine, kind="stable"):
        value = float(cosine[i])
        if value < floor or len(best) >= depth:
            break
        best.setdefault(doc_ids[int(i)], value)
    return list(best.items())
