"""The ``check_article`` flow: ingest -> extract -> discover -> fetch -> assess -> store -> report.

Tasks are coarse, one per stage for the whole batch: fetching runs many requests inside one task
with bounded concurrency, so orchestration costs little. Network stages retry.
"""

from __future__ import annotations

import time

from prefect import flow

from claims.model import Claim
from claimtrack.clock import Clock, utcnow
from claimtrack.settings import Settings
from flows import stages
from flows.outcome import CheckOutcome, build_outcome
from flows.tasks import (
    assess_task,
    discover_task,
    extract_task,
    fetch_task,
    ingest_task,
    report_task,
    store_task,
)
from sources.model import Article
from warehouse.db import Warehouse
from warehouse.runs import recorded_run


@flow(name="check_article", validate_parameters=False, log_prints=False)
def check_article(
    articles: list[str | Article],
    settings: Settings,
    published: str | None = None,
    providers: list[str] | None = None,
    clock: Clock | None = None,
) -> CheckOutcome:
    """Check articles (URLs, files, "-", or already read) end to end and record everything."""
    clock = clock or utcnow
    wh = Warehouse(settings.db)
    timings: dict[str, float] = {}

    def timed(stage: str, started: float) -> None:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started

    params = {"articles": [a if isinstance(a, str) else a.id for a in articles],
              "published": published, "providers": providers}
    with recorded_run(wh, "check_article", params, clock) as run:
        run_id = run.id
        t = time.perf_counter()
        read_articles = [
            a if isinstance(a, Article) else ingest_task(a, settings, published) for a in articles
        ]
        timed("ingest", t)
        t = time.perf_counter()
        found: list[tuple[Claim, str]] = []
        for article in read_articles:
            extracted = extract_task(article)
            stored = stages.store_article(wh, run_id, article, extracted, clock(), settings)
            found.extend((c, article.id) for c in stored)
        timed("extract", t)
        t = time.perf_counter()
        discovered = stages.Discovered()
        for article in read_articles:
            mine = [c for c, aid in found if aid == article.id]
            part = discover_task(wh, settings, article, mine, providers)
            discovered.by_claim.update(part.by_claim)
            discovered.citations.update(part.citations)
            discovered.errors.extend(part.errors)
        timed("discover", t)
        t = time.perf_counter()
        reads = fetch_task(wh, settings, run_id, discovered, clock)
        timed("fetch", t)
        t = time.perf_counter()
        verdicts = assess_task(wh, settings, found, discovered, reads)
        timed("assess", t)
        t = time.perf_counter()
        store_task(wh, run_id, verdicts, clock)
        timed("store", t)
    # The report describes the finished run, so it is written after the run is closed.
    t = time.perf_counter()
    report = report_task(wh, settings, run_id, [a.id for a in read_articles])
    timed("report", t)
    return build_outcome(run_id, read_articles, verdicts, discovered, reads, report, timings)
