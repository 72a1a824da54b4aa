"""Which URLs the fetcher may connect to: http(s) only, public addresses only, unless allowed.

A source URL comes from the open web (a provider, an article's links, a redirect), so it can point
at the machine running claimtrack or its network (SSRF). Every hostname is resolved and *every*
A/AAAA answer must be a public address; private, loopback, link-local, multicast, reserved and
unspecified addresses are refused unless the host or ``host:port`` is in ``allow_hosts``
(``--allow-host`` / ``CLAIMTRACK_ALLOW_HOSTS``).

``check_url`` is the early check, done at every redirect hop for a clear reason. The binding
check is ``GuardedBackend``: the fetcher's connection layer resolves the name once, checks the
answers, and connects to the checked address itself, so a DNS answer that changes between check
and connect (rebinding) cannot reach a private address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx

from claimtrack.errors import BlockedAddressError, TerminalFetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

SCHEMES = ("http", "https")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (embedded IPv4 in IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address in _NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None:
            return is_public(address.sixtofour)
        if address.teredo is not None:
            return is_public(address.teredo[1])
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def host_allowed(host: str, port: int, allow_hosts: Iterable[str]) -> bool:
    """``host`` or ``host:port`` listed (case-insensitive; IPv6 with or without brackets)."""
    host = host.lower().strip("[]")
    wanted = {host, f"{host}:{port}", f"[{host}]", f"[{host}]:{port}"}
    return any(entry.strip().lower() in wanted for entry in allow_hosts)


def parse_url(url: str) -> httpx.URL:
    """Parse and vet scheme and host, raising ``TerminalFetchError`` with reason bad_url/scheme."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise TerminalFetchError(f"not a valid URL: {url!r}", reason="bad_url", url=url) from exc
    if parsed.scheme not in SCHEMES:
        raise TerminalFetchError(
            f"scheme {parsed.scheme or '(none)'!r} is not fetched (http/https only)",
            reason="scheme" if parsed.scheme else "bad_url",
            url=url,
        )
    if not parsed.host:
        raise TerminalFetchError(f"URL has no host: {url!r}", reason="bad_url", url=url)
    return parsed


def check_addresses(host: str, port: int, addresses: Iterable[str], allow_hosts: Iterable[str],
                    url: str | None = None) -> list[str]:
    """Refuse if any resolved address is not public (and the host is not allowed)."""
    found = list(dict.fromkeys(addresses))
    if not found:
        raise TerminalFetchError(f"{host} did not resolve", reason="dns_error", url=url)
    if host_allowed(host, port, allow_hosts):
        return found
    for text in found:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not is_public(address) and not host_allowed(str(address), port, allow_hosts):
            raise BlockedAddressError(
                f"{host} resolves to non-public address {address}; allow it with --allow-host",
                reason="private_address",
                url=url,
            )
    return found


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _answers(infos: Iterable[tuple[Any, ...]]) -> list[str]:
    return [str(info[4][0]) for info in infos]


def resolve(host: str, port: int) -> list[str]:
    """Every A/AAAA answer for ``host`` (a literal address resolves to itself)."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        return _answers(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    except (socket.gaierror, UnicodeError) as exc:
        raise TerminalFetchError(f"cannot resolve {host}: {exc}", reason="dns_error") from exc


async def resolve_async(host: str, port: int) -> list[str]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        return _answers(await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    except (socket.gaierror, UnicodeError) as exc:
        raise TerminalFetchError(f"cannot resolve {host}: {exc}", reason="dns_error") from exc


def check_url(url: str, allow_hosts: Iterable[str]) -> None:
    """Raise ``TerminalFetchError``/``BlockedAddressError`` unless ``url`` may be fetched."""
    parsed = parse_url(url)
    allow = tuple(allow_hosts)
    port = _port(parsed)
    if host_allowed(parsed.host, port, allow):
        return
    try:
        answers = resolve(parsed.host, port)
    except TerminalFetchError as exc:
        exc.url = url
        raise
    check_addresses(parsed.host, port, answers, allow, url)


async def check_url_async(url: str, allow_hosts: Iterable[str],
                          resolver: Resolver | None = None) -> httpx.URL:
    """``check_url`` without blocking the event loop; returns the parsed URL."""
    parsed = parse_url(url)
    allow = tuple(allow_hosts)
    port = _port(parsed)
    if not host_allowed(parsed.host, port, allow):
        try:
            answers = await (resolver or resolve_async)(parsed.host, port)
        except TerminalFetchError as exc:
            exc.url = url
            raise
        check_addresses(parsed.host, port, answers, allow, url)
    return parsed


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check every answer, then connect to a checked address (no second DNS lookup).

    TLS still verifies the certificate against the URL's hostname: httpcore passes the origin
    host as ``server_hostname`` to ``start_tls``, independent of the address connected to.
    """

    def __init__(self, allow_hosts: Iterable[str], resolver: Resolver | None = None,
                 *, cache_seconds: float = 60.0) -> None:
        self._allow = tuple(allow_hosts)
        self._resolver = resolver or resolve_async
        self._cache: dict[tuple[str, int], tuple[float, list[str]]] = {}
        self._cache_seconds = cache_seconds
        self._inner = httpcore.AnyIOBackend()
        self.connected: list[tuple[str, int]] = []  # (address, port), for tests and diagnostics

    async def _resolve(self, host: str, port: int) -> list[str]:
        """Resolve with a short cache: safe, because we connect to exactly what was checked."""
        key = (host.lower(), port)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        answers = await self._resolver(host, port)
        if self._cache_seconds > 0:
            self._cache[key] = (now + self._cache_seconds, answers)
        return answers

    async def resolve(self, host: str, port: int) -> list[str]:
        """The (cached) answers the backend will connect to; the fetcher checks hops with it."""
        return await self._resolve(host, port)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = check_addresses(host, port, await self._resolve(host, port), self._allow)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            self.connected.append((address, port))
            return stream
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
