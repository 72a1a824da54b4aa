"""Nearest corpus passages through DuckDB's vss HNSW index, kept in memory, never in the file.

vss can persist an HNSW index in a database file only behind
``hnsw_enable_experimental_persistence``, and its docs say WAL recovery is not implemented for
it: a crash with uncommitted changes can lose data or corrupt the index, and every process that
opens the file would need vss loaded to replay the log. So the index lives in a private
in-memory DuckDB owned by this module, one per (warehouse, model), built from the stored passage
vectors the first time a process searches and rebuilt only when the corpus's passages change
(their fingerprint: count and an xor of row hashes). The warehouse file is only read. The
build runs on one thread so the same corpus gives the same index and the same answers.

vss is loaded from the ``duckdb-extension-vss`` wheel (the ``semantic`` extra), never
downloaded. Without it ``passage_searcher`` returns the exact numpy scan of
``warehouse.corpus_vectors``: same interface, and the log says which one runs.

The query vector goes into the SQL as a literal of float32 reprs (round-trips exactly):
duckdb's Python client takes ~20 ms to bind a 384-float list parameter, the literal ~3 ms.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, Protocol

import duckdb
import numpy as np
import numpy.typing as npt

from claimtrack.errors import WarehouseError
from warehouse.corpus_vectors import nearest_documents, passage_matrix
from warehouse.db import Connection

log = logging.getLogger(__name__)

# From this many passages the index is worth its build (bench/results/corpus_semantic.md: over
# 1,011 passages the exact scan answers in 0.04 ms and HNSW in 5.49; with 50,000 more the scan
# takes 17.5 ms, HNSW 9.7 ms, after a one-thread build of 222 s that each process pays once).
HNSW_MIN_PASSAGES = 100_000
Method = Literal["hnsw", "exact"]
LOAD_ROWS = 2048  # vectors copied into the in-memory table per statement

_FINGERPRINT = """
SELECT count(*), coalesce(bit_xor(hash(p.doc_id, p.idx, p.text_hash)), 0)
FROM corpus_passages AS p JOIN embeddings AS e ON e.model = ? AND e.text_hash = p.text_hash
"""


class Searcher(Protocol):
    """Documents by their best passage's cosine with a query, best first, >= ``floor``."""

    @property
    def method(self) -> Method: ...

    @property
    def passages(self) -> int: ...

    def nearest(self, query: npt.NDArray[np.float32], depth: int, floor: float,
                ) -> list[tuple[str, float]]: ...


@cache
def vss_extension_path() -> str | None:
    """The vss extension shipped in ``duckdb_extension_vss`` for this duckdb, or None."""
    try:
        root = resources.files("duckdb_extension_vss") / "extensions" / f"v{duckdb.__version__}"
    except ModuleNotFoundError:
        return None
    path = Path(str(root)) / "vss.duckdb_extension"
    return str(path) if path.is_file() else None


@dataclass
class ExactScan:
    """The fallback: every passage vector against the query in numpy."""

    doc_ids: list[str]
    matrix: npt.NDArray[np.float32]
    method: Method = "exact"

    @property
    def passages(self) -> int:
        return len(self.doc_ids)

    def nearest(self, query: npt.NDArray[np.float32], depth: int, floor: float,
                ) -> list[tuple[str, float]]:
        return nearest_documents(self.doc_ids, self.matrix, query, depth, floor)


@dataclass
class HnswIndex:
    """Passage vectors in a private in-memory DuckDB with a cosine HNSW index over them."""

    doc_ids: list[str]
    dim: int
    con: Connection
    build_seconds: float
    method: Method = "hnsw"
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def passages(self) -> int:
        return len(self.doc_ids)

    def sql(self, query: npt.NDArray[np.float32], k: int) -> str:
        """The top-k statement; ORDER BY the distance with LIMIT is what vss's planner rewrites
        into HNSW_INDEX_SCAN."""
        literal = "[" + ",".join(map(repr, np.asarray(query, np.float32).tolist())) + "]"
        return (f"SELECT row, array_cosine_distance(vec, {literal}::FLOAT[{self.dim}]) AS dist "  # noqa: S608 (floats and ints)
                f"FROM passages ORDER BY dist LIMIT {int(k)}")

    def top(self, query: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """The k nearest passages (row, cosine), best first."""
        with self.lock:
            rows = self.con.execute(self.sql(query, k)).fetchall()
        return sorted(((int(r), 1.0 - float(d)) for r, d in rows), key=lambda x: (-x[1], x[0]))

    def nearest(self, query: npt.NDArray[np.float32], depth: int, floor: float,
                ) -> list[tuple[str, float]]:
        """As the exact scan: walk passages best first until ``depth`` documents or the floor;
        asks the index for more passages while documents repeat."""
        total = len(self.doc_ids)
        if not total or depth <= 0:
            return []
        k = min(total, max(4 * depth, 16))
        while True:
            best: dict[str, float] = {}
            stopped = False
            for row, cosine in self.top(query, k):
                if cosine < floor or len(best) >= depth:
                    stopped = True
                    break
                best.setdefault(self.doc_ids[row], cosine)
            if stopped or k >= total:
                return list(best.items())
            k = min(total, k * 4)

    def close(self) -> None:
        with self.lock:
            self.con.close()


def build_hnsw(doc_ids: Sequence[str], matrix: npt.NDArray[np.float32], extension: str,
               ) -> HnswIndex:
    """An in-memory DuckDB holding ``matrix`` (one unit vector a row) and its HNSW index."""
    started = time.perf_counter()
    n, dim = matrix.shape
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        # one thread: in parallel, rows land and join the graph in a racing order, giving another
        # index (and other top-k answers) each time; on one the same corpus gives the same index
        con.execute("SET threads = 1")
        con.execute(f"LOAD '{extension}'")
        con.execute(f"CREATE TABLE passages (row INTEGER, vec FLOAT[{int(dim)}])")
        # a flat numpy column scans without copies and is regrouped into rows in SQL, a chunk
        # at a time so the aggregation holds one chunk's floats, not the corpus's
        for first in range(0, n, LOAD_ROWS):
            part = np.ascontiguousarray(matrix[first:first + LOAD_ROWS], dtype=np.float32)
            con.register("incoming", {
                "pos": np.arange(first * dim, first * dim + part.size, dtype=np.int64),
                "x": part.ravel()})
            con.execute(f"INSERT INTO passages SELECT (pos // {int(dim)})::INTEGER AS row, "  # noqa: S608 (an int)
                        f"list(x ORDER BY pos)::FLOAT[{int(dim)}] FROM incoming GROUP BY row")
            con.unregister("incoming")
        con.execute("CREATE INDEX passages_hnsw ON passages USING HNSW (vec) "
                    "WITH (metric = 'cosine')")
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"cannot build the HNSW index over corpus passages: {exc}") from exc
    return HnswIndex(list(doc_ids), int(dim), con, time.perf_counter() - started)


_built: dict[tuple[str, str], tuple[tuple[int, int], HnswIndex]] = {}
_built_lock = threading.Lock()


def fingerprint(con: Connection, model: str) -> tuple[int, int]:
    """(passages with a vector for ``model``, xor of their row hashes): changes with the corpus."""
    row = con.execute(_FINGERPRINT, [model]).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def passage_searcher(con: Connection, target: str, model: str, *, use_hnsw: bool = True,
                     ) -> Searcher | None:
    """The semantic side of corpus search for ``model``'s vectors in the warehouse behind
    ``con`` (``target`` names it): the process's HNSW index, rebuilt when the passages changed,
    once the corpus holds ``HNSW_MIN_PASSAGES``; below that, or when vss is not installed, the
    exact scan. None when no passage has a vector."""
    extension = vss_extension_path() if use_hnsw else None
    key = fingerprint(con, model)
    if not key[0]:
        return None
    if extension is None or key[0] < HNSW_MIN_PASSAGES:
        doc_ids, matrix = passage_matrix(con, model)
        if use_hnsw and doc_ids:
            why = ("duckdb-extension-vss is not installed" if extension is None
                   else f"under {HNSW_MIN_PASSAGES:,} passages the scan is faster than a build")
            log.info("corpus semantic search: exact scan over %d passages (%s)", len(doc_ids), why)
        return ExactScan(doc_ids, matrix) if doc_ids else None
    with _built_lock:
        held = _built.get((target, model))
        if held is not None and held[0] == key:
            return held[1]
        doc_ids, matrix = passage_matrix(con, model)
        if not doc_ids:
            return None
        index = build_hnsw(doc_ids, matrix, extension)  # a stale one closes when unreferenced
        _built[(target, model)] = (key, index)
    log.info("corpus semantic search: vss HNSW over %d passages, built in %.2f s (in memory)",
             index.passages, index.build_seconds)
    return index

