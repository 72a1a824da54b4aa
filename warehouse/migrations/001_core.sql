-- The core record of a check: runs, articles, claims and where they appear, sources, every fetch
-- attempt, content-addressed snapshots, passages, evidence, verdicts, editorial reviews.
-- Ids are stable text keys (hashes of canonical URLs, normalized text or content), so every write
-- is an upsert and re-running a check adds nothing new.

CREATE TABLE runs (
    id          VARCHAR PRIMARY KEY,
    flow        VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,              -- running | completed | failed
    params      JSON,
    note        VARCHAR
);

CREATE TABLE articles (
    id            VARCHAR PRIMARY KEY,         -- hash of canonical URL, else of content
    url           VARCHAR,
    canonical_url VARCHAR,
    title         VARCHAR,
    published     DATE,
    text          VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    source_path   VARCHAR,
    first_run     VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE claims (
    id              VARCHAR PRIMARY KEY,       -- claims.claim_id(text): stable across articles
    text            VARCHAR NOT NULL,
    normalized      VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    checkworthiness DOUBLE NOT NULL,
    entities        JSON,
    quantities      JSON,
    dates           JSON,
    quote           JSON,
    first_run       VARCHAR,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE claim_mentions (
    claim_id   VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,               -- the claim as worded in this article
    sentence   VARCHAR NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    first_run  VARCHAR,
    PRIMARY KEY (claim_id, article_id, start)
);

CREATE TABLE sources (
    id            VARCHAR PRIMARY KEY,         -- hash of canonical URL
    url           VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    domain        VARCHAR NOT NULL,
    tier          VARCHAR,
    title         VARCHAR,
    first_seen    TIMESTAMPTZ NOT NULL
);

-- Which sources a claim was checked against, found by which provider and query.
CREATE TABLE claim_sources (
    claim_id  VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    provider  VARCHAR NOT NULL,
    rank      INTEGER,
    query     VARCHAR,
    first_run VARCHAR,
    PRIMARY KEY (claim_id, source_id)
);

-- Every attempt, one row per (run, url): a rerun of the same run overwrites, a new run appends.
CREATE TABLE fetches (
    id            VARCHAR PRIMARY KEY,
    run_id        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    final_url     VARCHAR,
    attempted_at  TIMESTAMPTZ NOT NULL,
    status        VARCHAR NOT NULL,            -- fetched | failed | skipped
    reason        VARCHAR NOT NULL,
    http_status   INTEGER,
    content_type  VARCHAR,
    bytes         BIGINT,
    ms            INTEGER,
    attempts      INTEGER,
    snapshot_hash VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR
);

CREATE TABLE snapshots (
    hash         VARCHAR PRIMARY KEY,          -- sha256 of the raw bytes
    source_id    VARCHAR NOT NULL,
    path         VARCHAR,                      -- zlib-compressed raw bytes, beside the warehouse
    bytes        BIGINT NOT NULL,
    content_type VARCHAR,
    fetched_at   TIMESTAMPTZ NOT NULL,
    url          VARCHAR,
    canonical_url VARCHAR,
    title        VARCHAR,
    published    DATE,
    author       VARCHAR,
    text         VARCHAR                       -- extracted main text; passages point into it
);

CREATE TABLE passages (
    id            VARCHAR PRIMARY KEY,         -- hash of (snapshot, start, end)
    snapshot_hash VARCHAR NOT NULL,
    idx           INTEGER NOT NULL,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    text          VARCHAR NOT NULL
);

-- The latest assessment of a passage for a claim; verdicts keep which ones they used.
CREATE TABLE evidence (
    id          VARCHAR PRIMARY KEY,           -- hash of (claim, passage)
    claim_id    VARCHAR NOT NULL,
    passage_id  VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    relevance   DOUBLE NOT NULL,
    stance      VARCHAR NOT NULL,              -- supports | refutes | neutral
    score       DOUBLE NOT NULL,
    reason      VARCHAR NOT NULL,
    quote       VARCHAR,
    quote_start INTEGER,                       -- offsets into the snapshot text
    quote_end   INTEGER,
    run_id      VARCHAR NOT NULL,
    assessed_at TIMESTAMPTZ NOT NULL
);

-- Append-only: one row per claim per run; the current status is the latest row.
CREATE TABLE verdicts (
    id          VARCHAR PRIMARY KEY,           -- hash of (claim, run)
    claim_id    VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,              -- supported | refuted | mixed | unverified
    confidence  DOUBLE NOT NULL,
    rationale   VARCHAR NOT NULL,
    evidence_ids JSON,
    assessor    VARCHAR NOT NULL,
    needs_review BOOLEAN NOT NULL DEFAULT false,
    review_reasons JSON,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE editors (
    name          VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,
    token_hash    VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL,
    removed_at    TIMESTAMPTZ
);

-- Append-only editorial log: take, release, decide, note, add_evidence, reverify.
CREATE TABLE reviews (
    id            VARCHAR PRIMARY KEY,
    claim_id      VARCHAR NOT NULL,
    editor        VARCHAR NOT NULL,
    action        VARCHAR NOT NULL,
    rating        VARCHAR,
    note          VARCHAR,
    internal_note VARCHAR,
    publish       BOOLEAN,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE VIEW current_verdicts AS
SELECT * EXCLUDE (rn) FROM (
    SELECT v.*, row_number() OVER (PARTITION BY claim_id ORDER BY created_at DESC, id DESC) AS rn
    FROM verdicts v
) WHERE rn = 1;

CREATE VIEW current_decisions AS
SELECT * EXCLUDE (rn) FROM (
    SELECT r.*, row_number() OVER (PARTITION BY claim_id ORDER BY created_at DESC, id DESC) AS rn
    FROM reviews r WHERE action = 'decide'
) WHERE rn = 1;

CREATE VIEW status_changes AS
SELECT claim_id, prev_status AS from_status, status AS to_status, created_at AS changed_at,
       run_id, rationale AS reason
FROM (
    SELECT v.*, lag(status) OVER (PARTITION BY claim_id ORDER BY created_at, id) AS prev_status
    FROM verdicts v
) WHERE prev_status IS DISTINCT FROM status;
