"""Where a results file comes from: the date, the commit and the machine, one line at its top.

Every number the README quotes stands in a file under bench/results/ that ``make bench`` rewrites;
this line says which code and which machine wrote it.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.__main__ import machine

ROOT = Path(__file__).resolve().parent.parent


def commit() -> str:
    """The short hash of HEAD, marked when the work tree has changes ("unknown" outside git)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def stamp() -> str:
    """``Date 2026-12-02 10:20 UTC, commit abc1234, 2 cores (...), 24 GiB RAM, Python 3.11.7.``"""
    return f"Date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}."


def write_results(path: Path, text: str) -> None:
    """Write a results file with the provenance line under its title (or first, with no title)."""
    title, _, rest = text.partition("\n")
    body = f"{title}\n\n{stamp()}\n{rest}" if title.startswith("#") else f"{stamp()}\n\n{text}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
