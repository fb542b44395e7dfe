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

On a shared machine the wall-clock speed-ups say as much about the other work on it as
about newscrawl, so beside each, the CPU time of every process (the parent and its workers,
read from ``/proc``) is reported: CPU seconds per page, the parent's share, the parallelism
achieved (CPU seconds of all processes / wall seconds: 2.0 is both cores busy all the time)
and the load average while it ran. From the CPU seconds alone comes the speed-up the run
would have on idle cores (:func:`idle_speedup`), which load changes much less (CPU seconds
still vary by some 5-10% on a loaded machine, with what shares the core and its caches: an
estimate above the number of cores is that noise; more ``--rounds`` narrow it). A parent
busy all the time (its CPU / wall near 1) would be a serial bottleneck.
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
from dataclasses import dataclass
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


def warcio_seconds(path: Path) -> tuple[int, float, float]:
    """warcio alone: every record, its URL and date, and its payload read; wall and CPU seconds."""
    start, cpu, count = time.perf_counter(), time.process_time(), 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            record.rec_headers.get_header("WARC-Target-URI")
            record.rec_headers.get_header("WARC-Date")
            record.content_stream().read()
            count += 1
    return count, time.perf_counter() - start, time.process_time() - cpu


def reader_seconds(path: Path, job: ArchiveJob) -> tuple[int, int, float, float]:
    """newscrawl's reader with the backfill filter: records read, pages kept, wall and CPU seconds."""
    start, cpu, count, kept = time.perf_counter(), time.process_time(), 0, 0
    for entry in read_archive(str(path), MAX_BYTES, job.skip_reason):
        count += 1
        kept += isinstance(entry, ArchivedPage)
    return count, kept, time.perf_counter() - start, time.process_time() - cpu


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


def backfill_run(path: Path, sites_file: Path, workdir: Path, workers: int) -> tuple[dict, Usage]:
    """One ``scrapy backfill`` subprocess: its run summary, and what it spent from start to end."""
    command = [sys.executable, "-m", "scrapy", "backfill", "--sites", str(sites_file), str(path),
               "-s", f"NEWSCRAWL_OUTPUT_DIR={workdir / 'output'}",
               "-s", f"NEWSCRAWL_STATE_URI=sqlite:///{workdir / 'state.db'}",
               "-s", f"NEWSCRAWL_ARCHIVE_WORKERS={workers}", "-s", "LOG_LEVEL=WARNING"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        tree = TreeCpu(process.pid)
        while process.poll() is None:
            tree.sample()
            time.sleep(SAMPLE_SECONDS)
        if process.returncode:
            raise RuntimeError(f"scrapy backfill failed: {process.stderr.read().decode()[-2000:]}")
    (summary,) = (workdir / "output" / "news").glob("*.summary.json")
    return json.loads(summary.read_text()), tree.usage()


def published_per_second(summary: dict) -> tuple[int, float]:
    seconds = (datetime.fromisoformat(summary["end"]) - datetime.fromisoformat(summary["start"])).total_seconds()
    return summary["stats"].get("newscrawl/publish/records", 0), seconds


@dataclass(frozen=True)
class Usage:
    """What one run cost: wall seconds, and CPU seconds of the parent and of its descendants."""

    wall: float
    parent: float
    workers: float
    load: float  # 1-minute load average at the end

    @property
    def cpu(self) -> float:
        return self.parent + self.workers

    @property
    def parallelism(self) -> float:
        """CPU seconds of all processes per wall second (2.0: two cores busy all along).

        >>> Usage(10.0, 4.0, 14.0, 0.0).parallelism
        1.8
        """
        return self.cpu / self.wall

    def line(self, units: int, unit: str) -> str:
        """CPU per unit, the parent's part, the parallelism and load.

        >>> Usage(10.0, 4.0, 14.0, 3.5).line(100, "page")
        '180.0 ms CPU/page (parent 40.0, workers 140.0), parallelism 1.80, parent busy 0.40, load 3.5'
        """
        ms = 1000 / units
        return (f"{self.cpu * ms:.1f} ms CPU/{unit} (parent {self.parent * ms:.1f}, workers "
                f"{self.workers * ms:.1f}), parallelism {self.parallelism:.2f}, "
                f"parent busy {self.parent / self.wall:.2f}, load {self.load:.1f}")


def total(usages: list[Usage]) -> Usage:
    """What several runs spent together (load: the last one's).

    >>> total([Usage(1.0, 2.0, 3.0, 4.0), Usage(1.0, 1.0, 1.0, 5.0)])
    Usage(wall=2.0, parent=3.0, workers=4.0, load=5.0)
    """
    return Usage(*(sum(getattr(u, name) for u in usages) for name in ("wall", "parent", "workers")),
                 usages[-1].load)


def idle_speedup(one: Usage, many: Usage, cores: int) -> float:
    """The speed-up CPU seconds allow on ``cores`` idle cores: the parent works in series with
    itself, the rest spreads over the cores (work per unit; both runs did the same units).

    >>> round(idle_speedup(Usage(10, 10.0, 0.0, 0), Usage(6, 1.0, 10.0, 0), 2), 2)
    1.82
    >>> round(idle_speedup(Usage(10, 10.0, 0.0, 0), Usage(6, 8.0, 4.0, 0), 2), 2)
    1.25
    """
    return one.cpu / max(many.parent, many.cpu / cores)


AUTOGROUP_NOTE = ("; sched_autogroup is on: the kernel shares CPU between sessions, not processes, "
                  "so while other sessions are busy a second worker gets no more CPU (see parallelism)")


def autogroup_on() -> bool:
    """Whether Linux groups processes by session for CPU shares (``sched_autogroup_enabled``)."""
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a live process, from ``/proc``; None once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def descendants(pid: int) -> list[int]:
    """Process ids of every process below ``pid``."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = [int(child) for child in task.read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *descendants(child)]
    return found


class TreeCpu:
    """The CPU seconds of a process and its descendants, sampled until they are gone.

    A process's last sample stands for it after it ends (at most :data:`SAMPLE_SECONDS`
    of CPU lost per process, each run is tens of seconds).
    """

    def __init__(self, pid: int):
        self.pid = pid
        self.started = time.perf_counter()
        self.base = self._now()
        self.last = dict(self.base)

    def _now(self) -> dict[int, float]:
        seconds = {pid: cpu_seconds(pid) for pid in [self.pid, *descendants(self.pid)]}
        return {pid: value for pid, value in seconds.items() if value is not None}

    def sample(self) -> None:
        self.last.update(self._now())

    def usage(self) -> Usage:
        spent = {pid: value - self.base.get(pid, 0.0) for pid, value in self.last.items()}
        parent = spent.pop(self.pid, 0.0)
        return Usage(time.perf_counter() - self.started, parent, sum(spent.values()), os.getloadavg()[0])


SAMPLE_SECONDS = 0.1


def pool_rate(tasks: list, workers: int) -> Usage:
    """What :class:`ExtractionPool` with ``workers`` spends on ``tasks`` (started before timing)."""
    async def run() -> Usage:
        pool = ExtractionPool(workers, "news")
        async for _ in pool.records(tasks[:workers * CHUNK]):  # start the workers, import extraction
            pass
        tree = TreeCpu(os.getpid())
        async for _ in pool.records(tasks):
            pass
        tree.sample()  # the workers are alive until the pool closes
        pool.close()
        return tree.usage()

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
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.2f}, corpus pages: {len(pages)}"
          f"{AUTOGROUP_NOTE if autogroup_on() else ''}")
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
    library, ours, library_cpu, ours_cpu = [], [], [], []
    for _ in range(rounds):
        count, seconds, cpu = warcio_seconds(path)
        library.append(seconds)
        library_cpu.append(cpu)
        read, kept, seconds, cpu = reader_seconds(path, job)
        ours.append(seconds)
        ours_cpu.append(cpu)
    assert count == read, (count, read)
    base, mine = statistics.median(library), statistics.median(ours)
    print(f"reading {count} records ({path.stat().st_size / 1e6:.0f} MB): warcio {count / base:,.0f} records/s, "
          f"newscrawl reading+filtering {count / mine:,.0f} records/s ({kept} kept); "
          f"time ratio {mine / base:.2f}, CPU time ratio "
          f"{statistics.median(ours_cpu) / statistics.median(library_cpu):.2f} (target <= 1.5); "
          f"load {os.getloadavg()[0]:.1f}")
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
    usage = {workers: total(values) for workers, values in measured.items()}
    pages = len(tasks) * rounds
    for workers, used in usage.items():
        print(f"extraction pool, {len(tasks)} pages x {rounds} round(s), {workers} worker(s): "
              f"{pages / used.wall:.1f} pages/s; {used.line(pages, 'page')}")
    print(f"extraction pool speed-up with {most} workers: {usage[1].wall / usage[most].wall:.2f}x wall-clock, "
          f"{idle_speedup(usage[1], usage[most], most):.2f}x from CPU seconds on idle cores "
          f"(target >= 1.7 on 2 cores)")


def extraction(path: Path, pages: list[Page], tmp: Path) -> None:
    sites_file = tmp / "sites.toml"
    hosts = sorted({urlsplit(p.url).hostname for p in pages} - {None})
    sites_file.write_text('[[site]]\nname = "corpus"\ndomains = [%s]\n' % ", ".join(f'"{h}"' for h in hosts))
    rates, usage = {}, {}
    for workers in (1, os.cpu_count() or 1):
        summary, usage[workers] = backfill_run(path, sites_file, tmp / f"w{workers}", workers)
        published, seconds = published_per_second(summary)
        rates[workers] = published / seconds
        print(f"backfill, {workers} worker(s): {published} articles published in {seconds:.1f} s "
              f"= {rates[workers]:.1f}/s; whole process {usage[workers].wall:.1f} s, "
              f"{usage[workers].line(published, 'article')}")
    most = max(rates)
    print(f"whole backfill run, speed-up with {most} workers: {rates[most] / rates[1]:.2f}x wall-clock, "
          f"{idle_speedup(usage[1], usage[most], most):.2f}x from CPU seconds on idle cores "
          f"(target >= 1.7 on 2 cores)")


if __name__ == "__main__":  # the pool's workers import this module again: run only here
    main()
