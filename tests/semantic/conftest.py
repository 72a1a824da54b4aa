"""The real encoder for these tests, or a skip (a failure in CI) saying how to get it."""

from __future__ import annotations

from pathlib import Path

import pytest

from semantic import Encoder, load_encoder
from tests.ci import unavailable
from tests.encoder_fixture import models_dir


@pytest.fixture(scope="session")
def models() -> Path:
    """CLAIMTRACK_MODELS, else the settings' default (~/.cache/claimtrack/models)."""
    return models_dir()


@pytest.fixture(scope="session")
def encoder(models: Path) -> Encoder:
    found = load_encoder(models)
    if found is None:
        unavailable(f"model not installed in {models}: run `make models`")
    return found
