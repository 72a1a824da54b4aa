"""Check-worthiness: how much a sentence states a fact someone could check (0..1, 0.5 is the cut).

Two parts. A logistic regression over word n-grams (``claims/data/checkworthiness.json``, trained by
``scripts/train_checkworthiness.py`` on ClaimBuster and CLEF CheckThat! debate sentences) gives the
prior. Structural signals then move its log-odds, because news prose differs from debate transcripts:
numbers, dates, named organisations, attribution and legal verbs push up; questions, exhortations
("let's not forget", "it is time to"), first-person feelings and hedged predictions push down.
Pure Python over dict lookups: several thousand sentences a second on one core.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import repeat

from claims.cwfeatures import SIGNALS, features, signals


@lru_cache(maxsize=1)
def load_model() -> tuple[float, dict[str, float]]:
    """The shipped weights: (bias, feature -> weight)."""
    data = json.loads(resources.files("claims").joinpath("data/checkworthiness.json").read_text("utf-8"))
    return float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()}


def _logit_model(sentence: str, bias: float, weights: dict[str, float]) -> float:
    fs = set(features(sentence))
    if not fs:
        return bias
    return bias + sum(map(weights.get, fs, repeat(0.0))) / math.sqrt(len(fs))


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


def model_scores(sentences: Sequence[str]) -> list[float]:
    """The model alone, without structural signals (for evaluation)."""
    bias, weights = load_model()
    return [_sigmoid(_logit_model(s, bias, weights)) for s in sentences]


SHORT_PENALTY = -2.5  # fewer than five words: a heading, a fragment or a button


@lru_cache(maxsize=8192)
def structure_shift(sentence: str) -> float:
    """The log-odds shift of the structural signals for one sentence."""
    fired = signals(sentence)
    shift = sum(weight for name, _, weight, _ in SIGNALS if name in fired)
    if len(sentence.split()) < 5:
        shift += SHORT_PENALTY
    return shift


def checkworthiness(sentences: Sequence[str]) -> list[float]:
    """Check-worthiness of each sentence, in order, 0..1 (``>= 0.5``: a claim worth checking)."""
    bias, weights = load_model()
    return [_sigmoid(_logit_model(s, bias, weights) + structure_shift(s)) for s in sentences]
