"""Connections for the desk: opens and closes serialised per process, and a lingering file.

DuckDB keeps one database instance per file per process while any connection is open. The review
app serves requests from many threads, so its opens and closes take turns, and ``Linger`` keeps
the file open between back-to-back requests (and lets it go when the app is idle, so another
process can write).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from warehouse.db import Connection, Warehouse, atomic

write_lock = threading.Lock()
_open_lock = threading.Lock()


@contextmanager
def open_connection(wh: Warehouse, *, read_only: bool = False) -> Iterator[Connection]:
    """``wh.connect()``, with opening and closing serialised across this process's threads.

    DuckDB keeps one database instance per file per process while any connection is open; a
    thread opening the file while another closes the last connection can fail with "Unique file
    handle conflict". The review app serves requests from many threads, so its opens and closes
    take turns (each is microseconds once the file is open).
    """
    stack = ExitStack()
    with _open_lock:
        con = stack.enter_context(wh.connect(read_only=read_only))
    try:
        yield con
    except BaseException:
        with _open_lock:
            if not stack.__exit__(*sys.exc_info()):
                raise
    else:
        with _open_lock:
            stack.close()


@contextmanager
def open_transaction(wh: Warehouse) -> Iterator[Connection]:
    """``wh.transaction()`` over ``open_connection``: all or nothing."""
    with open_connection(wh) as con, atomic(con):
        yield con


class Linger:
    """Keeps one connection open for ``seconds`` after the last call, then closes it.

    Opening a warehouse file costs tens of milliseconds, reusing an open one (DuckDB caches the
    database per process while any connection is open) costs microseconds. Back-to-back requests
    share the open file; when the desk goes idle the file is released, so a scheduled run in
    another process can take the write lock. ``generation`` counts the opens: another process
    can only have written while the file was closed, so a reader that saw a different generation
    must look at the warehouse again before trusting what it cached.
    """

    def __init__(self, wh: Warehouse, seconds: float, threads: int | None = None) -> None:
        self.wh = wh
        self.seconds = seconds
        self.threads = threads
        self._lock = threading.Lock()
        self._stack: ExitStack | None = None
        self._last = 0.0
        self.generation = 0

    def touch(self) -> int:
        """Keep the file open a while longer; returns the current generation."""
        with self._lock:
            self._last = time.monotonic()
            if self._stack is not None:
                return self.generation
            stack = ExitStack()
            con = stack.enter_context(open_connection(self.wh))
            if self.threads:
                # an int, not user input; SET takes no parameters
                con.execute(f"SET threads = {int(self.threads)}")
            self._stack = stack
            self.generation += 1
            generation = self.generation
        threading.Thread(target=self._watch, name="warehouse-linger", daemon=True).start()
        return generation

    def _watch(self) -> None:
        while True:
            time.sleep(self.seconds / 4)
            with self._lock:
                if time.monotonic() - self._last >= self.seconds and self._stack is not None:
                    self._stack.close()
                    self._stack = None
                    return

    def close(self) -> None:
        with self._lock:
            if self._stack is not None:
                self._stack.close()
                self._stack = None

