"""The migrations registry: numbered ``NNN_name.sql`` files beside this module, applied in order,
each in its own transaction and recorded in ``schema_migrations``.

Numbers are reserved by area so parallel work never collides: 001-009 core, 010-019 sources and
corpus, 020-029 tracking, 030-039 review, 040-049 what assessing keeps (embeddings, LLM answers,
the fact-check archive), 050-059 reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import duckdb

from claimtrack.errors import MigrationError

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    return found


def applied(con: duckdb.DuckDBPyConnection) -> dict[int, datetime]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    return dict(con.execute("SELECT version, applied_at FROM schema_migrations").fetchall())


def migrate(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Apply every pending migration; returns those applied now."""
    done = applied(con)
    new = []
    for migration in available():
        if migration.version in done:
            continue
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC)],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise MigrationError(
                f"migration {migration.version:03d}_{migration.name} failed: {exc}"
            ) from exc
        new.append(migration)
    return new
