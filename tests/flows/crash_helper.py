"""Run one re-verification in its own process; for the crash test, kill it -9 at a chosen point.

    python -m tests.flows.crash_helper DB HOST:PORT [MODE]

``CLAIMTRACK_TEST_CRASH_AT`` names the point (see ``POINTS``); only this helper reads it. The
process kills itself with SIGKILL there: no cleanup, no rollback, no ``finally``, exactly like
``kill -9`` from outside, but at a known place.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claimtrack.settings import Settings

# Inside the fetch transaction, inside the verdict transaction (which also covers "between the
# two": fetches committed, no verdicts), and after the verdicts, before the run is completed.
POINTS = ("mid_record", "mid_store", "before_end")


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def arm(point: str) -> None:
    """Replace one step of the flow with itself-then-die (or die-instead)."""
    from warehouse import runs, store, tracking

    if point == "mid_record":  # inside the transaction of fetches, snapshots and events
        save_events = tracking.save_events

        def save_then_die(con: Any, events: Any) -> None:
            save_events(con, events)
            die()

        tracking.save_events = save_then_die
    elif point == "mid_store":  # one claim's verdict written, its transaction not committed
        save_assessments = store.save_assessments

        def save_one_then_die(con: Any, *, items: Any, **kwargs: Any) -> list[str]:
            save_assessments(con, items=items[:1], **kwargs)
            die()
            raise AssertionError

        store.save_assessments = save_one_then_die
    elif point == "before_end":  # verdicts committed, the run not marked completed
        end = runs.end_run

        def end_or_die(wh: Any, run_id: str, status: str, *args: Any, **kwargs: Any) -> None:
            if status == "completed":
                die()
            end(wh, run_id, status, *args, **kwargs)

        runs.end_run = end_or_die  # recorded_run looks it up in warehouse.runs when the block ends
    else:
        raise SystemExit(f"unknown crash point {point!r}; known: {', '.join(POINTS)}")


def run_settings(db: Path, host: str) -> Settings:
    """The settings of every run the crash test compares, killed or not."""
    from claimtrack.settings import Settings

    return Settings(db=db).with_overrides(
        # generous timeouts: a loaded CI machine must not turn a page into a timeout in one
        # run and not the other (that would be a difference the crash did not cause)
        fetch={"allow_hosts": (host,), "host_delay": 0.0, "retries": 2, "connect_timeout": 20.0,
               "read_timeout": 30.0, "page_deadline": 60.0, "per_host": 4},
        providers={"enabled": ("links",)},
    )


def main() -> None:
    from flows.reverify import reverify_tracked

    db, host = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else "all"
    point = os.environ.get("CLAIMTRACK_TEST_CRASH_AT")
    if point:
        arm(point)
    outcome = reverify_tracked(run_settings(Path(db), host), mode=mode)
    print(json.dumps(outcome.to_json()))


if __name__ == "__main__":
    main()
