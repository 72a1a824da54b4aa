"""Which characters of a text earlier matches already took, so later patterns skip them.

A byte per character: checking a span costs its length, not the number of matches so far, so a
long passage with thousands of numbers stays linear.
"""

from __future__ import annotations


class SpanMask:
    __slots__ = ("_mask", "spans")

    def __init__(self, length: int) -> None:
        self._mask = bytearray(length)
        self.spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return self._mask.find(1, start, end) == -1

    def take(self, start: int, end: int) -> None:
        self._mask[start:end] = b"\x01" * (end - start)
        self.spans.append((start, end))
