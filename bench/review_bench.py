"""Review desk latency: queue and claim pages with 100,000 claims in the warehouse.

Builds a warehouse of 100,000 claims (tests/desk/review_fixtures.build_big), serves the review
app under uvicorn in its own process on loopback, signs in 20 editors and has them request queue
pages (mixed filters and pages) and claim pages (random claims) concurrently, a bounded number
of requests each. Twice, on fresh servers: first with claim pages read one at a time
(``review.claim_batch = 1``, the comparison), then as shipped (claim pages asked for together
read together). Prints a Markdown table and writes bench/results/review.md. Goal: p95 < 100 ms.

    .venv/bin/python -m bench.review_bench [--claims 100000] [--clients 20] [--requests 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench._provenance import write_results
from tests.desk.review_fixtures import build_big
from warehouse.db import Warehouse
from warehouse.editors import Accounts

RESULTS = Path(__file__).resolve().parent / "results" / "review.md"
PASSWORD = "bench password 123"
SERVER = (
    "import sys; from pathlib import Path; "
    "from claimtrack.settings import ReviewSettings, Settings; from desk.web import serve; "
    "serve(Settings(db=Path(sys.argv[1]), review=ReviewSettings(claim_batch=int(sys.argv[3]))), "
    "host='127.0.0.1', port=int(sys.argv[2]))"
)
SHIPPED_BATCH = 32


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to show the server's cost per request."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (Linux VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def queue_url(rng: random.Random) -> str:
    return rng.choice([
        "/queue",
        f"/queue?page={rng.randint(1, 200)}",
        f"/queue?status={rng.choice(['supported', 'refuted', 'mixed', 'unverified'])}",
        f"/queue?kind={rng.choice(['statistic', 'event', 'law'])}&page={rng.randint(1, 20)}",
        f"/queue?state=decided&page={rng.randint(1, 50)}",
        f"/queue?article=a_{rng.randrange(2000)}",
    ])


async def sign_in(client: httpx.AsyncClient, name: str) -> None:
    page = (await client.get("/login")).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    r = await client.post("/login", data={"username": name, "password": PASSWORD,
                                          "csrf_token": token[1]})
    assert r.status_code == 303, r.text


async def worker(base: str, name: str, n: int, n_claims: int, seed: int,
                 out: dict[str, list[float]], start: asyncio.Event) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await sign_in(client, name)
        await start.wait()
        for i in range(n):
            kind = "queue" if i % 2 == 0 else "claim"
            url = queue_url(rng) if kind == "queue" else f"/claims/c_{rng.randrange(n_claims)}"
            t0 = time.perf_counter()
            r = await client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200, (url, r.status_code)
            out[kind].append(elapsed)


async def run(base: str, clients: int, requests: int, n_claims: int) -> tuple[
        dict[str, list[float]], float, dict[str, list[float]]]:
    # one editor alone first: latency without contention
    alone: dict[str, list[float]] = {"queue": [], "claim": []}
    go = asyncio.Event()
    go.set()
    await worker(base, "editor0", 100, n_claims, 99, alone, go)
    out: dict[str, list[float]] = {"queue": [], "claim": []}
    start = asyncio.Event()
    per_client = max(2, requests * 2 // clients)
    tasks = [asyncio.create_task(worker(base, f"editor{i}", per_client, n_claims, i, out, start))
             for i in range(clients)]
    await asyncio.sleep(3.0)  # let everyone sign in (scrypt)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return out, time.perf_counter() - t0, alone


@dataclass
class Served:
    """One server's run: latencies by page kind, alone and concurrent, and its costs."""

    batch: int
    results: dict[str, list[float]]
    alone: dict[str, list[float]]
    wall: float
    cpu: float
    client_cpu: float
    first: float
    rss_mb: float
    signins: int

    @property
    def served(self) -> int:  # sign-ins (a form and a post; scrypt, ~50 ms CPU) included
        return (sum(len(v) for v in self.results.values())
                + sum(len(v) for v in self.alone.values()) + 2 * self.signins)


def serve_and_load(db: Path, batch: int, args: argparse.Namespace) -> Served:
    port = free_port()
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port), str(batch)],
                              env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the review app did not start")
            time.sleep(0.1)
        first = asyncio.run(_first_queue(base))
        cpu_before = cpu_seconds(server.pid)
        client_before = time.process_time()
        results, wall, alone = asyncio.run(run(base, args.clients, args.requests, args.claims))
        return Served(batch, results, alone, wall, cpu_seconds(server.pid) - cpu_before,
                      time.process_time() - client_before, first, peak_rss_mb(server.pid),
                      args.clients + 1)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="per page kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        build_big(Warehouse(db), args.claims)
        accounts = Accounts(Warehouse(db))
        for i in range(args.clients):
            accounts.add(f"editor{i}", PASSWORD)
        built = time.perf_counter() - t0
        load_before = os.getloadavg()[0]
        runs = [serve_and_load(db, batch, args) for batch in (1, SHIPPED_BATCH)]
        load_after = os.getloadavg()[0]
    lines = [
        "# Review desk latency",
        "",
        f"{args.claims:,} claims in the warehouse (built in {built:.1f} s), uvicorn (1 worker) "
        f"on loopback, {args.clients} concurrent signed-in clients, half queue pages (filters, "
        "pages, article), half claim pages (random claims). Goal: p95 < 100 ms. Two fresh "
        "servers one after the other: claim pages read one at a time (`claim_batch = 1`, the "
        f"comparison), then as shipped (`claim_batch = {SHIPPED_BATCH}`: claim pages asked for "
        "together are read together).",
        "",
        "| claim_batch | page | clients | requests | p50 ms | p95 ms | p99 ms | max ms | req/s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        total = sum(len(v) for v in r.results.values())
        for kind in ("queue", "claim"):
            for label, data, n_clients, rate in (
                    ("alone", r.alone[kind], 1, None),
                    ("concurrent", r.results[kind], args.clients, total / r.wall)):
                lines.append(
                    f"| {r.batch} | {kind} ({label}) | {n_clients} | {len(data)} | "
                    f"{pct(data, 0.5):.1f} | {pct(data, 0.95):.1f} | {pct(data, 0.99):.1f} | "
                    f"{max(data):.1f} | " + (f"{rate:.0f} (both kinds) |" if rate else "- |"))
    lines.append("")
    for r in runs:
        lines.append(
            f"claim_batch = {r.batch}: server CPU {r.cpu / r.served * 1000:.1f} ms per request "
            f"({r.cpu:.1f} s for {r.served} requests, sign-ins included), peak memory "
            f"{r.rss_mb:.0f} MB; the load generator (httpx, same machine) used "
            f"{r.client_cpu / r.served * 1000:.1f} ms per request. First queue page after "
            f"start (builds the in-memory index): {r.first:.0f} ms.")
        lines.append("")
    lines.append(f"Load average {load_before:.1f} before, {load_after:.1f} after "
                 f"({os.cpu_count()} cores; the machine is shared, so numbers move with its load).")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, text)
    return 0


async def _first_queue(base: str) -> float:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await sign_in(client, "editor0")
        t0 = time.perf_counter()
        r = await client.get("/queue")
        assert r.status_code == 200
        return (time.perf_counter() - t0) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
