-- The fact-check archive: published ClaimReviews imported with `claimtrack factchecks import`
-- (JSON-LD pages, DataFeed / JSON Lines feeds, Fact Check Tools responses). `claimtrack match`
-- and `check` score claims against claim_reviewed (claims/matching.py).

CREATE TABLE factchecks (
    id             VARCHAR PRIMARY KEY,        -- hash of the review URL and the claim reviewed
    url            VARCHAR,
    claim_reviewed VARCHAR NOT NULL,
    rating         VARCHAR NOT NULL,           -- alternateName / textualRating as published
    rating_value   DOUBLE,
    best_rating    DOUBLE,
    worst_rating   DOUBLE,
    publisher      VARCHAR,
    date_published VARCHAR,                    -- YYYY-MM-DD as given (may be partial)
    claimant       VARCHAR,
    language       VARCHAR,
    source         VARCHAR NOT NULL,           -- the file or URL it was first imported from
    added_at       TIMESTAMPTZ NOT NULL
);
