"""Review desk latency: queue and claim pages with 100,000 claims in the warehouse.

Builds a warehouse of 100,000 claims (tests/desk/review_fixtures.build_big), serves the review
app under uvicorn in its own process on loopback, signs in 20 editors and has them request queue
pages (mixed filters and pages) and claim pages (random claims) concurrently, a bounded number
of requests each. Prints a Markdown table and writes bench/results/review.md. Goal: p95 < 100 ms.

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
from pathlib import Path

import httpx

from tests.desk.review_fixtures import build_big
from warehouse.db import Warehouse
from warehouse.editors import Accounts

RESULTS = Path(__file__).resolve().parent / "results" / "review.md"
PASSWORD = "bench password 123"
SERVER = (
    "import sys; from pathlib import Path; from claimtrack.settings import Settings; "
    "from desk.web import serve; "
    "serve(Settings(db=Path(sys.argv[1])), host='127.0.0.1', port=int(sys.argv[2]))"
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), to show the server's cost per request."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        port = free_port()
        env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=env)
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
            load_before = os.getloadavg()[0]
            first = asyncio.run(_first_queue(base))
            cpu_before = cpu_seconds(server.pid)
            client_before = time.process_time()
            results, wall, alone = asyncio.run(run(base, args.clients, args.requests,
                                                   args.claims))
            cpu_used = cpu_seconds(server.pid) - cpu_before
            client_used = time.process_time() - client_before
            load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [
        "# Review desk latency",
        "",
        f"{args.claims:,} claims in the warehouse (built in {built:.1f} s), uvicorn (1 worker) "
        f"on loopback, {args.clients} concurrent signed-in clients, half queue pages (filters, "
        "pages, article), half claim pages (random claims). Goal: p95 < 100 ms.",
        "",
        "| page | clients | requests | p50 ms | p95 ms | p99 ms | max ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = sum(len(v) for v in results.values())
    signins = args.clients + 1  # scrypt, about 50 ms of CPU each, inside the measured span
    served = total + sum(len(v) for v in alone.values()) + 2 * signins
    for kind in ("queue", "claim"):
        for label, data, n_clients, rate in (
                ("alone", alone[kind], 1, None),
                ("concurrent", results[kind], args.clients, total / wall)):
            lines.append(
                f"| {kind} ({label}) | {n_clients} | {len(data)} | {pct(data, 0.5):.1f} | "
                f"{pct(data, 0.95):.1f} | {pct(data, 0.99):.1f} | {max(data):.1f} | "
                + (f"{rate:.0f} (both kinds) |" if rate else "- |"))
    lines += [
        "",
        f"Server CPU: {cpu_used / served * 1000:.1f} ms per request on average "
        f"({cpu_used:.1f} s for {served} requests, sign-ins included); the load generator "
        f"(httpx, same machine) used {client_used / served * 1000:.1f} ms per request. "
        f"First queue page after start (builds the in-memory queue index): {first:.0f} ms. "
        f"Load average {load_before:.1f} before, {load_after:.1f} after "
        f"({os.cpu_count()} cores; the machine is shared, so numbers move with its load).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
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
