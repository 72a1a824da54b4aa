"""What an HTTP response (or its absence) means for a fetch: reasons, error kinds, Retry-After.

Pure helpers of ``sources.fetch``: the reason vocabulary, which reasons are "skipped" (we chose
not to fetch) rather than "failed", httpx exceptions translated into claimtrack's transient or
terminal ``FetchError``s, the Retry-After header, content types and a binary sniff.
"""

from __future__ import annotations

import email.utils
from datetime import datetime

import httpx

from claimtrack.errors import FetchError, TerminalFetchError, TransientFetchError
from claimtrack.settings import FetchSettings

ALLOWED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECTS = (301, 302, 303, 307, 308)
# Reasons for which we chose not to fetch (policy), reported "skipped"; every other failure is
# "failed". The full vocabulary is in docs/fetching.md.
SKIP_REASONS = frozenset({"robots", "private_address", "bad_url", "scheme", "content_type"})
REASONS = (
    "ok", "not_modified", "timeout", "connect_error", "connection_reset", "dns_error",
    "tls_error", "protocol_error", "truncated", "http_NNN", "too_large", "decompression_bomb",
    "decoding", "content_type", "binary", "empty_body", "robots", "private_address", "bad_url",
    "scheme", "redirect_loop", "too_many_redirects", "bad_redirect", "error",
)


def user_agent(settings: FetchSettings) -> str:
    """The configured User-Agent, with the contact URL added if it does not name it."""
    agent = settings.user_agent
    if settings.contact_url and settings.contact_url not in agent:
        agent = f"{agent} (+{settings.contact_url})"
    return agent


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def translate_error(exc: httpx.HTTPError, url: str, *, got_headers: bool) -> FetchError:
    """httpx errors to claimtrack's FetchError kinds (transient ones are retried)."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return TransientFetchError(f"timed out: {text}", reason="timeout", url=url)
    if isinstance(exc, httpx.ConnectError):
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return TerminalFetchError(f"TLS failed: {text}", reason="tls_error", url=url)
        return TransientFetchError(f"cannot connect: {text}", reason="connect_error", url=url)
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        if got_headers:
            return TerminalFetchError(f"body cut off: {text}", reason="truncated", url=url)
        return TransientFetchError(f"connection reset: {text}", reason="connection_reset", url=url)
    if isinstance(exc, httpx.RemoteProtocolError):
        if got_headers:
            return TerminalFetchError(f"body cut off: {text}", reason="truncated", url=url)
        if "without sending a response" in text:
            return TransientFetchError(f"connection closed: {text}", reason="connection_reset",
                                       url=url)
        return TerminalFetchError(f"not valid HTTP: {text}", reason="protocol_error", url=url)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return TerminalFetchError(text, reason="scheme", url=url)
    if isinstance(exc, httpx.InvalidURL):
        return TerminalFetchError(text, reason="bad_url", url=url)
    if isinstance(exc, httpx.ProtocolError):
        return TerminalFetchError(f"not valid HTTP: {text}", reason="protocol_error", url=url)
    return TerminalFetchError(text, reason="error", url=url)


def looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    return b"\x00" in head
