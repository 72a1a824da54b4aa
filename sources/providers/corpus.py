"""The local corpus: documents imported with ``claimtrack corpus add``, searched with BM25.

The search itself lives in ``warehouse.corpus`` (only the warehouse touches DuckDB); the caller
hands this provider a ``search(query, limit)`` callable, so ``sources`` never imports duckdb.
Candidates carry their text: a corpus page is read from the warehouse, not fetched again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from claimtrack.errors import ClaimtrackError, ProviderError
from sources.model import Candidate

CorpusSearch = Callable[[str, int], list[Candidate]]
CorpusSearchMany = Callable[[Sequence[str], int], list[list[Candidate]]]


class CorpusProvider:
    name = "corpus"

    def __init__(self, search: CorpusSearch, search_many: CorpusSearchMany | None = None) -> None:
        self._search = search
        self._search_many = search_many

    def search(self, query: str, limit: int) -> list[Candidate]:
        return self.search_many([query], limit)[0]

    def search_many(self, queries: Sequence[str], limit: int) -> list[list[Candidate]]:
        """All queries in one go when the warehouse offers it (one connection, not one each)."""
        try:
            if self._search_many is not None:
                found = self._search_many(queries, limit)
            else:
                found = [self._search(query, limit) for query in queries]
        except ClaimtrackError as exc:  # a busy or broken warehouse: skip the corpus, go on
            raise ProviderError(f"corpus: {exc}") from exc
        return [[replace(c, provider=self.name, rank=rank, query=query)
                 for rank, c in enumerate(hits[:limit], start=1)]
                for query, hits in zip(queries, found, strict=True)]
