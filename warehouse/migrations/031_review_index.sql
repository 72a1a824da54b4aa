-- Point lookups for the review desk: a claim's file reads its verdicts, reviews, evidence and
-- mentions by claim id; the queue's article filter reads mentions by article id.
CREATE INDEX IF NOT EXISTS verdicts_claim_idx ON verdicts (claim_id);
CREATE INDEX IF NOT EXISTS reviews_claim_idx ON reviews (claim_id);
CREATE INDEX IF NOT EXISTS evidence_claim_idx ON evidence (claim_id);
CREATE INDEX IF NOT EXISTS mentions_claim_idx ON claim_mentions (claim_id);
CREATE INDEX IF NOT EXISTS mentions_article_idx ON claim_mentions (article_id);
