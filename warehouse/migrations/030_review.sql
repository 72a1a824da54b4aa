-- The editorial desk: who holds a claim, what needs a person and in which order, and the audit log.
-- Nothing here overwrites: holds are derived from take/release/decide rows in `reviews`, account
-- changes are appended to `editor_events`. Review row ids written by the desk are
-- 'rv_' || zero-padded nextval('review_seq'), so "latest" is exact even within one second.

CREATE SEQUENCE review_seq START 1;

-- Account changes (added, removed, token reset), for the audit log.
CREATE TABLE editor_events (
    id         VARCHAR PRIMARY KEY,
    editor     VARCHAR NOT NULL,               -- the account acted on
    action     VARCHAR NOT NULL,               -- added | removed | token_reset
    actor      VARCHAR,                        -- who did it, when known
    created_at TIMESTAMPTZ NOT NULL
);

-- The latest take/release/decide row of each claim, when it is a take: the claim's holder.
-- Whether the hold has expired depends on review.hold_minutes, which the query applies.
CREATE VIEW review_holds AS
SELECT claim_id, editor AS holder, created_at AS taken_at FROM (
    SELECT r.*, row_number() OVER (PARTITION BY claim_id ORDER BY created_at DESC, id DESC) AS rn
    FROM reviews r WHERE action IN ('take', 'release', 'decide')
) WHERE rn = 1 AND action = 'take';

-- Priority 0..1: check-worthiness, uncertainty, a status change, age (saturates at a week), and
-- how many articles repeat the claim (saturates at five).
CREATE MACRO review_priority(cw, confidence, changed, verdict_at, articles, now) AS
    round(0.35 * cw
          + 0.25 * (1 - coalesce(confidence, 0))
          + 0.20 * CASE WHEN changed THEN 1 ELSE 0 END
          + 0.10 * least(1.0, greatest(0.0, (epoch(now) - epoch(verdict_at)) / 604800.0))
          + 0.10 * least(1.0, greatest(0, articles - 1) / 4.0), 4);

-- One row per claim: its current verdict, previous status, latest decision, hold and mentions.
-- `needs_person`: the current verdict asks for review and no decision came after it.
CREATE VIEW review_claims AS
WITH ranked AS (
    SELECT claim_id, id, status, confidence, rationale, needs_review, review_reasons, created_at,
           row_number() OVER w AS rn,
           lead(status) OVER w AS prev_status
    FROM verdicts
    WINDOW w AS (PARTITION BY claim_id ORDER BY created_at DESC, id DESC)
),
cur AS (SELECT * FROM ranked WHERE rn = 1),
dec AS (
    SELECT claim_id, id AS decision_id, editor AS decided_by, rating, publish,
           created_at AS decided_at
    FROM current_decisions
),
men AS (
    SELECT claim_id, count(DISTINCT article_id) AS articles,
           list(DISTINCT article_id ORDER BY article_id) AS article_ids
    FROM claim_mentions GROUP BY claim_id
)
SELECT c.id AS claim_id, c.text, c.kind, c.checkworthiness,
       cur.id AS verdict_id, cur.status, cur.confidence, cur.rationale, cur.needs_review,
       cur.review_reasons, cur.created_at AS verdict_at, cur.prev_status,
       coalesce(cur.prev_status IS NOT NULL AND cur.prev_status <> cur.status, false) AS changed,
       coalesce(men.articles, 0) AS articles,
       coalesce(men.article_ids, []::VARCHAR[]) AS article_ids,
       dec.decision_id, dec.decided_by, dec.rating, dec.publish, dec.decided_at,
       h.holder, h.taken_at,
       coalesce(cur.needs_review AND (dec.decided_at IS NULL OR dec.decided_at < cur.created_at),
                false) AS needs_person
FROM claims c
LEFT JOIN cur ON cur.claim_id = c.id
LEFT JOIN dec ON dec.claim_id = c.id
LEFT JOIN men ON men.claim_id = c.id
LEFT JOIN review_holds h ON h.claim_id = c.id;

-- For SQL users: what needs a person now, most urgent first (the app applies hold expiry).
CREATE VIEW review_queue AS
SELECT *, review_priority(checkworthiness, confidence, changed, verdict_at, articles,
                          current_timestamp) AS priority
FROM review_claims WHERE needs_person
ORDER BY priority DESC, claim_id;

-- Who did what when: every editorial action and every account change.
CREATE VIEW audit AS
SELECT id, created_at AS at, editor, action, claim_id, rating, note, internal_note, publish
FROM reviews
UNION ALL
SELECT id, created_at AS at, coalesce(actor, editor) AS editor, 'editor_' || action AS action,
       NULL AS claim_id, NULL AS rating, editor AS note, NULL AS internal_note, NULL AS publish
FROM editor_events;
