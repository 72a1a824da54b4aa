"""Check-worthiness: how much a sentence states a fact someone could check (0..1, 0.5 is the cut).

Two parts. A logistic regression over word n-grams (``claims/data/checkworthiness.json``, trained by
``scripts/train_checkworthiness.py`` on ClaimBuster and CLEF CheckThat! debate sentences) gives the
prior. Structural signals then move its log-odds, because news prose differs from debate transcripts:
numbers, dates, named organisations, attribution and legal verbs push up; questions, exhortations
("let's not forget", "it is time to"), first-person feelings and hedged predictions push down.
Pure Python over dict lookups: several thousand sentences a second on one core.

Optional context (``claims.cwcontext``): ``speakers=`` scores the lines of a transcript with a small
model over the sentence log-odds and who speaks (trained on CLEF debates: fact-checkers pick the
candidates' lines); ``encoder=`` adds a sentence encoder's embedding. Without them, news prose is
scored exactly as above.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import repeat

import numpy as np
import numpy.typing as npt

from claims.cwcontext import (
    Linear,
    SemanticBlock,
    SentenceEncoder,
    linear,
    require_block,
    transcript_columns,
)
from claims.cwfeatures import SIGNALS, features, signals


@lru_cache(maxsize=1)
def _model_file() -> dict[str, object]:
    return json.loads(resources.files("claims").joinpath("data/checkworthiness.json").read_text("utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def load_model() -> tuple[float, dict[str, float]]:
    """The shipped weights: (bias, feature -> weight)."""
    data = _model_file()
    weights = data["weights"]
    assert isinstance(weights, dict)
    return float(data["bias"]), {str(k): float(v) for k, v in weights.items()}  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def transcript_model() -> Linear:
    """The transcript model over (sentence log-odds, main speaker, question rate)."""
    data = _model_file()["transcript"]
    assert isinstance(data, dict)
    return linear(data)


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


def _sparse_logits(sentences: Sequence[str]) -> npt.NDArray[np.float64]:
    bias, weights = load_model()
    return np.array([_logit_model(s, bias, weights) for s in sentences], dtype=np.float64)


def _stacked(block: SemanticBlock, sparse: npt.NDArray[np.float64],
             vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    return block.stack_bias + block.stack_base * sparse + vectors.astype(np.float64) @ block.stack_embedding


def sentence_logits(sentences: Sequence[str], encoder: SentenceEncoder | None = None) -> npt.NDArray[np.float64]:
    """The sentence model's log-odds (no structural shift); stacked with the embedding if given."""
    sparse = _sparse_logits(sentences)
    if encoder is None or not len(sentences):
        return sparse
    block = require_block(encoder)
    return _stacked(block, sparse, encoder.encode(sentences))


def transcript_logits(sentences: Sequence[str], speakers: Sequence[str],
                      encoder: SentenceEncoder | None = None) -> npt.NDArray[np.float64]:
    """Log-odds of each transcript line from its sentence score and its speaker (and, with an
    encoder, its cosine to the nearest line fact-checkers picked in the training debates)."""
    if len(sentences) != len(speakers):
        raise ValueError(f"{len(sentences)} sentences but {len(speakers)} speakers")
    if not len(sentences):
        return np.zeros(0)
    if encoder is None:
        return transcript_model().logits(transcript_columns(sentences, speakers, _sparse_logits(sentences)))
    block = require_block(encoder)
    vectors = encoder.encode(sentences)
    cols = transcript_columns(sentences, speakers, _stacked(block, _sparse_logits(sentences), vectors))
    cols["simpos"] = (vectors @ block.positives.T).max(axis=1).astype(np.float64)
    return block.transcript.logits(cols)


def checkworthiness(sentences: Sequence[str], *, speakers: Sequence[str] | None = None,
                    encoder: SentenceEncoder | None = None) -> list[float]:
    """Check-worthiness of each sentence, in order, 0..1 (``>= 0.5``: a claim worth checking).

    ``speakers`` (one per sentence): the sentences are a transcript's lines, in order, and are
    scored with the transcript model. ``encoder`` (``semantic.load_encoder(...)``): adds the
    embedding block. Neither given: the sentence model plus the structural shift for news prose.
    """
    if speakers is not None:
        return [_sigmoid(float(z)) for z in transcript_logits(sentences, speakers, encoder)]
    if encoder is not None:
        logits = sentence_logits(sentences, encoder)
        return [_sigmoid(float(z) + structure_shift(s)) for z, s in zip(logits, sentences, strict=True)]
    bias, weights = load_model()
    return [_sigmoid(_logit_model(s, bias, weights) + structure_shift(s)) for s in sentences]
