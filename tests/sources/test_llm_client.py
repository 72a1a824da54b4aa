"""The chat client against a real local server replaying the chat.completion format."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

import pytest

from claimtrack.errors import TerminalLLMError, TransientLLMError
from claimtrack.settings import LLMSettings
from sources.llm import ChatClient, endpoint
from tests.llm_server import Reply, serve_chat

SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"],
          "additionalProperties": False}


def client(url: str, **changes: Any) -> ChatClient:
    settings = replace(LLMSettings(url=url, model="tiny-1", timeout=2.0, retries=2,
                                   max_tokens=300), **changes)
    return ChatClient(settings, backoff=0.05)


def body(c: ChatClient) -> dict[str, object]:
    return c.request_body("You check claims.", "Claim: x", "answer", SCHEMA)


def test_the_request_is_the_chat_completions_format_and_the_reply_is_read() -> None:
    with serve_chat(answer=lambda _: '{"ok": true}') as server:
        c = client(server.url, api_key="sk-test")
        reply = c.chat(body(c))
    assert reply.content == '{"ok": true}' and reply.finish_reason == "stop"
    assert reply.prompt_tokens > 0 and reply.completion_tokens == 7 and reply.model == "tiny-1"
    sent = server.requests[0]
    assert sent["model"] == "tiny-1" and sent["temperature"] == 0 and sent["max_tokens"] == 300
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert sent["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "answer", "schema": SCHEMA, "strict": True}}
    assert server.headers[0]["authorization"] == "Bearer sk-test"


def test_no_key_no_authorization_header() -> None:
    with serve_chat(answer=lambda _: "{}") as server:
        c = client(server.url)
        c.chat(body(c))
    assert "authorization" not in server.headers[0]


def test_429_waits_for_retry_after_then_succeeds() -> None:
    queue = [Reply(429, json.dumps({"error": {"message": "Rate limit reached"}}),
                   headers={"Retry-After": "1"})]
    with serve_chat(answer=lambda _: "{}", queue=queue) as server:
        c = client(server.url)
        started = time.monotonic()
        assert c.chat(body(c)).content == "{}"
        waited = time.monotonic() - started
    assert len(server.requests) == 2
    assert waited >= 0.95


def test_a_retry_after_longer_than_the_cap_is_not_waited_for() -> None:
    queue = [Reply(429, "{}", headers={"Retry-After": "3600"})]
    with serve_chat(answer=lambda _: "{}", queue=queue) as server:
        c = client(server.url)
        with pytest.raises(TransientLLMError, match="Retry-After 3600 s"):
            c.chat(body(c))
    assert len(server.requests) == 1


def test_500_then_success() -> None:
    queue = [Reply(500, json.dumps({"error": "model is loading"})),
             Reply(503, "Service Unavailable")]
    with serve_chat(answer=lambda _: "{}", queue=queue) as server:
        c = client(server.url)
        assert c.chat(body(c)).content == "{}"
    assert len(server.requests) == 3


def test_5xx_every_time_is_transient_after_the_retries() -> None:
    queue = [Reply(502, "{}") for _ in range(3)]
    with serve_chat(queue=queue) as server:
        c = client(server.url)
        with pytest.raises(TransientLLMError, match="HTTP 502"):
            c.chat(body(c))
    assert len(server.requests) == 3


def test_a_timeout_is_retried_then_transient() -> None:
    queue = [Reply(delay=1.5, content="{}") for _ in range(2)]
    with serve_chat(queue=queue) as server:
        c = client(server.url, timeout=0.5, retries=1)
        with pytest.raises(TransientLLMError, match="timed out after 0.5 s"):
            c.chat(body(c))
    assert len(server.requests) == 2


@pytest.mark.parametrize(("reply", "message"), [
    (Reply(401, json.dumps({"error": {"message": "Incorrect API key provided"}})),
     "HTTP 401: Incorrect API key provided (check CLAIMTRACK_LLM_API_KEY)"),
    (Reply(404, json.dumps({"error": "model 'tiny-1' not found"})), "model 'tiny-1' not found"),
    (Reply(200, "<html>proxy error</html>"), "not JSON"),
    (Reply(200, json.dumps({"object": "chat.completion", "choices": []})), "without choices"),
    (Reply(200, json.dumps({"choices": [{"message": {"role": "assistant", "content": None,
                                                     "refusal": "I can't help with that."}}]})),
     "refused: I can't help"),
], ids=["401", "404", "html", "no-choices", "refusal"])
def test_terminal_failures_are_not_retried(reply: Reply, message: str) -> None:
    with serve_chat(queue=[reply]) as server:
        c = client(server.url)
        with pytest.raises(TerminalLLMError) as caught:
            c.chat(body(c))
    assert message in str(caught.value)
    assert len(server.requests) == 1


def test_nothing_listening_is_transient() -> None:
    with serve_chat() as server:
        url = server.url
    c = client(url, retries=0)
    with pytest.raises(TransientLLMError, match="unreachable"):
        c.chat(body(c))


def test_endpoint_takes_a_base_or_the_full_path() -> None:
    assert endpoint("http://127.0.0.1:11434/v1/") == "http://127.0.0.1:11434/v1/chat/completions"
    assert endpoint("https://api.example/v1/chat/completions") == (
        "https://api.example/v1/chat/completions")
