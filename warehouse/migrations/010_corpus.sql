-- The local corpus: documents imported with `claimtrack corpus add`, searched with BM25 through
-- DuckDB's fts extension. The full-text index is derived data, rebuilt by warehouse/corpus.py
-- when corpus_index_state says the documents changed since it was built.

CREATE TABLE corpus_documents (
    id            VARCHAR PRIMARY KEY,         -- hash of the canonical URL (file:// for files)
    url           VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    title         VARCHAR,
    text          VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,            -- sha256 of the text: the same text twice is one row
    path          VARCHAR,                     -- where it was read from, for files
    published     DATE,
    language      VARCHAR,
    added_at      TIMESTAMPTZ NOT NULL
);

-- One row while the BM25 index matches the documents; deleted by every change.
CREATE TABLE corpus_index_state (
    built_at  TIMESTAMPTZ NOT NULL,
    documents BIGINT NOT NULL
);
