"""``claimtrack schedule``: serve ``reverify_tracked`` as a Prefect deployment on a cron schedule.

A deployed run is an entry point of its own: it gets JSON parameters (the warehouse connection
string, the settings file, the allowed hosts) and builds its settings from them, so the process
that serves it (or a worker on another machine) does not depend on the caller's working
directory. The entrypoint is a module path (``flows.reverify.reverify_tracked``) for the same
reason. For a Prefect server with workers on several machines, see ``prefect.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment

from claimtrack.settings import Settings
from flows.reverify import reverify_tracked

DEPLOYMENT = "reverify-tracked"


def _absolute(target: str | Path) -> str:
    """A file path made absolute; a connection string (``md:db``, ``ducklake:...``) as given."""
    text = str(target)
    return text if ":" in text else str(Path(text).expanduser().resolve())


def deployment_parameters(
    settings: Settings, *, config: Path | None = None, mode: str = "due"
) -> dict[str, Any]:
    """What a scheduled run needs, in JSON: it rebuilds the settings from these at its entry."""
    params: dict[str, Any] = {"mode": mode, "db": _absolute(settings.db)}
    if config is not None:
        params["config"] = _absolute(config)
    if settings.fetch.allow_hosts:
        params["allow_hosts"] = list(settings.fetch.allow_hosts)
    return params


def reverify_deployment(
    settings: Settings, *, cron: str | None = None, name: str = DEPLOYMENT,
    config: Path | None = None,
) -> RunnerDeployment:
    """The deployment ``claimtrack schedule`` serves (cron from the settings unless given)."""
    deployment = reverify_tracked.to_deployment(  # type: ignore[call-arg]  # _sync: see below
        name=name,
        cron=cron or settings.reverify.cron,
        parameters=deployment_parameters(settings, config=config),
        description="Re-verify tracked claims that are due (claimtrack reverify --due).",
        tags=["claimtrack", "reverify"],
        entrypoint_type=EntrypointType.MODULE_PATH,
        _sync=True,  # a RunnerDeployment even when called inside an event loop
    )
    assert isinstance(deployment, RunnerDeployment)
    return deployment


def serve_reverify(
    settings: Settings, *, cron: str | None = None, name: str = DEPLOYMENT,
    config: Path | None = None,
) -> None:
    """Register the deployment and run its scheduled runs in this process until interrupted."""
    serve(reverify_deployment(settings, cron=cron, name=name, config=config),
          print_starting_message=True)
