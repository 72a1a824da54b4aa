"""The desk's reads and writes on a small realistic warehouse: queue order, filters, counts, a
claim's file, holds, optimistic decisions, the audit log, and editor accounts."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from claimtrack.clock import FrozenClock
from claimtrack.errors import AuthError, ConflictError, InputError
from claimtrack.settings import ReviewSettings
from tests.desk.review_fixtures import T0, SmallDesk, build_small
from warehouse.db import Warehouse
from warehouse.editors import Accounts, hash_password, verify_password
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


@pytest.fixture
def desk(wh: Warehouse, clock: FrozenClock, seeded: SmallDesk) -> ReviewDesk:
    return ReviewDesk(wh, ReviewSettings(hold_minutes=30), clock=clock)


def test_queue_lists_what_needs_a_person_by_priority(desk: ReviewDesk, seeded: SmallDesk) -> None:
    page = desk.queue()
    ids = [i.claim_id for i in page.items]
    # changed status, most check-worthy, repeated in two articles -> first; decided and
    # confident claims are not in the queue
    assert ids == [seeded.roads, seeded.jobs]
    assert page.total == 2
    assert page.counts == {"open": 2, "in_review": 0, "decided": 1, "auto": 1, "unchecked": 0}
    roads = page.items[0]
    assert roads.changed and roads.previous_status == "supported" and roads.status == "mixed"
    assert roads.articles == 2 and set(roads.article_ids) == {seeded.article_1, seeded.article_2}
    assert roads.reasons == ("mixed", "changed")
    assert 0 < page.items[1].priority < roads.priority <= 1


def test_queue_filters_and_pagination(desk: ReviewDesk, seeded: SmallDesk) -> None:
    assert [i.claim_id for i in desk.queue(QueueFilter(status="refuted")).items] == [seeded.jobs]
    assert [i.claim_id for i in desk.queue(QueueFilter(article=seeded.article_2)).items] == [
        seeded.roads]
    assert desk.queue(QueueFilter(kind="event")).total == 0
    assert [i.claim_id for i in desk.queue(QueueFilter(state="decided")).items] == [seeded.quote]
    assert desk.queue(QueueFilter(state="all")).total == 4
    first = desk.queue(QueueFilter(per_page=1))
    second = desk.queue(QueueFilter(per_page=1, page=2))
    assert first.pages == 2 and first.items[0].claim_id != second.items[0].claim_id
    with pytest.raises(InputError, match="unknown state"):
        desk.queue(QueueFilter(state="nope"))  # type: ignore[arg-type]


def test_claim_file_has_context_evidence_and_timeline(desk: ReviewDesk, seeded: SmallDesk) -> None:
    claim = desk.claim(seeded.roads)
    assert claim is not None and claim.state == "open" and claim.status == "mixed"
    assert [m.article_id for m in claim.mentions] == [seeded.article_1, seeded.article_2]
    first = claim.mentions[0]
    assert first.claim.startswith("The city spent 12 million") and "council" in first.before
    ev = claim.evidence[0]
    assert ev.passage_quote == "the city spent 11.8 million euros on road repairs in 2024"
    assert ev.passage_before.startswith("Road maintenance") and ev.domain == "city.example.org"
    kinds = [(e.kind, e.summary) for e in claim.timeline]
    assert ("verdict", "mixed (was supported), confidence 0.45") in kinds
    assert claim.version == "v_roads_2:-"
    assert desk.claim("c_missing") is None


def test_take_hold_expires_and_blocks_others(desk: ReviewDesk, clock: FrozenClock,
                                             seeded: SmallDesk) -> None:
    hold = desk.take(seeded.jobs, "ana")
    assert hold.expires_at - hold.taken_at == timedelta(minutes=30)
    with pytest.raises(ConflictError, match="ana holds"):
        desk.take(seeded.jobs, "ben")
    assert desk.queue(QueueFilter(assignee="ana")).items[0].claim_id == seeded.jobs
    assert desk.queue().counts["in_review"] == 1
    clock.advance(minutes=31)
    assert desk.take(seeded.jobs, "ben").editor == "ben"
    desk.release(seeded.jobs, "ben")
    claim = desk.claim(seeded.jobs)
    assert claim is not None and claim.hold is None and claim.state == "open"


def test_decide_is_optimistic_and_appends(desk: ReviewDesk, seeded: SmallDesk) -> None:
    seen = desk.claim(seeded.roads)
    assert seen is not None
    first = desk.decide(seeded.roads, "ana", "misleading", note="Amount is 11.8m",
                        publish=True, version=seen.version)
    with pytest.raises(ConflictError, match="ana decided claim c_roads as 'misleading'"):
        desk.decide(seeded.roads, "ben", "false", version=seen.version)
    after = desk.claim(seeded.roads)
    assert after is not None and after.state == "decided" and after.decision is not None
    assert after.decision.id == first.id and after.decision.rating == "misleading"
    # a later decision on the new version is a new row; the old one stays in the log
    desk.decide(seeded.roads, "ben", "false", version=after.version)
    log = desk.audit(claim_id=seeded.roads)
    assert [(e.editor, e.action, e.rating) for e in log.entries] == [
        ("ben", "decide", "false"), ("ana", "decide", "misleading")]
    with pytest.raises(InputError, match="unknown rating"):
        desk.decide(seeded.roads, "ana", "pants-on-fire")
    with pytest.raises(InputError, match="no claim"):
        desk.decide("c_missing", "ana", "false")


def test_decide_refused_while_another_holds(desk: ReviewDesk, seeded: SmallDesk) -> None:
    desk.take(seeded.jobs, "ana")
    with pytest.raises(ConflictError, match="ana holds"):
        desk.decide(seeded.jobs, "ben", "false")
    desk.decide(seeded.jobs, "ana", "false")  # the holder may; the decision ends the hold
    claim = desk.claim(seeded.jobs)
    assert claim is not None and claim.hold is None


def test_two_editors_at_once_one_wins(desk: ReviewDesk, seeded: SmallDesk) -> None:
    seen = desk.claim(seeded.jobs)
    assert seen is not None
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def go(editor: str, rating: str) -> None:
        barrier.wait()
        try:
            results[editor] = desk.decide(seeded.jobs, editor, rating, version=seen.version)
        except ConflictError as exc:
            results[editor] = exc

    threads = [threading.Thread(target=go, args=a) for a in (("ana", "false"), ("ben", "true"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lost = [v for v in results.values() if isinstance(v, ConflictError)]
    assert len(lost) == 1 and "your decision was not saved" in str(lost[0])
    assert len(desk.audit(claim_id=seeded.jobs).entries) == 1


def test_accounts(wh: Warehouse, clock: FrozenClock) -> None:
    accounts = Accounts(wh, clock=clock)
    token = accounts.add("ana", "correct horse battery")
    assert token.startswith("ct_")
    assert accounts.authenticate("ana", "correct horse battery").name == "ana"
    assert accounts.for_token(token).name == "ana"
    with pytest.raises(AuthError):
        accounts.authenticate("ana", "wrong password!")
    with pytest.raises(AuthError):
        accounts.authenticate("nobody", "correct horse battery")
    with pytest.raises(InputError, match="already exists"):
        accounts.add("ana", "another password")
    with pytest.raises(InputError, match="too short"):
        accounts.add("ben", "short")
    with pytest.raises(InputError, match="bad editor name"):
        accounts.add("<b>", "long enough password")
    accounts.remove("ana")
    assert accounts.list() == [] and accounts.list(include_removed=True)[0].name == "ana"
    with pytest.raises(AuthError):
        accounts.for_token(token)
    with wh.connect() as con:
        stored = con.execute("SELECT password_hash, token_hash FROM editors").fetchone()
    assert stored is not None and "correct" not in stored[0] and token not in stored[1]
    assert verify_password("x" * 12, hash_password("x" * 12))
    log = ReviewDesk(wh, clock=clock).audit()
    assert [e.action for e in log.entries] == ["editor_removed", "editor_added"]


def test_queue_index_follows_every_write(desk: ReviewDesk, wh: Warehouse, clock: FrozenClock,
                                         seeded: SmallDesk) -> None:
    assert desk.queue().total == 2
    desk.take(seeded.jobs, "ana")  # patched in place
    assert desk.queue().items[1].hold is not None
    other = ReviewDesk(wh, ReviewSettings(hold_minutes=30), clock=clock)
    other.decide(seeded.jobs, "ana", "false")  # another desk: seen through the fingerprint
    assert [i.claim_id for i in desk.queue().items] == [seeded.roads]
    with wh.transaction() as con:  # a new run puts a confident claim back in the queue
        con.execute(
            "INSERT INTO verdicts (id, claim_id, run_id, status, confidence, rationale, "
            "evidence_ids, assessor, needs_review, review_reasons, created_at) VALUES "
            "('v_lanes_3', 'c_lanes', 'run_3', 'refuted', 0.4, 'New source disagrees.', '[]', "
            "'lexical-v1', true, '[\"changed\"]', ?)", [clock()])
    page = desk.queue()
    assert {i.claim_id for i in page.items} == {seeded.roads, seeded.lanes}
    assert page.counts["decided"] == 2


def test_many_threads_share_the_file(wh: Warehouse, clock: FrozenClock,
                                     seeded: SmallDesk) -> None:
    """Request threads open and close connections at once; none fails, and a read-only open
    elsewhere in the process shares the read-write instance instead of failing."""
    desk = ReviewDesk(wh, ReviewSettings(), clock=clock)  # no linger: every call opens the file
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                desk.queue() if (n + i) % 2 else desk.claim(seeded.roads)
                with wh.connect(read_only=True) as con:
                    con.execute("SELECT count(*) FROM claims").fetchone()
        except BaseException as exc:  # noqa: BLE001 - collected for the assert
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_priority_weights_and_the_sql_views(wh: Warehouse, seeded: SmallDesk) -> None:
    with wh.connect() as con:
        def prio(cw: float, conf: float, changed: bool, age_days: float, articles: int) -> float:
            row = con.execute(
                "SELECT review_priority(?, ?, ?, TIMESTAMPTZ '2026-03-01 00:00:00+00', ?, "
                "TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_seconds(?))",
                [cw, conf, changed, articles, int(age_days * 86400)]).fetchone()
            assert row is not None
            return float(row[0])

        assert prio(0, 1, False, 0, 1) == 0.0
        assert prio(1, 0, True, 7, 5) == 1.0
        assert prio(1, 1, False, 0, 1) == 0.35  # check-worthiness
        assert prio(0, 0, False, 0, 1) == 0.25  # uncertainty
        assert prio(0, 1, True, 0, 1) == 0.2  # status changed
        assert prio(0, 1, False, 3.5, 1) == 0.05 and prio(0, 1, False, 30, 1) == 0.1  # age
        assert prio(0, 1, False, 0, 3) == 0.05 and prio(0, 1, False, 0, 9) == 0.1  # repeats
        queue = [r[0] for r in con.execute("SELECT claim_id FROM review_queue").fetchall()]
        audit = con.execute("SELECT editor, action, rating FROM audit").fetchall()
    assert queue == [seeded.roads, seeded.jobs]
    assert audit == [("seed", "decide", "unproven")]


def _fetch(con: object, fid: str, source_id: str, url: str, at: object, status: str,
           reason: str, snapshot: str | None) -> None:
    con.execute(  # type: ignore[attr-defined]
        "INSERT INTO fetches (id, run_id, source_id, url, attempted_at, status, reason, "
        "snapshot_hash) VALUES (?, 'run_2', ?, ?, ?, ?, ?, ?)",
        [fid, source_id, url, at, status, reason, snapshot])


def _fetch_events(wh: Warehouse, seeded: SmallDesk) -> None:
    """A changed page for roads' evidence, a failure of a source roads was only checked
    against, and a failure of a source roads has nothing to do with."""
    with wh.transaction() as con:
        _fetch(con, "f_city_2", seeded.source_1, "https://city.example.org/report-2024",
               T0 + timedelta(days=2), "fetched", "ok", "snap_city_v2")
        con.execute("INSERT INTO sources (id, url, canonical_url, domain, tier, title, "
                    "first_seen) VALUES ('s_wire', 'https://wire.example.com/x', "
                    "'https://wire.example.com/x', 'wire.example.com', 'unknown', NULL, ?)", [T0])
        con.execute("INSERT INTO claim_sources (claim_id, source_id, provider, rank) "
                    "VALUES (?, 's_wire', 'links', 1)", [seeded.roads])
        _fetch(con, "f_wire", "s_wire", "https://wire.example.com/x", T0 + timedelta(days=1),
               "failed", "timeout after 10 s", None)
        _fetch(con, "f_stats_2", seeded.source_2, "https://stats.example.net/region",
               T0 + timedelta(days=2), "failed", "HTTP 503", None)


def test_timeline_shows_source_changes_and_failures(desk: ReviewDesk, wh: Warehouse,
                                                    seeded: SmallDesk) -> None:
    """Fetches of the evidence's sources and of sources the claim was only checked against."""
    _fetch_events(wh, seeded)
    claim = desk.claim(seeded.roads)
    assert claim is not None
    fetches = [(e.summary, e.detail) for e in claim.timeline if e.kind == "fetch"]
    assert fetches == [
        ("source failed: timeout after 10 s", "https://wire.example.com/x"),
        ("source changed", "https://city.example.org/report-2024"),
    ]


def test_claims_read_together_equal_claims_read_alone(wh: Warehouse, clock: FrozenClock,
                                                     seeded: SmallDesk) -> None:
    """The web app reads claims asked for at once in one go, and a long-running desk answers
    mentions and shared rows from memory: the files are the same as one-shot reads."""
    _fetch_events(wh, seeded)
    ids = [seeded.roads, seeded.jobs, seeded.lanes, seeded.quote]
    one_shot = ReviewDesk(wh, ReviewSettings(hold_minutes=30), clock=clock)
    alone = {c: one_shot.claim(c) for c in ids}
    app = ReviewDesk(wh, ReviewSettings(hold_minutes=30), clock=clock, linger=5.0,
                     check_every=60.0, threads=1)
    try:
        together = app.claims([*ids, "c_missing", seeded.roads])
        assert list(together) == ids  # asked order, missing left out, repeats once
        assert together == alone
        assert app.claims(ids) == alone  # again, from the remembered rows
        assert [e.kind for e in together[seeded.roads].timeline].count("fetch") == 2
        app.take(seeded.jobs, "ana")  # the desk's own action shows in its remembered actions
        alone[seeded.jobs] = one_shot.claim(seeded.jobs)
        assert app.claims(ids) == alone
    finally:
        app.close()
