"""robots.txt, read once per origin per Fetcher, with protego.

Failure handling follows RFC 9309 section 2.3.1: a 4xx robots.txt (missing) allows everything; a
5xx, a network failure or a timeout means "unreachable" and disallows the whole origin for this
Fetcher's lifetime (one run); so does a 429 (the server asked us to back off). The fetcher
reports those pages ``skipped``/``robots`` -- except when robots.txt could not be read at all
(timeout, refused, TLS failure, after the fetcher's retries): then the pages fail with that
reason, which is the truth about the host. Redirects of robots.txt are followed (up to five
hops, by the fetcher); the file is read up to 500 KiB.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from sources.decode import decode_body

MAX_ROBOTS_BYTES = 500 * 1024
AGENT = "claimtrack"

# (url) -> (http status, body bytes); raises (a FetchError with a reason) when unreachable
RobotsGetter = Callable[[str], Awaitable[tuple[int, bytes]]]


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin's robots.txt says to us."""

    parser: Protego | None  # None: no rules (allow all) or unreachable (see ``disallow_all``)
    disallow_all: bool = False
    status: int | None = None
    error: str | None = None  # why robots.txt could not be read at all ("timeout", "tls_error")

    def allowed(self, url: str, agent: str = AGENT) -> bool:
        if self.disallow_all:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str = AGENT) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def robots_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: "claimtrack/0.1 (...)" ->
    "claimtrack" (RFC 9309 section 2.2.1)."""
    token = user_agent.strip().split("/", 1)[0].split(" ", 1)[0]
    return token or AGENT


def origin_of(url: str | httpx.URL) -> str:
    parsed = httpx.URL(str(url))
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.scheme}://{parsed.host}:{port}"


def parse_robots(status: int | None, body: bytes) -> RobotsRules:
    if status is None or status >= 500 or status == 429:
        return RobotsRules(None, disallow_all=True, status=status)
    if status >= 400:
        return RobotsRules(None, status=status)
    if not 200 <= status < 300:
        return RobotsRules(None, status=status)
    text = decode_body(body[:MAX_ROBOTS_BYTES], "text/plain")
    try:
        return RobotsRules(Protego.parse(text), status=status)
    except Exception:  # protego on garbage: treat as no rules rather than fail the page
        return RobotsRules(None, status=status)


class RobotsCache:
    """One robots.txt read per origin; concurrent pages of a new origin wait for the one read.

    The read runs as its own task, so a page that hits its deadline while waiting does not
    cancel the read for the other pages of that origin.
    """

    def __init__(self, get: RobotsGetter) -> None:
        self._get = get
        self._tasks: dict[str, asyncio.Task[RobotsRules]] = {}

    async def _load(self, origin: str) -> RobotsRules:
        try:
            status, body = await self._get(origin + "/robots.txt")
        except Exception as exc:  # unreachable: disallow all, and remember why
            return RobotsRules(None, disallow_all=True, error=getattr(exc, "reason", "error"))
        return parse_robots(status, body)

    async def rules_for(self, url: str | httpx.URL) -> RobotsRules:
        origin = origin_of(url)
        task = self._tasks.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin))
            self._tasks[origin] = task
        return await asyncio.shield(task)

    async def aclose(self) -> None:
        for task in self._tasks.values():
            if not task.done():
                task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
