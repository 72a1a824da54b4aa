-- The llm assessor's answers and what they cost. An answer is kept by (model, prompt hash), so the
-- same prompt is never sent to the same model twice: a rerun of a check costs no request.
CREATE TABLE llm_responses (
    model             VARCHAR NOT NULL,
    prompt_hash       VARCHAR NOT NULL,        -- sha256 of the request body without the model
    request           JSON NOT NULL,           -- what was sent: messages, schema, max_tokens
    content           VARCHAR NOT NULL,        -- choices[0].message.content, valid or not
    finish_reason     VARCHAR,                 -- "length": max_tokens cut the answer off
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model, prompt_hash)
);

-- Per run and model: requests answered, requests that failed (after retries), answers read from
-- the cache instead, and the tokens the endpoint counted.
CREATE TABLE llm_usage (
    run_id            VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    requests          INTEGER NOT NULL DEFAULT 0,
    failures          INTEGER NOT NULL DEFAULT 0,
    cache_hits        INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, model)
);
