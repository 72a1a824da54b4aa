"""A local OpenAI-compatible chat endpoint on 127.0.0.1 for tests.

``POST /v1/chat/completions`` answers in the chat.completion format that OpenAI, Ollama's /v1
and llama.cpp's server return (``choices[0].message.content``, ``finish_reason``, ``usage``). What
it answers is scripted: queued ``Reply``s first (a 429 with Retry-After, a 500, a slow answer, a
body that is not JSON), then the ``answer`` function's text for the request. Every request body
and its headers are kept, so a test can count what was sent.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted response: a status and a raw body, or (``content``) a chat.completion."""

    status: int = 200
    body: str | None = None
    content: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (for timeouts)
    finish_reason: str = "stop"


@dataclass
class ChatServer:
    url: str  # the API base, as CLAIMTRACK_LLM_URL takes it: http://127.0.0.1:PORT/v1
    requests: list[dict[str, Any]]
    headers: list[dict[str, str]]
    queue: list[Reply]
    answer: Callable[[dict[str, Any]], str]


def completion(content: str, model: str, prompt_tokens: int, completion_tokens: int,
               finish_reason: str = "stop") -> dict[str, Any]:
    """The body of a chat.completion as OpenAI documents it."""
    return {
        "id": "chatcmpl-test0001", "object": "chat.completion", "created": int(time.time()),
        "model": model, "system_fingerprint": "fp_local_test",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content,
                                             "refusal": None},
                     "logprobs": None, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def _tokens(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


@contextmanager
def serve_chat(answer: Callable[[dict[str, Any]], str] | None = None,
               queue: list[Reply] | None = None) -> Iterator[ChatServer]:
    """Run the endpoint; ``answer(request_body)`` gives the content once ``queue`` is empty."""
    state = ChatServer("", [], [], list(queue or []), answer or reader_answer)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path != "/v1/chat/completions":
                self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}), {})
                return
            body = json.loads(raw)
            with lock:
                state.requests.append(body)
                state.headers.append({k.lower(): v for k, v in self.headers.items()})
                reply = state.queue.pop(0) if state.queue else Reply()
            if reply.delay:
                time.sleep(reply.delay)
            if reply.body is not None:
                self._send(reply.status, reply.body, reply.headers)
                return
            content = reply.content if reply.content is not None else state.answer(body)
            prompt = sum(_tokens(m["content"]) for m in body["messages"])
            data = completion(content, body["model"], prompt, _tokens(content),
                              reply.finish_reason)
            self._send(reply.status, json.dumps(data), reply.headers)

        def _send(self, status: int, text: str, headers: dict[str, str]) -> None:
            data = text.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting (a timeout test)
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


_PASSAGE = re.compile(r"^\[(\d+)\][^\n]*\n(.*?)(?=\n\n|\Z)", re.MULTILINE | re.DOTALL)
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def prompt_parts(body: dict[str, Any]) -> tuple[str, dict[int, str]]:
    """The claim and the numbered passages of a request made by ``claims.llm.build_prompt``."""
    user = body["messages"][-1]["content"]
    claim = user.split("\n", 1)[0].removeprefix("Claim: ").strip()
    return claim, {int(n): text.strip() for n, text in _PASSAGE.findall(user)}


def reader_answer(body: dict[str, Any]) -> str:
    """A stand-in model that reads like a careful (if simple) checker: a passage that shares most
    of the claim's words supports it when it also has all of the claim's numbers and refutes it
    when it has a different year; anything else is neutral. Quotes are copied from the passage."""
    claim, passages = prompt_parts(body)
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", claim)}
    numbers = set(_NUMBER.findall(claim))
    stances = []
    for n, text in passages.items():
        sentences = re.split(r"(?<=[.!?])\s+", text)
        best = max(sentences, key=lambda s: len(words & {w.lower() for w in
                                                         re.findall(r"[A-Za-z]{4,}", s)}))
        shared = len(words & {w.lower() for w in re.findall(r"[A-Za-z]{4,}", best)})
        if words and shared >= 0.5 * len(words) and numbers <= set(_NUMBER.findall(best)):
            stances.append({"passage": n, "stance": "supports", "quote": best,
                            "reason": "says the same, with the same numbers"})
        elif words and shared >= 0.5 * len(words) and numbers and _NUMBER.findall(best):
            stances.append({"passage": n, "stance": "refutes", "quote": best,
                            "reason": "gives other numbers for the same thing"})
        else:
            stances.append({"passage": n, "stance": "neutral", "quote": "",
                            "reason": "about something else"})
    pro = [s["passage"] for s in stances if s["stance"] == "supports"]
    con = [s["passage"] for s in stances if s["stance"] == "refutes"]
    if pro and not con:
        verdict, cite = "supported", pro
    elif con and not pro:
        verdict, cite = "refuted", con
    elif pro and con:
        verdict, cite = "mixed", pro + con
    else:
        verdict, cite = "unverified", []
    rationale = (f"Passage [{cite[0]}] settles it." if cite else "No passage settles the claim.")
    return json.dumps({"stances": stances, "verdict": verdict, "confidence": 0.9 if cite else 0.5,
                       "rationale": rationale})
