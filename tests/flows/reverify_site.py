"""A local site whose pages change between re-verification rounds.

Real HTTP on 127.0.0.1 with ETag and Last-Modified, answering conditional requests with 304,
deleted pages with 404 or 410; it counts requests, 304s and body bytes sent.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from claimtrack.settings import Settings
from flows import stages
from warehouse.db import Warehouse
from warehouse.runs import begin_run, end_run

ROBOTS = "User-agent: *\nAllow: /\n"


class Site:
    """``pages`` maps a path to its HTML, or to an int status for a page that is gone.

    Counts requests, 304s and body bytes of pages (robots.txt is not counted).
    """

    def __init__(self, pages: dict[str, str | int] | None = None, *, delay: float = 0.0) -> None:
        self.pages: dict[str, str | int] = {"/robots.txt": ROBOTS, **(pages or {})}
        self.modified: dict[str, float] = {}
        self.delay = delay
        self.requests = 0
        self.not_modified = 0
        self.bytes = 0
        self._lock = threading.Lock()

    def put(self, path: str, html: str) -> None:
        self.pages[path] = html
        self.modified[path] = time.time()

    def remove(self, path: str, status: int = 404) -> None:
        self.pages[path] = status

    def reset_counts(self) -> None:
        self.requests = self.not_modified = self.bytes = 0

    def _count(self, not_modified: bool, size: int) -> None:
        with self._lock:
            self.requests += 1
            self.not_modified += not_modified
            self.bytes += size

    @contextmanager
    def serve(self) -> Iterator[str]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path.split("?")[0]
                entry = site.pages.get(path, 404)
                if site.delay and path != "/robots.txt":
                    time.sleep(site.delay)
                if isinstance(entry, int):
                    site._count(False, 0)
                    self._send(entry, b"gone", {})
                    return
                body = entry.encode("utf-8")
                counted = path != "/robots.txt"
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                stamp = formatdate(site.modified.get(path, 1_700_000_000), usegmt=True)
                headers = {"ETag": etag, "Last-Modified": stamp}
                if self.headers.get("If-None-Match") == etag:
                    site._count(True, 0)
                    self._send(304, b"", headers)
                    return
                if counted:
                    site._count(False, len(body))
                self._send(200, body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                ctype = "text/plain" if self.path.endswith(".txt") else "text/html"
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = _QuietServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client closing a kept-alive connection is not news


def page(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article>\n"
            f"{body}</article></body></html>")


# An article with three claims, each citing one page; the pages change between rounds.
ARTICLE = page(
    "Three records from Russia",
    'Mount Elbrus is the highest mountain in Europe, at 5,642 metres, according to '
    '<a href="/sources/elbrus.html">the alpine survey</a>.',
    'UNESCO listed Lake Baikal as a World Heritage Site in 1996, as reported by '
    '<a href="/sources/heritage.html">the heritage register</a>.',
    'The Trans-Siberian Railway carried 2 million passengers in 2019, says '
    '<a href="/sources/railway.html">the railway office</a>.',
)
ELBRUS = page("Alpine survey: Elbrus",
              "Mount Elbrus is the highest mountain in Europe, at 5,642 metres above sea level.")
ELBRUS_NEW = page("Alpine survey: Elbrus",
                  "Mount Elbrus is the highest mountain in Europe, at 5,100 metres above sea level.")
HERITAGE = page("Heritage register: Lake Baikal",
                "Lake Baikal was listed by UNESCO as a World Heritage Site in 1996.")
RAILWAY = page("Railway office: 2019 in numbers",
               "The Trans-Siberian Railway carried 2 million passengers in 2019.")


def seed_check(settings: Settings, url: str, now: datetime) -> str:
    """What ``check_article`` records for one article, without its report step: the starting
    point of the tracking tests (which test re-verification, not reports)."""
    wh = Warehouse(settings.db)
    run_id = begin_run(wh, "check_article", {"articles": [url]}, now)
    article = stages.ingest(url, settings, None)
    found = stages.store_article(wh, run_id, article, stages.extract(article), now)
    discovered = stages.discover(wh, settings, article, found)
    reads = stages.fetch_and_read(wh, settings, run_id, discovered, now)
    verdicts = stages.assess(wh, settings, [(c, article.id) for c in found], discovered, reads)
    stages.store_verdicts(wh, run_id, verdicts, now)
    end_run(wh, run_id, "completed", now)
    return run_id
