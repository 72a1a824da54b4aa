"""Wikipedia through the MediaWiki Action API: full-text search, then each hit's plain text.

``action=query&list=search`` ranks pages (all words must match, so a long query that finds
nothing is retried with its first three words); ``prop=extracts&explaintext=1`` (TextExtracts) gives
the text and ``prop=info&inprop=url`` the page URL in one more call per page. The text rides on
the candidate, so the page is neither fetched nor scraped again. Texts are cached per page id:
the same page comes back for many queries of one check.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sources.model import Candidate
from sources.providers.base import ClientFactory, as_dict, as_list, as_str, get_json

_TAGS = re.compile(r"<[^>]+>")
MAX_TEXTS = 3  # page texts per query: each is one more request to a volunteer-run service
RETRY_WORDS = 3  # a query that found nothing is asked again with its first words only


def _plain(snippet: str) -> str:
    return html.unescape(_TAGS.sub("", snippet)).strip()


class WikipediaProvider:
    name = "wikipedia"

    def __init__(self, api_url: str, client: ClientFactory) -> None:
        self.api_url = api_url
        self._client = client
        self._pages: dict[int, tuple[str, str | None]] = {}  # page id -> (url, text)

    def _hits(self, client: Any, query: str, limit: int) -> list[Any]:
        data = get_json(client, self.name, self.api_url, {
            "action": "query", "list": "search", "srsearch": query,
            "srlimit": max(1, min(limit, 50)), "srprop": "snippet", "format": "json",
            "formatversion": "2",
        })
        return as_list(as_dict(as_dict(data).get("query")).get("search"))

    def search(self, query: str, limit: int) -> list[Candidate]:
        with self._client() as client:
            hits = self._hits(client, query, limit)
            words = query.split()
            if not hits and len(words) > RETRY_WORDS:
                # every word must match: a long keyword query often finds nothing at all
                hits = self._hits(client, " ".join(words[:RETRY_WORDS]), limit)
            out = []
            for rank, hit in enumerate(hits[:limit], start=1):
                if not isinstance(hit, dict) or not isinstance(hit.get("pageid"), int):
                    continue
                page_id = hit["pageid"]
                url, text = (self._page(client, page_id) if rank <= MAX_TEXTS
                             else (self._page_url(as_str(hit.get("title"))), None))
                out.append(Candidate(
                    url=url, title=as_str(hit.get("title")),
                    snippet=_plain(as_str(hit.get("snippet"))), provider=self.name, rank=rank,
                    query=query, text=text,
                ))
        return out

    def _page(self, client: Any, page_id: int) -> tuple[str, str | None]:
        if page_id not in self._pages:
            data = get_json(client, self.name, self.api_url, {
                "action": "query", "prop": "extracts|info", "inprop": "url", "explaintext": "1",
                "exsectionformat": "plain", "pageids": str(page_id), "format": "json",
                "formatversion": "2",
            })
            pages = as_list(as_dict(as_dict(data).get("query")).get("pages"))
            page = pages[0] if pages and isinstance(pages[0], dict) else {}
            url = as_str(page.get("canonicalurl")) or as_str(page.get("fullurl"))
            text = as_str(page.get("extract")) or None
            self._pages[page_id] = (url or self._page_url(as_str(page.get("title"))), text)
        return self._pages[page_id]

    def _page_url(self, title: str) -> str:
        base = self.api_url.split("/w/api.php")[0].rstrip("/")
        return f"{base}/wiki/{title.replace(' ', '_')}"
