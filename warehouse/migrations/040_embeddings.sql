-- The embedding cache: a sentence vector is computed once per (model, text) and read back after
-- (warehouse/embeddings.py). The vector is the float32 row's raw bytes (little-endian, dim * 4
-- bytes): DuckDB takes and returns a list of BLOBs fast, where a FLOAT[384] list parameter is
-- converted element by element, orders of magnitude slower to insert. Readers wanting DuckDB
-- arrays (an HNSW index) build them from numpy.

CREATE TABLE embeddings (
    model      VARCHAR NOT NULL,     -- Encoder.model_id: the model's name and a prefix of its hash
    text_hash  VARCHAR NOT NULL,     -- sha256 of the text's UTF-8 bytes, hex
    dim        INTEGER NOT NULL,
    vector     BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
);
