"""The fetcher against a real local server: success paths, politeness, retries, robots, decoding."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from claimtrack.clock import FrozenClock
from claimtrack.settings import FetchSettings
from sources import Fetcher, decode_body, detect_encoding, fetch_urls
from sources.responses import retry_after_seconds, user_agent
from tests.sources.faultserver import HTML, FaultServer


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def settings(server: FaultServer) -> FetchSettings:
    return FetchSettings(
        concurrency=8, per_host=8, host_delay=0.0, connect_timeout=1.0, read_timeout=1.0,
        page_deadline=3.0, retries=2, backoff=0.01, retry_after_cap=1.0,
        allow_hosts=(server.host,),
    )


async def test_fetch_ok_records_metadata(server: FaultServer, settings: FetchSettings) -> None:
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(server.url("/ok"))
    assert (result.status, result.reason, result.http_status) == ("fetched", "ok", 200)
    assert result.body == HTML
    assert result.bytes == len(HTML)
    assert result.encoding == "utf-8"
    assert result.content_type == "text/html; charset=utf-8"
    assert result.final_url == server.url("/ok")
    assert result.sha256 is not None and len(result.sha256) == 64
    assert result.attempts == 1
    assert [a.request_url for a in fetcher.attempts] == [server.url("/ok")]


async def test_user_agent_and_accept_encoding(server: FaultServer, settings: FetchSettings) -> None:
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(server.url("/echo"))
    assert result.body is not None
    echoed = result.body.decode()
    assert "claimtrack" in echoed
    assert settings.contact_url in echoed
    assert "accept-encoding: gzip, deflate, br" in echoed
    custom = replace(settings, user_agent="examplebot/1", contact_url="https://example.org/bot")
    assert user_agent(custom) == "examplebot/1 (+https://example.org/bot)"


async def test_redirect_followed_and_compressed_bodies(server: FaultServer,
                                                       settings: FetchSettings) -> None:
    async with Fetcher(settings) as fetcher:
        moved, gz, br = await fetcher.fetch_many(
            [server.url("/redirect-ok"), server.url("/gzip-ok"), server.url("/br-ok")]
        )
    assert moved.status == "fetched" and moved.final_url == server.url("/ok")
    assert gz.body == HTML and gz.bytes == len(HTML)
    assert br.body == HTML


async def test_fetch_many_keeps_order_and_fetches_duplicates_once(
    server: FaultServer, settings: FetchSettings
) -> None:
    urls = [server.url(f"/page/{i}") for i in (3, 1, 2)] + [server.url("/page/1")]
    async with Fetcher(settings) as fetcher:
        results = await fetcher.fetch_many(urls)
    assert [r.url for r in results] == urls
    assert server.paths().count("/page/1") == 1


async def test_conditional_refetch(server: FaultServer, settings: FetchSettings) -> None:
    url = server.url("/etag")
    async with Fetcher(settings) as fetcher:
        first = await fetcher.fetch(url)
        assert first.etag == '"v1"' and first.last_modified is not None
        again, = await fetcher.fetch_many([url], validators={url: (first.etag,
                                                                   first.last_modified)})
    assert again.status == "fetched" and again.reason == "not_modified" and again.not_modified
    assert again.http_status == 304 and again.body is None
    sent = [r for r in server.requests if r.path == "/etag"]
    assert sent[-1].headers["if-none-match"] == '"v1"'
    assert sent[-1].headers["if-modified-since"] == first.last_modified


async def test_retries_transient_then_succeeds(server: FaultServer,
                                               settings: FetchSettings) -> None:
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(server.url("/flaky?fail=2&key=a"))
    assert result.status == "fetched" and result.attempts == 3
    assert [a.reason for a in fetcher.attempts] == ["http_503", "http_503", "ok"]


async def test_gives_up_after_retries_and_not_on_4xx(server: FaultServer,
                                                     settings: FetchSettings) -> None:
    async with Fetcher(settings) as fetcher:
        flaky, gone, long_wait = await fetcher.fetch_many([
            server.url("/flaky?fail=9&key=b"), server.url("/status/410"),
            server.url("/status/429?retry_after=3600"),
        ])
    assert (flaky.status, flaky.reason, flaky.attempts) == ("failed", "http_503", 3)
    assert (gone.reason, gone.attempts) == ("http_410", 1)
    # Retry-After beyond retry_after_cap: not waited for
    assert (long_wait.reason, long_wait.attempts) == ("http_429", 1)


async def test_retry_after_is_honoured(server: FaultServer, settings: FetchSettings) -> None:
    async with Fetcher(replace(settings, retries=1)) as fetcher:
        t0 = time.monotonic()
        result = await fetcher.fetch(server.url("/status/503?retry_after=1"))
        elapsed = time.monotonic() - t0
    assert result.attempts == 2 and result.reason == "http_503"
    assert elapsed >= 0.95


def test_retry_after_parsing() -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


async def test_retry_after_date_uses_the_clock(server: FaultServer,
                                               settings: FetchSettings) -> None:
    clock = FrozenClock(datetime(2015, 10, 21, 7, 0, tzinfo=UTC))
    date = "Wed, 21 Oct 2015 08:00:00 GMT"  # an hour after the frozen now: beyond the cap
    async with Fetcher(settings, clock=clock) as fetcher:
        result = await fetcher.fetch(server.url(f"/status/503?retry_after={date}"))
    assert result.attempts == 1
    assert fetcher.attempts[0].at == clock.now


async def test_per_host_concurrency_and_delay(server: FaultServer,
                                              settings: FetchSettings) -> None:
    polite = replace(settings, per_host=1, host_delay=0.15)
    urls = [server.url(f"/page/{i}?delay=0.05") for i in range(4)]
    async with Fetcher(polite) as fetcher:
        results = await fetcher.fetch_many(urls)
    assert all(r.status == "fetched" for r in results)
    assert server.max_active == 1
    starts = sorted(r.at for r in server.requests if r.path.startswith("/page/"))
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.14


async def test_global_concurrency_bound(server: FaultServer, settings: FetchSettings) -> None:
    bounded = replace(settings, concurrency=3, per_host=10)
    urls = [server.url(f"/page/{i}?delay=0.1") for i in range(9)]
    async with Fetcher(bounded) as fetcher:
        await fetcher.fetch(server.url("/robots.txt"))  # robots read first, outside the count
        server.max_active = 0
        await fetcher.fetch_many(urls)
    assert 2 <= server.max_active <= 3  # never more; 3 unless the machine is very busy


async def test_crawl_delay_is_honoured(server: FaultServer, settings: FetchSettings) -> None:
    server.robots_body = b"User-agent: *\nCrawl-delay: 0.2\n"
    async with Fetcher(replace(settings, per_host=4)) as fetcher:
        await fetcher.fetch_many([server.url(f"/page/{i}") for i in range(3)])
    starts = sorted(r.at for r in server.requests if r.path.startswith("/page/"))
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.19


async def test_robots_read_once_and_rfc9309_failures(server: FaultServer,
                                                     settings: FetchSettings) -> None:
    async with Fetcher(settings) as fetcher:
        results = await fetcher.fetch_many(
            [server.url("/private/secret"), server.url("/ok"), server.url("/page/1")]
        )
    assert [(r.status, r.reason) for r in results] == [
        ("skipped", "robots"), ("fetched", "ok"), ("fetched", "ok")
    ]
    assert server.paths().count("/robots.txt") == 1
    assert "/private/secret" not in server.paths()

    server.robots_status = 404  # no robots.txt: everything allowed
    async with Fetcher(settings) as fetcher:
        assert (await fetcher.fetch(server.url("/private/secret"))).status == "fetched"

    server.robots_status = 503  # unreachable robots.txt: nothing allowed this run
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(server.url("/ok"))
    assert (result.status, result.reason) == ("skipped", "robots")

    async with Fetcher(replace(settings, respect_robots=False)) as fetcher:
        assert (await fetcher.fetch(server.url("/private/secret"))).status == "fetched"


async def test_politeness_waits_do_not_eat_the_page_deadline(
    server: FaultServer, settings: FetchSettings
) -> None:
    for per_host in (1, 4):  # queued for a slot, or queued for the host's turn
        polite = replace(settings, per_host=per_host, host_delay=0.3, page_deadline=0.5,
                         retries=0)
        async with Fetcher(polite) as fetcher:
            results = await fetcher.fetch_many([server.url(f"/page/{i}") for i in range(4)])
        assert [r.reason for r in results] == ["ok"] * 4, per_host


async def test_crawl_delay_is_capped(server: FaultServer, settings: FetchSettings) -> None:
    server.robots_body = b"User-agent: *\nCrawl-delay: 3600\n"
    capped = replace(settings, per_host=1, retry_after_cap=0.1)
    t0 = time.monotonic()
    async with Fetcher(capped) as fetcher:
        results = await fetcher.fetch_many([server.url(f"/page/{i}") for i in range(3)])
    assert all(r.status == "fetched" for r in results)
    assert time.monotonic() - t0 < 2


async def test_redirect_hops_are_checked_against_robots_and_encodings(
    server: FaultServer, settings: FetchSettings
) -> None:
    async with Fetcher(settings) as fetcher:
        blocked, unknown, broken = await fetcher.fetch_many([
            server.url("/to-robots-blocked"), server.url("/unknown-encoding"),
            server.url("/broken-gzip"),
        ])
    assert (blocked.status, blocked.reason) == ("skipped", "robots")
    assert blocked.final_url == server.url("/private/secret")
    assert "/private/secret" not in server.paths()
    assert (unknown.status, unknown.reason) == ("failed", "decoding")
    assert (broken.status, broken.reason) == ("failed", "decoding")


def test_fetch_urls_sync(server: FaultServer, settings: FetchSettings) -> None:
    log: list = []
    results = fetch_urls([server.url("/ok"), server.url("/redirect-ok")], settings,
                         attempts=log)
    assert [r.reason for r in results] == ["ok", "ok"]
    assert sorted((a.request_url, a.reason) for a in log) == sorted([
        (server.url("/ok"), "ok"), (server.url("/redirect-ok"), "redirect"),
        (server.url("/ok"), "ok"),
    ])
    url = server.url("/etag")
    again = fetch_urls([url], settings, {url: ('"v1"', None)})
    assert again[0].not_modified


async def test_fetch_urls_inside_a_running_loop(server: FaultServer,
                                                settings: FetchSettings) -> None:
    results = fetch_urls([server.url("/ok")], settings)
    assert results[0].status == "fetched"
    await asyncio.sleep(0)


async def test_fetcher_requires_context(settings: FetchSettings) -> None:
    with pytest.raises(RuntimeError):
        await Fetcher(settings).fetch("http://example.org/")


# -- charset detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "header", "text"),
    [
        ("Café crème".encode(), "text/html; charset=iso-8859-1", "Café crème"),
        ("Café – “q”".encode("cp1252"), "text/html; charset=utf-8", "Café – “q”"),
        ("Café".encode("cp1252"), "text/html; charset=latin-1", "Café"),
        (b"\xef\xbb\xbfCaf\xc3\xa9", "text/html; charset=cp1252", "Café"),
        ("Café".encode("utf-16"), None, "Café"),
        ("<meta charset='windows-1251'><p>Привет мир</p>".encode("cp1251"), "text/html",
         "<meta charset='windows-1251'><p>Привет мир</p>"),
        ("<p>Привет, мир! Это обычная русская страница о погоде.</p>".encode("cp1251"), None,
         "<p>Привет, мир! Это обычная русская страница о погоде.</p>"),
        (b"plain ascii", "text/plain; charset=bogus-charset", "plain ascii"),
        (b"", None, ""),
    ],
)
def test_decode_body_survives_wrong_headers(body: bytes, header: str | None, text: str) -> None:
    assert decode_body(body, header) == text


def test_detect_encoding_names() -> None:
    assert detect_encoding(b"abc", None) == "utf-8"
    assert detect_encoding("é".encode(), "text/html; charset=iso-8859-1") == "utf-8"
    assert detect_encoding("é".encode("cp1252") + b" ok", "text/html; charset=iso-8859-1") == "cp1252"


@pytest.mark.parametrize(
    ("status", "body", "allowed"),
    [
        (200, b"User-agent: *\nDisallow: /private/\n", False),
        (200, b"User-agent: claimtrack\nDisallow: /\n", False),
        (200, b"User-agent: otherbot\nDisallow: /\n", True),
        (200, b"\x00\xff garbage \xfe", True),
        (404, b"", True),
        (403, b"", True),
        (429, b"", False),
        (500, b"", False),
        (503, b"", False),
        (None, b"", False),
    ],
)
def test_robots_rules_by_status(status: int | None, body: bytes, allowed: bool) -> None:
    from sources.robots import parse_robots

    rules = parse_robots(status, body)
    assert rules.allowed("http://example.org/private/page") is allowed


def test_robots_token_follows_the_user_agent() -> None:
    from sources.robots import parse_robots, robots_token

    assert robots_token(FetchSettings().user_agent) == "claimtrack"
    assert robots_token("examplebot/2.0 (+https://example.org)") == "examplebot"
    assert robots_token("") == "claimtrack"
    rules = parse_robots(200, b"User-agent: examplebot\nDisallow: /\n")
    assert not rules.allowed("http://example.org/a", "examplebot")
    assert rules.allowed("http://example.org/a", "claimtrack")


def test_robots_crawl_delay() -> None:
    from sources.robots import parse_robots

    assert parse_robots(200, b"User-agent: *\nCrawl-delay: 2.5\n").crawl_delay() == 2.5
    assert parse_robots(200, b"User-agent: *\nDisallow:\n").crawl_delay() is None
    assert parse_robots(404, b"").crawl_delay() is None
