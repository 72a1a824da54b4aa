"""The local corpus in the warehouse: idempotent imports and BM25 search (DuckDB fts).

The fts extension is loaded from the ``duckdb-extension-fts`` wheel, never downloaded, so
search works offline. Its index is a snapshot of the table (``PRAGMA create_fts_index`` does
not follow later inserts), so imports mark it stale and the next search rebuilds it once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from claimtrack.errors import WarehouseError
from sources.model import Candidate, Document
from sources.urls import canonical_url
from warehouse.db import Connection, Warehouse
from warehouse.ids import stable_id

SNIPPET_CHARS = 300
_FTS_VERSION = "v" + duckdb.__version__


@cache
def fts_extension_path() -> str:
    """The fts extension shipped in the ``duckdb_extension_fts`` package, for this duckdb."""
    root = resources.files("duckdb_extension_fts") / "extensions" / _FTS_VERSION
    path = Path(str(root)) / "fts.duckdb_extension"
    if not path.is_file():
        raise WarehouseError(
            f"DuckDB's fts extension for duckdb {duckdb.__version__} is missing ({path}); "
            f"install duckdb-extension-fts=={duckdb.__version__}"
        )
    return str(path)


def load_fts(con: Connection) -> None:
    try:
        con.execute(f"LOAD '{fts_extension_path()}'")
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot load DuckDB's fts extension: {exc}") from exc


def document_url(document: Document, path: str | None) -> str:
    """The document's URL; a file without one is addressed by its absolute ``file://`` URI."""
    if document.url:
        return document.url
    if path:
        return Path(path).resolve().as_uri()
    return "corpus:" + hashlib.sha256(document.text.encode("utf-8")).hexdigest()[:16]


def _published(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def add_documents(warehouse: Warehouse, docs: Iterable[tuple[Document, str | None]]) -> int:
    """Import documents; returns how many were new or changed (re-adding the same adds 0)."""
    now = datetime.now(UTC)
    changed = 0
    with warehouse.transaction() as con:
        for document, path in docs:
            if not document.text.strip():
                continue
            url = document_url(document, path)
            canonical = document.canonical_url or canonical_url(url)
            doc_id = stable_id("c", canonical)
            digest = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
            held = con.execute("SELECT content_hash FROM corpus_documents WHERE id = ?",
                               [doc_id]).fetchone()
            if held is not None and held[0] == digest:
                continue  # this document, unchanged
            if held is None and con.execute(
                "SELECT 1 FROM corpus_documents WHERE content_hash = ?", [digest]
            ).fetchone():
                continue  # the same text under another address
            if held is not None:
                con.execute("DELETE FROM corpus_documents WHERE id = ?", [doc_id])
            con.execute(
                "INSERT INTO corpus_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [doc_id, url, canonical, document.title, document.text, digest, path,
                 _published(document.published), document.language, now],
            )
            changed += 1
        if changed:
            con.execute("DELETE FROM corpus_index_state")
    return changed


def count_documents(warehouse: Warehouse) -> int:
    with warehouse.connect(read_only=True) as con:
        row = con.execute("SELECT count(*) FROM corpus_documents").fetchone()
    return int(row[0]) if row else 0


def _ensure_index(con: Connection) -> bool:
    """Build the BM25 index when stale; False when there is nothing to search."""
    state = con.execute("SELECT documents FROM corpus_index_state").fetchone()
    if state is not None:
        return bool(state[0])
    total = con.execute("SELECT count(*) FROM corpus_documents").fetchone()
    documents = int(total[0]) if total else 0
    if documents:
        con.execute(
            "PRAGMA create_fts_index('corpus_documents', 'id', 'title', 'text', "
            "stemmer = 'porter', stopwords = 'english', strip_accents = 1, lower = 1, "
            "overwrite = 1)"
        )
    con.execute("INSERT INTO corpus_index_state VALUES (?, ?)", [datetime.now(UTC), documents])
    return bool(documents)


def rebuild_index(warehouse: Warehouse) -> None:
    with warehouse.transaction() as con:
        load_fts(con)
        con.execute("DELETE FROM corpus_index_state")
        _ensure_index(con)


def search_corpus(warehouse: Warehouse, query: str, limit: int) -> list[Candidate]:
    """The best ``limit`` corpus documents for ``query`` by BM25 (title and text), best first."""
    if not query.strip() or limit <= 0:
        return []
    with warehouse.connect() as con:
        load_fts(con)
        con.execute("BEGIN TRANSACTION")
        try:
            ready = _ensure_index(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        if not ready:
            return []
        rows = con.execute(
            "SELECT url, title, text, score FROM ("
            "  SELECT *, fts_main_corpus_documents.match_bm25(id, ?) AS score"
            "  FROM corpus_documents"
            ") WHERE score IS NOT NULL ORDER BY score DESC, id LIMIT ?",
            [query, limit],
        ).fetchall()
    return [
        Candidate(url=url, title=title or "", snippet=" ".join(text[:SNIPPET_CHARS].split()),
                  provider="corpus", rank=rank, query=query, text=text)
        for rank, (url, title, text, _score) in enumerate(rows, start=1)
    ]
