"""How much a source's word counts: domain tiers kept as data, with weights the verdict uses.

The defaults live in ``claims/data/credibility.json``; a desk overrides them per domain through
``Settings.credibility`` (``{"example.org": "established"}``). Tiers are a closed vocabulary so a
typo in a settings file is an error, not a silent "unknown".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, cast, get_args

from claimtrack.errors import ConfigError

Tier = Literal["official", "wire", "established", "reference", "factcheck", "unknown", "unreliable"]
TIERS: tuple[str, ...] = get_args(Tier)
UNKNOWN: Tier = "unknown"

_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//(?:[^@/?#]*@)?(?P<host>[^:/?#]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CredibilityTable:
    """Domain patterns per tier and the weight of each tier."""

    weights: Mapping[str, float]
    patterns: Mapping[str, str]  # pattern -> tier ("reuters.com", "*.gov")


@cache
def default_table() -> CredibilityTable:
    """The shipped tiers, read once from package data."""
    raw = json.loads(resources.files("claims").joinpath("data/credibility.json").read_text("utf-8"))
    patterns = {p.lower(): tier for tier, pats in raw["tiers"].items() for p in pats}
    return CredibilityTable(weights=dict(raw["weights"]), patterns=patterns)


def domain_of(url_or_domain: str) -> str:
    """The lower-case host of a URL (or the domain itself), without ``www.`` and port."""
    text = url_or_domain.strip().lower()
    m = _HOST.match(text)
    host = m.group("host") if m else text.split("/", 1)[0].split(":", 1)[0]
    return host.removeprefix("www.").rstrip(".")


def _match(domain: str, patterns: Mapping[str, str]) -> str | None:
    """The tier of the longest pattern that matches ``domain`` or one of its parents."""
    best: tuple[int, str] | None = None
    for pattern, tier in patterns.items():
        if pattern.startswith("*."):
            ok = domain.endswith(pattern[1:])
        else:
            ok = domain == pattern or domain.endswith("." + pattern)
        if ok and (best is None or len(pattern) > best[0]):
            best = (len(pattern), tier)
    return best[1] if best else None


def check_tier(tier: str) -> Tier:
    """``tier`` as a ``Tier``; a name outside the vocabulary is a configuration error."""
    if tier not in TIERS:
        raise ConfigError(f"unknown credibility tier {tier!r}; known: {', '.join(TIERS)}")
    return cast(Tier, tier)


def tier_for(domain: str, overrides: Mapping[str, str] | None = None) -> str:
    """The credibility tier of a domain (or URL): an override first, then the shipped table."""
    host = domain_of(domain)
    if not host:
        return UNKNOWN
    if overrides:
        found = _match(host, {domain_of(k): v for k, v in overrides.items()})
        if found is not None:
            return check_tier(found)
    return _match(host, default_table().patterns) or UNKNOWN


def tier_weight(tier: str | None) -> float:
    """How much evidence from a tier counts, 0..1 (an unknown or missing tier counts as unknown)."""
    weights = default_table().weights
    return float(weights.get(tier or UNKNOWN, weights[UNKNOWN]))
