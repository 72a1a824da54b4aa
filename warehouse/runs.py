"""Runs: every check and re-check is one row; an interrupted run is resumed, not repeated."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from claimtrack.clock import Clock
from warehouse import store
from warehouse.db import Warehouse


def begin_run(wh: Warehouse, flow: str, params: dict[str, Any], now: datetime) -> str:
    """Start a run, or resume the latest unfinished run of the same flow with the same parameters.

    Resuming is what makes "kill it and run it again" end in the same state as one clean run:
    every row the first attempt wrote is keyed by the same run id and gets overwritten in place.
    """
    key = json.dumps(params, sort_keys=True, default=str)
    with wh.transaction() as con:
        row = con.execute(
            "SELECT id FROM runs WHERE flow = ? AND status <> 'completed' "
            "AND CAST(params AS VARCHAR) = ? ORDER BY started_at DESC LIMIT 1",
            [flow, key],
        ).fetchone()
        run_id = row[0] if row else f"r_{now:%Y%m%dT%H%M%S}_{secrets.token_hex(3)}"
        con.execute(
            "INSERT INTO runs (id, flow, started_at, status, params) VALUES (?, ?, ?, 'running', ?) "
            "ON CONFLICT (id) DO UPDATE SET status = 'running', finished_at = NULL",
            [run_id, flow, now, key],
        )
    return run_id


def end_run(wh: Warehouse, run_id: str, status: str, now: datetime, note: str = "") -> None:
    with wh.transaction() as con:
        store.finish_run(con, run_id, status, now, note)


@dataclass(slots=True)
class Run:
    """The run a ``recorded_run`` block works under; ``note`` is kept when it completes."""

    id: str
    note: str = ""


@contextmanager
def recorded_run(wh: Warehouse, flow: str, params: dict[str, Any], clock: Clock) -> Iterator[Run]:
    """Begin (or resume) a run, and end it ``completed``, or ``failed`` with the error as its note
    whatever ended the block (a kill leaves it ``running``, to be resumed)."""
    run = Run(begin_run(wh, flow, params, clock()))
    try:
        yield run
    except BaseException as exc:
        end_run(wh, run.id, "failed", clock(), note=f"{type(exc).__name__}: {exc}"[:500])
        raise
    end_run(wh, run.id, "completed", clock(), note=run.note)
