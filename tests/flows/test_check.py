"""check_article end to end against a real local server: every stage lands in the warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from claimtrack.settings import Settings
from flows.check import check_article
from flows.outcome import outcome_json
from tests.flows.pages import PAGES
from tests.servers import serve_pages
from warehouse.db import Warehouse

ENTITY_TABLES = ["articles", "claims", "claim_mentions", "sources", "claim_sources", "snapshots",
                 "passages", "evidence"]


@pytest.fixture
def site() -> Iterator[str]:
    with serve_pages(PAGES) as base:
        yield base


def allowed(settings: Settings, base: str) -> Settings:
    return settings.with_overrides(
        fetch={"allow_hosts": (base.removeprefix("http://"),)},
        providers={"enabled": ("links",)},
    )


def counts(db: Path) -> dict[str, int]:
    with Warehouse(db).connect(read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in [*ENTITY_TABLES, "verdicts", "fetches", "runs"]}


def test_check_by_url_records_every_stage(prefect_harness: None, settings: Settings, site: str) -> None:
    s = allowed(settings, site)
    outcome = check_article([f"{site}/article.html"], s)
    data = outcome_json(outcome)
    assert data["run"] and len(data["articles"]) == 1
    texts = [c["text"] for c in data["claims"]]
    assert any("1,642" in t for t in texts)
    assert not any(t.endswith("?") for t in texts), "a rhetorical question is not a claim"
    by_url = {src["url"]: src for src in data["sources"]}
    assert by_url[f"{site}/sources/baikal-facts.html"]["status"] == "fetched"
    assert by_url[f"{site}/sources/missing.html"]["status"] == "failed"
    assert "404" in by_url[f"{site}/sources/missing.html"]["reason"]
    depth = next(c for c in data["claims"] if "1,642" in c["text"])
    assert depth["status"] == "supported"
    assert any(e["stance"] == "supports" and "1,642" in e["quote"] for e in depth["evidence"])

    with Warehouse(s.db).connect(read_only=True) as con:
        article_id = data["articles"][0]["id"]
        assert con.execute("SELECT title FROM articles WHERE id = ?", [article_id]).fetchone() == (
            "Lake Baikal under pressure",)
        failed = con.execute(
            "SELECT status, reason, http_status FROM fetches WHERE url LIKE '%missing.html'"
        ).fetchone()
        assert failed[0] == "failed" and failed[2] == 404
        # evidence points at stored passages, and its quote offsets slice the snapshot text
        rows = con.execute(
            "SELECT e.quote, e.quote_start, e.quote_end, s.text FROM evidence e "
            "JOIN passages p ON p.id = e.passage_id JOIN snapshots s ON s.hash = p.snapshot_hash"
        ).fetchall()
        assert rows
        for quote, start, end, text in rows:
            assert text[start:end] == quote
        assert con.execute("SELECT count(*) FROM runs WHERE status = 'completed'").fetchone() == (1,)


def test_rerun_adds_no_duplicates(prefect_harness: None, settings: Settings, site: str) -> None:
    s = allowed(settings, site)
    check_article([f"{site}/article.html"], s)
    first = counts(s.db)
    check_article([f"{site}/article.html"], s)
    second = counts(s.db)
    for table in ENTITY_TABLES:
        assert second[table] == first[table], f"{table} grew on a rerun"
    # history: one verdict per claim per run, one fetch per URL per run, one row per run
    assert second["runs"] == 2
    assert second["verdicts"] == 2 * first["verdicts"]
    assert second["fetches"] == 2 * first["fetches"]
    with Warehouse(s.db).connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM current_verdicts").fetchone() == (first["claims"],)


def test_check_local_html_file(prefect_harness: None, settings: Settings, tmp_path: Path,
                               site: str) -> None:
    page = tmp_path / "article.html"
    page.write_text(PAGES["/article.html"].replace('href="/', f'href="{site}/'), encoding="utf-8")
    outcome = check_article([str(page)], allowed(settings, site))
    assert outcome.articles[0]["source_path"]
    assert any(c.status == "supported" for c in outcome.claims)


def test_claims_show_checking_only_while_a_run_is_in_flight(
    prefect_harness: None, settings: Settings, site: str
) -> None:
    from datetime import UTC, datetime

    from warehouse.runs import begin_run

    s = allowed(settings, site)
    check_article([f"{site}/article.html"], s)
    wh = Warehouse(s.db)
    with wh.connect(read_only=True) as con:
        assert {r[0] for r in con.execute("SELECT status FROM live_status").fetchall()} <= {
            "supported", "refuted", "mixed", "unverified"}
        claim_id = con.execute("SELECT id FROM claims LIMIT 1").fetchone()[0]
    run_id = begin_run(wh, "reverify_tracked", {"claim": claim_id}, datetime.now(UTC))
    with wh.transaction() as con:
        from warehouse.store import mark_checking

        mark_checking(con, run_id, [claim_id])
    with wh.connect(read_only=True) as con:
        assert con.execute("SELECT status FROM live_status WHERE claim_id = ?",
                           [claim_id]).fetchone() == ("checking",)
