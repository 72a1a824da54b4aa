"""Task retries: a transient failure is tried again, a terminal one and a bug fail at the first try.

The tasks are the real ones (``flows.tasks``, with their real retry rule) run by the session's
Prefect server; attempts are read back from Prefect's own task-run record.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect import flow

from claimtrack.clock import utcnow
from claimtrack.errors import InputError, WarehouseBusyError
from claimtrack.settings import Settings
from flows.stages import Discovered
from flows.tasks import RETRY, fetch_task, ingest_task
from tests.servers import serve_pages
from warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[2]
HOLD = "import sys; from warehouse.db import Warehouse\n" \
       "with Warehouse(sys.argv[1]).connect():\n    print('ready', flush=True); sys.stdin.read()"


def attempts(task_run_id: Any) -> int:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return int(client.read_task_run(task_run_id).run_count)


@flow(name="retry-probe")
def probe(task: Any, *args: Any) -> tuple[Any, Any]:
    """Run one task with no wait between tries; hand back its run id and its error."""
    state = task.with_options(retry_delay_seconds=0)(*args, return_state=True)
    return state.state_details.task_run_id, state.result(raise_on_failure=False)


def test_a_bug_fails_at_once(prefect_harness: None, settings: Settings) -> None:
    run_id, error = probe(ingest_task, None, settings, None)  # None: ingest's own code fails
    assert isinstance(error, TypeError)
    assert attempts(run_id) == 1


def test_a_terminal_failure_is_not_retried(prefect_harness: None, settings: Settings) -> None:
    with serve_pages({}) as site:  # every page 404s
        allowed = settings.with_overrides(fetch={"allow_hosts": (site.removeprefix("http://"),)})
        run_id, error = probe(ingest_task, f"{site}/gone.html", allowed, None)
    assert isinstance(error, InputError) and "http_404" in str(error)
    assert attempts(run_id) == 1


@pytest.fixture
def held(settings: Settings) -> Iterator[Warehouse]:
    """The warehouse file, write-locked by another process for as long as the test runs."""
    with Warehouse(settings.db).connect():
        pass  # migrated before the other process takes it
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(settings.db)], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield Warehouse(settings.db, lock_timeout=0.2)
    finally:
        holder.communicate("", timeout=30)


def test_a_busy_warehouse_is_retried(prefect_harness: None, settings: Settings,
                                     held: Warehouse) -> None:
    run_id, error = probe(fetch_task, held, settings, "r_probe", Discovered(), utcnow)
    assert isinstance(error, WarehouseBusyError)
    assert attempts(run_id) == 1 + RETRY["retries"]
