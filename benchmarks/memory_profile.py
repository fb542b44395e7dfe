"""Where the memory goes: tracemalloc snapshots of ``scrapy crawl news`` over the generated site.

``python -m benchmarks.memory_profile [--articles 3000] [--every 30] [--top 15]`` crawls the
generated site as the memory benchmark does, with :class:`Snapshots` added to the crawl's
extensions. Every ``--every`` seconds it writes RSS, the requests waiting in the scheduler
(in memory and on disk), the article pages served so far and the source lines holding the
most memory; at the end, the lines whose held memory grew most since the first snapshot: what
grows with the crawl. tracemalloc (one frame) sees Python's allocations only, not lxml's
trees; it slows the crawl, so compare the figures of one run, not its speed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from benchmarks.crawl import REPO, crawl_command, loopback_site, write_sites
from newscrawl.settings import EXTENSIONS

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


class Snapshots:
    """Extension: tracemalloc snapshots every ``BENCH_SNAPSHOT_SECONDS``, written to
    ``BENCH_SNAPSHOT_FILE`` with RSS and the scheduler's queue."""

    def __init__(self, crawler: Crawler, path: Path, seconds: float, top: int):
        self.crawler, self.path, self.top = crawler, path, top
        self.seconds = seconds
        self.first: tracemalloc.Snapshot | None = None
        self._timer = create_looping_call(self.snapshot)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Snapshots:
        settings = crawler.settings
        if not settings.get("BENCH_SNAPSHOT_FILE"):
            raise NotConfigured("BENCH_SNAPSHOT_FILE is not set")
        extension = cls(crawler, Path(settings["BENCH_SNAPSHOT_FILE"]),
                        settings.getfloat("BENCH_SNAPSHOT_SECONDS", 30.0),
                        settings.getint("BENCH_SNAPSHOT_TOP", 15))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def engine_started(self) -> None:
        tracemalloc.start(1)
        self._timer.start(self.seconds, now=False)

    def spider_closed(self) -> None:
        if self._timer.running:
            self._timer.stop()
        last = self.snapshot()
        if self.first is not None:
            growth = sorted(last.compare_to(self.first, "lineno"), key=lambda s: -s.size_diff)
            lines = [str(stat) for stat in growth[:self.top]]
            self._write("== grew most since the first snapshot ==", lines)

    def snapshot(self) -> tracemalloc.Snapshot:
        snapshot = tracemalloc.take_snapshot()
        self.first = self.first or snapshot
        stats = snapshot.statistics("lineno")
        traced = sum(s.size for s in stats) / 1e6
        head = f"== {self._rss_mb():.0f} MB RSS, {traced:.1f} MB traced; {self._queued()} =="
        self._write(head, [str(s) for s in stats[:self.top]])
        return snapshot

    def _queued(self) -> str:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        memory, disk = getattr(scheduler, "mqs", None), getattr(scheduler, "dqs", None)
        return f"queued: {len(memory or ())} in memory, {len(disk or ())} on disk"

    def _write(self, head: str, lines: list[str]) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            out.write("\n".join([head, *lines, ""]))

    @staticmethod
    def _rss_mb() -> float:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024


def profile_memory(corpus: Path, articles: int, seconds: float, top: int, out: Path) -> None:
    """Crawl a site of ``articles`` articles with :class:`Snapshots` writing to ``out``."""
    with loopback_site(articles, corpus) as site, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        command = crawl_command("news", site, workdir, write_sites(site, workdir / "sites.toml"))
        extensions = {**EXTENSIONS, "benchmarks.memory_profile.Snapshots": 900}
        for name, value in (("EXTENSIONS", json.dumps(extensions)), ("BENCH_SNAPSHOT_FILE", out),
                            ("BENCH_SNAPSHOT_SECONDS", seconds), ("BENCH_SNAPSHOT_TOP", top)):
            command += ["-s", f"{name}={value}"]
        subprocess.run([sys.executable, *command], cwd=REPO, check=True)


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_profile",
                                     description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between snapshots")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--out", type=Path, help="where to keep the report (default: a temp file)")
    args = parser.parse_args(argv)
    out = (args.out or Path(tempfile.mkdtemp()) / "memory.txt").resolve()
    profile_memory(args.corpus.resolve(), args.articles, args.every, args.top, out)
    print(out.read_text(encoding="utf-8"))
    print(f"report kept in {out}")


if __name__ == "__main__":
    main()
