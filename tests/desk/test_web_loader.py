"""BatchLoader: claim pages asked for at the same time are read in one call, a lone one at
once; a failed read reaches every waiter and the next reads still run."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from desk.web.loader import BatchLoader


class Reads:
    """A read that records its batches and, while ``gate`` is closed, blocks its thread."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail: set[str] = set()

    def __call__(self, keys: Sequence[str]) -> dict[str, str]:
        self.batches.append(list(keys))
        self.gate.wait(10)
        if self.fail & set(keys):
            raise RuntimeError(f"cannot read {sorted(self.fail & set(keys))}")
        return {k: k.upper() for k in keys if not k.startswith("missing")}


async def _until(condition: object) -> None:
    for _ in range(500):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


async def test_a_lone_request_is_read_at_once() -> None:
    reads = Reads()
    loader = BatchLoader(reads)
    assert await loader.load("c1") == "C1"
    assert await loader.load("missing") is None
    assert reads.batches == [["c1"], ["missing"]]


async def test_requests_arriving_during_a_read_are_read_together() -> None:
    reads = Reads()
    loader = BatchLoader(reads, max_batch=3)
    reads.gate.clear()
    first = asyncio.ensure_future(loader.load("c1"))
    await _until(lambda: reads.batches)  # c1 is being read; the rest queue up meanwhile
    rest = [asyncio.ensure_future(loader.load(k)) for k in ("c2", "c3", "c2", "c4", "c5")]
    await asyncio.sleep(0.05)
    reads.gate.set()
    assert await first == "C1"
    assert await asyncio.gather(*rest) == ["C2", "C3", "C2", "C4", "C5"]
    assert reads.batches == [["c1"], ["c2", "c3", "c4"], ["c5"]]  # at most 3, repeats once


async def test_a_failed_read_reaches_its_waiters_and_reading_goes_on() -> None:
    reads = Reads()
    reads.fail = {"bad"}
    loader = BatchLoader(reads)
    reads.gate.clear()
    first = asyncio.ensure_future(loader.load("c1"))
    await _until(lambda: reads.batches)
    waiters = [asyncio.ensure_future(loader.load(k)) for k in ("bad", "c2")]
    await asyncio.sleep(0.05)
    reads.gate.set()
    assert await first == "C1"
    for waiter in waiters:  # read in one batch with "bad": both hear of the failure
        with pytest.raises(RuntimeError, match="cannot read"):
            await waiter
    assert await loader.load("c3") == "C3"


async def test_a_cancelled_request_does_not_disturb_the_others() -> None:
    reads = Reads()
    loader = BatchLoader(reads)
    reads.gate.clear()
    first = asyncio.ensure_future(loader.load("c1"))
    await _until(lambda: reads.batches)
    gone = asyncio.ensure_future(loader.load("c2"))
    stays = asyncio.ensure_future(loader.load("c2"))
    await asyncio.sleep(0.01)
    gone.cancel()  # the editor closed the tab
    reads.gate.set()
    assert await first == "C1" and await stays == "C2"
    assert gone.cancelled()
