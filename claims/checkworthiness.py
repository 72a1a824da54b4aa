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
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from claims.cwfeatures import features


@lru_cache(maxsize=1)
def load_model() -> tuple[float, dict[str, float]]:
    """The shipped weights: (bias, feature -> weight)."""
    data = json.loads(resources.files("claims").joinpath("data/checkworthiness.json").read_text("utf-8"))
    return float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()}


def _logit_model(sentence: str, bias: float, weights: dict[str, float]) -> float:
    fs = set(features(sentence))
    if not fs:
        return bias
    get = weights.get
    return bias + sum(get(f, 0.0) for f in fs) / math.sqrt(len(fs))


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


# (pattern, log-odds shift, searched in the lower-cased sentence): each fires at most once
SIGNALS: tuple[tuple[re.Pattern[str], float, bool], ...] = (
    # pushes up: the stuff of checkable claims
    (re.compile(r"\d|\b(?:million|billion|trillion|thousand|hundreds|dozens|percent)\b"), 1.2, True),
    (re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|"
                r"November|December|(?:19|20)\d\d)\b"), 0.6, False),
    (re.compile(r"(?<=[a-z,;] )(?:[A-Z][a-z]+|[A-Z]{2,})\b"), 0.4, False),  # a name mid-sentence
    (re.compile(r"\b(?:said|says|according to|reported|notes|told|announced|confirmed|"
                r"stated|found|showed|shows)\b"), 0.4, True),
    (re.compile(r"\b(?:law|act|regulation|rule|ban|banned|blocked|fined|fines|requires?|"
                r"required|illegal|legal|court|ruled|approved|passed|signed|took effect|rules|threatened|"
                r"went into effect|owned by|founded|launched|acquired|arrested)\b"), 0.7, True),
    # a third-person statement that ends like one: news reports facts this way
    (re.compile(r"^(?!.*\b(?:I|[Ww]e|[Yy]ou|[Mm]y|[Oo]ur|[Yy]our|us|me)\b)[^?!]*[.”\"]\s*$"), 0.6, False),
    (re.compile(r"\b(?:largest|biggest|most|highest|lowest|second only|top|first|only|more "
                r"than|less than|fewer than|record)\b"), 0.4, True),
    # pushes down: not claims
    (re.compile(r"\?\s*[\"”’)]*\s*$"), -3.5, False),
    (re.compile(r"^\W*(?:let['’]s|let us|please|imagine|consider|remember|don['’]t|do not|"
                r"join|click|subscribe|share|read more|sign up|follow us|contact)\b"), -3.0, True),
    (re.compile(r"\b(?:let['’]s|it is (?:really |high |about )?time|it['’]s (?:really |high |about )?time|"
                r"we (?:must|should|need to|have to|ought to)|you (?:should|must|need to))\b"), -2.5, True),
    (re.compile(r"\b(?:i (?:think|believe|feel|hope|love|hate|guess|wish|want)|in my (?:opinion|view)|"
                r"sounds like|we love|i['’]m (?:sure|glad|proud|sad|happy)|personally)\b"), -1.5, True),
    (re.compile(r"\b(?:will one day|one day|some day|in the future|is likely to|going to|"
                r"could soon|may soon|might)\b"), -1.0, True),
    (re.compile(r"\b(?:worth|should|ought|shame|disgrace|terrible|wonderful|great|amazing|"
                r"draconian|outrageous)\b"), -0.6, True),
)
SHORT_PENALTY = -2.5  # fewer than five words: a heading, a fragment or a button


@lru_cache(maxsize=8192)
def structure_shift(sentence: str) -> float:
    """The log-odds shift of the structural signals for one sentence."""
    lower = sentence.lower()
    shift = sum(w for pat, w, low in SIGNALS if pat.search(lower if low else sentence))
    if len(sentence.split()) < 5:
        shift += SHORT_PENALTY
    return shift


def checkworthiness(sentences: Sequence[str]) -> list[float]:
    """Check-worthiness of each sentence, in order, 0..1 (``>= 0.5``: a claim worth checking)."""
    bias, weights = load_model()
    return [_sigmoid(_logit_model(s, bias, weights) + structure_shift(s)) for s in sentences]
