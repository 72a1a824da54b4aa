"""`claimtrack demo`: the whole pipeline offline; twice leaves no duplicates; its report renders."""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from claimtrack.settings import Settings
from desk.demo import run_demo
from warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
STATUSES = {"supported", "refuted", "mixed", "unverified"}
ENTITY_TABLES = ["articles", "claims", "claim_mentions", "sources", "claim_sources", "snapshots",
                 "passages", "evidence", "corpus_documents"]


def counts(db: Path) -> dict[str, int]:
    with Warehouse(db).connect(read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in [*ENTITY_TABLES, "verdicts", "fetches", "runs"]}


@pytest.fixture(scope="module")
def demo_runs(demo_first_run: dict) -> dict:
    """The session's demo run, then a second demo on the same warehouse and port."""
    db, port = demo_first_run["db"], demo_first_run["port"]
    after_first = counts(db)
    with contextlib.redirect_stdout(io.StringIO()):
        second = run_demo(Settings(db=db), port=port, as_json=True)
    return {"db": db, "first": demo_first_run["result"], "second": second,
            "after_first": after_first, "after_second": counts(db)}


def readme_demo_table() -> list[tuple[list[str], str]]:
    """The README's "What it finds on the example" rows: the claim's pieces (split at the
    ellipses, the "(also ...)" note dropped) and the status it promises."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("What it finds on the example"):text.index("\nSources: ")]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[1] not in STATUSES:
            continue
        claim = re.sub(r"\(also [^)]*\)", "", cells[0])
        rows.append(([p.strip() for p in claim.split("…") if p.strip()], cells[1]))
    return rows


def plain(text: str) -> str:
    """Straight quotes: the README types them, the article has curly ones."""
    return text.translate(str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"}))


def test_demo_gives_every_status_the_readme_shows(demo_runs: dict) -> None:
    rows = readme_demo_table()
    assert len(rows) == 8, rows
    claims = demo_runs["first"]["claims"]
    for pieces, status in rows:
        found = [c for c in claims if all(plain(p) in plain(c["text"]) for p in pieces)]
        assert len(found) == 1, (pieces, [c["text"] for c in found])
        assert found[0]["status"] == status, (found[0]["text"], found[0]["status"], status)
    also = {c["text"]: c["status"] for c in claims if c["text"] in
            ("Twitter is blocked in China.", "Most Google services are blocked in China.")}
    assert also == dict.fromkeys(also, "supported") and len(also) == 2, also


def test_demo_sources_are_the_readme_counts(demo_runs: dict) -> None:
    text = README.read_text(encoding="utf-8")
    line = " ".join(text[text.index("\nSources: "):].split("\n\n")[0].split())
    numbers = re.fullmatch(
        r"Sources: (\d+) fetched \((\d+) read from the local corpus copy, (\d+) over HTTP\), "
        r"(\d+) failed \(`(\w+)`.*\), (\d+) skipped \(`(\w+)`.*", line)
    assert numbers, line
    fetched, corpus, http, failed, fail_reason, skipped, skip_reason = numbers.groups()
    got = Counter((s["status"], s["reason"]) for s in demo_runs["first"]["sources"])
    assert got == {("fetched", "from local corpus"): int(corpus), ("fetched", "ok"): int(http),
                   ("failed", fail_reason): int(failed), ("skipped", skip_reason): int(skipped)}
    assert int(corpus) + int(http) == int(fetched)


def test_demo_shows_every_kind_of_result(demo_runs: dict) -> None:
    result = demo_runs["first"]
    statuses = {c["status"] for c in result["claims"]}
    assert {"supported", "refuted", "unverified"} <= statuses
    for claim in result["claims"]:
        assert claim["rationale"]
        assert all(e["reason"] for e in claim["evidence"])
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
    from desk.report.screenshot import screenshot_html

    html = Path(demo_runs["first"]["report"]).read_text(encoding="utf-8")
    out = tmp_path / "report.png"  # docs/img/report-demo.png: scripts/screenshots.py demo
    shot = screenshot_html(html, out, width=1100, full_page=False)
    assert out.stat().st_size > 10_000
    assert shot.requests == () and shot.console_errors == ()
