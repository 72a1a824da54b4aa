"""The desk's caches (queue index, states, finished pages) never hide a write: the desk's own
writes show at once, holds expire on time, writes through another connection show after the
fingerprint check, and writes by another process show as soon as the file is reopened."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from claimtrack.clock import FrozenClock
from claimtrack.settings import ReviewSettings
from tests.desk.review_fixtures import T0, SmallDesk, _verdict, build_small
from warehouse.db import Warehouse
from warehouse.review import QueueFilter, ReviewDesk


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0 + timedelta(days=3))


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "wh.duckdb")


@pytest.fixture
def seeded(wh: Warehouse) -> SmallDesk:
    return build_small(wh)


def _desk(wh: Warehouse, clock: FrozenClock, check_every: float) -> Iterator[ReviewDesk]:
    desk = ReviewDesk(wh, ReviewSettings(hold_minutes=30), clock=clock, linger=5.0,
                      check_every=check_every, threads=1)
    try:
        yield desk
    finally:
        desk.close()


@pytest.fixture
def app_desk(wh: Warehouse, clock: FrozenClock, seeded: SmallDesk) -> Iterator[ReviewDesk]:
    """As the web app runs it: a lingering file, and no fingerprint check for a minute, so only
    the desk's own bookkeeping can make a write show."""
    yield from _desk(wh, clock, check_every=60.0)


def _take_elsewhere(con: object, claim_id: str, editor: str, at: object) -> None:
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO reviews (id, claim_id, editor, action, created_at) "
        "VALUES ('rv_999999999999', ?, ?, 'take', ?)", [claim_id, editor, at])


def test_a_repeated_page_is_served_from_the_cache(app_desk: ReviewDesk) -> None:
    first = app_desk.queue()
    assert app_desk.queue() is first
    assert app_desk.queue(QueueFilter(state="all")) is not first


def test_own_take_and_decision_show_at_once(app_desk: ReviewDesk, seeded: SmallDesk) -> None:
    before = app_desk.queue()
    assert before.counts["in_review"] == 0
    assert app_desk.queue(QueueFilter(assignee="ana")).total == 0
    app_desk.take(seeded.roads, "ana")
    page = app_desk.queue()
    roads = next(i for i in page.items if i.claim_id == seeded.roads)
    assert roads.state == "in_review" and roads.hold is not None and roads.hold.editor == "ana"
    assert page.counts["in_review"] == 1
    assert [i.claim_id for i in app_desk.queue(QueueFilter(assignee="ana")).items] == [
        seeded.roads]
    detail = app_desk.claim(seeded.roads)
    assert detail is not None and detail.hold is not None and detail.hold.editor == "ana"

    app_desk.decide(seeded.roads, "ana", "misleading", note="n", version=detail.version)
    page = app_desk.queue()
    assert seeded.roads not in [i.claim_id for i in page.items]
    assert page.counts["decided"] == before.counts["decided"] + 1
    decided = app_desk.queue(QueueFilter(state="decided"))
    roads = next(i for i in decided.items if i.claim_id == seeded.roads)
    assert roads.rating == "misleading" and roads.decided_by == "ana"


def test_a_hold_expires_on_a_cached_page(app_desk: ReviewDesk, seeded: SmallDesk,
                                         clock: FrozenClock) -> None:
    app_desk.take(seeded.jobs, "ben")
    assert app_desk.queue().counts["in_review"] == 1
    clock.advance(minutes=29)
    assert app_desk.queue().counts["in_review"] == 1
    clock.advance(minutes=2)
    page = app_desk.queue()
    jobs = next(i for i in page.items if i.claim_id == seeded.jobs)
    assert page.counts["in_review"] == 0 and jobs.state == "open" and jobs.hold is None


def test_another_connection_shows_after_the_check(wh: Warehouse, clock: FrozenClock,
                                                  seeded: SmallDesk) -> None:
    for desk in _desk(wh, clock, check_every=0.2):
        assert desk.queue().counts["in_review"] == 0
        with wh.transaction() as con:  # e.g. another desk or a flow in this process
            _take_elsewhere(con, seeded.roads, "cara", clock())
        time.sleep(0.25)
        page = desk.queue()
        assert page.counts["in_review"] == 1
        roads = next(i for i in page.items if i.claim_id == seeded.roads)
        assert roads.hold is not None and roads.hold.editor == "cara"


def test_another_process_shows_when_the_file_is_reopened(wh: Warehouse, clock: FrozenClock,
                                                         seeded: SmallDesk) -> None:
    """Another process can only write while the desk has the file closed; reopening it makes
    the desk look again, even though its periodic check is a minute away."""
    for desk in _desk(wh, clock, check_every=60.0):
        assert desk.queue().counts["in_review"] == 0
        desk.close()
        script = (
            "import sys, duckdb\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "con.execute(\"INSERT INTO reviews (id, claim_id, editor, action, created_at) "
            "VALUES ('rv_999999999999', ?, 'dan', 'take', ?::TIMESTAMPTZ)\", "
            "[sys.argv[2], sys.argv[3]])\n"
            "con.close()\n"
        )
        subprocess.run([sys.executable, "-c", script, str(wh.path), seeded.jobs,
                        clock().isoformat()], check=True, timeout=60)
        page = desk.queue()
        assert page.counts["in_review"] == 1
        jobs = next(i for i in page.items if i.claim_id == seeded.jobs)
        assert jobs.hold is not None and jobs.hold.editor == "dan"


def test_shared_rows_are_read_again_after_the_warehouse_changes(
        wh: Warehouse, clock: FrozenClock, seeded: SmallDesk) -> None:
    """Articles and sources a claim page shows are remembered only as long as one queue index:
    a new title shows once the warehouse's fingerprint moves."""
    for desk in _desk(wh, clock, check_every=0.2):
        first = desk.claim(seeded.roads)
        assert first is not None and first.mentions[0].title == "Council approves budget"
        assert first.evidence[0].tier == "official"
        with wh.transaction() as con:  # a later check run: new title, new tier, a new verdict
            con.execute("UPDATE articles SET title = 'Council approves a smaller budget' "
                        "WHERE id = ?", [seeded.article_1])
            con.execute("UPDATE sources SET tier = 'reliable' WHERE id = ?", [seeded.source_1])
            _verdict(con, "v_roads_3", seeded.roads, "run_2", "mixed", 0.5, "r", ["e_roads"],
                     ["mixed"], clock())
        time.sleep(0.25)
        again = desk.claim(seeded.roads)
        assert again is not None and again.mentions[0].title == "Council approves a smaller budget"
        assert again.evidence[0].tier == "reliable" and again.verdict_id == "v_roads_3"


def test_made_up_article_filters_are_not_remembered(app_desk: ReviewDesk) -> None:
    index_before = app_desk.queue(QueueFilter(article="a_news1"))
    assert index_before.total > 0
    for i in range(50):
        assert app_desk.queue(QueueFilter(article=f"nope-{i}")).total == 0
    index = app_desk._index
    assert index is not None and set(index.article_claims) == {"a_news1"}


def test_a_new_fetch_failure_shows_after_the_check(wh: Warehouse, clock: FrozenClock,
                                                   seeded: SmallDesk) -> None:
    """Which sources have fetch events is remembered with the index; fetches are part of the
    fingerprint, so a re-check's failed fetch shows on the claim's timeline."""
    for desk in _desk(wh, clock, check_every=0.2):
        before = desk.claim(seeded.roads)
        assert before is not None and not [e for e in before.timeline if e.kind == "fetch"]
        with wh.transaction() as con:
            con.execute(
                "INSERT INTO fetches (id, run_id, source_id, url, attempted_at, status, reason) "
                "VALUES ('f_late', 'run_2', ?, 'https://city.example.org/report-2024', ?, "
                "'failed', 'HTTP 503')", [seeded.source_1, clock()])
        time.sleep(0.25)
        after = desk.claim(seeded.roads)
        assert after is not None
        assert [e.summary for e in after.timeline if e.kind == "fetch"] == [
            "source failed: HTTP 503"]
