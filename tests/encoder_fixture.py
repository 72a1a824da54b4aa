"""The sentence encoder for the semantic tests, or a skip that says how to get it.

The model is optional (``make models``; CI runs it): without it these tests skip with the reason,
and everything else runs on words alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from claimtrack.settings import Settings

STANCE_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "stance"


def models_dir() -> Path:
    return Path(os.environ.get("CLAIMTRACK_MODELS") or Settings().model_dir)


def encoder_or_skip() -> Any:
    try:
        from semantic import load_encoder
    except ImportError as exc:  # the semantic extra is not installed
        pytest.skip(f"the semantic extra is not installed ({exc.name}): pip install '.[semantic]'")
    encoder = load_encoder(models_dir())
    if encoder is None:
        pytest.skip(f"no sentence encoder in {models_dir()}: run `make models`")
    return encoder


def stance_data_or_skip(name: str) -> Path:
    path = STANCE_DATA / name
    if not path.is_file():
        pytest.skip(f"{path} not found (../shared/data is not beside the repo)")
    return path
