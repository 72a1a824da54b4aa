"""The fault suite: every way a source can misbehave, through one ``fetch_many`` call.

The fetcher runs in a child process so its peak RSS (``ru_maxrss``) is its own; the misbehaving
server and two trap listeners run here. The traps stand on 127.0.0.2 and on ``localhost``; only
the fault server's own ``127.0.0.1:port`` is allowed, so any connection a trap sees is a leak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sources.faultserver import FaultServer, Trap, bomb

ROOT = Path(__file__).resolve().parents[2]

# (path on the fault server, expected status, expected reason)
CASES = [
    ("/ok", "fetched", "ok"),
    ("/reset", "failed", "connection_reset"),
    ("/reset-mid-body", "failed", "truncated"),
    ("/hang", "failed", "timeout"),
    ("/slow-headers?delay=5", "failed", "timeout"),
    ("/drip", "failed", "timeout"),
    ("/status/404", "failed", "http_404"),
    ("/status/410", "failed", "http_410"),
    ("/status/429?retry_after=0", "failed", "http_429"),
    ("/status/500", "failed", "http_500"),
    ("/status/503?retry_after=1000", "failed", "http_503"),
    ("/loop/a", "failed", "redirect_loop"),
    ("/chain/0", "failed", "too_many_redirects"),
    ("/to-private", "skipped", "private_address"),
    ("/to-localhost", "skipped", "private_address"),
    ("/to-metadata", "skipped", "private_address"),
    ("/to-file", "skipped", "scheme"),
    ("/no-location", "failed", "bad_redirect"),
    ("/bad-length", "failed", "truncated"),
    ("/truncated-chunked", "failed", "truncated"),
    ("/gzip-bomb", "failed", "decompression_bomb"),
    ("/deflate-bomb", "failed", "decompression_bomb"),
    ("/br-bomb", "failed", "decompression_bomb"),
    ("/huge-declared", "failed", "too_large"),
    ("/huge-chunked", "failed", "too_large"),
    ("/endless", "failed", "too_large"),
    ("/binary", "skipped", "content_type"),
    ("/binary-as-html", "failed", "binary"),
    ("/wrong-charset", "fetched", "ok"),
    ("/wrong-charset-latin1", "fetched", "ok"),
    ("/private/secret", "skipped", "robots"),
    ("/garbage", "failed", "protocol_error"),
    ("/empty", "failed", "empty_body"),
    ("/nested", "fetched", "ok"),
    ("/no-type", "fetched", "ok"),
    ("/gzip-ok", "fetched", "ok"),
]

CHILD = r"""
import asyncio, json, sys, time
from claimtrack.settings import FetchSettings
from sources import Fetcher, decode_body

def hwm_kb():
    # VmHWM: this process's own peak RSS. getrusage's ru_maxrss is kept across exec on Linux,
    # so in a child of a large pytest process it would report the parent's size.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

args = json.loads(sys.argv[1])
settings = FetchSettings(**{k: tuple(v) if isinstance(v, list) else v
                            for k, v in args["settings"].items()})

async def main():
    async with Fetcher(settings) as fetcher:
        return await fetcher.fetch_many(args["urls"]), fetcher.backend.connected

before = hwm_kb()
t0 = time.monotonic()
results, connected = asyncio.run(main())
elapsed = time.monotonic() - t0
peak = hwm_kb()
print(json.dumps({
    "elapsed": elapsed, "rss_before_kb": before, "rss_peak_kb": peak,
    "connected": sorted(set(a for a, _ in connected)),
    "results": [{"url": r.url, "status": r.status, "reason": r.reason, "bytes": r.bytes,
                 "ms": r.ms, "attempts": r.attempts, "encoding": r.encoding,
                 "text": decode_body(r.body, r.content_type)[:300] if r.body else None}
                for r in results],
}))
"""


@pytest.fixture(scope="module")
def traps() -> Iterator[tuple[Trap, Trap]]:
    private = Trap(host="127.0.0.2").start()
    local = Trap(host="127.0.0.1").start()
    yield private, local
    private.stop()
    local.stop()


@pytest.fixture(scope="module")
def fault_run(traps: tuple[Trap, Trap]) -> Iterator[dict]:
    private, local = traps
    for kind in ("gzip", "deflate", "br"):
        bomb(kind)
    with FaultServer(trap_port=private.port, localhost_trap_port=local.port) as server:
        extra = [
            "ftp://example.org/file",
            "not a url",
            "http://10.0.0.1/",
            f"http://127.0.0.2:{private.port}/direct",
            f"http://localhost:{local.port}/direct",
        ]
        settings = {
            "concurrency": 64, "per_host": 64, "host_delay": 0.0,
            "connect_timeout": 1.0, "read_timeout": 0.5, "page_deadline": 2.0,
            "retries": 1, "backoff": 0.05, "retry_after_cap": 5.0,
            "allow_hosts": [server.host],
        }  # sizes: the defaults (10 MB raw, 20 MB decompressed)
        urls = [server.url(path) for path, _, _ in CASES] + extra
        t0 = time.monotonic()
        child = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps({"settings": settings, "urls": urls})],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        wall = time.monotonic() - t0
        assert child.returncode == 0, child.stderr[-3000:]
        out = json.loads(child.stdout)
        out["wall"] = wall
        out["server"] = server.host
        yield out


def test_every_fault_reported_with_its_reason(fault_run: dict) -> None:
    results = fault_run["results"]
    got = [(r["status"], r["reason"]) for r in results[: len(CASES)]]
    assert got == [(status, reason) for _, status, reason in CASES]
    assert [(r["status"], r["reason"]) for r in results[len(CASES):]] == [
        ("skipped", "scheme"), ("skipped", "bad_url"), ("skipped", "private_address"),
        ("skipped", "private_address"), ("skipped", "private_address"),
    ]


def test_fault_run_is_bounded_in_time(fault_run: dict) -> None:
    assert fault_run["elapsed"] < 20
    slowest = max(r["ms"] for r in fault_run["results"])
    assert slowest < 2.0 * 1000 + 500  # page_deadline plus scheduling slack


def test_fault_run_is_bounded_in_memory(fault_run: dict) -> None:
    """200 MB bodies and bombs are never buffered: growth stays near the 10+20 MB caps."""
    growth_mb = (fault_run["rss_peak_kb"] - fault_run["rss_before_kb"]) / 1024
    assert growth_mb < 120, growth_mb
    assert fault_run["rss_peak_kb"] / 1024 < 300


def test_nothing_private_is_connected_to(fault_run: dict, traps: tuple[Trap, Trap]) -> None:
    private, local = traps
    assert private.connections == 0
    assert local.connections == 0
    assert fault_run["connected"] == ["127.0.0.1"]  # only the allowed fault server


def test_wrong_charsets_decoded(fault_run: dict) -> None:
    by_path = {r["url"].split(fault_run["server"], 1)[1]: r for r in fault_run["results"]
               if fault_run["server"] in r["url"]}
    lying_utf8 = by_path["/wrong-charset"]
    assert lying_utf8["encoding"] == "cp1252"
    assert "Café crème brûlée – “quoted”" in lying_utf8["text"]
    lying_latin1 = by_path["/wrong-charset-latin1"]
    assert lying_latin1["encoding"] == "utf-8"
    assert "Café crème – €5" in lying_latin1["text"]
    assert by_path["/hang"]["attempts"] == 2  # a timeout is retried once (retries=1)
    assert by_path["/status/404"]["attempts"] == 1


def test_pathological_html_extracts_in_bounded_time() -> None:
    """Deeply nested markup reaches the extractor; it must answer (or give None) quickly."""
    from sources.extract import extract_document as extract
    from tests.sources.faultserver import nested_html
    t0 = time.monotonic()
    extract(nested_html(), url="http://example.org/nested")
    assert time.monotonic() - t0 < 5
