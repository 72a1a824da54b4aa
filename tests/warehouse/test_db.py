"""The warehouse owner: migrations, transactions, lock retry across processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from claimtrack.errors import WarehouseBusyError, WarehouseError
from warehouse.admin import migrate_now, status
from warehouse.db import Warehouse
from warehouse.migrations import available


def test_migrations_are_numbered_and_unique() -> None:
    versions = [m.version for m in available()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = migrate_now(db)
    assert first and first[0] == "001_core"
    assert migrate_now(db) == []
    info = status(db)
    assert all(m["applied_at"] for m in info["migrations"])
    assert info["tables"]["claims"] == 0


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    with pytest.raises(RuntimeError), wh.transaction() as con:
        con.execute("INSERT INTO editors VALUES ('ann', 'x', NULL, now(), NULL)")
        raise RuntimeError("crash in the middle")
    with wh.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM editors").fetchone() == (0,)


def test_duckdb_errors_become_warehouse_errors(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    with pytest.raises(WarehouseError), wh.connect() as con:
        con.execute("SELECT * FROM no_such_table")


HOLDER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    con.close()
    """
)


def test_waits_for_another_writer_then_proceeds(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    migrate_now(db)
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "1.5"], stdout=subprocess.PIPE) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        started = time.monotonic()
        with Warehouse(db, lock_timeout=20).transaction() as con:
            con.execute("INSERT INTO editors VALUES ('bo', 'x', NULL, now(), NULL)")
        waited = time.monotonic() - started
    assert waited > 0.5, "the second writer should have waited for the lock"
    with Warehouse(db).connect(read_only=True) as con:
        assert con.execute("SELECT name FROM editors").fetchall() == [("bo",)]


def test_gives_up_with_a_transient_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    migrate_now(db)
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "5"], stdout=subprocess.PIPE) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
            with pytest.raises(WarehouseBusyError) as info, Warehouse(db, lock_timeout=0.5).connect():
                pass
            assert info.value.transient
        finally:
            holder.kill()
