"""Wall time of `claimtrack demo`: Prefect start-up, each stage, and total.

Two views in one run: the demo as a user starts it (a fresh `claimtrack demo` process, first
and second run on the same warehouse), and an in-process breakdown by stage.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._provenance import write_results

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

RESULTS = Path(__file__).resolve().parent / "results" / "demo.md"
CLAIMTRACK = str(Path(sys.executable).parent / "claimtrack")


def cli_runs(directory: Path, port: int) -> list[float]:
    times = []
    for _ in range(2):
        started = time.perf_counter()
        subprocess.run([CLAIMTRACK, "demo", "--json", "--db", str(directory / "cli.duckdb"),
                        "--port", str(port)], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def in_process(directory: Path, port: int) -> dict[str, float]:
    started = time.perf_counter()
    from prefect import flow

    from claimtrack.settings import Settings
    from desk.demo import run_demo

    imported = time.perf_counter()

    @flow(name="noop")
    def noop() -> None:
        return None

    noop()
    prefect_ready = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        result = run_demo(Settings(db=directory / "inproc.duckdb"), port=port, as_json=True)
    done = time.perf_counter()
    timings: dict[str, float] = dict(result["timings"])  # type: ignore[arg-type]
    return {
        "imports": imported - started,
        "Prefect start-up (temporary server)": prefect_ready - imported,
        "corpus import, server, run bookkeeping": (done - prefect_ready) - sum(timings.values()),
        **{f"stage: {k}": v for k, v in timings.items()},
        "total": done - started,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        cold, warm = cli_runs(directory, 8781)
        breakdown = in_process(directory, 8782)
    lines = ["## `claimtrack demo` wall time", "",
             "| measure | seconds |", "|---|---:|",
             f"| `claimtrack demo`, fresh process, first run | {cold:.2f} |",
             f"| `claimtrack demo`, fresh process, second run (same warehouse) | {warm:.2f} |",
             "", "In-process breakdown (one run):", "", "| part | seconds |", "|---|---:|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in breakdown.items()]
    load = os.getloadavg()[0]
    text = "\n".join(lines) + (f"\n\nGoal: under 30 s on a 2-core machine. {os.cpu_count()} cores, "
                               f"load average {load:.1f} at the end (the machine is shared).\n")
    write_results(RESULTS, text)
    print(text)
    print(json.dumps({"cold": cold, "warm": warm}))


if __name__ == "__main__":
    main()
