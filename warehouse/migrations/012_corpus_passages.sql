-- Corpus documents split into passages for semantic search: one row a passage, its text hash
-- keying the sentence vector in the embedding cache (040_embeddings). Rows are derived data:
-- warehouse/corpus.py writes them for documents that have none (or miss a vector for the model
-- in use) and deletes them with their document.

CREATE TABLE corpus_passages (
    doc_id    VARCHAR NOT NULL,     -- corpus_documents.id
    idx       INTEGER NOT NULL,     -- the passage's place in the document
    start     INTEGER NOT NULL,     -- character offsets into corpus_documents.text
    "end"     INTEGER NOT NULL,
    text_hash VARCHAR NOT NULL,     -- sha256 of the passage text (embeddings.text_hash)
    PRIMARY KEY (doc_id, idx)
);
