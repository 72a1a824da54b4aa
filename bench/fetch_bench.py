"""Fetch benchmark: claimtrack's fetch + extract + store pipeline against a serial baseline.

Run ``python -m bench.fetch_bench [--pages 500] [--latency-ms 0 50] [--workers 2]``. A separate
process serves ``--pages`` generated news-like pages (50-200 KB: head with CSS and JSON-LD, a
navigation bar, an article, a sidebar, inline scripts, a footer) over HTTP/1.1 keep-alive on
127.0.0.1, optionally waiting ``--latency-ms`` before each response (a stand-in for a real
server's time to first byte). For each latency it measures, in the same run:

- pipeline: ``sources.Fetcher`` (concurrency 16, per_host 16, host_delay 0: one local host, so
  per-host politeness is opened up and documented as such) -> ``sources.extract_document`` in a
  process pool of ``--workers`` -> ``sources.save_snapshot`` (zlib) to a temporary directory;
- serial: ``httpx.get(url)`` then ``trafilatura.extract(html)``, one page after another;
- extraction cost: ``extract_document`` vs bare ``trafilatura.extract`` on the same pages,
  serially in one process.

Prints a Markdown table and writes it to ``bench/results/fetch.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import platform
import random
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import trafilatura

from bench._provenance import write_results
from claimtrack.settings import FetchSettings
from sources import Fetcher, save_snapshot

RESULTS = Path(__file__).parent / "results" / "fetch.md"

_TEXT = (
    "the council said on Tuesday that its budget for next year would rise by percent after a "
    "review of spending on schools roads and housing officials told reporters the plan was "
    "approved by a majority of members although opposition leaders argued it relied on "
    "optimistic forecasts for growth in tax revenue population the city has grown since when "
    "census counted residents according to national statistics office figures published in "
    "March unemployment fell to its lowest level in a decade while inflation stayed above "
    "target the minister who took office last year promised to build new homes by and invest "
    "billion in public transport critics including several economists questioned whether "
    "those numbers were realistic given rising costs of materials and labour shortages in "
    "construction industry report found that emissions dropped compared with previous period"
)
_WORDS = _TEXT.split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(12, 28))]
    if rng.random() < 0.4:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 980)}")
    return " ".join(words).capitalize() + "."


_IDENTS = [a + b for a in ("get", "set", "on", "use", "track", "render", "load", "init", "ad",
                          "cmp", "nav", "ui") for b in ("Data", "State", "Event", "Slot", "Item",
                                                         "Config", "Node", "Frame", "Id", "Cb")]


def _minified_js(rng: random.Random, size: int) -> str:
    """Bundle-like script text (compresses about as well as real minified JS, ~3-4x)."""
    out: list[str] = []
    length = 0
    while length < size:
        a, b, c = rng.choice(_IDENTS), rng.choice(_IDENTS), rng.choice(_IDENTS)
        n = rng.randint(0, 99999)
        part = rng.choice((
            f"function {a}{n}(e,t){{return e.{b}?t.{c}(e,{n}):null}}",
            f"var {a}_{n}={{{b}:{n},{c}:\"{rng.randbytes(6).hex()}\"}};",
            f"window.{a}&&window.{a}.push([\"{b}\",{n}]);",
            f"if(e.{b}>{n}){{{c}(e,t,{rng.randint(0, 9)})}}",
        ))
        out.append(part)
        length += len(part)
    return "".join(out)


def make_page(i: int, seed: int = 7) -> bytes:
    """One news-like page of 50-200 KB, deterministic in (i, seed)."""
    rng = random.Random(seed * 100_003 + i)
    target = rng.randint(50_000, 200_000)
    title = _sentence(rng)[:80]
    nav = "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(60))
    paragraphs = "".join(
        f"<p>{' '.join(_sentence(rng) for _ in range(rng.randint(2, 6)))}</p>"
        for _ in range(rng.randint(8, 30))
    )
    related = "".join(
        f'<li><a href="/news/{rng.randint(1, 10**6)}">{_sentence(rng)[:60]}</a></li>'
        for _ in range(20)
    )
    footer = "".join(f'<a href="/about/{k}">About {k}</a> ' for k in range(40))
    headline = title.replace('"', "")
    jsonld = (
        '{"@context":"https://schema.org","@type":"NewsArticle","headline":"' + headline + '",'
        f'"datePublished":"2024-03-{1 + i % 28:02d}T08:00:00Z",'
        '"author":{"@type":"Person","name":"A. Writer"}}'
    )
    head = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:title' content='{title}'>"
        f"<link rel='canonical' href='https://news.example/{i}'>"
        "<style>" + "".join(f".c{k}{{margin:0;padding:{k % 9}px;color:#333}}" for k in range(80))
        + "</style>"
        f"<script type='application/ld+json'>{jsonld}</script></head>"
    )
    body = (
        f"<body><header><nav class='menu'><ul>{nav}</ul></nav></header>"
        f"<main><article><h1>{title}</h1><p class='byline'>By A. Writer, March {1 + i % 28}, "
        f"2024</p>{paragraphs}</article>"
        f"<aside class='sidebar'><h2>Related</h2><ul>{related}</ul></aside></main>"
        f"<footer>{footer}</footer>"
    )
    html = head + body
    filler: list[str] = []
    size = len(html.encode())
    while size < target - 200:  # analytics and app bundles: most of a real page's bytes
        chunk = "<script>" + _minified_js(rng, 2000) + "</script>"
        filler.append(chunk)
        size += len(chunk)
    return (html + "".join(filler) + "</body></html>").encode()


# -- the server (its own process, so it does not share the benchmark's GIL) ---------------------


def _serve(pages: int, latency: float, ready: Any) -> None:
    bodies = [make_page(i) for i in range(pages)]
    robots = b"User-agent: *\nDisallow: /private/\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                if latency:
                    await asyncio.sleep(latency)
                if path == "/robots.txt":
                    body, ctype = robots, b"text/plain"
                else:
                    body, ctype = bodies[int(path.rsplit("/", 1)[1]) % pages], b"text/html"
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype
                             + b"; charset=utf-8\r\nContent-Length: " + str(len(body)).encode()
                             + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        ready.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class Server:
    def __init__(self, pages: int, latency: float) -> None:
        ctx = mp.get_context("spawn")
        here, there = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(pages, latency, there), daemon=True)
        self.process.start()
        self.port = here.recv()

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.port}/news/{i}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(5)


# -- extraction ---------------------------------------------------------------------------------


def _extractor() -> tuple[str, Callable[[bytes, str], Any]]:
    try:
        from sources.extract import extract_document
    except ImportError:
        return "trafilatura.extract", lambda body, url: trafilatura.extract(body, url=url)
    return "sources.extract_document", extract_document


def extract_one(body: bytes, url: str) -> tuple[bool, float]:
    """Runs in a pool worker: (page gave main text, CPU seconds spent extracting)."""
    _, extract = _extractor()
    c0 = time.process_time()
    found = extract(body, url)
    return bool(found), time.process_time() - c0


# -- the two contenders -------------------------------------------------------------------------


async def _pipeline(urls: list[str], settings: FetchSettings, pool: Executor | None,
                    snapdir: Path, extract: bool = True) -> tuple[int, int, float]:
    loop = asyncio.get_running_loop()
    ok = texts = 0
    worker_cpu = 0.0

    async with Fetcher(settings) as fetcher:

        async def one(url: str) -> None:
            nonlocal ok, texts, worker_cpu
            result = await fetcher.fetch(url)
            if result.body is None:
                return
            ok += 1
            body, where = result.body, result.final_url or url
            if not extract:
                found = False
            elif pool is None:
                found, cpu = extract_one(body, where)
            else:
                found, cpu = await loop.run_in_executor(pool, extract_one, body, where)
                worker_cpu += cpu
            await asyncio.to_thread(save_snapshot, snapdir, body)
            texts += found

        await asyncio.gather(*(one(u) for u in urls))
    return ok, texts, worker_cpu


def run_pipeline(urls: list[str], port: int, workers: int, extract: bool = True
                 ) -> dict[str, float]:
    settings = FetchSettings(concurrency=16, per_host=16, host_delay=0.0,
                             allow_hosts=(f"127.0.0.1:{port}",))
    pool = None
    if workers and extract:
        pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"))
    try:
        if pool is not None:  # start the workers and import trafilatura before the clock runs
            list(pool.map(extract_one, [make_page(0)] * workers, ["http://warm.up/"] * workers))
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), time.process_time()
            ok, texts, worker_cpu = asyncio.run(
                _pipeline(urls, settings, pool, Path(tmp), extract))
            elapsed = time.perf_counter() - t0
            cpu = time.process_time() - c0 + worker_cpu
    finally:
        if pool is not None:
            pool.shutdown()
    return {"seconds": elapsed, "pages_per_s": len(urls) / elapsed, "ok": ok, "texts": texts,
            "cpu_ms": 1000 * cpu / len(urls)}


def run_serial(urls: list[str], *, reuse_client: bool = False) -> dict[str, float]:
    """``httpx.get`` builds a client (and its TLS context) per call; ``reuse_client`` keeps one,
    to show how much of the gap is that alone."""
    ok = texts = 0
    client = httpx.Client() if reuse_client else None
    t0, c0 = time.perf_counter(), time.process_time()
    for url in urls:
        response = client.get(url) if client is not None else httpx.get(url)
        ok += response.status_code == 200
        texts += bool(trafilatura.extract(response.text))
    elapsed = time.perf_counter() - t0
    if client is not None:
        client.close()
    cpu = time.process_time() - c0
    return {"seconds": elapsed, "pages_per_s": len(urls) / elapsed, "ok": ok, "texts": texts,
            "cpu_ms": 1000 * cpu / len(urls)}


def extraction_cost(pages: list[bytes]) -> dict[str, Any]:
    name, extract = _extractor()
    trafilatura.extract(pages[0])
    extract(pages[0], "https://news.example/0")
    t0 = time.perf_counter()
    for body in pages:
        trafilatura.extract(body)
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i, body in enumerate(pages):
        extract(body, f"https://news.example/{i}")
    ours = time.perf_counter() - t0
    return {"name": name, "bare_ms": 1000 * bare / len(pages),
            "ours_ms": 1000 * ours / len(pages), "ratio": ours / bare}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[0.0, 50.0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cost-pages", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1, help="best of N runs of each contender")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    sizes = [len(make_page(i)) for i in range(args.pages)]
    name, _ = _extractor()
    rows = []
    load_before = os.getloadavg()[0]
    for latency in args.latency_ms:
        server = Server(args.pages, latency / 1000)
        try:
            urls = [server.url(i) for i in range(args.pages)]
            httpx.get(urls[0])  # server warm
            pipes, serials, reused, fetches = [], [], [], []
            for _ in range(args.rounds):  # alternate, so background load hits all alike
                pipes.append(run_pipeline(urls, server.port, args.workers))
                serials.append(run_serial(urls))
                reused.append(run_serial(urls, reuse_client=True))
                fetches.append(run_pipeline(urls, server.port, 0, extract=False))

            def best(runs: list[dict[str, float]]) -> dict[str, float]:
                return max(runs, key=lambda r: r["pages_per_s"])

            pipe, serial, serial_client, fetch_only = (
                best(pipes), best(serials), best(reused), best(fetches))
        finally:
            server.stop()
        rows.append((latency, pipe, serial, serial_client, fetch_only))
    load_after = os.getloadavg()[0]
    cost = extraction_cost([make_page(i) for i in range(args.cost_pages)])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lines = [
        "# Fetch benchmark",
        "",
        f"{args.pages} generated pages, {min(sizes) // 1024}-{max(sizes) // 1024} KB "
        f"(mean {sum(sizes) // len(sizes) // 1024} KB), served from a separate process on "
        f"127.0.0.1. Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"Pipeline = `Fetcher` (concurrency 16, per_host 16, host_delay 0, robots.txt read) + "
        f"`{name}` in {args.workers} worker processes + zlib snapshot to disk. "
        "Serial = `httpx.get` + `trafilatura.extract`, one page after another (and the same "
        "loop with one reused `httpx.Client`).",
        "",
        f"Best of {args.rounds} alternating run(s). Load average (1 min) {load_before:.1f} "
        f"before, {load_after:.1f} after: the machine is shared, so wall-clock rates move with "
        "the load; CPU ms/page (client side: fetcher process plus extraction time in the "
        "workers; the server is not counted) does not.",
        "",
        "| server latency | pipeline pages/s | serial pages/s | speed-up | pipeline CPU ms/page "
        "| serial CPU ms/page | serial, one reused Client: pages/s (speed-up) "
        "| fetch + store only: pages/s, CPU ms/page | pages ok (pipeline / serial) | with text |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for latency, pipe, serial, serial_client, fetch_only in rows:
        lines.append(
            f"| {latency:.0f} ms | {pipe['pages_per_s']:.1f} | {serial['pages_per_s']:.1f} | "
            f"{pipe['pages_per_s'] / serial['pages_per_s']:.2f}x | {pipe['cpu_ms']:.1f} | "
            f"{serial['cpu_ms']:.1f} | {serial_client['pages_per_s']:.1f} "
            f"({pipe['pages_per_s'] / serial_client['pages_per_s']:.2f}x) | "
            f"{fetch_only['pages_per_s']:.0f}, {fetch_only['cpu_ms']:.1f} | "
            f"{pipe['ok']:.0f} / {serial['ok']:.0f} | {pipe['texts']:.0f} / {serial['texts']:.0f} |"
        )
    pipe0, serial0 = rows[0][1], rows[0][3]
    cores = os.cpu_count() or 1
    lines += [
        "",
        f"CPU-bound capacity on {cores} idle cores (from CPU ms/page at "
        f"{rows[0][0]:.0f} ms latency; the pipeline's extraction is parallel, the serial loop is "
        f"not): pipeline ~{cores * 1000 / pipe0['cpu_ms']:.0f} pages/s, serial with one "
        f"reused Client ~{1000 / serial0['cpu_ms']:.0f} pages/s.",
    ]
    lines += [
        "",
        f"Extraction cost on {args.cost_pages} pages, serial, one process: `{cost['name']}` "
        f"{cost['ours_ms']:.1f} ms/page vs bare `trafilatura.extract` {cost['bare_ms']:.1f} "
        f"ms/page = **{cost['ratio']:.2f}x**.",
        "",
        f"Peak RSS of the benchmark process: {peak_mb:.0f} MB.",
        "",
    ]
    table = "\n".join(lines)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_results(args.out, table)


if __name__ == "__main__":
    main()
