"""The run's report reaches Prefect: a Markdown artifact and a table artifact that Prefect's own
API accepts and returns (flows/artifacts.py attaches them; desk.report shapes them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.desk.report_fixtures import ARTICLE_ID, RUN_ID, build_fixture_warehouse, settings_for

# Prefect's temporary server takes seconds to start; shared with the flow tests in a full run.
pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def test_flow_run_attaches_summary_and_claims_table(tmp_path: Path) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client

    from flows.artifacts import publish_run_artifacts

    path = tmp_path / "wh.duckdb"
    wh = build_fixture_warehouse(path)
    settings = settings_for(path)

    @flow(name="report-artifacts-test")
    def attach() -> str | None:
        return publish_run_artifacts(wh, settings, RUN_ID, [ARTICLE_ID])

    report_path = attach()
    assert report_path is not None and Path(report_path).read_text(encoding="utf-8").startswith(
        "<!DOCTYPE html>"
    )

    async def latest(key: str):  # type: ignore[no-untyped-def]
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
            )
            return found[-1]

    key = RUN_ID.replace("_", "-").lower()
    summary = asyncio.run(latest(f"report-{key}"))
    table = asyncio.run(latest(f"claims-{key}"))
    assert summary.type == "markdown" and str(summary.data).startswith(f"# Run `{RUN_ID}`")
    assert table.type == "table" and "Water use in Riverton fell 12 percent" in str(table.data)
