"""The fault suite through the check's fetch stage: every source lands in ``fetches`` with a reason.

``flows.stages.fetch_and_read`` is what ``claimtrack check`` runs between discovery and
assessment (fetch, snapshot, extract, store); here it gets every fault URL as a candidate of
one claim. The stage must finish in bounded time and record each URL once, with its status and
reason, and snapshot exactly the fetched ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimtrack.settings import FetchSettings, Settings
from flows import stages
from sources.model import Candidate
from tests.sources.faultserver import FaultServer, Trap, bomb
from tests.sources.test_faults import CASES
from warehouse import db, runs

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[tuple[FaultServer, Trap]]:
    trap = Trap().start()
    for kind in ("gzip", "deflate", "br"):
        bomb(kind)
    with FaultServer(trap_port=trap.port, localhost_trap_port=trap.port) as srv:
        yield srv, trap
    trap.stop()


def test_every_fault_recorded_in_the_warehouse(server: tuple[FaultServer, Trap],
                                                tmp_path: Path) -> None:
    srv, trap = server
    fetch = FetchSettings(concurrency=64, per_host=64, host_delay=0.0, connect_timeout=1.0,
                          read_timeout=0.5, page_deadline=2.0, retries=1, backoff=0.05,
                          retry_after_cap=5.0, allow_hosts=(srv.host,))
    settings = Settings(db=tmp_path / "ct.duckdb", fetch=fetch)
    cases = [case for case in CASES if case[0] != "/to-localhost"]  # trap is on 127.0.0.2 here
    urls = [srv.url(path) for path, _, _ in cases]
    wh = db.Warehouse(settings.db)
    run_id = runs.begin_run(wh, "check_article", {"articles": ["faults"]}, NOW)
    discovered = stages.Discovered(by_claim={
        "claim-faults": [Candidate(url=u, provider="links", rank=i) for i, u in enumerate(urls)]
    })

    t0 = time.monotonic()
    stages.fetch_and_read(wh, settings, run_id, discovered, NOW)
    assert time.monotonic() - t0 < 20

    with wh.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT url, status, reason, snapshot_hash FROM fetches WHERE run_id = ?", [run_id]
        ).fetchall()
    recorded = {url: (status, reason, digest) for url, status, reason, digest in rows}
    assert sorted(recorded) == sorted(urls)
    for (path, status, reason), url in zip(cases, urls, strict=True):
        got_status, got_reason, digest = recorded[url]
        assert got_status == status, path
        if status == "fetched":
            # the stage reads fetched pages; a page with nothing to read says so
            assert got_reason in ("ok", "no main text"), path
            assert digest is not None, path
        else:
            assert got_reason == reason, path
            assert digest is None, path
    snapshots = [p for p in settings.snapshot_dir.rglob("*.zz")]
    assert len(snapshots) == len({d for _, _, d in recorded.values() if d})
    assert trap.connections == 0
