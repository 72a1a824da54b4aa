"""Polite, bounded, safe fetching: URL in, raw bytes and metadata out (parsing happens elsewhere).

One ``Fetcher`` per run owns one ``httpx.AsyncClient``. For every URL it:

- vets the URL (http/https, public address after DNS, unless allowed) at every redirect hop, and
  connects only to the address it checked (``sources.addresses.GuardedBackend``);
- reads robots.txt once per origin (``sources.robots``) and honours Crawl-delay;
- limits concurrency overall (``concurrency``) and per host (``per_host``), and spaces requests to
  one host by ``host_delay`` (or the Crawl-delay, capped at ``retry_after_cap``);
- follows at most ``max_redirects`` redirects itself, refusing loops;
- retries connection errors, timeouts, 5xx and 429 with exponential backoff and jitter, honouring
  Retry-After up to ``retry_after_cap`` (a longer Retry-After is not waited for: the page fails);
- streams the body with caps on raw bytes (``max_bytes``, checked against Content-Length first)
  and on decompressed bytes (``max_decompressed_bytes``), and accepts HTML, XHTML and plain text
  (and the settings' ``extra_types``: the fact-check import reads JSON);
- sends If-None-Match / If-Modified-Since when given validators; a 304 is ``not_modified``.

The page deadline (``page_deadline``) bounds the time spent in requests, redirects and backoff for
one URL; waiting for a concurrency slot, for a host's turn, or for robots.txt is not counted
(those are bounded by the other pages' deadlines and by robots' own timeouts).

A bad source never raises: ``fetch`` returns a ``FetchResult`` with status ``failed`` or
``skipped`` and a short machine reason (see ``sources.responses.REASONS``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

import httpcore
import httpx

from claimtrack.clock import Clock, utcnow
from claimtrack.errors import FetchError, TerminalFetchError, TransientFetchError
from claimtrack.settings import FetchSettings
from sources.addresses import GuardedBackend, check_url_async, parse_url
from sources.decode import detect_encoding
from sources.encoding import ACCEPT_ENCODING, Decoder, decoder_for
from sources.model import FetchResult
from sources.responses import (
    ALLOWED_TYPES,
    REDIRECTS,
    SKIP_REASONS,
    looks_binary,
    media_type,
    retry_after_seconds,
    translate_error,
    user_agent,
)
from sources.robots import MAX_ROBOTS_BYTES, RobotsCache, RobotsRules, robots_token

log = logging.getLogger(__name__)

Validators = Mapping[str, tuple[str | None, str | None]]

@dataclass(frozen=True, slots=True)
class FetchAttempt:
    """One HTTP request made for a page (redirect hops and retries each count)."""

    url: str  # the page asked for
    request_url: str  # this hop
    at: datetime
    http_status: int | None
    reason: str  # "ok", "redirect", "http_503", "timeout", ...
    bytes: int
    ms: int


@dataclass(slots=True)
class _Page:
    """Mutable state of one page while it is being fetched."""

    url: str
    deadline: float
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    attempts: int = 0
    bytes: int = 0
    log: list[FetchAttempt] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Body:
    data: bytes
    not_modified: bool = False


class _Redirect(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose network backend checks every address."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        ssl_context = ssl_context or httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class Fetcher:
    """Async context manager owning one HTTP client; see the module docstring for the policy."""

    def __init__(self, settings: FetchSettings, *, clock: Clock = utcnow,
                 backend: GuardedBackend | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        """``backend`` and ``ssl_context`` exist for tests and private CAs; the defaults are the
        address guard with the system resolver and certifi's CA bundle."""
        self.settings = settings
        self.clock = clock
        self.backend = backend or GuardedBackend(settings.allow_hosts)
        self._ssl_context = ssl_context
        self.attempts: list[FetchAttempt] = []  # every request made, in order
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._turn_locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}
        self._robots = RobotsCache(self._get_robots)
        self._agent = user_agent(settings)
        self._robots_agent = robots_token(settings.user_agent)
        self._random = random.Random()

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        limits = httpx.Limits(
            max_connections=2 * s.concurrency + 4,
            max_keepalive_connections=s.concurrency,
            keepalive_expiry=5.0,
        )
        timeout = httpx.Timeout(
            connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout,
            pool=s.page_deadline,
        )
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(self.backend, limits, self._ssl_context),
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": self._agent,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )
        self._global = asyncio.Semaphore(max(1, s.concurrency))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self._robots.aclose()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- public ------------------------------------------------------------------------------

    async def fetch_many(self, urls: Iterable[str], *, validators: Validators | None = None
                         ) -> list[FetchResult]:
        """Fetch every URL (each distinct URL once); results in input order; never raises."""
        urls = list(urls)
        validators = validators or {}
        unique = list(dict.fromkeys(urls))
        done = await asyncio.gather(*(
            self.fetch(u, etag=validators.get(u, (None, None))[0],
                       last_modified=validators.get(u, (None, None))[1])
            for u in unique
        ))
        by_url = dict(zip(unique, done, strict=True))
        return [by_url[u] for u in urls]

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None) -> FetchResult:
        """Fetch one URL; a bad source gives a failed/skipped result, never an exception."""
        if self._client is None or self._global is None:
            raise RuntimeError("use 'async with Fetcher(settings) as fetcher'")
        started = time.monotonic()
        page = _Page(url=url, deadline=started + self.settings.page_deadline)
        try:
            host = parse_url(url).host.lower()
        except FetchError as exc:
            return self._failure(page, exc, started)
        try:
            async with self._host_slot(host), self._global:
                page.deadline = time.monotonic() + self.settings.page_deadline
                started = time.monotonic()
                body = await self._with_retries(page, etag, last_modified)
        except FetchError as exc:
            return self._failure(page, exc, started)
        except Exception as exc:  # a bug or an unexpected library error: one page, not the run
            log.exception("unexpected error fetching %s", url)
            return self._failure(
                page, TerminalFetchError(f"{type(exc).__name__}: {exc}", reason="error"), started
            )
        return self._success(page, body, started)

    # -- politeness ----------------------------------------------------------------------------

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(max(1, self.settings.per_host))
        return slot

    async def _wait_turn(self, host: str, delay: float) -> float:
        """Space request starts to one host by ``delay``; returns the seconds waited in all
        (queueing behind other pages of the host included)."""
        t0 = time.monotonic()
        lock = self._turn_locks.setdefault(host, asyncio.Lock())
        async with lock:
            wait = self._next_start.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_start[host] = time.monotonic() + delay
        return time.monotonic() - t0

    def _host_delay(self, rules: RobotsRules | None) -> float:
        delay = self.settings.host_delay
        crawl = rules.crawl_delay(self._robots_agent) if rules is not None else None
        if crawl is not None:
            delay = max(delay, min(crawl, self.settings.retry_after_cap))
        return delay

    # -- one page ------------------------------------------------------------------------------

    async def _with_retries(self, page: _Page, etag: str | None, last_modified: str | None
                            ) -> _Body:
        s = self.settings
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for attempt in range(s.retries + 1):
            page.retry_after = None
            try:
                return await self._follow(page, headers)
            except FetchError as exc:
                if not exc.transient or attempt == s.retries:
                    raise
                wait = s.backoff * (2**attempt) * self._random.uniform(0.5, 1.5)
                if page.retry_after is not None:
                    if page.retry_after > s.retry_after_cap:
                        raise
                    wait = max(wait, page.retry_after)
                if time.monotonic() + wait >= page.deadline:
                    raise
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _follow(self, page: _Page, headers: dict[str, str]) -> _Body:
        """One attempt: request, following redirects with every hop vetted."""
        page.attempts += 1
        current = page.url
        seen = {current}
        for _hop in range(self.settings.max_redirects + 1):
            parsed = await check_url_async(current, self.settings.allow_hosts,
                                           self.backend.resolve)
            page.final_url = current
            rules = None
            if self.settings.respect_robots:
                rules = await self._robots.rules_for(parsed)
                if not rules.allowed(current, self._robots_agent):
                    if rules.error is not None:  # the host itself is unreachable: say why
                        raise TerminalFetchError(f"robots.txt unreachable ({rules.error})",
                                                 reason=rules.error, url=current)
                    raise TerminalFetchError("disallowed by robots.txt", reason="robots",
                                             url=current)
            waited = await self._wait_turn(parsed.host.lower(), self._host_delay(rules))
            page.deadline += waited
            try:
                return await self._request(page, current, headers)
            except _Redirect as redirect:
                try:
                    target = str(httpx.URL(current).join(redirect.location).copy_with(
                        fragment=None))
                except (httpx.InvalidURL, ValueError) as exc:
                    raise TerminalFetchError(f"bad Location {redirect.location!r}",
                                             reason="bad_redirect", url=current) from exc
                if target in seen:
                    raise TerminalFetchError(f"redirect loop at {target}",
                                             reason="redirect_loop", url=current) from None
                seen.add(target)
                current = target
        raise TerminalFetchError(
            f"more than {self.settings.max_redirects} redirects", reason="too_many_redirects",
            url=current,
        )

    async def _request(self, page: _Page, url: str, headers: dict[str, str]) -> _Body:
        assert self._client is not None
        t0 = time.monotonic()
        at = self.clock()
        got_headers = False
        reason = "ok"
        status: int | None = None
        size = 0
        try:
            async with asyncio.timeout_at(self._loop_deadline(page)):
                request = self._client.build_request("GET", url, headers=headers)
                response = await self._client.send(request, stream=True)
                got_headers = True
                status = response.status_code
                try:
                    body = await self._read(page, url, response)
                    size = len(body.data)
                    return body
                finally:
                    await response.aclose()
        except _Redirect:
            reason = "redirect"
            raise
        except TimeoutError as exc:
            reason = "timeout"
            raise TransientFetchError("page deadline passed", reason="timeout", url=url) from exc
        except httpx.HTTPError as exc:
            error = translate_error(exc, url, got_headers=got_headers)
            reason = error.reason
            raise error from exc
        except FetchError as exc:
            reason = exc.reason
            raise
        finally:
            attempt = FetchAttempt(page.url, url, at, status, reason, size,
                                   int((time.monotonic() - t0) * 1000))
            page.log.append(attempt)
            self.attempts.append(attempt)

    def _loop_deadline(self, page: _Page) -> float:
        """``page.deadline`` (time.monotonic) on the event loop's clock."""
        loop = asyncio.get_running_loop()
        return loop.time() + (page.deadline - time.monotonic())

    async def _read(self, page: _Page, url: str, response: httpx.Response) -> _Body:
        """Check status and headers, then stream the body within the caps."""
        s = self.settings
        status = response.status_code
        page.http_status = status
        page.content_type = response.headers.get("content-type")
        if status in REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise TerminalFetchError("redirect without Location", reason="bad_redirect",
                                         url=url)
            raise _Redirect(location)
        if status == 304:
            page.etag = response.headers.get("etag") or page.etag
            page.last_modified = response.headers.get("last-modified") or page.last_modified
            return _Body(b"", not_modified=True)
        if status == 429 or status >= 500:
            page.retry_after = retry_after_seconds(response.headers.get("retry-after"),
                                                   self.clock())
            raise TransientFetchError(f"HTTP {status}", reason=f"http_{status}", url=url)
        if status >= 300 or status < 200:
            raise TerminalFetchError(f"HTTP {status}", reason=f"http_{status}", url=url)
        kind = media_type(page.content_type)
        if kind and kind not in ALLOWED_TYPES and kind not in s.extra_types:
            raise TerminalFetchError(f"content type {kind!r} is not read",
                                     reason="content_type", url=url)
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > s.max_bytes:
            raise TerminalFetchError(f"Content-Length {declared} over the {s.max_bytes} cap",
                                     reason="too_large", url=url)
        page.etag = response.headers.get("etag")
        page.last_modified = response.headers.get("last-modified")
        decoder = decoder_for(response.headers.get("content-encoding"))
        encoded = type(decoder) is not Decoder
        cap = s.max_decompressed_bytes if encoded else s.max_bytes
        buf = bytearray()
        raw = 0
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            page.bytes = raw
            if raw > s.max_bytes:
                raise TerminalFetchError(f"body over the {s.max_bytes} byte cap",
                                         reason="too_large", url=url)
            for piece in decoder.feed(chunk):
                self._append(buf, piece, cap, encoded, url)
        for piece in decoder.flush():
            self._append(buf, piece, cap, encoded, url)
        if not buf:
            raise TerminalFetchError("empty body", reason="empty_body", url=url)
        if looks_binary(bytes(buf[:1024])) or (not kind and b"\x00" in buf[:4096]):
            raise TerminalFetchError("binary content", reason="binary", url=url)
        return _Body(bytes(buf))

    @staticmethod
    def _append(buf: bytearray, piece: bytes, cap: int, encoded: bool, url: str) -> None:
        if len(buf) + len(piece) > cap:
            if encoded:
                raise TerminalFetchError(f"decompressed body over the {cap} byte cap",
                                         reason="decompression_bomb", url=url)
            raise TerminalFetchError(f"body over the {cap} byte cap", reason="too_large",
                                     url=url)
        buf += piece

    # -- robots.txt ----------------------------------------------------------------------------

    async def _get_robots(self, url: str) -> tuple[int, bytes]:
        """robots.txt of one origin: (status, first 500 KiB); raises FetchError if unreachable.

        Transient failures are retried like a page's (``retries``, with backoff)."""
        for attempt in range(self.settings.retries + 1):
            try:
                return await self._get_robots_once(url)
            except FetchError as exc:
                if not exc.transient or attempt == self.settings.retries:
                    raise
                await asyncio.sleep(self.settings.backoff * (2**attempt)
                                    * self._random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")

    async def _get_robots_once(self, url: str) -> tuple[int, bytes]:
        assert self._client is not None
        current = url
        try:
            async with asyncio.timeout(self.settings.page_deadline):
                for _hop in range(6):
                    parsed = await check_url_async(current, self.settings.allow_hosts,
                                                   self.backend.resolve)
                    await self._wait_turn(parsed.host.lower(), self.settings.host_delay)
                    async with self._client.stream("GET", current) as response:
                        location = response.headers.get("location")
                        if response.status_code in REDIRECTS and location:
                            current = str(httpx.URL(current).join(location))
                            continue
                        data = bytearray()
                        decoder = decoder_for(response.headers.get("content-encoding"))
                        async for chunk in response.aiter_raw():
                            for piece in decoder.feed(chunk):
                                data += piece
                            if len(data) >= MAX_ROBOTS_BYTES:
                                break
                        return response.status_code, bytes(data[:MAX_ROBOTS_BYTES])
        except TimeoutError as exc:
            raise TransientFetchError("robots.txt timed out", reason="timeout", url=url) from exc
        except httpx.HTTPError as exc:
            raise translate_error(exc, url, got_headers=False) from exc
        raise TerminalFetchError("robots.txt redirects too often", reason="too_many_redirects",
                                 url=url)

    # -- results -------------------------------------------------------------------------------

    def _success(self, page: _Page, body: _Body, started: float) -> FetchResult:
        ms = int((time.monotonic() - started) * 1000)
        if body.not_modified:
            return FetchResult(
                url=page.url, status="fetched", reason="not_modified", final_url=page.final_url,
                http_status=page.http_status, content_type=page.content_type, ms=ms,
                attempts=page.attempts, etag=page.etag, last_modified=page.last_modified,
                not_modified=True,
            )
        return FetchResult(
            url=page.url, status="fetched", reason="ok", final_url=page.final_url,
            http_status=page.http_status, content_type=page.content_type,
            encoding=detect_encoding(body.data, page.content_type), body=body.data,
            bytes=len(body.data), ms=ms, attempts=page.attempts, etag=page.etag,
            last_modified=page.last_modified, sha256=hashlib.sha256(body.data).hexdigest(),
        )

    def _failure(self, page: _Page, exc: FetchError, started: float) -> FetchResult:
        reason = exc.reason or "error"
        log.info("fetch %s: %s (%s)", page.url, reason, exc)
        return FetchResult(
            url=page.url, status="skipped" if reason in SKIP_REASONS else "failed",
            reason=reason, final_url=page.final_url, http_status=page.http_status,
            content_type=page.content_type, bytes=page.bytes,
            ms=int((time.monotonic() - started) * 1000), attempts=max(page.attempts, 0),
        )


def fetch_urls(urls: Sequence[str], settings: FetchSettings,
               validators: Validators | None = None, *, clock: Clock = utcnow,
               attempts: list[FetchAttempt] | None = None) -> list[FetchResult]:
    """Synchronous ``Fetcher.fetch_many`` for callers outside async code (runs its own loop).

    Pass a list as ``attempts`` to receive every HTTP request made (retries and redirect hops).
    """

    async def run() -> list[FetchResult]:
        async with Fetcher(settings, clock=clock) as fetcher:
            try:
                return await fetcher.fetch_many(urls, validators=validators or {})
            finally:
                if attempts is not None:
                    attempts.extend(fetcher.attempts)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run())
    return _in_thread(lambda: asyncio.run(run()))


def _in_thread(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a fresh thread (we were called from inside a running event loop)."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = work()
        except BaseException as exc:  # re-raised in the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=target, name="claimtrack-fetch")
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]
