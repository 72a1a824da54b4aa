"""A real HTTP server on 127.0.0.1 for tests: static pages plus per-path status overrides."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serve_pages(pages: Mapping[str, str | tuple[int, str]]) -> Iterator[str]:
    """Serve ``{"/path": html}`` (or ``(status, body)``); yields the base URL. Unknown paths 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            entry = pages.get(self.path.split("?")[0])
            status, body = (404, "not found") if entry is None else (
                entry if isinstance(entry, tuple) else (200, entry))
            data = body.encode("utf-8")
            self.send_response(status)
            ctype = "text/plain" if self.path.endswith((".txt", "robots.txt")) else "text/html"
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
