"""SearXNG, a self-hosted metasearch engine: general web search without a paid key.

``/search?q=...&format=json`` answers ``{"results": [{url, title, content, engine, ...}]}``; the
instance must list ``json`` under ``search.formats`` in its settings.yml, else it answers 403,
which the ProviderError message says.
"""

from __future__ import annotations

from claimtrack.errors import ProviderError
from sources.model import Candidate
from sources.providers.base import ClientFactory, as_list, as_str, get_json


class SearxngProvider:
    name = "searxng"

    def __init__(self, base_url: str, client: ClientFactory) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client

    def search(self, query: str, limit: int) -> list[Candidate]:
        url = self.base_url if self.base_url.endswith("/search") else self.base_url + "/search"
        with self._client() as client:
            try:
                data = get_json(client, self.name, url, {"q": query, "format": "json",
                                                         "language": "en", "safesearch": "0"})
            except ProviderError as exc:
                if "HTTP 403" in str(exc):
                    raise ProviderError(f"{exc} (enable the json format in the instance's "
                                        "settings.yml: search.formats)") from exc
                raise
        results = as_list(data.get("results")) if isinstance(data, dict) else []
        out: list[Candidate] = []
        for result in results:
            link = as_str(result.get("url")) if isinstance(result, dict) else ""
            if not link:
                continue
            out.append(Candidate(url=link, title=as_str(result.get("title")),
                                 snippet=as_str(result.get("content")), provider=self.name,
                                 rank=len(out) + 1, query=query))
            if len(out) >= limit:
                break
        return out
