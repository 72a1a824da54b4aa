"""Running the review app under uvicorn, bound to loopback unless told otherwise."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from claimtrack.settings import Settings
from desk.web.app import Recheck, create_app


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8080,
          recheck: Recheck | None = None) -> None:
    """Serve until interrupted (``claimtrack review serve``)."""
    uvicorn.run(create_app(settings, recheck=recheck), host=host, port=port,
                log_level="warning", access_log=False, server_header=False)


@contextmanager
def running(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """The app on a free port in a background thread; yields its base URL (tests, benchmarks)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            server_header=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the review app did not start")
            threading.Event().wait(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


