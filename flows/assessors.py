"""The assessor a run uses, built once per run from the settings (``assessor``: rules, learned, llm).

Pure assessors come straight from ``claims``' registry; one that needs the network or the
warehouse (an LLM endpoint with its response cache) is put together here, where both are at hand.
The ``llm`` one is never on by default and never required: it is built only when asked for, and
then only with an endpoint and a model set.
"""

from __future__ import annotations

from dataclasses import replace

import claims
from claims.llm import ChatPrompt
from claimtrack.clock import Clock, utcnow
from claimtrack.errors import ConfigError, LLMError, TerminalLLMError, TransientLLMError
from claimtrack.settings import Settings
from sources.llm import ChatClient
from warehouse import llm_cache
from warehouse.db import Warehouse
from warehouse.llm_cache import LLMUsage, StoredReply

MAX_FAILURES_IN_A_ROW = 3  # then the endpoint is not asked again in this run (each try can take
# the whole timeout, retries included; the fallback decides the rest)


def check_llm_settings(settings: Settings) -> None:
    """ConfigError, in one line, when the ``llm`` assessor is chosen without an endpoint."""
    if settings.assessor != "llm":
        return
    missing = [name for name, value in (("CLAIMTRACK_LLM_URL", settings.llm.url),
                                        ("CLAIMTRACK_LLM_MODEL", settings.llm.model))
               if not value.strip()]
    if missing:
        raise ConfigError(
            f"the llm assessor needs an OpenAI-compatible endpoint: set {' and '.join(missing)} "
            "(settings llm.url, llm.model), e.g. http://127.0.0.1:11434/v1 for Ollama")


class CachedChat:
    """The llm assessor's ``complete``: the warehouse's answer when it has one, else the endpoint's
    (then kept). ``usage`` is the running tally of what this run spent."""

    def __init__(self, client: ChatClient, wh: Warehouse, clock: Clock = utcnow) -> None:
        self.client = client
        self.wh = wh
        self.clock = clock
        self.model = client.settings.model
        self.usage = LLMUsage(self.model)
        self._failed_in_a_row = 0

    def __call__(self, prompt: ChatPrompt) -> str:
        body = self.client.request_body(prompt.system, prompt.user, prompt.schema_name,
                                        prompt.schema)
        key = llm_cache.prompt_hash(body)
        stored = llm_cache.cached_reply(self.wh, self.model, key)
        if stored is not None:
            self.usage = replace(self.usage, cache_hits=self.usage.cache_hits + 1)
        else:
            stored = self._ask(body, key)
        if stored.finish_reason == "length":
            raise TerminalLLMError(
                f"the answer was cut off at max_tokens={self.client.settings.max_tokens}")
        return stored.content

    def _ask(self, body: dict[str, object], key: str) -> StoredReply:
        if self._failed_in_a_row >= MAX_FAILURES_IN_A_ROW:
            raise TransientLLMError(f"the endpoint failed {self._failed_in_a_row} times in a row; "
                                    "not asked again in this run")
        try:
            reply = self.client.chat(body)
        except LLMError:
            self._failed_in_a_row += 1
            self.usage = replace(self.usage, failures=self.usage.failures + 1)
            raise
        self._failed_in_a_row = 0
        stored = StoredReply(reply.content, reply.finish_reason, reply.prompt_tokens,
                             reply.completion_tokens)
        llm_cache.save_reply(self.wh, self.model, key, body, stored, self.clock())
        self.usage = self.usage + LLMUsage(self.model, requests=1,
                                           prompt_tokens=reply.prompt_tokens,
                                           completion_tokens=reply.completion_tokens)
        return stored


def fallback_name() -> str:
    """Who decides when the llm's answer is unusable: the learned assessor once it is there."""
    return "learned" if "learned" in claims.assessor_names() else "rules"


def assessor_for(settings: Settings, wh: Warehouse) -> claims.Assessor:
    """The assessor ``settings.assessor`` names; an unknown name, or ``llm`` without its
    endpoint, is a configuration error."""
    if settings.assessor != "llm":
        return claims.get_assessor(settings.assessor)
    check_llm_settings(settings)
    chat = CachedChat(ChatClient(settings.llm), wh)
    return claims.get_assessor("llm", complete=chat, fallback=claims.get_assessor(fallback_name()),
                               model=settings.llm.model)


def llm_meter(assessor: claims.Assessor) -> CachedChat | None:
    """The tally of an ``llm`` assessor built here (None for any other assessor)."""
    complete = getattr(assessor, "complete", None)
    return complete if isinstance(complete, CachedChat) else None
