"""A loopback server for discovery fixture sites, with scripted faults and a request log.

It serves a site folder like :mod:`newscrawl.demo` (``{{base}}`` templating, also
inside ``.gz`` files), records the host and path of every request, and can answer
a path with a scripted status first (a 503 with ``Retry-After``, a redirect).
Tests start it in a thread on port 0 and crawl it with a real ``scrapy crawl``.
"""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.demo import SiteHandler


@dataclass(frozen=True)
class Fault:
    """Answer a path with ``status``, ``headers`` and ``body`` for its first ``times`` requests (0: always)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 0
    body: str = ""


class DiscoveryServer(ThreadingHTTPServer):
    """A threaded HTTP server that remembers what was requested and plays faults."""

    def __init__(self, root: Path, faults: dict[str, Fault] | None = None):
        super().__init__(("127.0.0.1", 0), partial(FaultySiteHandler, root=root))
        self.faults = faults or {}
        self.requests: list[tuple[str, str]] = []  # (Host header, path)
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, host: str, path: str) -> Fault | None:
        """Log one request; the fault to play for it, if any."""
        with self._lock:
            self.requests.append((host, path))
            self.hits[path] += 1
            fault = self.faults.get(path)
            if fault and (not fault.times or self.hits[path] <= fault.times):
                return fault
        return None

    def paths(self) -> list[str]:
        with self._lock:
            return [path for _, path in self.requests]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.hits.clear()


class FaultySiteHandler(SiteHandler):
    """:class:`~newscrawl.demo.SiteHandler` that logs requests, plays faults and templates ``.gz``."""

    server: DiscoveryServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        fault = self.server.record(self.headers.get("Host", ""), path)
        if fault is not None:
            self._send_fault(fault)
        elif path.endswith(".gz"):
            self._send_gzip(path)
        else:
            super().do_GET()

    def _send_fault(self, fault: Fault) -> None:
        self.send_response(fault.status)
        for name, value in fault.headers.items():
            self.send_header(name, value.replace("{{base}}", self.base_url))
        body = fault.body.encode("utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

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
