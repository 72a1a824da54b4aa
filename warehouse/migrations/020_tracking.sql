-- Tracking over time: what happened to a claim's sources between checks, and views that put
-- verdicts, source events and editorial actions on one timeline.
-- Everything here is append-only; ids are stable per (run, claim, source, kind), so a resumed
-- run writes the same rows again instead of new ones.

-- A source's content changed, it vanished (404/410, domain gone), it came back, or discovery
-- found it for a claim. claim_id is NULL for events of the source itself (changed, gone, back):
-- they concern every claim that cites the source. "new" events name the claim they were found for.
CREATE TABLE source_events (
    id            VARCHAR PRIMARY KEY,         -- hash of (run, claim, source, kind)
    claim_id      VARCHAR,
    source_id     VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,            -- changed | gone | new | back
    from_snapshot VARCHAR,                     -- the snapshot before (the evidence of record if gone)
    to_snapshot   VARCHAR,                     -- the snapshot after (NULL when gone)
    reason        VARCHAR NOT NULL,
    happened_at   TIMESTAMPTZ NOT NULL
);

-- Source events with the claims they concern: a source-level event reaches every claim that
-- cited the source before the event (links made later, or in the same run, do not inherit it).
CREATE VIEW claim_source_events AS
SELECT e.claim_id, e.id, e.source_id, e.run_id, e.kind, e.from_snapshot, e.to_snapshot, e.reason, e.happened_at
FROM source_events e
WHERE e.claim_id IS NOT NULL
UNION ALL
SELECT cs.claim_id, e.id, e.source_id, e.run_id, e.kind, e.from_snapshot, e.to_snapshot, e.reason, e.happened_at
FROM source_events e
JOIN claim_sources cs ON cs.source_id = e.source_id
LEFT JOIN runs r ON r.id = cs.first_run
WHERE e.claim_id IS NULL
  AND (r.id IS NULL OR (r.id <> e.run_id AND r.started_at <= e.happened_at));

-- Status changes and source events in one shape. A claim's first verdict is a change from NULL.
CREATE VIEW history AS
SELECT claim_id, 'status' AS kind, from_status AS from_value, to_status AS to_value,
       changed_at AS happened_at,
       run_id, reason, CAST(NULL AS VARCHAR) AS source_id, CAST(NULL AS VARCHAR) AS url
FROM status_changes
UNION ALL
SELECT e.claim_id, e.kind, e.from_snapshot, e.to_snapshot, e.happened_at, e.run_id, e.reason, e.source_id, s.url
FROM claim_source_events e
LEFT JOIN sources s ON s.id = e.source_id;

-- Everything that happened to one claim, oldest first: where it was said, each verdict, each
-- source event, each editorial action.
CREATE VIEW claim_timeline AS
SELECT * FROM (
    SELECT m.claim_id, a.created_at AS happened_at, 'mention' AS kind, coalesce(a.title, a.url, a.id) AS what,
           m.text AS detail, m.first_run AS run_id, CAST(NULL AS VARCHAR) AS source_id,
           CAST(NULL AS VARCHAR) AS actor, 0 AS ord
    FROM claim_mentions m JOIN articles a ON a.id = m.article_id
    UNION ALL
    SELECT claim_id, created_at, 'verdict', status, rationale, run_id, NULL, assessor, 1
    FROM verdicts
    UNION ALL
    SELECT e.claim_id, e.happened_at, e.kind, s.url, e.reason, e.run_id, e.source_id, NULL, 2
    FROM claim_source_events e LEFT JOIN sources s ON s.id = e.source_id
    UNION ALL
    SELECT claim_id, created_at, 'review', action || coalesce(': ' || rating, ''), note, NULL,
           NULL, editor, 3
    FROM reviews
) ORDER BY claim_id, happened_at, ord;

-- One row per claim: its current machine status, the editor's decision if any, and reach.
CREATE VIEW claim_status AS
SELECT c.id AS claim_id, c.text, c.kind, c.checkworthiness,
       v.status, v.confidence, v.created_at AS checked_at, v.run_id, v.needs_review,
       d.rating, d.editor AS decided_by, d.created_at AS decided_at,
       coalesce(m.articles, 0) AS articles, coalesce(src.sources, 0) AS sources
FROM claims c
LEFT JOIN current_verdicts v ON v.claim_id = c.id
LEFT JOIN current_decisions d ON d.claim_id = c.id
LEFT JOIN (SELECT claim_id, count(DISTINCT article_id) AS articles FROM claim_mentions GROUP BY 1) m
       ON m.claim_id = c.id
LEFT JOIN (SELECT claim_id, count(*) AS sources FROM claim_sources GROUP BY 1) src
       ON src.claim_id = c.id;
