"""Check-worthiness beyond the sentence: who says it in a transcript, and what it means.

Two optional blocks on top of the sentence model (:mod:`claims.checkworthiness`):

- Transcript lines with their speakers. CLEF CheckThat! labels a debate line positive when
  fact-checkers picked it, and they pick the candidates' lines, not the moderators'. Two speaker
  features carry that: whether the speaker has the most lines in the transcript, and how often the
  speaker asks questions (moderators do). Measured by cross-validation over the training debates,
  the neighbouring lines, the position in the turn and in the debate added nothing, so they are not
  used (``scripts/train_checkworthiness.py``).
- A sentence encoder (``semantic.load_encoder``), when installed: its 384 dimensions stacked on the
  sentence model's log-odds, and for transcripts the cosine to the nearest line fact-checkers picked
  in the training debates (politicians repeat their claims). Weights in
  ``claims/data/checkworthiness_semantic.json``; without it or without an encoder the blocks are off.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Protocol

import numpy as np
import numpy.typing as npt

from claimtrack.errors import ModelError

SEMANTIC_FILE = "data/checkworthiness_semantic.json"


class SentenceEncoder(Protocol):
    """What the semantic block needs of ``semantic.Encoder`` (claims/ never imports it)."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class Linear:
    """A small logistic regression over named dense features."""

    bias: float
    weights: dict[str, float]

    def logits(self, columns: dict[str, npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
        n = len(next(iter(columns.values())))
        out = np.full(n, self.bias)
        for name, w in self.weights.items():
            out += w * columns[name]
        return out


@dataclass(frozen=True, slots=True)
class SemanticBlock:
    """The encoder-dependent weights: the stack over (sentence log-odds, embedding), the transcript
    model over it, and the embeddings of the training lines fact-checkers picked."""

    model_id: str
    stack_bias: float
    stack_base: float
    stack_embedding: npt.NDArray[np.float64]
    transcript: Linear
    positives: npt.NDArray[np.float32]


def linear(data: dict[str, object]) -> Linear:
    weights = data["weights"]
    assert isinstance(weights, dict)
    return Linear(float(data["bias"]), {str(k): float(v) for k, v in weights.items()})  # type: ignore[arg-type]


def transcript_columns(sentences: Sequence[str], speakers: Sequence[str],
                       base: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.float64]]:
    """The transcript model's features for each line: its sentence log-odds, ``main``, ``qrate``."""
    if len(sentences) != len(speakers):
        raise ValueError(f"{len(sentences)} sentences but {len(speakers)} speakers")
    lines = Counter(speakers)
    asks = Counter(s for s, t in zip(speakers, sentences, strict=True) if t.rstrip().endswith("?"))
    top = max(lines.values(), default=0)
    return {
        "base": np.asarray(base, dtype=np.float64),
        "main": np.array([1.0 if lines[s] == top else 0.0 for s in speakers]),
        "qrate": np.array([asks[s] / lines[s] for s in speakers]),
    }


def pack_vectors(vectors: npt.NDArray[np.floating]) -> str:
    """float16 rows as base64 (plain data in the JSON file, about 1 KB a row)."""
    return base64.b64encode(np.ascontiguousarray(vectors, dtype="<f2").tobytes()).decode("ascii")


def unpack_vectors(text: str, dim: int) -> npt.NDArray[np.float32]:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").reshape(-1, dim).astype(np.float32)


@lru_cache(maxsize=1)
def semantic_block() -> SemanticBlock | None:
    """The shipped semantic weights, or ``None`` when the file is not there."""
    path = resources.files("claims").joinpath(SEMANTIC_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    stack = data["stack"]
    emb = np.array(stack["embedding"], dtype=np.float64)
    return SemanticBlock(str(data["encoder"]), float(stack["bias"]), float(stack["base"]), emb,
                         linear(data["transcript"]), unpack_vectors(data["positives"], len(emb)))


def require_block(encoder: SentenceEncoder) -> SemanticBlock:
    """The block trained for this encoder; a different encoder's vectors would be meaningless."""
    block = semantic_block()
    if block is None:
        raise ModelError(f"claims/{SEMANTIC_FILE} is absent: retrain with the encoder installed")
    if encoder.model_id != block.model_id:
        raise ModelError(f"check-worthiness was trained with {block.model_id}, not {encoder.model_id}")
    return block
