"""Real ``scrapy crawl`` runs against the generated site, served by another process.

Both spiders run as ``python -m scrapy crawl`` subprocesses from the repository root with
the same benchmark settings (no politeness delays, no autothrottle, high per-domain
concurrency; robots.txt obeyed as the project sets). Pages per second are the crawl's own
``response_received_count / elapsed_time_seconds`` from the run summary that newscrawl's
``RunSummary`` extension writes, for both spiders alike. Memory is sampled from outside:
the crawler's VmRSS and VmHWM (peak RSS) from ``/proc``, against the number of article
pages the server has delivered.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.server import SERVED_PATH

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.25
SERVER_START_SECONDS = 120
CRAWL_TIMEOUT_SECONDS = 3600
_PSS = re.compile(r"^Pss:\s+(\d+) kB", re.MULTILINE)

# The same for both spiders: what a benchmark against our own loopback server needs.
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOG_LEVEL": "INFO",
}


class LoopbackSite:
    """The generated site served by ``python -m benchmarks.server`` in a subprocess."""

    def __init__(self, articles: int, corpus: Path, hostile: bool = False):
        command = [sys.executable, "-m", "benchmarks.server", "--articles", str(articles),
                   "--corpus", str(corpus), *(["--hostile"] if hostile else [])]
        self.articles = articles
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"the benchmark server did not start: {self.base_url!r}")

    def served(self) -> int:
        """Article pages served so far."""
        with urllib.request.urlopen(self.base_url + SERVED_PATH, timeout=10) as response:
            return int(response.read())

    def article_paths(self, limit: int = 200) -> list[str]:
        """Paths of the first pages of the sitemap."""
        with urllib.request.urlopen(f"{self.base_url}/sitemap.xml", timeout=60) as response:
            urls = re.findall(r"<loc>([^<]+)</loc>", response.read().decode())
        return [html.unescape(url).removeprefix(self.base_url) for url in urls[:limit]]

    def stop(self) -> None:
        """Terminate the server process."""
        self.process.terminate()
        self.process.wait(timeout=10)


@contextmanager
def loopback_site(articles: int, corpus: Path, hostile: bool = False):
    """A running :class:`LoopbackSite`, stopped on exit."""
    site = LoopbackSite(articles, corpus, hostile)
    try:
        yield site
    finally:
        site.stop()


@dataclass(frozen=True)
class MemorySample:
    """The crawler's memory when the server had delivered ``served`` article pages."""

    served: int
    rss_mb: float
    peak_mb: float
    workers_mb: float = 0.0  # RSS of the crawl's child processes (page workers) then
    workers_peak_mb: float = 0.0  # the sum of their peak RSS (VmHWM) so far
    pss_mb: float = 0.0  # the crawler's proportional set size (shared pages divided among sharers)
    workers_pss_mb: float = 0.0  # the sum of its page workers' PSS then


@dataclass
class Crawl:
    """What one crawl subprocess did: its stats, exit status and memory samples."""

    spider: str
    returncode: int
    stats: dict
    samples: list[MemorySample] = field(default_factory=list)

    @property
    def responses(self) -> int:
        """Responses received (every page, section, sitemap and robots.txt)."""
        return int(self.stats.get("response_received_count", 0))

    @property
    def pages_per_second(self) -> float:
        """Responses received over the crawl's elapsed time."""
        return self.responses / float(self.stats["elapsed_time_seconds"])

    @property
    def peak_mb(self) -> float:
        """The crawler's peak RSS over the whole run."""
        return max(sample.peak_mb for sample in self.samples)

    @property
    def peak_total_mb(self) -> float:
        """The highest sampled RSS of the crawler and its page workers together."""
        return max(sample.rss_mb + sample.workers_mb for sample in self.samples)

    @property
    def workers_peak_mb(self) -> float:
        """The peak RSS of each page worker, summed: a bound on what they held at once."""
        return max((sample.workers_peak_mb for sample in self.samples), default=0.0)

    @property
    def peak_total_pss_mb(self) -> float:
        """The highest sampled PSS of the crawler and its page workers together: unlike RSS
        summed, libraries and pages shared among them count once."""
        return max(sample.pss_mb + sample.workers_pss_mb for sample in self.samples)

    @property
    def peak_pss_mb(self) -> float:
        """The crawler's highest sampled PSS."""
        return max(sample.pss_mb for sample in self.samples)

    def peak_total_mb_at(self, served: int) -> float:
        """:attr:`peak_total_mb` up to the moment ``served`` pages had been delivered."""
        return max(s.rss_mb + s.workers_mb for s in self.samples if s.served <= served)

    def peak_mb_at(self, served: int) -> float:
        """The crawler's peak RSS up to the moment ``served`` article pages had been delivered."""
        return next(s.peak_mb for s in self.samples if s.served >= served)


def crawl_command(spider: str, site: LoopbackSite, workdir: Path,
                  sites_file: Path | None, extra: dict[str, str] | None = None) -> list[str]:
    """The ``scrapy crawl`` command line of one benchmark crawl."""
    settings = {
        **CRAWL_SETTINGS,
        **(extra or {}),
        "LOG_FILE": str(workdir / f"{spider}.log"),
        "NEWSCRAWL_OUTPUT_DIR": str(workdir / "output"),
        "NEWSCRAWL_STATE_URI": f"sqlite:///{workdir / 'state' / 'newscrawl.db'}",
    }
    if spider == "news":
        arguments = ["-a", f"sites={sites_file}"]
    else:
        arguments = ["-a", f"base={site.base_url}", "-s", "SPIDER_MODULES=benchmarks.spiders"]
    options = [item for name, value in settings.items() for item in ("-s", f"{name}={value}")]
    return ["-m", "scrapy", "crawl", spider, *arguments, *options]


def write_sites(site: LoopbackSite, path: Path) -> Path:
    """The sites config of the generated site: its home page and the sitemaps robots.txt lists."""
    path.write_text(
        '[[site]]\nname = "bench"\ndomains = ["127.0.0.1"]\n'
        f'start_urls = ["{site.base_url}/"]\nsitemaps = ["robots"]\n',
        encoding="utf-8",
    )
    return path


def run_crawl(spider: str, site: LoopbackSite, workdir: Path, profile: Path | None = None,
              settings: dict[str, str] | None = None, wrapper: list[str] | None = None,
              sites_file: Path | None = None) -> Crawl:
    """Crawl the site with ``spider`` (``news`` or ``raw``), sampling memory until it exits.

    ``profile`` runs it under cProfile; ``wrapper`` is a command line to run it under;
    ``sites_file`` replaces the news spider's sites config of :func:`write_sites`.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if spider == "news" and sites_file is None:
        sites_file = write_sites(site, workdir / "sites.toml")
    prefix = ["-m", "cProfile", "-o", str(profile)] if profile else []
    command = [*(wrapper or []), sys.executable, *prefix,
               *crawl_command(spider, site, workdir, sites_file, settings)]
    stderr = workdir / f"{spider}.stderr"
    with stderr.open("wb") as errors:
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=errors)
        samples = _sample_memory(process, site)
    if process.returncode != 0:
        tail = stderr.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"scrapy crawl {spider} exited {process.returncode}: {tail}")
    return Crawl(spider, process.returncode, _summary_stats(workdir, spider), samples)


def _sample_memory(process: subprocess.Popen, site: LoopbackSite) -> list[MemorySample]:
    """Sample the process's memory every :data:`SAMPLE_SECONDS` until it exits."""
    samples, deadline = [], time.monotonic() + CRAWL_TIMEOUT_SECONDS
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("crawl timed out")
        memory = proc_memory(process.pid)
        if memory:
            pids = child_pids(process.pid)
            children = [m for m in map(proc_memory, pids) if m]
            samples.append(MemorySample(site.served(), *memory, sum(m[0] for m in children),
                                        sum(m[1] for m in children), proc_pss(process.pid) or 0.0,
                                        sum(filter(None, map(proc_pss, pids)))))
        time.sleep(SAMPLE_SECONDS)
    return samples


def proc_memory(pid: int) -> tuple[float, float] | None:
    """(VmRSS, VmHWM) of a process in MB; None once it has gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    values = {line.split(":")[0]: line.split()[1] for line in lines if line.startswith("Vm")}
    if "VmRSS" not in values:
        return None
    return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024


def proc_pss(pid: int) -> float | None:
    """The proportional set size of a process in MB (``Pss`` of ``/proc/PID/smaps_rollup``):
    each page shared with other processes counts for its share; None once it has gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    match = _PSS.search(rollup)
    return int(match[1]) / 1024 if match else None


def child_pids(pid: int) -> list[int]:
    """The process ids of ``pid``'s children."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return children


def _summary_stats(workdir: Path, spider: str) -> dict:
    """The stats of the run summary newscrawl's RunSummary extension wrote."""
    summaries = sorted((workdir / "output" / spider).glob("*.summary.json"))
    if not summaries:
        raise RuntimeError(f"scrapy crawl {spider} wrote no run summary in {workdir}")
    return json.loads(summaries[-1].read_text())["stats"]
