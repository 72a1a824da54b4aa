"""warehouse.tracking on hand-made warehouses: due selection, source states, history, export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from claims.model import Claim, Entity, Quantity
from claimtrack.settings import ReverifySettings
from sources.model import Candidate, FetchResult
from warehouse import store, tracking
from warehouse.db import Warehouse
from warehouse.tracking import SourceEvent, SourceState

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def claim(cid: str, text: str = "") -> Claim:
    text = text or f"Claim {cid} says 5 things about Acme."
    return Claim(id=cid, text=text, sentence=text, start=0, end=len(text), kind="statistic",
                 checkworthiness=0.9, entities=(Entity("Acme", "organisation", "Acme"),),
                 quantities=(Quantity("5 things", 5.0, "count"),))


def add_run(wh: Warehouse, run_id: str, at: datetime) -> None:
    with wh.transaction() as con:
        con.execute("INSERT INTO runs (id, flow, started_at, status) VALUES (?, 'test', ?, "
                    "'completed')", [run_id, at])


def add_verdict(wh: Warehouse, claim_id: str, run_id: str, status: str, at: datetime) -> None:
    with wh.transaction() as con:
        con.execute(
            "INSERT INTO verdicts (id, claim_id, run_id, status, confidence, rationale, assessor, "
            "created_at) VALUES (?, ?, ?, ?, 0.5, ?, 'rules', ?)",
            [f"v_{claim_id}_{run_id}", claim_id, run_id, status, f"now {status}", at],
        )


def decide(wh: Warehouse, claim_id: str, at: datetime) -> None:
    with wh.transaction() as con:
        con.execute("INSERT INTO reviews (id, claim_id, editor, action, rating, created_at) "
                    "VALUES (?, ?, 'ed', 'decide', 'false', ?)", [f"r_{claim_id}", claim_id, at])


def add_claims(wh: Warehouse, *ids: str, run_id: str = "r0") -> None:
    with wh.transaction() as con:
        found = [claim(i) for i in ids]
        store.save_claims(con, None, found, [c.text.lower() for c in found], run_id, T0)


def add_source(
    wh: Warehouse, claim_id: str, url: str, run_id: str, at: datetime, *,
    digest: str | None = None, etag: str | None = None, reason: str = "ok",
) -> str:
    sid = "s_" + url.rsplit("/", 1)[-1]
    with wh.transaction() as con:
        store.save_source(con, sid, url, url, "example.org", "unknown", None, at)
        store.link_claim_source(con, claim_id, sid, Candidate(url=url, provider="links"), run_id)
        status = "fetched" if digest or reason == "not_modified" else "failed"
        store.save_fetch(con, run_id, sid, FetchResult(url=url, status=status, reason=reason,
                                                        sha256=digest, etag=etag), at)
    return sid


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "wh.duckdb")


def test_due_claims_follow_the_policy(wh: Warehouse) -> None:
    add_claims(wh, "c_unv", "c_sup", "c_old", "c_dec", "c_new")
    add_run(wh, "r1", T0)
    add_verdict(wh, "c_unv", "r1", "unverified", T0)
    add_verdict(wh, "c_sup", "r1", "supported", T0)
    add_verdict(wh, "c_old", "r1", "refuted", T0 - timedelta(days=6))
    add_verdict(wh, "c_dec", "r1", "mixed", T0)
    decide(wh, "c_dec", T0)
    policy = ReverifySettings()
    now = T0 + timedelta(days=1, hours=1)

    due = tracking.due_claims(wh, now, policy)
    assert [d.claim_id for d in due] == ["c_new", "c_old", "c_unv"]
    assert due[0].status is None and due[0].due_at is None
    assert due[1].status == "refuted" and due[1].due_at == T0 + timedelta(days=1)

    assert [d.claim_id for d in tracking.due_claims(wh, T0, policy)] == ["c_new"]
    everything = {d.claim_id for d in tracking.due_claims(wh, now, policy, all=True)}
    assert everything == {"c_unv", "c_sup", "c_old", "c_new"}  # decided stays out
    with_decided = ReverifySettings(include_decided=True)
    assert "c_dec" in {d.claim_id for d in tracking.due_claims(wh, now, with_decided)}
    asked = tracking.due_claims(wh, T0, policy, claim_ids=["c_dec", "c_sup"])
    assert [(d.claim_id, d.decided) for d in asked] == [("c_dec", True), ("c_sup", False)]


def test_due_claims_ignore_the_run_being_resumed(wh: Warehouse) -> None:
    add_claims(wh, "c1")
    add_run(wh, "r1", T0)
    add_verdict(wh, "c1", "r1", "unverified", T0)
    add_run(wh, "r2", T0 + timedelta(days=2))
    add_verdict(wh, "c1", "r2", "supported", T0 + timedelta(days=2))
    now = T0 + timedelta(days=2)
    assert tracking.due_claims(wh, now, ReverifySettings()) == []
    [resumed] = tracking.due_claims(wh, now, ReverifySettings(), exclude_run="r2")
    assert resumed.status == "unverified"


def test_load_claims_round_trips_the_record(wh: Warehouse) -> None:
    add_claims(wh, "c1", "c2")
    loaded = tracking.load_claims(wh, ["c2", "c1", "missing"])
    assert [(c.id, aid) for c, aid in loaded] == [("c2", ""), ("c1", "")]
    assert loaded[0][0] == claim("c2")


def test_known_sources_validators_and_states_exclude_this_run(wh: Warehouse) -> None:
    add_claims(wh, "c1")
    add_run(wh, "r1", T0)
    a = add_source(wh, "c1", "http://h/a", "r1", T0, digest="h1", etag='"1"')
    add_run(wh, "r2", T0 + timedelta(days=1))
    b = add_source(wh, "c1", "http://h/b", "r2", T0 + timedelta(days=1), digest="h9", etag='"9"')
    with wh.transaction() as con:
        store.save_fetch(con, "r2", a, FetchResult(url="http://h/a", status="fetched", reason="ok",
                                                   sha256="h2", etag='"2"'), T0 + timedelta(days=1))
        tracking.save_events(con, [SourceEvent("gone", b, "r2", "404", T0 + timedelta(days=1))])

    known = tracking.known_sources(wh, ["c1"], exclude_run="r2")
    assert [c.url for c in known["c1"]] == ["http://h/a"]
    assert len(tracking.known_sources(wh, ["c1"])["c1"]) == 2
    assert tracking.prior_validators(wh, ["http://h/a"], exclude_run="r2") == {
        "http://h/a": ('"1"', None)}
    assert tracking.prior_validators(wh, ["http://h/a"])["http://h/a"] == ('"2"', None)
    states = tracking.source_states(wh, [a, b], exclude_run="r2")
    assert states[a] == SourceState(a, "h1", False) and states[b] == SourceState(b, None, False)
    assert tracking.source_states(wh, [b])[b].gone


@pytest.mark.parametrize(
    ("before", "gone_now", "now", "expected"),
    [
        (SourceState("s", "h1", False), False, "h1", None),
        (SourceState("s", "h1", False), False, "h2", "changed"),
        (SourceState("s", "h1", False), True, None, "gone"),
        (SourceState("s", None, False), True, None, None),  # never read: cannot vanish
        (SourceState("s", "h1", True), True, None, None),  # still gone
        (SourceState("s", "h1", True), False, "h1", "back"),
        (SourceState("s", "h1", False), False, None, None),  # a timeout says nothing
        (SourceState("s", None, False), False, "h1", "new"),  # readable for the first time
    ],
)
def test_event_for(before: SourceState, gone_now: bool, now: str | None, expected: str | None) -> None:
    event = tracking.event_for(before, gone_now=gone_now, snapshot_now=now)
    assert (event[0] if event else None) == expected


def test_history_joins_status_changes_and_source_events(wh: Warehouse) -> None:
    add_claims(wh, "c1", "c2")
    add_run(wh, "r1", T0)
    s = add_source(wh, "c1", "http://h/a", "r1", T0, digest="h1")
    add_verdict(wh, "c1", "r1", "unverified", T0)
    add_verdict(wh, "c2", "r1", "supported", T0)
    t1 = T0 + timedelta(days=1)
    add_run(wh, "r2", t1)
    with wh.transaction() as con:
        store.link_claim_source(con, "c2", s, Candidate(url="http://h/a", provider="x"), "r2")
        events = [SourceEvent("changed", s, "r2", "content changed", t1, None, "h1", "h2"),
                  SourceEvent("new", s, "r2", "found by discovery", t1, "c2", None, "h2")]
        tracking.save_events(con, events)
        tracking.save_events(con, events)  # a resumed run writes the same rows
    add_verdict(wh, "c1", "r2", "supported", t1)
    add_verdict(wh, "c2", "r2", "supported", t1)

    got = [(h.claim_id, h.kind, h.from_value, h.to_value, h.run_id)
           for h in tracking.history(wh)]
    assert got == [
        ("c1", "status", None, "unverified", "r1"),
        ("c2", "status", None, "supported", "r1"),
        ("c1", "changed", "h1", "h2", "r2"),  # c2 linked in r2: the change is not news to it
        ("c1", "status", "unverified", "supported", "r2"),
        ("c2", "new", None, "h2", "r2"),
    ]
    assert [h.kind for h in tracking.history(wh, "c1", since=date(2026, 3, 2))] == [
        "changed", "status"]
    first = tracking.history(wh, "c1")[0].to_json()
    assert set(first) == {"claim_id", "kind", "from", "to", "at", "run_id", "reason",
                          "source_id", "url"}
    timeline = tracking.timeline(wh, "c1")
    assert [(t.kind, t.what) for t in timeline] == [
        ("verdict", "unverified"), ("verdict", "supported"), ("changed", "http://h/a")]


def test_export_parquet_writes_every_table_readable_by_duckdb(wh: Warehouse, tmp_path: Path) -> None:
    add_claims(wh, "c1", "c2")
    target = tmp_path / "it's exported"
    exported = tracking.export_parquet(wh, target)
    by_name = {e.name: e for e in exported}
    assert {"claims", "verdicts", "source_events", "runs"} <= set(by_name)
    assert by_name["claims"].rows == 2 and by_name["history"].kind == "view"
    con = duckdb.connect()
    rows = con.execute("SELECT id FROM read_parquet(?) ORDER BY id",
                       [str(target / "claims.parquet")]).fetchall()
    assert rows == [("c1",), ("c2",)]
    assert all(e.path.is_file() for e in exported)


def test_save_fetches_writes_one_row_per_run_and_url(wh: Warehouse) -> None:
    results = [FetchResult(url="http://h/a", status="fetched", reason="not_modified",
                           http_status=304, etag='"1"', sha256="h1", not_modified=True, ms=3),
               FetchResult(url="http://h/b", status="failed", reason="http_410", http_status=410)]
    with wh.transaction() as con:
        for r in results:
            store.save_fetch(con, "r1", "s_" + r.url[-1], r, T0)
        one = con.execute("SELECT * FROM fetches ORDER BY url").fetchall()
        con.execute("DELETE FROM fetches")
        store.save_fetches(con, "r1", [("s_" + r.url[-1], r) for r in results], T0)
        store.save_fetches(con, "r1", [("s_" + r.url[-1], r) for r in results], T0)
        assert con.execute("SELECT * FROM fetches ORDER BY url").fetchall() == one


def test_save_snapshots_writes_what_save_snapshot_and_save_passages_write(wh: Warehouse) -> None:
    from sources.model import Document, Passage

    doc = Document(text="One. Two.", title="T", url="http://h/a", published="2020-05-01")
    parts = (Passage(0, "One.", 0, 4), Passage(1, "Two.", 5, 9))
    items = [("h1", "s1", "/p/h1", 9, "text/html", doc, parts),
             ("h1", "s2", "/p/h1b", 9, "text/html", doc, parts),  # same bytes, second source
             ("h2", "s3", None, 0, None, None, ())]
    with wh.transaction() as con:
        for sha, sid, path, size, ctype, d, ps in items:
            if con.execute("SELECT 1 FROM snapshots WHERE hash = ?", [sha]).fetchone():
                continue
            store.save_snapshot(con, sha, sid, path, size, ctype, d, T0)
            store.save_passages(con, sha, ps)
        one = (con.execute("SELECT * FROM snapshots ORDER BY hash").fetchall(),
               con.execute("SELECT * FROM passages ORDER BY id").fetchall())
        con.execute("DELETE FROM snapshots")
        con.execute("DELETE FROM passages")
        store.save_snapshots(con, items, T0)
        store.save_snapshots(con, items, T0)
        assert (con.execute("SELECT * FROM snapshots ORDER BY hash").fetchall(),
                con.execute("SELECT * FROM passages ORDER BY id").fetchall()) == one
