"""Backfill throughput: reading and filtering a WARC file against warcio alone, and extraction
on one core against every core; and what the archive costs on disk.

``python -m benchmarks.backfill [--records N] [--rounds R] [--reading-only]`` from the repository root. Builds,
in a temporary folder, a CC-NEWS-layout file (a gzip member per response record) of the corpus
pages, and measures in the same run:

- records/s of warcio's ``ArchiveIterator`` reading every record's payload (the baseline), and
  of :func:`newscrawl.archive.reader.read_archive` splitting, parsing and filtering the same
  file by host (half the hosts configured) and date: the ratio of their times (target <= 1.5),
  and the reader's peak memory over the file and over one of every page once;
- the extraction pool alone (:class:`newscrawl.archive.pool.ExtractionPool`) on
  ``--pool-pages`` corpus pages, in one process and with one worker per core: the speed-up;
- ``scrapy backfill`` over one file of every corpus page once, with
  ``NEWSCRAWL_ARCHIVE_WORKERS=1`` and with one worker per core: articles published per second
  (from the run summary's start and end) and the speed-up of the whole run;
- bytes of archive per 1,000 pages, as the archive writer writes the corpus pages.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.corpus import Page, load_pages
from benchmarks.crawl import REPO
from newscrawl.archive.pool import CHUNK, ExtractionPool
from newscrawl.archive.reader import ArchivedPage, read_archive
from newscrawl.archive.spider import ArchiveJob
from newscrawl.archive.writer import ArchiveWriter, Exchange
from newscrawl.config import Site

CORPUS = REPO.parent / "shared" / "corpus"
MAX_BYTES = 32 * 1024 * 1024
DATE = "2026-11-20T10:00:00Z"


def response_member(writer: WARCWriter, url: str, html: bytes) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                       ("Content-Length", str(len(html)))], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html), length=len(html),
                                                  http_headers=http, warc_headers_dict={"WARC-Date": DATE}))


def write_file(path: Path, pages: list[Page], records: int) -> Path:
    """``records`` response records cycling through ``pages`` (each URL made unique)."""
    with open(path, "wb") as file:
        writer = WARCWriter(file, gzip=True, warc_version="1.0")
        for n in range(records):
            page = pages[n % len(pages)]
            response_member(writer, f"{page.url}{'&' if '?' in page.url else '?'}n={n}" if n >= len(pages)
                            else page.url, page.html)
    return path


def warcio_seconds(path: Path) -> tuple[int, float]:
    """warcio alone: every record, its URL and date, and its payload read."""
    start, count = time.perf_counter(), 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            record.rec_headers.get_header("WARC-Target-URI")
            record.rec_headers.get_header("WARC-Date")
            record.content_stream().read()
            count += 1
    return count, time.perf_counter() - start


def reader_seconds(path: Path, job: ArchiveJob) -> tuple[int, int, float]:
    """newscrawl's reader with the backfill filter: records read, pages kept, seconds."""
    start, count, kept = time.perf_counter(), 0, 0
    for entry in read_archive(str(path), MAX_BYTES, job.skip_reason):
        count += 1
        kept += isinstance(entry, ArchivedPage)
    return count, kept, time.perf_counter() - start


def reader_peak_mib(path: Path, job: ArchiveJob) -> float:
    """Most memory the reader held at once (tracemalloc) while reading the whole file."""
    tracemalloc.start()
    for _ in read_archive(str(path), MAX_BYTES, job.skip_reason):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def half_the_hosts(pages: list[Page]) -> tuple[Site, ...]:
    hosts = sorted({urlsplit(p.url).hostname for p in pages} - {None})
    return (Site(name="half", domains=tuple(hosts[::2])),)


def backfill_run(path: Path, sites_file: Path, workdir: Path, workers: int) -> dict:
    """One ``scrapy backfill`` subprocess; its run summary."""
    command = [sys.executable, "-m", "scrapy", "backfill", "--sites", str(sites_file), str(path),
               "-s", f"NEWSCRAWL_OUTPUT_DIR={workdir / 'output'}",
               "-s", f"NEWSCRAWL_STATE_URI=sqlite:///{workdir / 'state.db'}",
               "-s", f"NEWSCRAWL_ARCHIVE_WORKERS={workers}", "-s", "LOG_LEVEL=WARNING"]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    (summary,) = (workdir / "output" / "news").glob("*.summary.json")
    return json.loads(summary.read_text())


def published_per_second(summary: dict) -> tuple[int, float]:
    seconds = (datetime.fromisoformat(summary["end"]) - datetime.fromisoformat(summary["start"])).total_seconds()
    return summary["stats"].get("newscrawl/publish/records", 0), seconds


def pool_rate(tasks: list, workers: int) -> float:
    """Pages per second :class:`ExtractionPool` extracts with ``workers`` (started before timing)."""
    async def run() -> float:
        pool = ExtractionPool(workers, "news")
        async for _ in pool.records(tasks[:workers * CHUNK]):  # start the workers, import extraction
            pass
        start = time.perf_counter()
        async for _ in pool.records(tasks):
            pass
        seconds = time.perf_counter() - start
        pool.close()
        return len(tasks) / seconds

    return asyncio.run(run())


def archive_bytes_per_1000(pages: list[Page], folder: Path) -> float:
    writer = ArchiveWriter(folder, "benchmark", 1 << 40)
    writer.open_and_recover()
    for page in pages:
        writer.write(Exchange(page.url, "GET", [("User-Agent", "newscrawl/0.1")], 200,
                              [("Content-Type", "text/html; charset=utf-8")], page.html,
                              {"Newscrawl-Site": "site", "Newscrawl-Discovered-By": "link"}))
    writer.rotate()
    return sum(f.stat().st_size for f in folder.iterdir()) / len(pages) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="records in the reading benchmark's file")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--reading-only", action="store_true", help="skip the extraction measures")
    parser.add_argument("--pool-pages", type=int, default=500, help="pages in the extraction pool measure")
    args = parser.parse_args(argv)
    pages = [page for page in load_pages(args.corpus) if urlsplit(page.url or "").hostname]
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}, corpus pages: {len(pages)}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"archive: {archive_bytes_per_1000(pages, tmp / 'archive') / 1e6:.1f} MB per 1,000 pages "
              f"({sum(len(p.html) for p in pages) / len(pages) * 1000 / 1e6:.0f} MB of HTML)")
        reading(write_file(tmp / "read.warc.gz", pages, args.records), pages, args.rounds)
        if not args.reading_only:
            pool_scaling(pages[:args.pool_pages], args.rounds)
            extraction(write_file(tmp / "corpus.warc.gz", pages, len(pages)), pages, tmp)


def reading(path: Path, pages: list[Page], rounds: int) -> None:
    job = ArchiveJob((str(path),), half_the_hosts(pages), backfill=True)
    library, ours = [], []
    for _ in range(rounds):
        count, seconds = warcio_seconds(path)
        library.append(seconds)
        read, kept, seconds = reader_seconds(path, job)
        ours.append(seconds)
    assert count == read, (count, read)
    base, mine = statistics.median(library), statistics.median(ours)
    print(f"reading {count} records ({path.stat().st_size / 1e6:.0f} MB): warcio {count / base:,.0f} records/s, "
          f"newscrawl reading+filtering {count / mine:,.0f} records/s ({kept} kept); "
          f"time ratio {mine / base:.2f} (target <= 1.5)")
    once = write_file(path.with_name("once.warc.gz"), pages, len(pages))  # every page, once
    print(f"reader's peak memory: {reader_peak_mib(path, job):.1f} MiB over {count} records, "
          f"{reader_peak_mib(once, job):.1f} MiB over {len(pages)} (the largest record sets it)")


def pool_scaling(pages: list[Page], rounds: int) -> None:
    """Extraction alone, in the pool: one process against one worker per core."""
    tasks = [(ArchivedPage(p.url, DATE, p.html, "text/html", {"file": "f", "recordId": "r", "offset": 0}), None)
             for p in pages]
    most = os.cpu_count() or 1
    measured = {1: [], most: []}
    for _ in range(rounds):  # interleaved, so that a change in the machine's load hits both
        for workers in measured:
            measured[workers].append(pool_rate(tasks, workers))
    rates = {workers: statistics.median(values) for workers, values in measured.items()}
    print(f"extraction pool, {len(tasks)} pages: {rates[1]:.1f} pages/s in one process, "
          f"{rates[most]:.1f} with {most} workers: {rates[most] / rates[1]:.2f}x (target >= 1.7 on 2 cores)")


def extraction(path: Path, pages: list[Page], tmp: Path) -> None:
    sites_file = tmp / "sites.toml"
    hosts = sorted({urlsplit(p.url).hostname for p in pages} - {None})
    sites_file.write_text('[[site]]\nname = "corpus"\ndomains = [%s]\n' % ", ".join(f'"{h}"' for h in hosts))
    rates = {}
    for workers in (1, os.cpu_count() or 1):
        published, seconds = published_per_second(backfill_run(path, sites_file, tmp / f"w{workers}", workers))
        rates[workers] = published / seconds
        print(f"backfill, {workers} worker(s): {published} articles published in {seconds:.1f} s "
              f"= {rates[workers]:.1f}/s")
    most = max(rates)
    print(f"whole backfill run, speed-up with {most} workers: {rates[most] / rates[1]:.2f}x (target >= 1.7 on 2 cores)")


if __name__ == "__main__":  # the pool's workers import this module again: run only here
    main()
