"""A raw asyncio socket server on 127.0.0.1 that misbehaves on request, for the fetcher's fault suite.

Raw sockets rather than a web framework, because most faults (resets, garbage status lines, lying
Content-Length, truncated chunked bodies, endless streams) are things a framework will not let an
app do. Runs its own event loop in a thread, so async tests and subprocesses can both use it.

Every path is one behaviour; see ``FaultServer._route``. ``Trap`` is a listener that only counts
connections: the tests point redirects at it and assert it saw none.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import os
import socket
import ssl
import struct
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import brotli

Writer = asyncio.StreamWriter
Handler = Callable[["Request", Writer], Awaitable[None]]

ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: claimtrack\nDisallow: /private/\n"
HTML = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Fault server page</title></head>"
    "<body><article><h1>Ordinary page</h1><p>The council approved a budget of 12 million euros "
    "in 2023, caf\u00e9 owners said.</p></article></body></html>"
).encode()
BOMB_SIZE = 200 * 1024 * 1024  # what the bombs inflate to
HUGE = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


def _zeros_compressed(kind: str) -> bytes:
    """``BOMB_SIZE`` zero bytes, compressed, built in slices so building it stays small."""
    block = b"\0" * (1024 * 1024)
    if kind == "br":
        comp = brotli.Compressor(quality=1)
        chunks = [comp.process(block) for _ in range(BOMB_SIZE // len(block))]
        return b"".join([*chunks, comp.finish()])
    obj = zlib.compressobj(9, zlib.DEFLATED, 31 if kind == "gzip" else 15)
    parts = [obj.compress(block) for _ in range(BOMB_SIZE // len(block))]
    parts.append(obj.flush())
    return b"".join(parts)


_BOMBS: dict[str, bytes] = {}


def bomb(kind: str) -> bytes:
    if kind not in _BOMBS:
        _BOMBS[kind] = _zeros_compressed(kind)
    return _BOMBS[kind]


def head(status: str, headers: dict[str, str] | None = None, *, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def respond(writer: Writer, status: str, body: bytes = b"",
                  headers: dict[str, str] | None = None) -> None:
    writer.write(head(status, headers, length=len(body)) + body)
    await writer.drain()


def nested_html(depth: int = 100_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"


@dataclass
class Trap:
    """Listens on (host, port) and counts connections; nothing should ever connect."""

    host: str = "127.0.0.2"
    connections: int = 0
    port: int = 0
    _sock: socket.socket | None = None
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Trap:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(16)
        sock.settimeout(0.05)
        self._sock = sock
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self._sock is not None:
            self._sock.close()


class FaultServer:
    """``with FaultServer() as server: server.url("/status/404")``."""

    def __init__(self, *, trap_port: int = 0, localhost_trap_port: int = 0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.ssl_context = ssl_context
        self.trap_port = trap_port
        self.localhost_trap_port = localhost_trap_port
        self.requests: list[Request] = []
        self.active = 0
        self.max_active = 0
        self.flaky: dict[str, int] = {}
        self.robots_status = 200  # 404: no robots.txt (allow all); 5xx: unreachable (disallow all)
        self.robots_body = ROBOTS
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> FaultServer:
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._server = loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", 0, limit=256 * 1024,
                                 ssl=self.ssl_context)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            loop.run_until_complete(asyncio.gather(*self._tasks, return_exceptions=True))
            loop.run_until_complete(self._server.wait_closed())
            loop.run_until_complete(loop.shutdown_asyncgens())
            asyncio.set_event_loop(None)
            loop.close()

    @property
    def base(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # -- connections ---------------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
            request = self._parse(raw)
            self.requests.append(request)
            await self._route(request, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                asyncio.CancelledError):
            pass
        finally:
            self.active -= 1
            self._tasks.discard(task)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    def _parse(raw: bytes) -> Request:
        lines = raw.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", "", ""])[:3]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        parts = urlsplit(target)
        return Request(method, parts.path, parse_qs(parts.query), headers, time.monotonic())

    # -- behaviours ----------------------------------------------------------------------------

    async def _route(self, req: Request, w: Writer) -> None:
        path = req.path
        q = {k: v[0] for k, v in req.query.items()}
        if path == "/robots.txt":
            status = f"{self.robots_status} Robots"
            await respond(w, status, self.robots_body, {"Content-Type": "text/plain"})
        elif path in ("/ok", "/private/secret") or path.startswith("/page/"):
            delay = float(q.get("delay", "0"))
            if delay:
                await asyncio.sleep(delay)
            await respond(w, "200 OK", HTML, {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/echo":
            body = "\n".join(f"{k}: {v}" for k, v in req.headers.items()).encode()
            await respond(w, "200 OK", body, {"Content-Type": "text/plain"})
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            headers = {"Content-Type": "text/html"}
            if "retry_after" in q:
                headers["Retry-After"] = q["retry_after"]
            await respond(w, f"{code} Status", b"<p>status</p>", headers)
        elif path == "/flaky":
            key = q.get("key", "default")
            self.flaky[key] = self.flaky.get(key, 0) + 1
            if self.flaky[key] <= int(q.get("fail", "1")):
                await respond(w, "503 Service Unavailable", b"busy",
                              {"Content-Type": "text/plain", "Retry-After": "0"})
            else:
                await respond(w, "200 OK", HTML, {"Content-Type": "text/html"})
        elif path == "/etag":
            if req.headers.get("if-none-match") == '"v1"':
                w.write(head("304 Not Modified", {"ETag": '"v1"'}))
                await w.drain()
            else:
                await respond(w, "200 OK", HTML, {
                    "Content-Type": "text/html", "ETag": '"v1"',
                    "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"})
        elif path == "/reset":
            sock = w.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            w.transport.abort()
        elif path == "/reset-mid-body":
            w.write(head("200 OK", {"Content-Type": "text/html"}, length=100_000) + HTML)
            await w.drain()
            await asyncio.sleep(0.05)
            sock = w.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            w.transport.abort()
        elif path == "/hang":
            await asyncio.sleep(3600)
        elif path == "/slow-headers":
            await asyncio.sleep(float(q.get("delay", "5")))
            await respond(w, "200 OK", HTML, {"Content-Type": "text/html"})
        elif path == "/drip":
            w.write(head("200 OK", {"Content-Type": "text/html"}, length=100_000))
            for _ in range(100_000):
                w.write(b"x")
                await w.drain()
                await asyncio.sleep(0.05)
        elif path == "/garbage":
            w.write(b"HELLO THERE \x00\xff not http\r\n\r\n")
            await w.drain()
        elif path == "/empty":
            await respond(w, "200 OK", b"", {"Content-Type": "text/html"})
        elif path == "/bad-length":
            w.write(head("200 OK", {"Content-Type": "text/html"}, length=10_000) + HTML)
            await w.drain()
        elif path == "/truncated-chunked":
            w.write(head("200 OK", {"Content-Type": "text/html", "Transfer-Encoding": "chunked"}))
            w.write(b"%x\r\n%s\r\n" % (len(HTML), HTML) + b"400\r\nonly part of the chunk")
            await w.drain()
        elif path in ("/endless", "/huge-chunked"):
            w.write(head("200 OK", {"Content-Type": "text/html", "Transfer-Encoding": "chunked"}))
            chunk = b"<p>" + b"a" * (64 * 1024 - 7) + b"</p>"
            frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
            total = 0
            while path == "/endless" or total < HUGE:
                w.write(frame)
                total += len(chunk)
                await w.drain()
            w.write(b"0\r\n\r\n")
            await w.drain()
        elif path == "/huge-declared":
            w.write(head("200 OK", {"Content-Type": "text/html"}, length=HUGE))
            block = b"a" * (64 * 1024)
            for _ in range(HUGE // len(block)):
                w.write(block)
                await w.drain()
        elif path in ("/gzip-bomb", "/br-bomb", "/deflate-bomb"):
            kind = path[1:].split("-")[0]
            data = bomb(kind)
            await respond(w, "200 OK", data, {"Content-Type": "text/html",
                                               "Content-Encoding": kind})
        elif path == "/gzip-ok":
            await respond(w, "200 OK", gzip.compress(HTML), {"Content-Type": "text/html",
                                                             "Content-Encoding": "gzip"})
        elif path == "/br-ok":
            await respond(w, "200 OK", brotli.compress(HTML), {"Content-Type": "text/html",
                                                               "Content-Encoding": "br"})
        elif path == "/binary":
            await respond(w, "200 OK", os.urandom(50_000),
                          {"Content-Type": "application/octet-stream"})
        elif path == "/binary-as-html":
            png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(20_000)
            await respond(w, "200 OK", png, {"Content-Type": "text/html"})
        elif path == "/wrong-charset":
            body = ("<html><head><meta http-equiv='Content-Type' content='text/html; "
                    "charset=windows-1252'><title>Caf\u00e9</title></head><body><p>Caf\u00e9 "
                    "cr\u00e8me br\u00fbl\u00e9e \u2013 \u201cquoted\u201d</p></body></html>"
                    ).encode("cp1252")
            await respond(w, "200 OK", body, {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/wrong-charset-latin1":
            body = "<html><body><p>Caf\u00e9 cr\u00e8me \u2013 \u20ac5</p></body></html>".encode()
            await respond(w, "200 OK", body, {"Content-Type": "text/html; charset=iso-8859-1"})
        elif path == "/nested":
            await respond(w, "200 OK", nested_html(), {"Content-Type": "text/html"})
        elif path == "/no-type":
            await respond(w, "200 OK", HTML)
        elif path == "/redirect-ok":
            await respond(w, "302 Found", b"", {"Location": "/ok"})
        elif path == "/loop/a":
            await respond(w, "302 Found", b"", {"Location": "/loop/b"})
        elif path == "/loop/b":
            await respond(w, "301 Moved", b"", {"Location": self.url("/loop/a")})
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            await respond(w, "302 Found", b"", {"Location": f"/chain/{n + 1}"})
        elif path == "/to-private":
            await respond(w, "302 Found", b"", {"Location": f"http://127.0.0.2:{self.trap_port}/"})
        elif path == "/to-localhost":
            await respond(w, "307 Temporary Redirect", b"",
                          {"Location": f"http://localhost:{self.localhost_trap_port}/x"})
        elif path == "/to-file":
            await respond(w, "302 Found", b"", {"Location": "file:///etc/passwd"})
        elif path == "/to-metadata":
            await respond(w, "302 Found", b"",
                          {"Location": "http://169.254.169.254/latest/meta-data/"})
        elif path == "/to-robots-blocked":
            await respond(w, "302 Found", b"", {"Location": "/private/secret"})
        elif path == "/unknown-encoding":
            await respond(w, "200 OK", HTML, {"Content-Type": "text/html",
                                              "Content-Encoding": "compress"})
        elif path == "/broken-gzip":
            await respond(w, "200 OK", b"\x1f\x8b\x08\x00garbage-not-gzip" * 10,
                          {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        elif path == "/no-location":
            await respond(w, "302 Found", b"")
        else:
            await respond(w, "404 Not Found", b"<p>not found</p>", {"Content-Type": "text/html"})
