"""GDELT DOC 2.0 news search (``mode=artlist&format=json``): recent coverage worldwide, no key.

The API answers ``{"articles": [{url, title, seendate, domain, language, sourcecountry, ...}]}``,
an empty object when nothing matched, and a plain-text sentence (HTTP 200) when it dislikes the
query (too short a word, too common a phrase) or the pace (more than one request per five
seconds); that sentence becomes the ProviderError message. Requests are spaced by
``min_interval`` (``providers.gdelt_interval``, 5 s) so a check stays within the limit.
"""

from __future__ import annotations

import math
import re
import time

from sources.model import Candidate
from sources.providers.base import ClientFactory, as_list, as_str, get_json

_SHORT = re.compile(r"\b\w{1,2}\b")  # GDELT rejects keywords shorter than three characters


MAX_KEYWORDS = 6  # the API ANDs keywords: more than a few rarely match any article


def gdelt_query(query: str) -> str:
    """Drop the words GDELT refuses; keep the first few as plain keywords (AND-ed by the API)."""
    kept = _SHORT.sub(" ", query.replace('"', " "))
    return " ".join(kept.split()[:MAX_KEYWORDS])


def seen_date(value: str) -> str | None:
    """``20200510T120000Z`` -> ``2020-05-10``."""
    match = re.match(r"(\d{4})(\d{2})(\d{2})", value)
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None


class GdeltProvider:
    name = "gdelt"

    def __init__(self, api_url: str, client: ClientFactory, *, min_interval: float = 5.0) -> None:
        self.api_url = api_url
        self.min_interval = min_interval
        self._client = client
        self._last = -math.inf

    def _wait_turn(self) -> None:
        """GDELT asks for at most one request every five seconds; a faster client is refused."""
        delay = self._last + self.min_interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._last = time.monotonic()

    def search(self, query: str, limit: int) -> list[Candidate]:
        keywords = gdelt_query(query)
        if not keywords:
            return []
        self._wait_turn()
        with self._client() as client:
            data = get_json(client, self.name, self.api_url, {
                "query": keywords, "mode": "artlist", "format": "json",
                "maxrecords": max(1, min(limit, 250)), "sort": "hybridrel",
            })
        articles = as_list(data.get("articles")) if isinstance(data, dict) else []
        out: list[Candidate] = []
        for article in articles:
            url = as_str(article.get("url")) if isinstance(article, dict) else ""
            if not url:
                continue
            seen = seen_date(as_str(article.get("seendate")))
            where = " · ".join(p for p in (as_str(article.get("domain")), seen or "",
                                           as_str(article.get("language"))) if p)
            out.append(Candidate(url=url, title=as_str(article.get("title")), snippet=where,
                                 provider=self.name, rank=len(out) + 1, query=query))
            if len(out) >= limit:
                break
        return out
