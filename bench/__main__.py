"""`make bench`: run every benchmark module in bench/ (or those named), one process each.

Each module runs as `python -m bench.<name>`, prints a Markdown table and writes it to
bench/results/. A separate process per benchmark keeps timings and peak memory apart.
Benchmarks never run in `make test`.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        mem = ""
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def main(names: list[str]) -> int:
    modules = names or sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_LOGGING_LEVEL="WARNING")
    print(f"Machine: {machine()}\n", flush=True)
    failed = [name for name in modules
              if subprocess.run([sys.executable, "-m", f"bench.{name}"], env=env).returncode != 0]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
