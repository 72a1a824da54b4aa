-- A corpus page that is a fact-check keeps its ClaimReview (the first one in its JSON-LD), so a
-- candidate found in the corpus carries the existing rating like one found by the factcheck
-- provider does.
ALTER TABLE corpus_documents ADD COLUMN claim_review JSON;
