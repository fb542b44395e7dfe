"""The bundled demo news site, served over HTTP on loopback, and a crawl of it.

``python -m newscrawl.demo crawl`` serves ``fixtures/demo/site`` on 127.0.0.1:8765 and
runs a real ``scrapy crawl news`` over it (the same port every time, so a second run
finds the articles it published already); options it does not know go to ``scrapy crawl``
(``crawl -s NEWSCRAWL_OUTPUT_DIR=out``). ``python -m newscrawl.demo serve`` only
serves (tests start it this way, on port 0, and read the base URL it prints).
"""

from __future__ import annotations

import argparse
import mimetypes
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newscrawl.commands.usage import OneLineArgumentParser

PROG = "python -m newscrawl.demo"
DEMO_DIR = Path("fixtures/demo")
DEMO_PORT = 8765  # the crawl's articles keep their URLs, and so their ids, from run to run
WHERE_DEFAULTS = {"root": DEMO_DIR / "site", "host": "127.0.0.1", "port": None}
_TEXT_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml")
_TYPES = {".xml": "application/xml", ".html": "text/html; charset=utf-8",
          ".txt": "text/plain; charset=utf-8", ".gz": "application/gzip"}


class SiteHandler(BaseHTTPRequestHandler):
    """Serve files of ``root``; ``{{base}}`` in text files becomes the server's URL."""

    server_version = "LoopbackHerald/1.0"

    def __init__(self, *args, root: Path, **kwargs):
        self.root = root
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = self._file_for(urlsplit(self.path).path)
        if path is None:
            self.send_error(404)
            return
        content_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = path.read_bytes()
        if content_type.startswith(_TEXT_TYPES):
            body = body.replace(b"{{base}}", self.base_url.encode())
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _file_for(self, url_path: str) -> Path | None:
        relative = unquote(url_path).lstrip("/")
        candidate = (self.root / relative).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_file() or not candidate.is_relative_to(self.root.resolve()):
            return None
        return candidate

    def log_message(self, format: str, *args) -> None:  # keep test and demo output quiet
        pass


def render_sites(template: Path, base_url: str, destination: Path) -> Path:
    """Write the demo sites config with ``{{base}}`` replaced by the server's URL."""
    destination.write_text(template.read_text(encoding="utf-8").replace("{{base}}", base_url))
    return destination


def serve(args: argparse.Namespace) -> None:
    server = _listen(args.root, args.port or 0, args.host)
    host, port = server.server_address[:2]
    print(f"http://{host}:{port}", flush=True)
    server.serve_forever()


def crawl(args: argparse.Namespace) -> int:
    server = _listen(args.root, DEMO_PORT if args.port is None else args.port, args.host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sites = render_sites(args.sites, f"http://{host}:{port}", Path(tmp) / "sites.toml")
            command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}",
                       *args.scrapy_args]
            print(f"crawling the demo site at http://{host}:{port} ({args.sites}): scrapy crawl "
                  f"news {' '.join(args.scrapy_args)}".rstrip(), flush=True)
            return subprocess.run(command).returncode
    finally:
        server.shutdown()


def _listen(root: Path, port: int, host: str) -> ThreadingHTTPServer:
    """A server for ``root`` bound to ``host:port``; a port in use is one line and exit 1."""
    try:
        return ThreadingHTTPServer((host, port), partial(SiteHandler, root=root))
    except OSError as exc:
        sys.stderr.write(f"{PROG}: error: cannot serve on {host}:{port}: {exc.strerror or exc} "
                         "(another demo running? --port 0 picks a free port)\n")
        raise SystemExit(1) from None


def _parser() -> argparse.ArgumentParser:
    where = argparse.ArgumentParser(add_help=False)  # accepted before or after the subcommand
    where.add_argument("--root", type=Path, default=argparse.SUPPRESS, help="site files")
    where.add_argument("--host", default=argparse.SUPPRESS)
    where.add_argument("--port", type=int, default=argparse.SUPPRESS,
                       help=f"0 picks a free port (default: 0 to serve, {DEMO_PORT} to crawl)")
    parser = OneLineArgumentParser(prog=PROG, description=__doc__, parents=[where],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", parents=[where], help="serve the demo site and print its base URL")
    crawl_parser = commands.add_parser(
        "crawl", parents=[where], help="serve the demo site and crawl it; other options "
        "(-s NAME=VALUE, -a since=48h, --loglevel ...) go to scrapy crawl")
    crawl_parser.add_argument("--sites", type=Path, default=DEMO_DIR / "sites.toml")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, scrapy_args = parser.parse_known_args(argv)
    for name, value in WHERE_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    if scrapy_args and args.command != "crawl":
        parser.error(f"unrecognized arguments: {' '.join(scrapy_args)}")
    args.scrapy_args = [a for a in scrapy_args if a != "--"]
    if not args.root.is_dir():
        parser.error(f"--root {args.root}: no such folder")
    if args.command == "crawl" and not args.sites.is_file():
        parser.error(f"--sites {args.sites}: no such file")
    if args.command == "serve":
        serve(args)
        return 0
    return crawl(args)

if __name__ == "__main__":
    sys.exit(main())
