"""Crash safety: a re-verification killed -9 at any point, then run again, leaves the warehouse
exactly as one uninterrupted run does (same rows in every table, modulo run ids and times)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimtrack.settings import Settings
from flows.reverify import reverify_tracked
from tests.flows.crash_helper import POINTS, run_settings
from tests.flows.reverify_site import (
    ARTICLE,
    ELBRUS,
    ELBRUS_NEW,
    HERITAGE,
    RAILWAY,
    Site,
    seed_check,
)
from warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[2]
# Columns that differ between two runs doing the same work: times, durations, where a file sits,
# and ids that hash the run id in.
VOLATILE = {"ms", "attempts", "attempted_at", "created_at", "started_at", "finished_at",
            "first_seen", "fetched_at", "happened_at", "assessed_at", "applied_at", "path"}
RUN_KEYED = {"fetches", "verdicts", "source_events", "runs"}


def helper_env(point: str | None) -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMTRACK_")}
    env |= {"PYTHONPATH": str(REPO), "PREFECT_API_URL": str(PREFECT_API_URL.value()),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "ERROR"}
    if point:
        env["CLAIMTRACK_TEST_CRASH_AT"] = point
    return env


def start(db: Path, host: str, point: str | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.flows.crash_helper", str(db), host],
        cwd=REPO, env=helper_env(point), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def clone(seed: Path, target: Path) -> Path:
    shutil.copy(seed, target)
    snapshots = seed.with_name(seed.stem + ".snapshots")
    if snapshots.is_dir():
        shutil.copytree(snapshots, target.with_name(target.stem + ".snapshots"))
    return target


def state(db: Path) -> dict[str, list[str]]:
    """Every row of every table, volatile columns dropped, run ids replaced by their order."""
    out: dict[str, list[str]] = {}
    with Warehouse(db).connect(read_only=True) as con:
        runs = [r for (r,) in con.execute("SELECT id FROM runs ORDER BY started_at").fetchall()]
        label = {run: f"run{i}" for i, run in enumerate(runs)}
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        for table in tables:
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "AND table_schema = 'main' ORDER BY ordinal_position", [table]).fetchall()]
            keep = [c for c in columns
                    if c not in VOLATILE and not (table in RUN_KEYED and c == "id")]
            select = ", ".join(f'"{c}"' for c in keep)
            rows = con.execute(f'SELECT {select} FROM "{table}"').fetchall()  # noqa: S608
            out[table] = sorted(
                repr(tuple(label.get(v, v) if isinstance(v, str) else v for v in row))
                for row in rows
            )
    return out


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    s = Site({"/article.html": ARTICLE, "/sources/elbrus.html": ELBRUS,
              "/sources/heritage.html": HERITAGE})
    with s.serve() as base:
        yield s, base


@pytest.mark.slow
def test_killed_runs_end_like_one_clean_run(
    prefect_harness: None, settings: Settings, site: tuple[Site, str], tmp_path: Path
) -> None:
    pages, base = site
    host = base.removeprefix("http://")
    seed = settings.with_overrides(fetch={"allow_hosts": (host,)},
                                   providers={"enabled": ("links",)})
    from datetime import UTC, datetime

    seed_check(seed, f"{base}/article.html", datetime(2026, 1, 1, tzinfo=UTC))
    pages.put("/sources/elbrus.html", ELBRUS_NEW)
    pages.remove("/sources/heritage.html", 410)
    pages.put("/sources/railway.html", RAILWAY)

    # Each kill point on its own copy of the seeded warehouse, killed there (in a child process)
    # and then run again; a reference copy runs once, undisturbed. The copies are separate files,
    # so the killed runs go on beside the reference run; the runs that are not killed run in this
    # process (the same flow and settings, without a child's start-up).
    clean = clone(seed.db, tmp_path / "clean.duckdb")
    killed = {point: clone(seed.db, tmp_path / f"{point}.duckdb") for point in POINTS}
    procs = {point: start(db, host, point) for point, db in killed.items()}
    reverify_tracked(run_settings(clean, host), mode="all")
    for point, proc in procs.items():
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == -9, f"{point}: expected kill -9, got {proc.returncode}: {err}"
    whole = half_written(clean)
    assert whole == (3, 3, 3), "the clean run's fetches, source events and verdicts"
    # what each killed run left visible: its fetches, source events and verdicts
    assert {point: half_written(db) for point, db in killed.items()} == {
        "mid_record": (0, 0, 0),  # the fetch transaction rolled back whole
        "mid_store": (3, 3, 0),  # fetches committed, the verdict transaction rolled back whole
        "before_end": whole,  # everything committed, the run not marked completed
    }
    for db in killed.values():
        reverify_tracked(run_settings(db, host), mode="all")

    expected = state(clean)
    assert len(expected["source_events"]) == 3 and len(expected["verdicts"]) == 6  # seed's 3 too
    for point, db in killed.items():
        got = state(db)
        assert got.keys() == expected.keys(), point
        for table in expected:
            extra = sorted(set(got[table]) - set(expected[table]))
            missing = sorted(set(expected[table]) - set(got[table]))
            assert got[table] == expected[table], (
                f"killed at {point}: {table} differs from one clean run: extra {extra[:3]}, "
                f"missing {missing[:3]}")
        with Warehouse(db).connect(read_only=True) as con:
            assert con.execute(
                "SELECT count(*), count(*) FILTER (status = 'completed') FROM runs "
                "WHERE flow = 'reverify_tracked'").fetchone() == (1, 1), point


def half_written(db: Path) -> tuple[int, int, int]:
    """Fetches, source events and verdicts of the re-verification run so far."""
    with Warehouse(db).connect(read_only=True) as con:
        row = con.execute(
            "SELECT (SELECT count(*) FROM fetches f WHERE f.run_id = r.id), "
            "(SELECT count(*) FROM source_events e WHERE e.run_id = r.id), "
            "(SELECT count(*) FROM verdicts v WHERE v.run_id = r.id) "
            "FROM runs r WHERE flow = 'reverify_tracked'").fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)
