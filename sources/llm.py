"""A small client for an OpenAI-compatible chat endpoint (OpenAI, Ollama's /v1, llama.cpp's
server, vLLM): ``POST {url}/chat/completions`` with a JSON-schema response format, one answer out.

The request is the chat completions format: ``model``, ``messages``, ``temperature`` 0 (the same
prompt should give the same answer, which is what makes the warehouse cache honest), ``max_tokens``
and ``response_format: {"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}``;
a bearer key when one is set. The reply's ``choices[0].message.content`` and ``usage`` (prompt and
completion tokens; zero when a server leaves it out) come back as a ``ChatReply``.

Timeouts, connection errors, 5xx and 429 are retried (``retries`` more tries) with exponential
backoff and jitter, honouring Retry-After up to ``retry_after_cap`` seconds (a longer one is not
waited for). What is left is an ``LLMError``: transient when another try later might work,
terminal for a refusal (4xx), a body that is not the API's JSON, or an answer without content.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from claimtrack.errors import LLMError, TerminalLLMError, TransientLLMError
from claimtrack.settings import LLMSettings
from sources.responses import retry_after_seconds

log = logging.getLogger(__name__)

USER_AGENT = "claimtrack/0.1 (+https://github.com/claimtrack/claimtrack)"


@dataclass(frozen=True, slots=True)
class ChatReply:
    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None  # "stop"; "length" when max_tokens cut the answer off
    model: str = ""  # the model as the server names it


def endpoint(url: str) -> str:
    """The chat completions URL of an API base (``http://host:11434/v1``) or of itself."""
    url = url.strip().rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


class ChatClient:
    """One endpoint and model from ``LLMSettings``; ``chat`` sends one prompt, retrying."""

    def __init__(
        self, settings: LLMSettings, *, backoff: float = 0.5, retry_after_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.url = endpoint(settings.url)
        self.backoff = backoff
        self.retry_after_cap = retry_after_cap
        self._sleep = sleep
        self._random = random.Random()

    def request_body(
        self, system: str, user: str, schema_name: str, schema: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The JSON sent: also what the cache hashes (everything but the model, its other key)."""
        return {
            "model": self.settings.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0,
            "max_tokens": self.settings.max_tokens,
            "response_format": {"type": "json_schema", "json_schema": {
                "name": schema_name, "schema": dict(schema), "strict": True}},
        }

    def chat(self, body: Mapping[str, Any]) -> ChatReply:
        """POST ``body`` (from ``request_body``); retries what is worth retrying."""
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        timeout = httpx.Timeout(self.settings.timeout, connect=min(self.settings.timeout, 5.0))
        tries = 1 + max(0, self.settings.retries)
        with httpx.Client(timeout=timeout, headers=headers) as client:
            for attempt in range(tries):
                wait: float | None = None
                try:
                    return self._once(client, body)
                except _Retry as retry:
                    error, wait = retry.error, retry.wait
                if attempt == tries - 1:
                    raise error
                if wait is None:
                    wait = self.backoff * 2 ** attempt * (0.5 + self._random.random())
                elif wait > self.retry_after_cap:
                    raise TransientLLMError(f"{error} (Retry-After {wait:.0f} s is longer than "
                                            f"{self.retry_after_cap:.0f} s)")
                log.info("llm: %s; trying again in %.1f s", error, wait)
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, client: httpx.Client, body: Mapping[str, Any]) -> ChatReply:
        try:
            response = client.post(self.url, json=dict(body))
        except httpx.TimeoutException as exc:
            raise _Retry(TransientLLMError(
                f"llm endpoint timed out after {self.settings.timeout:g} s "
                f"({type(exc).__name__})")) from exc
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError,
                httpx.RemoteProtocolError) as exc:
            raise _Retry(TransientLLMError(
                f"llm endpoint {self.url} unreachable ({type(exc).__name__}: {exc})")) from exc
        except httpx.HTTPError as exc:
            raise TerminalLLMError(f"llm request failed ({type(exc).__name__}: {exc})") from exc
        status = response.status_code
        if status == 429 or status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
            raise _Retry(TransientLLMError(f"llm endpoint: HTTP {status}{_detail(response)}"),
                         wait if status == 429 else None)
        if status >= 400:
            hint = {401: " (check CLAIMTRACK_LLM_API_KEY)", 403: " (check CLAIMTRACK_LLM_API_KEY)",
                    404: " (check CLAIMTRACK_LLM_URL and CLAIMTRACK_LLM_MODEL)"}.get(status, "")
            raise TerminalLLMError(f"llm endpoint: HTTP {status}{_detail(response)}{hint}")
        return parse_reply(response)


class _Retry(Exception):
    def __init__(self, error: LLMError, wait: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def parse_reply(response: httpx.Response) -> ChatReply:
    """``choices[0].message.content`` and ``usage`` of a chat.completion body."""
    try:
        data = response.json()
    except ValueError:
        first = response.text.strip()[:80] or "an empty body"
        raise TerminalLLMError(f"llm endpoint answered {first!r}, not JSON") from None
    if not isinstance(data, dict):
        raise TerminalLLMError("llm endpoint answered JSON that is not an object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise TerminalLLMError("llm endpoint answered JSON without choices")
    choice = choices[0]
    message = choice.get("message")
    message = message if isinstance(message, dict) else {}
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        refusal = message.get("refusal")
        raise TerminalLLMError(f"the model refused: {refusal}" if isinstance(refusal, str)
                               and refusal else "the model's answer has no content")
    usage = data.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    finish = choice.get("finish_reason")
    return ChatReply(
        content=content, prompt_tokens=_count(usage.get("prompt_tokens")),
        completion_tokens=_count(usage.get("completion_tokens")),
        finish_reason=finish if isinstance(finish, str) else None,
        model=data["model"] if isinstance(data.get("model"), str) else "",
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _detail(response: httpx.Response) -> str:
    """The error message of an OpenAI-style (``{"error": {"message"}}``) or Ollama-style
    (``{"error": "..."}``) body, if any."""
    try:
        data = response.json()
    except ValueError:
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    return f": {message[:200]}" if isinstance(message, str) and message else ""
