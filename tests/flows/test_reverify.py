"""Three re-verification rounds with time driven forward: a source changes, another vanishes and
comes back, a third appears; the status changes and source events are exactly the expected ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimtrack.clock import FrozenClock
from claimtrack.errors import InputError
from claimtrack.settings import Settings
from flows.check import check_article
from flows.reverify import recheck_claim, reverify_tracked
from tests.flows.reverify_site import (
    ARTICLE,
    ELBRUS,
    ELBRUS_NEW,
    HERITAGE,
    RAILWAY,
    Site,
    page,
    seed_check,
)
from warehouse import tracking
from warehouse.db import Warehouse

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

@pytest.fixture
def site() -> Site:
    return Site({"/article.html": ARTICLE, "/sources/elbrus.html": ELBRUS,
                 "/sources/heritage.html": HERITAGE})


@pytest.fixture
def base(site: Site) -> Iterator[str]:
    with site.serve() as url:
        yield url


def local(settings: Settings, base: str) -> Settings:
    return settings.with_overrides(fetch={"allow_hosts": (base.removeprefix("http://"),)},
                                   providers={"enabled": ("links",)})


def by_text(wh: Warehouse) -> dict[str, str]:
    """The site's three tracked claims by short name (other sentences a page adds are not named)."""
    with wh.connect(read_only=True) as con:
        rows = con.execute("SELECT id, text FROM claims").fetchall()
    names = {"Elbrus": "elbrus", "UNESCO": "heritage", "Railway": "railway"}
    return {cid: n for cid, text in rows for k, n in names.items() if k in text}


def test_three_rounds_record_exactly_what_changed(
    prefect_harness: None, settings: Settings, site: Site, base: str, tmp_path: Path
) -> None:
    s = local(settings, base)
    wh = Warehouse(s.db)
    clock = FrozenClock(T0)
    # the real check, report and all, is where tracking starts (other tests here use seed_check)
    assert check_article([f"{base}/article.html"], s, clock=clock).report_path
    name = by_text(wh)
    assert sorted(name.values()) == ["elbrus", "heritage", "railway"]
    start = {name[h.claim_id]: h.to_value for h in tracking.history(wh)}
    assert start == {"elbrus": "supported", "heritage": "supported", "railway": "unverified"}

    # Round 1, a day later: only the unverified claim is due; its source is still missing.
    site.put("/sources/elbrus.html", ELBRUS_NEW)
    clock.advance(days=1, hours=1)
    site.reset_counts()
    one = reverify_tracked(s, clock=clock)
    assert [name[c.id] for c in one.claims] == ["railway"]
    assert one.events == () and not any(c.changed for c in one.claims)
    assert site.requests == 1  # the missing page, asked again; nothing else was due

    # Round 2, a week on: everything is due. Elbrus changed, the register vanished (410),
    # the railway page appeared.
    site.remove("/sources/heritage.html", 410)
    site.put("/sources/railway.html", RAILWAY)
    clock.advance(days=7)
    two = reverify_tracked(s, clock=clock)
    assert {name[c.id]: (c.before, c.after) for c in two.claims} == {
        "elbrus": ("supported", "refuted"),
        "heritage": ("supported", "supported"),  # its last snapshot stays the evidence of record
        "railway": ("unverified", "supported"),
    }
    flagged = {name[c.id]: c.review_reasons for c in two.claims}
    assert "status changed: supported -> refuted" in flagged["elbrus"]
    assert not any("status changed" in r for r in flagged["heritage"])
    kinds = {(e.kind, e.source_id) for e in two.events}
    assert {k for k, _ in kinds} == {"changed", "gone", "new"} and len(two.events) == 3

    # Round 3, another week: the register is back, unchanged; everything else answers 304.
    site.put("/sources/heritage.html", HERITAGE)
    clock.advance(days=8)
    site.reset_counts()
    three = reverify_tracked(s, clock=clock)
    assert [e.kind for e in three.events] == ["back"]
    assert not any(c.changed for c in three.claims) and len(three.claims) == 3
    assert (three.requests, three.not_modified, three.bytes) == (3, 3, 0)
    assert site.not_modified == 3 and site.bytes == 0

    # The history, exactly: first verdicts, then what each round changed.
    got = [(h.at, name.get(h.claim_id or "", h.claim_id), h.kind, h.from_value, h.to_value)
           for h in tracking.history(wh)]
    snap = {e.kind: (e.from_snapshot, e.to_snapshot) for e in (*two.events, *three.events)}
    r2, r3 = T0.replace(day=10, hour=10), T0.replace(day=18, hour=10)
    expected = [
        (T0, "elbrus", "status", None, "supported"),
        (T0, "heritage", "status", None, "supported"),
        (T0, "railway", "status", None, "unverified"),
        (r2, "elbrus", "changed", *snap["changed"]),
        (r2, "elbrus", "status", "supported", "refuted"),
        (r2, "heritage", "gone", snap["gone"][0], None),
        (r2, "railway", "new", None, snap["new"][1]),
        (r2, "railway", "status", "unverified", "supported"),
        (r3, "heritage", "back", snap["gone"][0], snap["gone"][0]),
    ]
    assert sorted(got, key=_order) == sorted(expected, key=_order)
    assert all(h.run_id for h in tracking.history(wh))
    gone = next(h for h in tracking.history(wh) if h.kind == "gone")
    assert gone.url == f"{base}/sources/heritage.html" and "http_410" in gone.reason

    # Nothing is due the day after; an editor's final rating keeps a claim out even when due.
    clock.advance(days=1)
    assert reverify_tracked(s, clock=clock).claims == ()
    elbrus = next(cid for cid, n in name.items() if n == "elbrus")
    with wh.transaction() as con:
        con.execute("INSERT INTO reviews (id, claim_id, editor, action, rating, created_at) "
                    "VALUES ('d1', ?, 'ed', 'decide', 'false', ?)", [elbrus, clock()])
    clock.advance(days=8)
    assert {name[c.id] for c in reverify_tracked(s, clock=clock).claims} == {"heritage", "railway"}
    asked = reverify_tracked(s, mode="claims", claim_ids=[elbrus], clock=clock)
    assert [name[c.id] for c in asked.claims] == ["elbrus"]


def _order(row: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(x) for x in row)


def test_recheck_claim_adds_editor_evidence(
    prefect_harness: None, settings: Settings, site: Site, base: str
) -> None:
    s = local(settings, base)
    wh = Warehouse(s.db)
    clock = FrozenClock(T0)
    seed_check(s, f"{base}/article.html", clock())
    railway = next(cid for cid, n in by_text(wh).items() if n == "railway")
    site.put("/sources/rail-stats.html", RAILWAY)
    clock.advance(hours=2)
    out = recheck_claim(s, railway, [f"{base}/sources/rail-stats.html"], clock=clock)
    [claim] = out.claims
    assert (claim.before, claim.after) == ("unverified", "supported")
    [event] = out.events
    assert (event.kind, event.claim_id, event.reason) == ("new", railway, "added by an editor")
    with wh.connect(read_only=True) as con:
        assert con.execute(
            "SELECT provider FROM claim_sources cs JOIN sources s ON s.id = cs.source_id "
            "WHERE s.url LIKE '%rail-stats.html'").fetchall() == [("editor",)]
    with pytest.raises(InputError, match="only http"):
        recheck_claim(s, railway, ["file:///etc/passwd"], clock=clock)
    with pytest.raises(InputError, match="no claim with id c_nope"):
        recheck_claim(s, "c_nope", clock=clock)
    # A page another claim already cites is new to this one: linked, and a "new" event for it.
    clock.advance(hours=1)
    again = recheck_claim(s, railway, [f"{base}/sources/heritage.html"], clock=clock)
    assert [(e.kind, e.claim_id) for e in again.events] == [("new", railway)]
    with wh.connect(read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM claim_sources cs JOIN sources s ON s.id = cs.source_id "
            "WHERE s.url LIKE '%heritage.html'").fetchone() == (2,)


def test_the_same_claim_in_two_articles_is_one_claim_with_two_mentions(
    settings: Settings, site: Site, base: str
) -> None:
    site.put("/other.html", page(
        "Europe's peaks",
        "Climbers keep coming back to the Caucasus every summer.",
        'Mount Elbrus is the highest mountain in Europe, at 5,642 metres, according to '
        '<a href="/sources/elbrus.html">the alpine survey</a>.',
    ))
    s = local(settings, base)
    wh = Warehouse(s.db)
    seed_check(s, f"{base}/article.html", T0)
    seed_check(s, f"{base}/other.html", T0.replace(hour=10))
    with wh.connect(read_only=True) as con:
        rows = con.execute("SELECT text, articles FROM claim_status WHERE text LIKE 'Mount Elbrus%'"
                           ).fetchall()
    assert [n for _, n in rows] == [2]
    elbrus = next(cid for cid, n in by_text(wh).items() if n == "elbrus")
    assert [t.kind for t in tracking.timeline(wh, elbrus)][:2] == ["mention", "verdict"]
    assert [t.kind for t in tracking.timeline(wh, elbrus)].count("mention") == 2


@pytest.mark.parametrize(
    ("status", "reason", "http", "gone"),
    [("failed", "http_404", 404, True), ("failed", "http_410", 410, True),
     ("failed", "dns_error", None, True), ("failed", "timeout", None, False),
     ("failed", "http_503", 503, False), ("fetched", "not_modified", 304, False),
     ("skipped", "robots", None, False)],
)
def test_what_counts_as_gone(status: str, reason: str, http: int | None, gone: bool) -> None:
    from flows.reverify import is_gone
    from sources.model import FetchResult

    result = FetchResult(url="http://h/a", status=status, reason=reason,  # type: ignore[arg-type]
                         http_status=http)
    assert is_gone(result) is gone
