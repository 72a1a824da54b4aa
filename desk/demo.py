"""`claimtrack demo`: the whole pipeline offline, on our own example article and source pages.

A local server on 127.0.0.1 serves examples/ (the article, its source pages, a robots.txt); the
demo imports the source pages into the local corpus, then checks the article by URL with the
`links` and `corpus` providers. The port is fixed by default so source ids, and therefore the
warehouse, stay the same from one demo run to the next.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

from claimtrack.errors import InputError
from claimtrack.settings import Settings
from desk.output import claims_table, console, counts, print_json, print_notes, sources_table

DEMO_PROVIDERS = ["links", "corpus"]


def demo_settings(settings: Settings, port: int) -> Settings:
    """Our own server on loopback: allowed explicitly, and no politeness delay needed."""
    return settings.with_overrides(
        fetch={
            "allow_hosts": (*settings.fetch.allow_hosts, f"127.0.0.1:{port}"),
            "host_delay": 0.0,
            "per_host": 8,
        },
        providers={"enabled": tuple(DEMO_PROVIDERS)},
    )


def run_demo(settings: Settings, *, port: int = 8765, as_json: bool = False) -> dict[str, object]:
    from examples import EXAMPLES_DIR, SOURCES_DIR
    from examples.server import serve_directory
    from flows.check import check_article
    from flows.corpus import import_corpus
    from flows.outcome import outcome_json

    settings = demo_settings(settings, port)
    started = time.perf_counter()
    with ExitStack() as stack:
        try:
            base = stack.enter_context(serve_directory(Path(EXAMPLES_DIR), port=port))
        except OSError as exc:
            raise InputError(f"cannot serve the example sources on 127.0.0.1:{port} "
                             f"({exc.strerror}); try --port with a free port") from exc
        pages = sorted(p.relative_to(EXAMPLES_DIR).as_posix() for p in Path(SOURCES_DIR).rglob("*.html"))
        with console.status("Importing the example sources into the local corpus…") as status:
            imported = import_corpus([f"{base}/{p}" for p in pages], settings)
            status.update("Checking the example article (extract, discover, fetch, assess)…")
            outcome = check_article([f"{base}/article.html"], settings, providers=DEMO_PROVIDERS)
    elapsed = time.perf_counter() - started
    result = outcome_json(outcome) | {"corpus": imported, "seconds": round(elapsed, 2),
                                      "db": str(settings.db)}
    if as_json:
        print_json(result)
        return result
    console.print(claims_table(outcome))
    console.print(sources_table(outcome))
    console.print(f"Claims: {counts(c.status for c in outcome.claims)}   "
                  f"Sources: {counts(s.status for s in outcome.sources)}   "
                  f"Corpus: {imported['documents']} pages")
    print_notes(outcome)
    console.print(f"Warehouse: [bold]{settings.db}[/bold]  (run {outcome.run_id}, {elapsed:.1f} s)")
    if outcome.report_path:
        console.print(f"Report:    [bold]{outcome.report_path}[/bold]")
    return result
