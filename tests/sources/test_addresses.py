"""Which addresses the fetcher may reach: schemes, private ranges, allow-list, and connect-time checks."""

from __future__ import annotations

import ipaddress

import httpcore
import pytest

from claimtrack.errors import BlockedAddressError, TerminalFetchError
from sources.addresses import GuardedBackend, check_url, host_allowed, is_public
from tests.sources.faultserver import Trap


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("239.255.255.250", False),
        ("255.255.255.255", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::a00:1", False),
        ("2002:7f00:1::", False),
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.org/x", "scheme"),
        ("gopher://example.org/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("not a url", "bad_url"),
        ("http://", "bad_url"),
        ("http://[::1/", "bad_url"),
    ],
)
def test_check_url_refuses_bad_urls(url: str, reason: str) -> None:
    with pytest.raises(TerminalFetchError) as info:
        check_url(url, ())
    assert info.value.reason == reason


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.2:8080/x",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",
        "https://0.0.0.0/",
    ],
)
def test_check_url_refuses_private_addresses(url: str) -> None:
    with pytest.raises(BlockedAddressError) as info:
        check_url(url, ())
    assert info.value.reason == "private_address"


def test_allow_hosts_by_host_or_host_port() -> None:
    check_url("http://127.0.0.1:8000/x", ("127.0.0.1:8000",))
    check_url("http://127.0.0.1:9999/x", ("127.0.0.1",))
    check_url("http://localhost:8000/", ("LOCALHOST",))
    check_url("http://[::1]:8000/", ("[::1]:8000",))
    with pytest.raises(BlockedAddressError):
        check_url("http://127.0.0.1:8001/x", ("127.0.0.1:8000",))
    with pytest.raises(BlockedAddressError):
        check_url("http://127.0.0.2:8000/x", ("127.0.0.1:8000",))
    assert host_allowed("::1", 8000, ["::1"])
    assert not host_allowed("example.org", 80, ["example.org:8080"])


def test_public_literal_passes_without_dns() -> None:
    check_url("http://8.8.8.8/", ())
    check_url("https://[2001:4860:4860::8888]/", ())


async def test_backend_checks_the_address_it_connects_to() -> None:
    """DNS rebinding: the early check saw a public answer, the connect-time lookup a private one."""
    trap = Trap().start()
    answers = iter([["8.8.8.8"], ["127.0.0.2"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    try:
        backend = GuardedBackend((), resolver=rebinding, cache_seconds=0)
        first = await backend.resolve("evil.example", trap.port)
        assert first == ["8.8.8.8"]
        with pytest.raises(BlockedAddressError):
            await backend.connect_tcp("evil.example", trap.port, timeout=1)
        assert backend.connected == []
    finally:
        trap.stop()
    assert trap.connections == 0


async def test_backend_caches_answers_it_checked() -> None:
    calls = []

    async def counting(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    backend = GuardedBackend((), resolver=counting)
    assert await backend.resolve("a.example", 80) == ["127.0.0.1"]
    assert await backend.resolve("A.example", 80) == ["127.0.0.1"]
    assert calls == ["a.example"]
    with pytest.raises(BlockedAddressError):  # the cached answer is still checked on connect
        await backend.connect_tcp("a.example", 80, timeout=1)


async def test_backend_refuses_if_any_answer_is_private() -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "10.0.0.1"]

    backend = GuardedBackend((), resolver=mixed)
    with pytest.raises(BlockedAddressError):
        await backend.connect_tcp("mixed.example", 80, timeout=1)


async def test_backend_connects_to_the_checked_address_only() -> None:
    trap = Trap(host="127.0.0.1").start()

    async def pinned(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    try:
        backend = GuardedBackend((f"pinned.example:{trap.port}",), resolver=pinned)
        stream = await backend.connect_tcp("pinned.example", trap.port, timeout=1)
        await stream.aclose()
        assert backend.connected == [("127.0.0.1", trap.port)]
        with pytest.raises(httpcore.ConnectError):
            await backend.connect_unix_socket("/tmp/x.sock")
    finally:
        trap.stop()


async def test_fetcher_refuses_a_rebound_name_at_connect_time() -> None:
    """End to end: the hop check sees a public answer, the connection a private one."""
    from claimtrack.settings import FetchSettings
    from sources import Fetcher

    trap = Trap().start()
    answers = iter([["8.8.8.8"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers, ["127.0.0.2"])

    settings = FetchSettings(host_delay=0, respect_robots=False, retries=0, connect_timeout=1)
    backend = GuardedBackend((), resolver=rebinding, cache_seconds=0)
    try:
        async with Fetcher(settings, backend=backend) as fetcher:
            result = await fetcher.fetch(f"http://rebind.example:{trap.port}/")
    finally:
        trap.stop()
    assert (result.status, result.reason) == ("skipped", "private_address")
    assert trap.connections == 0
    assert backend.connected == []
