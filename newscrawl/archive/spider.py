"""A spider that fetches nothing: its pages come from WARC files (``scrapy reextract``, ``backfill``).

It reads each file record by record (:mod:`newscrawl.archive.reader`), keeps the
pages of the configured sites within the window, has them extracted on every
core (:mod:`newscrawl.archive.pool`) and yields the records from ``start()``, so
the crawl's item pipelines, state store, batches and run summary apply to them
unchanged. Its name is the news spider's, so what it publishes joins the same
output folder and the same history.

Counted under ``newscrawl/archive/read`` (records), ``kept`` (pages extracted)
and ``skipped/<reason>``; progress is logged every :data:`PROGRESS_SECONDS`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import scrapy
from scrapy.crawler import Crawler

from newscrawl.archive.pool import ExtractionPool, Task, worker_count
from newscrawl.archive.reader import ArchivedPage, Skipped, read_archive
from newscrawl.config import Site
from newscrawl.extraction.dates import utc_moment
from newscrawl.discovery.links import host_in_domains, http_host

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 60.0


@dataclass(frozen=True)
class ArchiveJob:
    """What to read: WARC sources, the sites, and for a backfill the hosts and fetch window."""

    sources: tuple[str, ...]
    sites: tuple[Site, ...] = ()
    backfill: bool = False
    since: datetime | None = None
    until: datetime | None = None

    def site_of(self, page: ArchivedPage) -> Site | None:
        """The site a page belongs to: by the name the archive kept, else by host."""
        for site in self.sites:
            if site.name == page.site:
                return site
        host = http_host(page.url) or ""
        return next((site for site in self.sites if host_in_domains(host, site.domains)), None)

    def skip_reason(self, url: str, date: str) -> str | None:
        """Why a backfill leaves a record out before reading its body, or ``None``."""
        if not self.backfill:
            return None
        host = http_host(url) or ""
        if not any(host_in_domains(host, site.domains) for site in self.sites):
            return "offsite"
        moment = utc_moment(date.replace("Z", "+00:00"))
        if moment is None or (self.since and moment < self.since) or (self.until and moment >= self.until):
            return "outside_window"
        return None


class ArchiveSpider(scrapy.Spider):
    """Yield the records of archived pages; the pipelines publish the new and changed ones."""

    name = "news"

    def __init__(self, job: ArchiveJob, **kwargs):
        super().__init__(**kwargs)
        self.job = job
        self._started = self._last_progress = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args, **kwargs) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_bytes = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        spider.workers = worker_count(crawler.settings.getint("NEWSCRAWL_ARCHIVE_WORKERS"))
        return spider

    async def start(self) -> AsyncIterator[dict]:
        pool = ExtractionPool(self.workers, self.name)
        logger.info("reading %d WARC file(s) with %d extraction worker(s)", len(self.job.sources), self.workers)
        try:
            async for (page, site), record in pool.records(self._tasks()):
                if isinstance(record, str):
                    self._count(f"skipped/{record}", site)
                else:
                    yield record
        finally:
            pool.close()
        self._log_progress()

    def _tasks(self) -> Iterator[Task]:
        for source in self.job.sources:
            logger.info("reading %s", source)
            yield from self._source_tasks(source)

    def _source_tasks(self, source: str) -> Iterator[Task]:
        name = Path(source).name if not self.job.backfill else source
        for entry in read_archive(source, self.max_bytes, self.job.skip_reason, name):
            self._count("read")
            if isinstance(entry, Skipped):
                self._count(f"skipped/{entry.reason}")
                continue
            site = self.job.site_of(entry)
            if self.job.backfill and site is None:
                self._count("skipped/offsite")
                continue
            self._count("kept", site)
            yield entry, site
            if time.monotonic() - self._last_progress >= PROGRESS_SECONDS:
                self._log_progress()

    def _count(self, event: str, site: Site | None = None) -> None:
        self.crawler.stats.inc_value(f"newscrawl/archive/{event}")
        if site is not None and event != "read":
            self.crawler.stats.inc_value(f"newscrawl/site/{site.name}/archive/{event}")

    def _log_progress(self) -> None:
        stats = self.crawler.stats
        elapsed = max(time.monotonic() - self._started, 1e-9)
        read, kept = stats.get_value("newscrawl/archive/read", 0), stats.get_value("newscrawl/archive/kept", 0)
        published = stats.get_value("newscrawl/publish/records", 0)
        logger.info("archive: %d records read, %d kept, %d published (%.0f, %.0f, %.0f per minute)",
                    read, kept, published, *(60 * n / elapsed for n in (read, kept, published)))
        self._last_progress = time.monotonic()
