"""A quiet local web server for the example site, so the demo runs the real fetch path offline.

The demo needs real HTTP: the fetcher's robots.txt handling, conditional requests, content types
and 404s are part of what it shows. ``http.server.SimpleHTTPRequestHandler`` is close, but it
logs every request to stderr, sends no charset, has no ETag and lists directories; this handler
serves files under one root and nothing else.

Run it by hand with ``python -m examples.server [--port N] [ROOT]`` (default: examples/).
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TEXT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".xml": "application/xml",
}

NOT_FOUND_PAGE = (
    b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>No such page on the example site.</p></body></html>"
)


def content_type(path: Path) -> str:
    """Text types carry ``charset=utf-8``: every text file in examples/ is UTF-8."""
    suffix = path.suffix.lower()
    if suffix in TEXT_TYPES:
        return f"{TEXT_TYPES[suffix]}; charset=utf-8"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def etag_of(body: bytes) -> str:
    """A strong ETag from the content, so it survives a fresh checkout (mtimes do not)."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: ``W/"x"`` matches ``"x"`` (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    candidates = (tag.strip().removeprefix("W/") for tag in header.split(","))
    return etag in candidates


def not_modified_since(header: str, mtime: float) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return int(mtime) <= since.timestamp()


class ExampleHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files under the server's root; 404 for anything else, traversal included."""

    server: ExampleServer
    server_version = "claimtrack-examples/0.1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Silent: the demo's console belongs to the demo."""

    def do_GET(self) -> None:
        self.respond(with_body=True)

    def do_HEAD(self) -> None:
        self.respond(with_body=False)

    def resolve(self) -> Path | None:
        """The file a request path names, or None when it is missing or outside the root."""
        raw = unquote(urlsplit(self.path).path)
        if not raw.startswith("/") or "\x00" in raw or "\\" in raw:
            return None
        parts = [p for p in raw.split("/") if p]
        if any(p in (".", "..") for p in parts):
            return None
        root = self.server.root
        target = root.joinpath(*parts).resolve()
        if not target.is_relative_to(root):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def respond(self, *, with_body: bool) -> None:
        path = self.resolve()
        if path is None:
            self.send_bytes(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE, "text/html; charset=utf-8",
                            with_body=with_body)
            return
        body = path.read_bytes()
        mtime = path.stat().st_mtime
        etag = etag_of(body)
        validators = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
        fresh = etag_matches(inm, etag) if inm is not None else (
            ims is not None and not_modified_since(ims, mtime))
        if fresh:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_bytes(HTTPStatus.OK, body, content_type(path), with_body=with_body,
                        extra=validators)

    def send_bytes(self, status: HTTPStatus, body: bytes, ctype: str, *, with_body: bool,
                   extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)


class ExampleServer(ThreadingHTTPServer):
    """A threaded server that knows its root and keeps client disconnects off stderr."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        self.root = root.resolve()
        super().__init__(address, ExampleHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-response is not worth a traceback in the demo's output."""


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextmanager
def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` in a daemon thread; yields the base URL, e.g. ``http://127.0.0.1:8765``.

    ``port=0`` takes a free port. Binding errors (port in use) raise ``OSError`` on entry.
    """
    if not Path(root).is_dir():
        raise NotADirectoryError(f"not a directory: {root}")
    server = ExampleServer((host, port), Path(root))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="examples-server", daemon=True)
    thread.start()
    try:
        yield base_url(host, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the claimtrack example site locally.")
    parser.add_argument("root", nargs="?", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    with serve_directory(args.root, args.host, args.port) as url:
        print(f"Serving {args.root} at {url}/ (article: {url}/article.html); Ctrl-C stops.")
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
