"""What a test does when something it needs is missing: skip on a desk, fail in CI.

CI (``CI=true``, set by ``.ci/run``) installs chromium and the sentence encoder before the tests,
so a missing one there is a broken build, not a reason to skip: the run must fail.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def unavailable(message: str) -> NoReturn:
    """Skip with ``message`` on a desk; fail with it in CI, where everything must run."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: every test must run)", pytrace=False)
    pytest.skip(message)
