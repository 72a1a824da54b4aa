"""The ``import_corpus`` flow: files, folders and URLs into the local corpus (BM25-searchable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow

import sources
from claimtrack.errors import ClaimtrackError, InputError
from claimtrack.settings import Settings
from flows import encoding
from sources.model import Document
from warehouse import corpus as corpus_store
from warehouse.corpus_vectors import embed_corpus
from warehouse.db import Warehouse


def _is_url(item: str) -> bool:
    return item.startswith(("http://", "https://"))


@flow(name="import_corpus", validate_parameters=False, log_prints=False)
def import_corpus(items: list[str], settings: Settings) -> dict[str, Any]:
    """Read every document (URLs through the normal fetcher); report what was skipped and why."""
    docs: list[tuple[Document, str | None]] = []
    problems: list[dict[str, str]] = []
    for item in items:
        if _is_url(item):
            continue
        path = Path(item)
        if not path.exists():
            raise InputError(f"no such file or folder: {item}")
        try:
            for document, where in sources.corpus_files(path, problems=problems):
                docs.append((document, str(where)))
        except ClaimtrackError as exc:
            problems.append({"path": item, "reason": str(exc)})
    urls = [item for item in items if _is_url(item)]
    for result in sources.fetch_urls(urls, settings.fetch):
        if result.status != "fetched" or result.body is None:
            problems.append({"path": result.url, "reason": f"{result.status}: {result.reason}"})
            continue
        read = sources.extract_document(result.body, url=result.final_url or result.url)
        if read is None:
            problems.append({"path": result.url, "reason": "no main text"})
            continue
        docs.append((read, None))
    wh = Warehouse(settings.db)
    added = corpus_store.add_documents(wh, docs)
    encoder, _ = encoding.load(settings)  # semantic search needs passage vectors, made now
    embedded = embed_corpus(wh, encoder) if encoder is not None else 0
    return {"documents": len(docs), "added": added, "skipped": len(problems), "problems": problems,
            "embedded": embedded}
