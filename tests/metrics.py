"""Scores the quality gates and benchmarks share, written once."""

from __future__ import annotations

from collections.abc import Sequence


def macro_f1(expected: Sequence[str], got: Sequence[str], labels: Sequence[str]) -> float:
    """Mean over ``labels`` of each label's F1 (0 for a label never right)."""
    pairs = list(zip(expected, got, strict=True))
    scores = []
    for label in labels:
        tp = sum(e == g == label for e, g in pairs)
        fp = sum(g == label != e for e, g in pairs)
        fn = sum(e == label != g for e, g in pairs)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)
