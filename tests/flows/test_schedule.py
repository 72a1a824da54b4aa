"""The scheduled deployment: registered with the test Prefect server, one run triggered and picked
up by a runner (as `claimtrack schedule` serves it), landing its results in the warehouse."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest

from claimtrack.clock import utcnow
from claimtrack.settings import Settings
from flows.schedule import DEPLOYMENT, deployment_parameters, reverify_deployment
from tests.flows.reverify_site import ARTICLE, ELBRUS, HERITAGE, Site, seed_check
from warehouse.db import Warehouse

REPO = Path(__file__).resolve().parents[2]


def test_parameters_are_json_and_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings(db=Path("rel/w.duckdb")).with_overrides(fetch={"allow_hosts": ("127.0.0.1:9",)})
    params = deployment_parameters(s, config=Path("ct.toml"))
    assert params == {"mode": "due", "db": str(tmp_path / "rel" / "w.duckdb"),
                      "config": str(tmp_path / "ct.toml"), "allow_hosts": ["127.0.0.1:9"]}
    remote = deployment_parameters(Settings(db=Path("md:claimtrack")))
    assert remote["db"] == "md:claimtrack"
    deployment = reverify_deployment(s, cron="*/5 * * * *")
    assert deployment.entrypoint == "flows.reverify.reverify_tracked"
    assert [sch.schedule.cron for sch in deployment.schedules] == ["*/5 * * * *"]


def test_a_deployment_run_lands_in_the_warehouse(
    prefect_harness: None, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.runner import Runner

    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the runner starts the flow run in a process
    site = Site({"/article.html": ARTICLE, "/sources/elbrus.html": ELBRUS,
                 "/sources/heritage.html": HERITAGE})
    with site.serve() as base:
        host = base.removeprefix("http://")
        config = tmp_path / "claimtrack.toml"
        config.write_text('[fetch]\nhost_delay = 0.0\nretries = 0\n[providers]\n'
                          'enabled = ["links"]\n', encoding="utf-8")
        s = settings.with_overrides(fetch={"allow_hosts": (host,)},
                                    providers={"enabled": ("links",)})
        seed_check(s, f"{base}/article.html", utcnow() - timedelta(days=8))
        # What `claimtrack schedule` serves, registered with the server; one run triggered now
        # and picked up by one poll of a runner (a tick of `serve`).
        deployment = reverify_deployment(s, cron="0 */6 * * *", config=config, name="test-tick")
        runner = Runner(name="claimtrack-test", query_seconds=1, prefetch_seconds=30)
        runner.add_deployment(deployment)
        flow_run = run_deployment("reverify_tracked/test-tick", timeout=0, as_subflow=False)
        asyncio.run(asyncio.wait_for(runner.start(run_once=True), timeout=120))
        with get_client(sync_client=True) as client:
            for _ in range(240):
                state = client.read_flow_run(flow_run.id).state
                if state is not None and state.is_final():
                    break
                time.sleep(0.5)
        assert state is not None and state.is_completed(), state

    with Warehouse(s.db).connect(read_only=True) as con:
        runs = con.execute("SELECT id, status, params FROM runs WHERE flow = 'reverify_tracked'"
                           ).fetchall()
        assert [status for _, status, _ in runs] == ["completed"]
        assert con.execute("SELECT count(*) FROM verdicts WHERE run_id = ?", [runs[0][0]]
                           ).fetchone() == (3,)
    assert DEPLOYMENT == "reverify-tracked"
