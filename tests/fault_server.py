"""A loopback server for fixture sites, with scripted faults and a request log.

It serves a site folder like :mod:`newscrawl.demo` (``{{base}}`` templating, also
inside ``.gz`` files), records the host, path and headers of every request, and
can answer a path with a scripted :class:`Fault`: any status, headers and body
(a 503 with ``Retry-After``, a redirect, a decompression bomb), a body shorter
than its ``Content-Length``, or a misbehaving connection: headers and then
nothing (``stall``), one byte at a time (``drip``), or a TCP reset mid-body
(``reset``). Tests start it in a thread on port 0, in the spirit of Scrapy's
own mock server, and crawl it with a real ``scrapy crawl``.
"""

from __future__ import annotations

import gzip
import select
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.demo import SiteHandler


#: Longest a ``stall`` or ``drip`` answer keeps a connection, whatever the client does.
HOLD_SECONDS = 30.0
#: Pause between the bytes of a ``drip`` answer.
DRIP_INTERVAL = 0.5
MODES = ("send", "stall", "drip", "reset")
HTML = {"Content-Type": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class Fault:
    """Answer a path with ``status``, ``headers`` and ``body`` for its first ``times`` requests (0: always).

    ``{{base}}`` in headers and body becomes the server's URL, ``{{port}}`` its port. ``content_length``
    announces another length than the body's. ``mode`` says how the body goes out:
    ``send`` (whole), ``stall`` (not at all, the connection held open), ``drip``
    (a byte every :data:`DRIP_INTERVAL`) or ``reset`` (half of it, then a TCP reset).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 0
    body: str | bytes = ""
    content_length: int | None = None
    mode: str = "send"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"Fault mode {self.mode!r}: use one of {', '.join(MODES)}")


class DiscoveryServer(ThreadingHTTPServer):
    """A threaded HTTP server that remembers what was requested and plays faults."""

    def __init__(self, root: Path, faults: dict[str, Fault] | None = None):
        super().__init__(("127.0.0.1", 0), partial(FaultySiteHandler, root=root))
        self.faults = faults or {}
        self.requests: list[tuple[str, str]] = []  # (Host header, path)
        self.headers: list[tuple[str, dict[str, str]]] = []  # (path, request headers)
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, host: str, path: str, headers: dict[str, str] | None = None) -> Fault | None:
        """Log one request; the fault to play for it, if any."""
        with self._lock:
            self.requests.append((host, path))
            self.headers.append((path, headers or {}))
            self.hits[path] += 1
            fault = self.faults.get(path)
            if fault and (not fault.times or self.hits[path] <= fault.times):
                return fault
        return None

    def paths(self) -> list[str]:
        with self._lock:
            return [path for _, path in self.requests]

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``, in order (names lowercased)."""
        with self._lock:
            return [headers for seen, headers in self.headers if seen == path]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.headers.clear()
            self.hits.clear()


class FaultySiteHandler(SiteHandler):
    """:class:`~newscrawl.demo.SiteHandler` that logs requests, plays faults and templates ``.gz``."""

    server: DiscoveryServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        headers = {name.lower(): value for name, value in self.headers.items()}
        fault = self.server.record(self.headers.get("Host", ""), path, headers)
        if fault is not None:
            self._send_fault(fault)
        elif path.endswith(".gz"):
            self._send_gzip(path)
        else:
            super().do_GET()

    def _send_fault(self, fault: Fault) -> None:
        body = fault.body.encode("utf-8") if isinstance(fault.body, str) else fault.body
        body = self._fill(body.decode("latin-1")).encode("latin-1")
        self.send_response(fault.status)
        for name, value in fault.headers.items():
            self.send_header(name, self._fill(value))
        length = len(body) if fault.content_length is None else fault.content_length
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            getattr(self, f"_play_{fault.mode}")(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up first, as a client with a timeout does

    def _fill(self, template: str) -> str:
        """``{{base}}`` and ``{{port}}`` of a fault's header or body, for this server."""
        port = str(self.server.server_address[1])
        return template.replace("{{base}}", self.base_url).replace("{{port}}", port)

    def _play_send(self, body: bytes) -> None:
        self.wfile.write(body)

    def _play_stall(self, body: bytes) -> None:
        self.wfile.flush()
        self._wait_for_hangup(HOLD_SECONDS)

    def _play_drip(self, body: bytes) -> None:
        deadline = time.monotonic() + HOLD_SECONDS
        for index in range(len(body)):
            if time.monotonic() > deadline:
                break
            self.wfile.write(body[index:index + 1])
            self.wfile.flush()
            time.sleep(DRIP_INTERVAL)

    def _play_reset(self, body: bytes) -> None:
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        # SO_LINGER with a zero timeout turns close() into a TCP RST; rfile holds a reference.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    def _wait_for_hangup(self, seconds: float) -> None:
        """Hold the connection until the client closes it, or ``seconds`` have passed."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.2)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return

    def _send_gzip(self, url_path: str) -> None:
        path = self._file_for(url_path)
        if path is None:
            self.send_error(404)
            return
        text = gzip.decompress(path.read_bytes()).replace(b"{{base}}", self.base_url.encode())
        body = gzip.compress(text, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def start(root: Path, faults: dict[str, Fault] | None = None) -> DiscoveryServer:
    """Serve ``root`` on a free loopback port in a daemon thread; the caller shuts it down."""
    server = DiscoveryServer(root, faults)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_linked(root: Path, faults: dict[str, Fault]) -> DiscoveryServer:
    """:func:`start`, with a home page ``/`` that links to every path of ``faults``."""
    home = "".join(f'<a href="{path}">{path}</a> ' for path in faults)
    return start(root, {**faults, "/": Fault(200, HTML, body=f"<html><body>{home}</body></html>")})


def story(number: int, padding: int = 0) -> str:
    """An article page of six paragraphs, headline "Ferry fares frozen, story N", with a comment
    of ``padding`` bytes before the article when asked (a big page)."""
    paragraphs = "".join(f"<p>Story {number}, paragraph {n}: the ferry fares stay the same all "
                         f"winter, the harbour authority said after the council met.</p>" for n in range(6))
    comment = f"<!-- {'x' * padding} -->" if padding else ""
    return (f"<!doctype html><html><head><title>Story {number}</title></head><body>{comment}<article>"
            f"<h1>Ferry fares frozen, story {number}</h1>{paragraphs}</article></body></html>")


def story_faults(count: int) -> dict[str, Fault]:
    """``count`` story pages of :func:`story`, at ``/2026/11/story-N.html``."""
    return {f"/2026/11/story-{n}.html": Fault(200, HTML, body=story(n)) for n in range(count)}


#: Where :func:`start_with_slow_page` serves its slow page: a path shaped like an article's.
SLOW_PATH = "/2026/11/slow.html"


def start_with_slow_page(root: Path, stories: int, slow_body: str | bytes) -> DiscoveryServer:
    """:func:`start_linked` with ``stories`` pages of :func:`story` and, at :data:`SLOW_PATH`,
    a page of ``slow_body`` that keeps a page worker busy."""
    return start_linked(root, {**story_faults(stories), SLOW_PATH: Fault(200, HTML, body=slow_body)})


def site_config(folder: Path, name: str, server: DiscoveryServer) -> Path:
    """A sites file in ``folder`` naming one site: the server's host, crawled from its home page."""
    path = folder / "sites.toml"
    path.write_text(f'[[site]]\nname = "{name}"\ndomains = ["127.0.0.1"]\n'
                    f'start_urls = ["{server.base_url}/"]\n')
    return path
