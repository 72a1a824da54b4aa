"""Shared fixtures: a fresh warehouse per test, one Prefect test server per session, and paths."""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

# Hypothesis keeps its examples and caches under the temporary folder, not in ./.hypothesis:
# tests never write into the repository.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "claimtrack-hypothesis")

from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from claimtrack.settings import Settings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "article.txt"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Browser tests need Debian's chromium: without it they skip on a desk, and fail in CI
    (``CI=true``), where `make browser` has installed it or the run has already stopped."""
    if item.get_closest_marker("browser") is None:
        return
    from desk.report.screenshot import CHROMIUM

    if CHROMIUM.is_file():
        return
    from tests.ci import unavailable

    unavailable(f"{CHROMIUM} not found: install Debian's chromium (make browser)")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def demo_first_run(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> dict[str, Any]:
    """One `claimtrack demo --json` on a fresh warehouse, shared by the demo and example tests
    (a demo takes seconds). Gives ``result`` (the JSON), ``sentences`` (claim id -> the article
    sentence it came from, as stored), ``db`` and ``port`` (a later run on the same warehouse must
    use the same port: source ids hash the URL)."""
    import contextlib
    import io
    import socket

    from desk.demo import run_demo
    from warehouse.db import Warehouse

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with contextlib.redirect_stdout(io.StringIO()):
        result = run_demo(Settings(db=db), port=port, as_json=True)
    with Warehouse(db).connect(read_only=True) as con:
        sentences = dict(con.execute("SELECT claim_id, sentence FROM claim_mentions").fetchall())
    return {"result": result, "sentences": sentences, "db": db, "port": port}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh warehouse, no politeness delay (tests talk to their own servers)."""
    return Settings(db=tmp_path / "wh.duckdb").with_overrides(
        fetch={"host_delay": 0.0, "connect_timeout": 2.0, "read_timeout": 3.0,
               "page_deadline": 8.0, "retries": 0}
    )


@pytest.fixture
def seed_article() -> Path:
    if not SEED_ARTICLE.is_file():
        pytest.skip(f"seed article not found at {SEED_ARTICLE} (../shared is not beside the repo)")
    return SEED_ARTICLE
