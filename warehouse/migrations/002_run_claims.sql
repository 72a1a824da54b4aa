-- Which claims a run is working on, so a claim can show `checking` while a run is in flight
-- (DESIGN.md's statuses). Written when a run stores its claims; idempotent per (run, claim).
CREATE TABLE run_claims (
    run_id   VARCHAR NOT NULL,
    claim_id VARCHAR NOT NULL,
    PRIMARY KEY (run_id, claim_id)
);

-- The status to show now: `checking` while a running run holds the claim, else the latest verdict.
CREATE VIEW live_status AS
SELECT c.id AS claim_id,
       CASE WHEN EXISTS (SELECT 1 FROM run_claims rc JOIN runs r ON r.id = rc.run_id
                         WHERE rc.claim_id = c.id AND r.status = 'running')
            THEN 'checking' ELSE v.status END AS status,
       v.confidence, v.run_id AS verdict_run, v.created_at AS checked_at
FROM claims c LEFT JOIN current_verdicts v ON v.claim_id = c.id;
