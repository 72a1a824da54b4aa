"""Two processes on one warehouse file: a slow re-verification in a subprocess while this process
keeps writing editorial notes. Short-lived connections with lock retry: no lost write, no crash."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from claimtrack.settings import Settings
from tests.flows.reverify_site import (
    ARTICLE,
    ELBRUS,
    ELBRUS_NEW,
    HERITAGE,
    RAILWAY,
    Site,
    seed_check,
)
from tests.flows.test_crash import REPO, helper_env
from warehouse.db import Warehouse


def test_a_long_run_and_another_writer_share_the_file(
    prefect_harness: None, settings: Settings, tmp_path: Path
) -> None:
    site = Site({"/article.html": ARTICLE, "/sources/elbrus.html": ELBRUS,
                 "/sources/heritage.html": HERITAGE, "/sources/railway.html": RAILWAY})
    with site.serve() as base:
        host = base.removeprefix("http://")
        s = settings.with_overrides(fetch={"allow_hosts": (host,)},
                                    providers={"enabled": ("links",)})
        seed_check(s, f"{base}/article.html", datetime(2026, 1, 1, tzinfo=UTC))
        wh = Warehouse(s.db)
        with wh.connect(read_only=True) as con:
            claim_ids = [c for (c,) in con.execute("SELECT id FROM claims ORDER BY id").fetchall()]
        site.put("/sources/elbrus.html", ELBRUS_NEW)
        site.delay = 0.25  # every page takes a while: the run spans many of our writes

        run = subprocess.Popen(
            [sys.executable, "-m", "tests.flows.crash_helper", str(s.db), host],
            cwd=REPO, env=helper_env(None), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        written = 0
        while run.poll() is None:
            with wh.transaction() as con:
                con.execute(
                    "INSERT INTO reviews (id, claim_id, editor, action, note, created_at) "
                    "VALUES (?, ?, 'ed', 'note', ?, ?)",
                    [f"note{written}", claim_ids[written % len(claim_ids)], f"note {written}",
                     datetime.now(UTC)],
                )
            written += 1
            with wh.connect(read_only=True) as con:
                con.execute("SELECT count(*) FROM claim_status").fetchone()
            time.sleep(0.02)
        out, err = run.communicate(timeout=120)

    assert run.returncode == 0, err
    assert written >= 5, "the run was too short to overlap with the writer"
    with wh.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reviews WHERE action = 'note'").fetchone() == (
            written,)
        runs = con.execute("SELECT id, status FROM runs WHERE flow = 'reverify_tracked'").fetchall()
        assert [status for _, status in runs] == ["completed"]
        assert con.execute("SELECT count(*) FROM verdicts WHERE run_id = ?", [runs[0][0]]
                           ).fetchone() == (3,)
        assert con.execute("SELECT count(*) FROM source_events WHERE kind = 'changed'"
                           ).fetchone() == (1,)
