"""A fast loopback HTTP/1.1 server for the generated site, run as its own process.

``python -m benchmarks.server --articles N --corpus DIR`` prints its base URL once it
listens, then serves until terminated. It is a bare asyncio protocol with keep-alive and
responses rendered in memory, so that the server, not being Scrapy, is never the bottleneck
(:func:`measure_throughput` checks that). ``GET /_bench/served`` answers the number of
HTML pages served so far (the memory benchmark samples RSS against it).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import time
from pathlib import Path

from benchmarks.site import HTML_TYPE, Response, Site, load_templates

SERVED_PATH = "/_bench/served"
_STATUS = {200: b"200 OK", 404: b"404 Not Found"}


class SiteProtocol(asyncio.Protocol):
    """One client connection: answers each GET of the buffer in order, keeps it open."""

    def __init__(self, site: Site, counter: list[int]):
        self.site = site
        self.counter = counter
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            self._answer(head)

    def _answer(self, head: bytes) -> None:
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        target = request_line.split(" ")[1] if request_line.count(" ") == 2 else "/"
        response = self._response(target.split("#", 1)[0])
        self.transport.writelines([_head(response), response.body])
        if b"connection: close" in head.lower():
            self.transport.close()

    def _response(self, target: str) -> Response:
        if target == SERVED_PATH:
            return Response(200, "text/plain", str(self.counter[0]).encode())
        response = self.site.respond(target)
        if response.status == 200 and response.content_type == HTML_TYPE:
            self.counter[0] += 1
        return response


def _head(response: Response) -> bytes:
    return (b"HTTP/1.1 " + _STATUS[response.status] + b"\r\nContent-Type: "
            + response.content_type.encode() + b"\r\nContent-Length: "
            + str(len(response.body)).encode() + b"\r\n\r\n")


async def serve(articles: int, corpus: Path, host: str, port: int, hostile: bool = False) -> None:
    """Listen, print the base URL, serve forever."""
    from benchmarks.hostile_memory import HostileSite

    templates = load_templates(corpus)
    sock = socket.create_server((host, port), backlog=1024)
    base_url = "http://{}:{}".format(*sock.getsockname()[:2])
    site, counter = (HostileSite if hostile else Site)(templates, articles, base_url), [0]
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SiteProtocol(site, counter), sock=sock)
    print(base_url, flush=True)
    async with server:
        await server.serve_forever()


# --- the throughput check ------------------------------------------------------------------


async def _fetch_loop(host: str, port: int, paths: list[str], deadline: float) -> int:
    """Fetch ``paths`` round-robin over one keep-alive connection until ``deadline``."""
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    while time.perf_counter() < deadline:
        path = paths[done % len(paths)]
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        done += 1
    writer.close()
    return done


async def _throughput(host: str, port: int, paths: list[str], seconds: float,
                      connections: int) -> float:
    start = time.perf_counter()
    deadline = start + seconds
    loops = [_fetch_loop(host, port, paths[i::connections] or paths, deadline)
             for i in range(connections)]
    counts = await asyncio.gather(*loops)
    return sum(counts) / (time.perf_counter() - start)


def measure_throughput(base_url: str, paths: list[str], seconds: float = 3.0,
                       connections: int = 8) -> float:
    """Pages per second the server delivers to a bare asyncio client (no parsing)."""
    host, port = base_url.removeprefix("http://").split(":")
    return asyncio.run(_throughput(host, int(port), paths, seconds, connections))


def main(argv: list[str] | None = None) -> None:
    """Command line: serve the generated site until terminated."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server", description=__doc__)
    parser.add_argument("--articles", type=int, required=True, help="number of article pages")
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--hostile", action="store_true",
                        help="every fifth page hostile (benchmarks.hostile_memory.HostileSite)")
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.articles, args.corpus, args.host, args.port, args.hostile))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
