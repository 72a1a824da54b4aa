"""The local corpus in the warehouse: idempotent imports and BM25 search (DuckDB fts).

The fts extension is loaded from the ``duckdb-extension-fts`` wheel, never downloaded, so
search works offline. Its index is a snapshot of the table (``PRAGMA create_fts_index`` does
not follow later inserts), so every import that changes documents rebuilds it in the same
transaction; ``corpus_index_state`` records that it is current, and a search rebuilds it first
if it is not.

Semantic search (optional, when a sentence encoder is installed): ``embed_corpus`` splits each
document into passages (``corpus_passages``) whose vectors live in the embedding cache, and
``search_corpus_many`` given an ``embed`` function fuses the BM25 ranking with the documents'
best passage cosine by reciprocal rank fusion. The nearest passages come from DuckDB's vss HNSW
index kept in memory (``warehouse.corpus_hnsw``: never in the file, whose HNSW persistence has
no crash recovery), or from an exact numpy scan when ``duckdb-extension-vss`` is not installed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt

from claims.rank import RRF_K, SEMANTIC_WEIGHT
from claimtrack.errors import WarehouseError
from sources.model import Candidate, ClaimReviewRating, Document
from sources.urls import canonical_url
from warehouse.corpus_hnsw import passage_searcher
from warehouse.db import Connection, Warehouse
from warehouse.ids import stable_id

SNIPPET_CHARS = 300
MIN_TERMS = 2  # a document sharing one word with a query is noise, not a candidate source
# A document joins on meaning alone when one of its passages reaches this cosine with the query
# (unrelated sentences score about 0 to 0.2 with all-MiniLM-L6-v2).
MIN_COSINE = 0.4
Embed = Callable[[Sequence[str]], npt.NDArray[np.float32]]  # texts -> unit vectors, in order
# What the tokenizer drops: everything but letters and digits. fts's default, (\.|[^a-z])+,
# drops digits ("200 million" would match any "million") and every non-Latin script.
_IGNORE = r"(\.|[^\p{L}\p{N}])+"
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


Row = tuple[str, str, str, str | None, str, str, str | None, date | None, str | None, str | None]


def _review_json(document: Document) -> str | None:
    return json.dumps(asdict(document.claim_reviews[0])) if document.claim_reviews else None


def _review(raw: str | None) -> ClaimReviewRating | None:
    if not raw:
        return None
    try:
        return ClaimReviewRating(**json.loads(raw))
    except (TypeError, ValueError):
        return None


def _rows(docs: Iterable[tuple[Document, str | None]]) -> list[Row]:
    """One row per document; within one import the first of a repeated id or text wins."""
    rows: dict[str, Row] = {}
    texts: set[str] = set()
    for document, path in docs:
        if not document.text.strip():
            continue
        url = document_url(document, path)
        canonical = document.canonical_url or canonical_url(url)
        doc_id = stable_id("c", canonical)
        digest = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        if doc_id in rows or digest in texts:
            continue
        texts.add(digest)
        rows[doc_id] = (doc_id, url, canonical, document.title, document.text, digest, path,
                        _published(document.published), document.language,
                        _review_json(document))
    return list(rows.values())


def add_documents(warehouse: Warehouse, docs: Iterable[tuple[Document, str | None]]) -> int:
    """Import documents; returns how many were new or changed (re-adding the same adds 0).

    A document is keyed by its canonical URL (files by their ``file://`` URI): new text at a
    known address replaces the old; text already in the corpus under another address is skipped.
    """
    rows = _rows(docs)
    if not rows:
        return 0
    with warehouse.transaction() as con:
        held = dict(con.execute(
            "SELECT id, content_hash FROM corpus_documents WHERE id IN (SELECT unnest(?))",
            [[r[0] for r in rows]]).fetchall())
        known = {h for (h,) in con.execute(
            "SELECT content_hash FROM corpus_documents WHERE content_hash IN (SELECT unnest(?))",
            [[r[5] for r in rows]]).fetchall()}
        new = [r for r in rows
               if (r[0] in held and held[r[0]] != r[5]) or (r[0] not in held and r[5] not in known)]
        if not new:
            return 0
        replaced = [r[0] for r in new if r[0] in held]
        if replaced:
            con.execute("DELETE FROM corpus_documents WHERE id IN (SELECT unnest(?))", [replaced])
            con.execute("DELETE FROM corpus_passages WHERE doc_id IN (SELECT unnest(?))",
                        [replaced])
        columns = [list(c) for c in zip(*new, strict=True)]
        con.execute(
            "INSERT INTO corpus_documents SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DATE[]), unnest(?::VARCHAR[]), "
            "?::TIMESTAMPTZ, unnest(?::JSON[])", [*columns[:9], datetime.now(UTC), columns[9]],
        )
        con.execute("DELETE FROM corpus_index_state")
        con.execute("SET enable_progress_bar = false")
        load_fts(con)
        _ensure_index(con)  # now, so the first search after an import does not pay for it
    return len(new)


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
            f"ignore = '{_IGNORE}', overwrite = 1)"
        )
        # postings sorted by term: a query's terms then read a few row groups, not the table
        con.execute(f"CREATE OR REPLACE TABLE {_FTS}.terms AS "  # noqa: S608 (constant names)
                    f"SELECT * FROM {_FTS}.terms ORDER BY termid, docid")
    con.execute("INSERT INTO corpus_index_state VALUES (?, ?)", [datetime.now(UTC), documents])
    return bool(documents)


def rebuild_index(warehouse: Warehouse) -> None:
    with warehouse.transaction() as con:
        con.execute("SET enable_progress_bar = false")
        load_fts(con)
        con.execute("DELETE FROM corpus_index_state")
        _ensure_index(con)


# BM25 as fts's match_bm25 computes it (k1 = 1.2, b = 0.75, title and text together), written
# set-wise over the postings of the query's terms only (sorted by term id, so zone maps skip the
# rest): match_bm25 is a per-row macro, ~10x slower on a few thousand documents. Scores are
# rounded before ordering: a parallel sum adds in any order, and equal scores differing in the
# last bits would break ties differently from run to run.
_FTS = "fts_main_corpus_documents"
_TERMS = f"""
WITH words AS (SELECT DISTINCT unnest({_FTS}.tokenize(?)) AS w),
kept AS (
    SELECT DISTINCT stem(w, 'porter') AS t FROM words
    WHERE w NOT IN (SELECT sw FROM {_FTS}.stopwords)
)
SELECT (SELECT count(*) FROM kept),
       (SELECT list(termid) FROM {_FTS}.dict AS dict JOIN kept ON dict.term = kept.t)
"""  # noqa: S608 (constant names)
_SEARCH = """
WITH term_tf AS (
    SELECT docid, termid, count(*) AS tf FROM {fts}.terms
    WHERE termid IN ({termids}) GROUP BY docid, termid
), scores AS (
    SELECT term_tf.docid, sum(
        log((stats.num_docs - dict.df + 0.5) / (dict.df + 0.5) + 1)
        * (tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * docs.len / stats.avgdl)))
    ) AS score
    FROM term_tf JOIN {fts}.dict AS dict USING (termid)
    JOIN {fts}.docs AS docs USING (docid), {fts}.stats AS stats
    GROUP BY term_tf.docid
    HAVING count(*) >= {min_terms}
)
SELECT docs.name FROM scores JOIN {fts}.docs AS docs USING (docid)
ORDER BY round(scores.score, 9) DESC, docs.name
LIMIT ?
"""


Hit = tuple[str, str | None, str, str | None]


def _ranked(con: Connection, query: str, limit: int) -> list[str]:
    """Document ids by BM25, best first."""
    if not query.strip():
        return []
    row = con.execute(_TERMS, [query]).fetchone()
    words, termids = (int(row[0]), [int(t) for t in row[1] or []]) if row else (0, [])
    if not termids:
        return []
    sql = _SEARCH.format(fts=_FTS, termids=", ".join(map(str, termids)),  # integers from dict
                         min_terms=min(MIN_TERMS, words))
    return [str(row[0]) for row in con.execute(sql, [limit]).fetchall()]


def _fuse(keyword: Sequence[str], semantic: Sequence[str], limit: int) -> list[str]:
    """Weighted reciprocal rank fusion, the weights ``claims.rank`` uses for passages."""
    score: dict[str, float] = {}
    for rank, doc in enumerate(keyword, start=1):
        score[doc] = (1 - SEMANTIC_WEIGHT) / (RRF_K + rank)
    for rank, doc in enumerate(semantic, start=1):
        score[doc] = score.get(doc, 0.0) + SEMANTIC_WEIGHT / (RRF_K + rank)
    return sorted(score, key=lambda d: (-score[d], d))[:limit]


def _search(con: Connection, query: str, limit: int) -> list[Hit]:
    return _details(con, _ranked(con, query, limit))


def _details(con: Connection, ranked: Sequence[str]) -> list[Hit]:
    if not ranked:
        return []
    # fetched apart: joining the ranking to the text column scans every document's text
    found = {row[0]: row for row in con.execute(
        "SELECT id, url, title, text, claim_review FROM corpus_documents "
        "WHERE id IN (SELECT unnest(?))", [list(ranked)]).fetchall()}
    return [(str(found[i][1]), found[i][2], str(found[i][3]), found[i][4])
            for i in ranked if i in found]


def search_corpus(warehouse: Warehouse, query: str, limit: int, *, embed: Embed | None = None,
                  model: str | None = None, use_hnsw: bool = True) -> list[Candidate]:
    """The best ``limit`` corpus documents for ``query`` by BM25 (title and text), best first;
    fused with semantic hits when ``embed`` and its ``model`` are given and the corpus has
    passage vectors for that model."""
    return search_corpus_many(warehouse, [query], limit, embed=embed, model=model,
                              use_hnsw=use_hnsw)[0]


def search_corpus_many(
    warehouse: Warehouse, queries: Sequence[str], limit: int, *, embed: Embed | None = None,
    model: str | None = None, use_hnsw: bool = True,
) -> list[list[Candidate]]:
    """``search_corpus`` for many queries on one connection (opening one costs ~0.2 s).
    ``use_hnsw=False`` forces the exact scan (benchmarks compare the two)."""
    if limit <= 0 or not any(q.strip() for q in queries):
        return [[] for _ in queries]
    with warehouse.connect() as con:
        con.execute("SET enable_progress_bar = false")
        load_fts(con)
        con.execute("BEGIN TRANSACTION")
        try:
            ready = _ensure_index(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        if not ready:
            return [[] for _ in queries]
        searcher = (passage_searcher(con, warehouse.target, model, use_hnsw=use_hnsw)
                    if embed and model else None)
        vectors = embed(list(queries)) if searcher is not None and embed is not None else None
        found = []
        for n, query in enumerate(queries):
            if vectors is None or searcher is None or not query.strip():
                rows = _search(con, query, limit)
            else:
                depth = max(limit * 2, 10)
                near = searcher.nearest(vectors[n], depth, MIN_COSINE)
                rows = _details(con, _fuse(_ranked(con, query, depth), [d for d, _ in near],
                                           limit))
            found.append([
                Candidate(url=url, title=title or "", provider="corpus", rank=rank, query=query,
                          snippet=" ".join(text[:SNIPPET_CHARS].split()), text=text,
                          claim_review=_review(review))
                for rank, (url, title, text, review) in enumerate(rows, start=1)
            ])
    return found
