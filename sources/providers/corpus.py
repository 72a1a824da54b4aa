"""The local corpus: documents imported with ``claimtrack corpus add``, searched with BM25.

The search itself lives in ``warehouse.corpus`` (only the warehouse touches DuckDB); the caller
hands this provider a ``search(query, limit)`` callable, so ``sources`` never imports duckdb.
Candidates carry their text: a corpus page is read from the warehouse, not fetched again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from claimtrack.errors import ClaimtrackError, ProviderError
from sources.model import Candidate

CorpusSearch = Callable[[str, int], list[Candidate]]


class CorpusProvider:
    name = "corpus"

    def __init__(self, search: CorpusSearch) -> None:
        self._search = search

    def search(self, query: str, limit: int) -> list[Candidate]:
        try:
            found = self._search(query, limit)
        except ClaimtrackError as exc:  # a busy or broken warehouse: skip the corpus, go on
            raise ProviderError(f"corpus: {exc}") from exc
        return [replace(c, provider=self.name, rank=rank, query=query)
                for rank, c in enumerate(found[:limit], start=1)]
