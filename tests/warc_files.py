"""Build WARC files in Common Crawl's CC-NEWS layout for tests and benchmarks.

WARC/1.0 ``response`` records with their HTTP headers, one gzip member each
(written with warcio, as Common Crawl's crawler writes them), from the corpus
pages and the demo site, and the broken records a real file can hold.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
DEMO_ARTICLES = REPO / "fixtures" / "demo" / "site" / "2026" / "11"
DATE = "2026-11-20T10:00:00Z"
_LENGTH = re.compile(rb"Content-Length: (\d+)\r\n")


@dataclass(frozen=True)
class Page:
    url: str
    html: bytes


def corpus_pages(name: str = "fundus-dev", limit: int | None = None) -> list[Page]:
    """The pages of a corpus set with the URLs they were served at."""
    folder = CORPUS / name
    pages = []
    for line in (folder / "truth.jsonl").read_text("utf-8").split("\n")[:limit]:
        if not line:
            continue
        truth = json.loads(line)
        pages.append(Page(truth["url"], gzip.decompress((folder / f"{truth['id']}.html.gz").read_bytes())))
    return pages


def demo_pages(base: str) -> list[Page]:
    """The demo site's articles as the demo server at ``base`` serves them."""
    import urllib.request

    pages = []
    for path in sorted(DEMO_ARTICLES.glob("*.html")):
        url = f"{base}/2026/11/{path.name}"
        with urllib.request.urlopen(url, timeout=10) as response:
            pages.append(Page(url, response.read()))
    return pages


def response_record(url: str, body: bytes, *, date: str = DATE, status: str = "200 OK",
                    headers: Iterable[tuple[str, str]] = (("Content-Type", "text/html; charset=utf-8"),)) -> bytes:
    """One gzip member holding one WARC/1.0 response record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="1.0")
    http = StatusAndHeaders(status, [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                       http_headers=http, warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)
    return buffer.getvalue()


def warcinfo_record() -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="1.0")
    writer.write_record(writer.create_warcinfo_record("CC-NEWS-test.warc.gz", {"software": "tests"}))
    return buffer.getvalue()


def with_wrong_length(member: bytes, delta: int) -> bytes:
    """The record with its WARC ``Content-Length`` off by ``delta``."""
    record = gzip.decompress(member)
    fixed = _LENGTH.sub(lambda m: b"Content-Length: %d\r\n" % (int(m[1]) + delta), record, count=1)
    return gzip.compress(fixed)


def truncated(member: bytes) -> bytes:
    return member[:len(member) // 2]


def gzip_bomb_record(url: str, size: int) -> bytes:
    """A page whose gzip ``Content-Encoding`` expands to ``size`` bytes."""
    body = gzip.compress(b"<p>" + b"\0" * size, compresslevel=9)
    return response_record(url, body, headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])


@dataclass
class BadRecords:
    """The broken records of a test file, by the reason the reader must give."""

    members: dict[str, list[bytes]]

    def count(self, reason: str) -> int:
        return len(self.members[reason])


def bad_records(host: str) -> BadRecords:
    """One or more records of each kind of damage, for pages on ``host``."""
    page = b"<html><head><title>Bad</title></head><body><p>" + b"Words here. " * 200 + b"</p></body></html>"
    return BadRecords({
        "corrupt": [truncated(response_record(f"https://{host}/cut-mid", page))],
        "bad_length": [with_wrong_length(response_record(f"https://{host}/long", page), 50),
                       with_wrong_length(response_record(f"https://{host}/short", page), -50)],
        "not_html": [response_record(f"https://{host}/doc.pdf", b"%PDF-1.7\n...",
                                     headers=[("Content-Type", "application/pdf")]),
                     response_record(f"https://{host}/fake.html", b"%PDF-1.7\n" + b"\x00" * 100)],
        "decompression_bomb": [gzip_bomb_record(f"https://{host}/bomb", 40 * 1024 * 1024)],
        "http_status": [response_record(f"https://{host}/gone", page, status="404 Not Found")],
    })


def write_warc(path: Path, members: Iterable[bytes]) -> Path:
    path.write_bytes(b"".join(members))
    return path


def interleave(good: list[bytes], bad: list[bytes]) -> Iterator[bytes]:
    """Good records with the bad ones spread between them (a corrupt one is never last)."""
    step = max(1, len(good) // (len(bad) + 1))
    for index, member in enumerate(good):
        yield member
        if index % step == step - 1 and bad:
            yield bad.pop(0)
    yield from bad


@dataclass
class Run:
    """What one ``scrapy reextract`` or ``scrapy backfill`` subprocess published and counted."""

    returncode: int
    output: str
    records: list[dict]
    stats: dict


def run_command(command: list[str], workdir: Path, script: Path | None = None, **settings: str) -> Run:
    """Run ``scrapy <command>`` (or ``python script <command>``) with output and state under
    ``workdir``; the records of the batches it published."""
    import subprocess
    import sys

    out = workdir / "output" / "news"
    before = set(out.glob("*.jsonl")) if out.is_dir() else set()
    options = {"NEWSCRAWL_OUTPUT_DIR": str(workdir / "output"),
               "NEWSCRAWL_STATE_URI": f"sqlite:///{workdir / 'state' / 'newscrawl.db'}", **settings}
    argv = [sys.executable, *([str(script)] if script else ["-m", "scrapy"]), *command]
    for name, value in options.items():
        argv += ["-s", f"{name}={value}"]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=600)
    files = sorted(set(out.glob("*.jsonl")) - before)
    records = [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines()]
    summaries = sorted(out.glob("*.summary.json"), key=lambda p: p.stat().st_mtime_ns)
    stats = json.loads(summaries[-1].read_text())["stats"] if summaries else {}
    return Run(done.returncode, done.stdout + done.stderr, records, stats)
