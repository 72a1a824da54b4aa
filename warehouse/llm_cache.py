"""The llm assessor's response cache and token ledger (tables of migration 041).

An answer is stored under (model, prompt hash) the first time it comes back, valid or not: the
endpoint runs at temperature 0, so asking again would buy the same text. Usage is added per run
and model (requests, failures, cache hits, prompt and completion tokens) when the run stores its
verdicts, so a run's summary can say what it cost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warehouse.db import Connection, Warehouse


@dataclass(frozen=True, slots=True)
class StoredReply:
    content: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class LLMUsage:
    """What one run spent on one model."""

    model: str
    requests: int = 0  # answered requests sent to the endpoint (retries not counted)
    failures: int = 0  # requests that got no answer after their retries
    cache_hits: int = 0  # answers read from the cache instead of asked for
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: LLMUsage) -> LLMUsage:
        return LLMUsage(self.model or other.model, *(
            getattr(self, f) + getattr(other, f) for f in _COUNTS))

    def __sub__(self, other: LLMUsage) -> LLMUsage:
        return LLMUsage(self.model, *(getattr(self, f) - getattr(other, f) for f in _COUNTS))


_COUNTS = ("requests", "failures", "cache_hits", "prompt_tokens", "completion_tokens")


def prompt_hash(body: Mapping[str, Any]) -> str:
    """sha256 of the request body without its model (the model is the key's other half)."""
    rest = {k: v for k, v in body.items() if k != "model"}
    text = json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_reply(wh: Warehouse, model: str, key: str) -> StoredReply | None:
    with wh.connect(read_only=True) as con:
        row = con.execute(
            "SELECT content, finish_reason, prompt_tokens, completion_tokens FROM llm_responses "
            "WHERE model = ? AND prompt_hash = ?", [model, key],
        ).fetchone()
    return StoredReply(row[0], row[1], int(row[2]), int(row[3])) if row else None


def save_reply(
    wh: Warehouse, model: str, key: str, request: Mapping[str, Any], reply: StoredReply,
    now: datetime,
) -> None:
    """Keep an answer; when two runs raced for the same prompt the first one stays."""
    with wh.transaction() as con:
        con.execute(
            "INSERT INTO llm_responses VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [model, key, json.dumps(request, ensure_ascii=False), reply.content,
             reply.finish_reason, reply.prompt_tokens, reply.completion_tokens, now],
        )


def add_usage(con: Connection, run_id: str, usage: LLMUsage) -> None:
    """Add what a run spent to its row (a resumed run adds its second attempt's requests)."""
    con.execute(
        "INSERT INTO llm_usage (run_id, model, requests, failures, cache_hits, prompt_tokens, "
        "completion_tokens) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, model) DO UPDATE SET "
        "requests = llm_usage.requests + excluded.requests, "
        "failures = llm_usage.failures + excluded.failures, "
        "cache_hits = llm_usage.cache_hits + excluded.cache_hits, "
        "prompt_tokens = llm_usage.prompt_tokens + excluded.prompt_tokens, "
        "completion_tokens = llm_usage.completion_tokens + excluded.completion_tokens",
        [run_id, usage.model, usage.requests, usage.failures, usage.cache_hits,
         usage.prompt_tokens, usage.completion_tokens],
    )


def run_usage(wh: Warehouse, run_id: str) -> list[LLMUsage]:
    """What a run spent, per model (empty when it asked no model)."""
    with wh.connect(read_only=True) as con:
        return usage_of(con, run_id)


def usage_of(con: Connection, run_id: str) -> list[LLMUsage]:
    rows = con.execute(
        "SELECT model, requests, failures, cache_hits, prompt_tokens, completion_tokens "
        "FROM llm_usage WHERE run_id = ? ORDER BY model", [run_id],
    ).fetchall()
    return [LLMUsage(r[0], *(int(v) for v in r[1:])) for r in rows]
