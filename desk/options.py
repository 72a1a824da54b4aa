"""What every ``claimtrack`` command shares: its option types and ``settings_for``.

One module that the command modules (``desk.cli``, ``desk.tracking_cli``, ...) import, so none of
them imports another to borrow an option, and the flags mean the same everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from claimtrack.errors import InputError
from claimtrack.settings import ALL_PROVIDERS, Settings, load_settings

DbOpt = Annotated[Path | None, typer.Option(
    "--db", help="Warehouse file or DuckDB connection string; env: CLAIMTRACK_DB.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
ProviderOpt = Annotated[
    list[str] | None,
    typer.Option("--provider", help=f"Source provider (repeatable): {', '.join(ALL_PROVIDERS)}."),
]
AllowOpt = Annotated[
    list[str] | None,
    typer.Option("--allow-host", help="Allow fetching this private/loopback HOST[:PORT] (repeatable)."),
]
PublishedOpt = Annotated[
    str | None, typer.Option("--published", help="The article's publication date, YYYY-MM-DD.")
]
AssessorOpt = Annotated[
    str | None,
    typer.Option("--assessor", help="Who decides the stance of the evidence: rules, learned or llm "
                                    "(setting `assessor`; env: CLAIMTRACK_ASSESSOR)."),
]


def settings_for(
    ctx: typer.Context, db: Path | None = None, allow_hosts: list[str] | None = None,
    providers: list[str] | None = None, assessor: str | None = None,
) -> Settings:
    """The context's settings with this command's flags applied; unknown names are bad input."""
    settings: Settings = ctx.obj if isinstance(ctx.obj, Settings) else load_settings()
    flags: dict[str, Any] = {"db": db, "assessor": assessor}
    if allow_hosts:
        flags["fetch"] = {"allow_hosts": tuple(settings.fetch.allow_hosts) + tuple(allow_hosts)}
    if providers:
        unknown = sorted(set(providers) - set(ALL_PROVIDERS))
        if unknown:
            raise InputError(
                f"unknown provider {', '.join(unknown)}; known: {', '.join(ALL_PROVIDERS)}"
            )
        flags["providers"] = {"enabled": tuple(providers)}
    settings = settings.with_overrides(**flags)
    import claims  # here, not at import time: most commands never assess

    if settings.assessor not in claims.assessor_names():
        raise InputError(f"unknown assessor {settings.assessor!r}; known: "
                         f"{', '.join(claims.assessor_names())}")
    if settings.assessor == "llm":  # its endpoint is checked here, before any flow starts
        from flows.assessors import check_llm_settings

        check_llm_settings(settings)
    return settings
