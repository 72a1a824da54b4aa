-- A claim's timeline reads the fetches of the sources it was checked against: by claim id in
-- claim_sources, then by source id in fetches, each a point lookup instead of a scan of every
-- fetch ever made.
CREATE INDEX IF NOT EXISTS claim_sources_claim_idx ON claim_sources (claim_id);
CREATE INDEX IF NOT EXISTS fetches_source_idx ON fetches (source_id);
