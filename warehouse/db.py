"""The one owner of DuckDB connections.

Connections are short-lived: opened for one unit of work and closed, so the review app, a
scheduled run and the CLI can take turns on one file (DuckDB allows one writing process at a
time). Opening retries while another process holds the lock; after ``lock_timeout`` seconds it
gives up with ``WarehouseBusyError`` (transient). Every duckdb error leaves this package as a
``WarehouseError``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from claimtrack.errors import WarehouseBusyError, WarehouseError

Connection = duckdb.DuckDBPyConnection
_LOCK_MARKERS = ("could not set lock", "conflicting lock", "database is locked",
                 "unique file handle conflict")  # another thread of this process is closing it
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _LOCK_MARKERS)


@contextmanager
def atomic(con: Connection) -> Iterator[Connection]:
    """BEGIN ... COMMIT on ``con``, or ROLLBACK when anything inside raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


class Warehouse:
    """A handle on one warehouse (a file path or a DuckDB connection string such as ``md:db``)."""

    def __init__(self, target: str | Path, *, lock_timeout: float = 60.0) -> None:
        self.target = str(target)
        self.lock_timeout = lock_timeout
        if self.is_file:
            Path(self.target).parent.mkdir(parents=True, exist_ok=True)

    @property
    def is_file(self) -> bool:
        return ":" not in self.target

    @property
    def path(self) -> Path:
        return Path(self.target)

    def __repr__(self) -> str:
        return f"Warehouse({self.target!r})"

    def _open(self, read_only: bool) -> Connection:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        wanted = read_only
        while True:
            try:
                if read_only and self.is_file and not self.path.exists():
                    read_only = False  # nothing to read yet: create it
                return duckdb.connect(self.target, read_only=read_only)
            except duckdb.Error as exc:
                if "different configuration" in str(exc):
                    # this process has the file open in the other mode: a reader shares a
                    # read-write instance; a writer waits for the read-only ones to close
                    if read_only:
                        read_only = False
                        continue
                    read_only = wanted
                elif not _is_lock_error(exc):
                    raise WarehouseError(f"cannot open warehouse {self.target}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"warehouse {self.target} is busy (another process is writing); "
                        f"gave up after {self.lock_timeout:.0f} s"
                    ) from exc
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.5)

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[Connection]:
        """A connection for one unit of work, migrated to the latest schema, closed afterwards."""
        self.ensure_migrated()
        con = self._open(read_only)
        try:
            yield con
        except duckdb.Error as exc:
            raise WarehouseError(str(exc)) from exc
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """All or nothing: a crash inside leaves no half-written rows visible."""
        with self.connect() as con, atomic(con):
            yield con

    @contextmanager
    def _open_unmigrated(self) -> Iterator[Connection]:
        """For `claimtrack db`: a connection that does not migrate on open."""
        con = self._open(read_only=False)
        try:
            yield con
        finally:
            con.close()

    def ensure_migrated(self) -> None:
        """Apply pending migrations once per process and target."""
        if self.target in _migrated:
            return
        with _migrate_lock:
            if self.target in _migrated:
                return
            from warehouse.migrations import migrate

            con = self._open(read_only=False)
            try:
                migrate(con)
            finally:
                con.close()
            _migrated.add(self.target)
