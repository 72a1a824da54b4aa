"""One spelling per address: canonical URLs are the key for sources, dedup and corpus documents.

Two links to the same page must hash to the same source id, so case, default ports, fragments,
tracking parameters and query order are normalized away. Paths keep their case (servers may
treat ``/A`` and ``/a`` differently).
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga",
    "ref_src", "cmpid", "ncid", "spm",
})
_TRACKING_PREFIXES = ("utm_",)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Lowercase scheme and host, no default port, no fragment or tracking params, sorted query."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if not scheme or not host:
        return raw
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def source_id(url: str) -> str:
    """``s_`` + 16 hex of the canonical URL's sha256: stable across runs and spellings."""
    digest = hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()
    return f"s_{digest[:16]}"


def domain_of(url: str) -> str:
    """The host without ``www.``, lowercased; empty for a URL without a host."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def resolve(href: str, base: str | None) -> str | None:
    """An absolute http(s) URL for a link, or None for mailto:, javascript:, anchors and junk."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def is_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))
