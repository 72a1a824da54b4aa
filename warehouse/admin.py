"""`claimtrack db`: apply migrations and describe a warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warehouse.db import Warehouse
from warehouse.migrations import applied, available, migrate


def migrate_now(target: str | Path) -> list[str]:
    wh = Warehouse(target)
    with wh._open_unmigrated() as con:
        return [f"{m.version:03d}_{m.name}" for m in migrate(con)]


def status(target: str | Path) -> dict[str, Any]:
    wh = Warehouse(target)
    with wh._open_unmigrated() as con:
        done = applied(con)
        tables = [
            name for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' AND table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        ]
        counts = {}
        for name in tables:  # names come from the catalog, not from a user
            row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()  # noqa: S608
            counts[name] = int(row[0]) if row else 0
    return {
        "db": str(target),
        "migrations": [
            {"version": m.version, "name": m.name,
             "applied_at": done[m.version].isoformat() if m.version in done else None}
            for m in available()
        ],
        "tables": counts,
    }
