"""Real HTTP servers on 127.0.0.1 for tests: static pages with per-path status overrides, or a
folder of fixture files with their real content types."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Response = tuple[int, bytes, str]  # status, body, content type


@contextmanager
def _serve(respond: Callable[[str], Response]) -> Iterator[str]:
    """Serve GETs answered by ``respond(path)``; yields the base URL; stops and joins on exit."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            status, data, ctype = respond(self.path.split("?")[0])
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def serve_pages(pages: Mapping[str, str | tuple[int, str]]) -> Iterator[str]:
    """Serve ``{"/path": html}`` (or ``(status, body)``); yields the base URL. Unknown paths 404."""

    def respond(path: str) -> Response:
        entry = pages.get(path)
        status, body = (404, "not found") if entry is None else (
            entry if isinstance(entry, tuple) else (200, entry))
        ctype = "text/plain" if path.endswith((".txt", "robots.txt")) else "text/html"
        return status, body.encode("utf-8"), ctype

    with _serve(respond) as base:
        yield base


@contextmanager
def serve_files(folder: Path, types: Mapping[str, str]) -> Iterator[str]:
    """Serve the files directly in ``folder``, typed by suffix (``types``; else text/plain)."""

    def respond(path: str) -> Response:
        file = folder / path.lstrip("/")
        if not file.is_file() or file.parent != folder:
            return 404, b"not found", "text/plain"
        return 200, file.read_bytes(), types.get(file.suffix, "text/plain")

    with _serve(respond) as base:
        yield base
