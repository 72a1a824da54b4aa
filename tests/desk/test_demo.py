"""`claimtrack demo`: the whole pipeline offline; twice leaves no duplicates; its report renders."""

from __future__ import annotations

import contextlib
import io
import os
import socket
from pathlib import Path

import pytest

from claimtrack.settings import Settings
from desk.demo import run_demo
from warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "docs" / "img" / "report-demo.png"
ENTITY_TABLES = ["articles", "claims", "claim_mentions", "sources", "claim_sources", "snapshots",
                 "passages", "evidence", "corpus_documents"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def counts(db: Path) -> dict[str, int]:
    with Warehouse(db).connect(read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in [*ENTITY_TABLES, "verdicts", "fetches", "runs"]}


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> dict:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    port = free_port()
    with contextlib.redirect_stdout(io.StringIO()):
        first = run_demo(Settings(db=db), port=port, as_json=True)
        after_first = counts(db)
        second = run_demo(Settings(db=db), port=port, as_json=True)
    return {"db": db, "first": first, "second": second, "after_first": after_first,
            "after_second": counts(db)}


def test_demo_shows_every_kind_of_result(demo_runs: dict) -> None:
    result = demo_runs["first"]
    statuses = {c["status"] for c in result["claims"]}
    assert "supported" in statuses and "unverified" in statuses
    assert statuses & {"refuted", "mixed"}
    texts = {c["text"]: c for c in result["claims"]}
    june = next(c for t, c in texts.items() if "June 1st" in t)
    assert june["status"] == "supported"
    accounts = next(c for t, c in texts.items() if "200 million registered accounts" in t)
    assert accounts["status"] == "unverified"
    fines = next(c for t, c in texts.items() if "massive fines" in t)
    assert fines["status"] in {"refuted", "mixed"}
    for claim in result["claims"]:
        assert claim["rationale"]
        assert all(e["reason"] for e in claim["evidence"])
    by_status = {s["status"] for s in result["sources"]}
    assert by_status == {"fetched", "failed", "skipped"}
    assert all(s["reason"] for s in result["sources"])
    assert Path(result["report"]).is_file()


def test_demo_warehouse_holds_the_record(demo_runs: dict) -> None:
    with Warehouse(demo_runs["db"]).connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        missing = con.execute(
            "SELECT count(*) FROM claims c WHERE NOT EXISTS "
            "(SELECT 1 FROM current_verdicts v WHERE v.claim_id = c.id)"
        ).fetchone()
        assert missing == (0,), "every claim has a status"
        fetch_kinds = {r[0] for r in con.execute("SELECT DISTINCT status FROM fetches").fetchall()}
        assert fetch_kinds == {"fetched", "failed", "skipped"}
        dangling = con.execute(
            "SELECT count(*) FROM evidence e LEFT JOIN passages p ON p.id = e.passage_id "
            "WHERE p.id IS NULL"
        ).fetchone()
        assert dangling == (0,), "evidence points at stored passages"


def test_second_demo_run_adds_no_duplicates(demo_runs: dict) -> None:
    before, after = demo_runs["after_first"], demo_runs["after_second"]
    for table in ENTITY_TABLES:
        assert after[table] == before[table], f"{table}: {before[table]} -> {after[table]}"
    assert after["runs"] > before["runs"]  # history: the second demo is another run
    assert after["verdicts"] == 2 * before["verdicts"]  # one verdict per claim per run
    assert [c["status"] for c in demo_runs["second"]["claims"]] == [
        c["status"] for c in demo_runs["first"]["claims"]]


@pytest.mark.browser
def test_demo_report_renders_in_chromium(demo_runs: dict, tmp_path: Path) -> None:
    from desk.report.screenshot import CHROMIUM, screenshot_html

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (make browser)")
    html = Path(demo_runs["first"]["report"]).read_text(encoding="utf-8")
    keep = os.environ.get("CLAIMTRACK_SCREENSHOTS") == "1"
    out = SCREENSHOT if keep else tmp_path / "report.png"
    shot = screenshot_html(html, out, width=1100, full_page=False)
    assert out.stat().st_size > 10_000
    assert shot.requests == () and shot.console_errors == ()
