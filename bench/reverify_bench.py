"""Re-verification of 1,000 tracked claims with 5,000 sources against a local server.

A cold run (no validators yet: every page downloaded), then a week later a warm run in which
most pages answer 304 (2% changed, 1% gone). Reports wall time per run and stage, requests,
304s and bytes moved. Goal: the warm run under 60 s on 2 cores, far fewer bytes than the cold.

    python -m bench.reverify_bench [--claims 1000] [--per-claim 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench._provenance import write_results

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "reverify.md"
T0 = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
FILLER = ("The plant sits on the river bank and employs several hundred people from the town. "
          "Its managers publish a yearly report with figures on output, energy and safety. ") * 6


def claim_text(i: int) -> str:
    return f"Acme plant {i} produced {1000 + 7 * i:,} tonnes of steel in 2019."


def page_html(i: int, j: int, version: int = 0) -> str:
    if j == 0:
        fact = f"In 2019 Acme plant {i} produced {1000 + 7 * i:,} tonnes of steel, the report shows."
    else:
        fact = f"Acme plant {i} opened a new canteen in {2000 + j + version}."
    return (f"<!doctype html><html><head><title>Acme plant {i}, note {j}</title></head><body>"
            f"<article><h1>Acme plant {i}</h1><p>{fact}</p><p>{FILLER}</p></article></body></html>")


def seed(db: Path, base: str, n: int, per_claim: int) -> None:
    """Tracked claims and their sources, each claim checked once (unverified) at T0."""
    import claims
    import sources
    from claims.model import Assessment, Claim
    from sources.model import Candidate
    from warehouse import store
    from warehouse.db import Warehouse

    wh = Warehouse(db)
    with wh.transaction() as con:
        con.execute("INSERT INTO runs (id, flow, started_at, finished_at, status) "
                    "VALUES ('seed', 'seed', ?, ?, 'completed')", [T0, T0])
        found = []
        for i in range(n):
            text = claim_text(i)
            found.append(Claim(id=claims.claim_id(text), text=text, sentence=text, start=0,
                               end=len(text), kind="statistic", checkworthiness=0.9))
        store.save_claims(con, None, found, [claims.normalize_claim(c.text) for c in found],
                          "seed", T0)
        for i, claim in enumerate(found):
            for j in range(per_claim):
                url = f"{base}/s/{i}-{j}.html"
                sid = sources.source_id(url)
                store.save_source(con, sid, url, sources.canonical_url(url),
                                  sources.domain_of(url), "unknown", None, T0)
                store.link_claim_source(con, claim.id, sid,
                                        Candidate(url=url, provider="links", rank=j), "seed")
            store.save_assessment(con, claim_id=claim.id, run_id="seed",
                                  assessment=Assessment("unverified", 0.0, "seeded"),
                                  passages=[], assessor="seed", review_reasons=(), now=T0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """examples.server in its own process, so serving does not share our GIL with fetching."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "examples.server", "--port", str(port),
                             str(root)], cwd=REPO, stdout=subprocess.DEVNULL)
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("the local server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--per-claim", type=int, default=5)
    args = parser.parse_args()

    from prefect import flow

    from claimtrack.clock import FrozenClock
    from claimtrack.settings import Settings
    from flows.reverify import ReverifyOutcome, reverify_tracked

    @flow(name="noop")
    def noop() -> None:
        return None

    noop()  # start Prefect's temporary server before anything is timed
    n, k = args.claims, args.per_claim
    rows: list[tuple[str, ReverifyOutcome, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        (root / "s").mkdir(parents=True)
        for i in range(n):
            for j in range(k):
                (root / "s" / f"{i}-{j}.html").write_text(page_html(i, j), encoding="utf-8")
        server, base = start_server(root)
        try:
            settings = Settings(db=Path(tmp) / "bench.duckdb").with_overrides(
                fetch={"allow_hosts": (base.removeprefix("http://"),), "host_delay": 0.0,
                       "per_host": 32, "concurrency": 32, "retries": 0},
                providers={"enabled": ("links",)},
            )
            seed(settings.db, base, n, k)
            clock = FrozenClock(T0)
            for label in ("cold (first fetch of every page)", "warm, a week later (304s)"):
                clock.advance(days=8)
                if label.startswith("warm"):
                    for i in range(0, n, 50):  # 2% of pages changed, 1% gone
                        for changed in (i, i + 25):
                            (root / "s" / f"{changed}-1.html").write_text(
                                page_html(changed, 1, version=1), encoding="utf-8")
                        (root / "s" / f"{i + 10}-2.html").unlink()
                started = time.perf_counter()
                outcome = reverify_tracked(settings, mode="due", clock=clock)
                rows.append((label, outcome, time.perf_counter() - started))
        finally:
            server.kill()
            server.wait()

    lines = [
        f"# Re-verification: {n:,} tracked claims, {n * k:,} sources, local server",
        "",
        "| run | claims | wall s | requests | 304s | bytes received | changed | gone | "
        "select s | fetch s | record s | assess s | store s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, o, wall in rows:
        kinds = [e.kind for e in o.events]
        t = o.timings
        lines.append(
            f"| {label} | {len(o.claims):,} | {wall:.1f} | {o.requests:,} | {o.not_modified:,} | "
            f"{o.bytes:,} | {kinds.count('changed')} | {kinds.count('gone')} | "
            + " | ".join(f"{t.get(s, 0.0):.1f}" for s in ("select", "fetch", "record", "assess",
                                                           "store")) + " |"
        )
    cold, warm = rows[0][1].bytes, rows[1][1].bytes
    lines += [
        "",
        f"The warm run received {warm:,} bytes of page bodies against {cold:,} cold "
        f"({warm / max(cold, 1):.2%}). Requests, 304s and bytes as the fetcher saw them "
        "(robots.txt not counted). The server (examples.server) runs in its own process; 32 "
        f"connections to it, no politeness delay. Machine: {os.cpu_count()} cores, load "
        f"average {os.getloadavg()[0]:.1f} at the end.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, text)


if __name__ == "__main__":
    main()
