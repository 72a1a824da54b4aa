"""Sentence vectors for the semantic benchmarks, optionally kept in an .npz between runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def encode(encoder: Any, texts: Sequence[str], cache: Path | None = None) -> dict[str, np.ndarray]:
    """Unit vector by text. ``cache`` (texts and vectors of one model) supplies the texts it has
    and is rewritten with the union when some had to be encoded."""
    unique = list(dict.fromkeys(texts))
    model = str(encoder.model_id)
    held: dict[str, np.ndarray] = {}
    if cache is not None and cache.is_file():
        data = np.load(cache, allow_pickle=False)
        if str(data["model"]) == model:
            held = dict(zip((str(t) for t in data["texts"]), data["vectors"], strict=True))
    missing = [t for t in unique if t not in held]
    if missing:
        held.update(zip(missing, encoder.encode(missing), strict=True))
        if cache is not None:
            np.savez(cache, model=np.array(model), texts=np.array(list(held)),
                     vectors=np.stack(list(held.values())))
    return {t: held[t] for t in unique}
