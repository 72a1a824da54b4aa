"""An injectable clock, so scheduling and history can be tested by driving time forward."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The real clock: timezone-aware UTC, second precision (stable in reports and rows)."""
    return datetime.now(UTC).replace(microsecond=0)


class FrozenClock:
    """A clock a test moves by hand: ``clock.advance(days=1)``."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(**delta)
