"""Prefect tasks shared by the flows: one coarse task per stage of a batch.

Network stages retry (with jitter) when the error is transient (``ClaimtrackError.transient``);
a user's bad input or a refused address is not retried. Extraction, the one pure stage whose
result is worth keeping, is cached on the article's content hash; other results stay in memory:
the warehouse, not Prefect's result store, is the record.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from claims.model import Claim
from claimtrack.clock import Clock
from claimtrack.errors import ClaimtrackError
from claimtrack.settings import Settings
from flows import stages
from flows.artifacts import publish_run_artifacts
from sources.model import Article
from warehouse.db import Warehouse


def _code_fingerprint(package: str) -> str:
    """A hash of a package's code and data: a changed extractor never reuses a stale cache."""
    root = Path(importlib.import_module(package).__file__ or "").parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".json", ".txt", ".csv"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


EXTRACTOR_VERSION = _code_fingerprint("claims")


def retry_when_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry timeouts and busy warehouses; never a user's bad input, a terminal failure or a bug.

    Library errors are translated into ``ClaimtrackError`` at the package boundaries, so anything
    else (a ``TypeError``, a ``KeyError``) is a bug: retrying it only hides it and slows the run.
    """
    try:
        state.result()
    except ClaimtrackError as exc:
        return exc.transient
    except Exception:
        return False
    return False


def extraction_key(context: Any, parameters: dict[str, Any]) -> str:
    article: Article = parameters["article"]
    return f"extract-{EXTRACTOR_VERSION}-{article.content_hash}-{article.published}"


RETRY: dict[str, Any] = {
    "retries": 2, "retry_delay_seconds": [1, 4], "retry_jitter_factor": 0.5,
    "retry_condition_fn": retry_when_transient,
}


@task(name="ingest", cache_policy=NO_CACHE, **RETRY)
def ingest_task(arg: str, settings: Settings, published: str | None) -> Article:
    return stages.ingest(arg, settings, published)


@task(name="extract", cache_key_fn=extraction_key, cache_expiration=timedelta(days=30),
      persist_result=True)
def extract_task(article: Article) -> list[Claim]:
    return stages.extract(article)


@task(name="discover", cache_policy=NO_CACHE, **RETRY)
def discover_task(
    wh: Warehouse, settings: Settings, article: Article | None, found: list[Claim],
    providers: Sequence[str] | None,
) -> stages.Discovered:
    return stages.discover(wh, settings, article, found, providers)


@task(name="fetch", cache_policy=NO_CACHE, **RETRY)
def fetch_task(
    wh: Warehouse, settings: Settings, run_id: str, discovered: stages.Discovered, clock: Clock,
) -> dict[str, stages.SourceRead]:
    return stages.fetch_and_read(wh, settings, run_id, discovered, clock())


@task(name="assess", cache_policy=NO_CACHE)
def assess_task(
    wh: Warehouse, settings: Settings, found: list[tuple[Claim, str]],
    discovered: stages.Discovered, reads: dict[str, stages.SourceRead],
) -> list[stages.ClaimVerdict]:
    return stages.assess(wh, settings, found, discovered, reads)


@task(name="store", cache_policy=NO_CACHE)
def store_task(wh: Warehouse, run_id: str, verdicts: list[stages.ClaimVerdict], clock: Clock) -> None:
    stages.store_verdicts(wh, run_id, verdicts, clock())


@task(name="report", cache_policy=NO_CACHE)
def report_task(wh: Warehouse, settings: Settings, run_id: str, article_ids: list[str]) -> str | None:
    return publish_run_artifacts(wh, settings, run_id, article_ids)
