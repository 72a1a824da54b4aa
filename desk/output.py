"""How the CLI shows results: Rich tables for people, plain JSON for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from flows.outcome import CheckOutcome, llm_line

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)

STATUS_STYLE = {
    "supported": "green",
    "refuted": "red",
    "mixed": "yellow",
    "unverified": "bright_black",
    "fetched": "green",
    "failed": "red",
    "skipped": "yellow",
}


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def styled(value: str) -> str:
    style = STATUS_STYLE.get(value)
    return f"[{style}]{value}[/{style}]" if style else value


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def claims_table(outcome: CheckOutcome) -> Table:
    table = Table(title=f"Claims (run {outcome.run_id})", show_lines=False, expand=True)
    table.add_column("Claim", ratio=5, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Conf.", justify="right", no_wrap=True)
    table.add_column("Best evidence", ratio=4, overflow="fold")
    for c in sorted(outcome.claims, key=lambda c: -c.checkworthiness):
        best = next((e for e in c.evidence if e["stance"] != "neutral"), None)
        best_text = f"{_short(best['reason'], 80)}\n[dim]{best['url']}[/dim]" if best else _short(c.rationale, 80)
        table.add_row(_short(c.text, 120), styled(c.status), f"{c.confidence:.2f}", best_text)
    return table


def sources_table(outcome: CheckOutcome) -> Table:
    table = Table(title="Sources", expand=True)
    table.add_column("URL", ratio=5, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Reason", ratio=2)
    for s in outcome.sources:
        table.add_row(s.url, styled(s.status), s.reason)
    return table


def counts(values: Iterable[str]) -> str:
    tally: dict[str, int] = {}
    for v in values:
        tally[v] = tally.get(v, 0) + 1
    return ", ".join(f"{styled(k)} {n}" for k, n in sorted(tally.items()))


def print_notes(outcome: CheckOutcome) -> None:
    """Article notes (language, unknown date, nothing found) and providers that failed."""
    for article in outcome.articles:
        for note in article.get("notes") or ():
            console.print(f"[yellow]note:[/yellow] {article.get('title') or article['id']}: {note}",
                          markup=True, highlight=False)
    for error in outcome.provider_errors:
        console.print(f"[yellow]provider failed:[/yellow] {error}")


def print_llm(outcome: CheckOutcome) -> None:
    """What asking the llm cost this run, when one was asked."""
    line = llm_line(outcome.llm)
    if line:
        console.print(line, markup=False)
