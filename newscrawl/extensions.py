"""Crawl extensions: the run summary written beside the published files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.run import crawler_run

logger = logging.getLogger(__name__)


class RunSummary:
    """Write ``<run name>.summary.json`` (the crawl stats and the close reason) at the end."""

    def __init__(self, crawler: Crawler, directory: Path):
        self.crawler = crawler
        self.path = directory / f"{crawler_run(crawler).name}.summary.json"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RunSummary":
        if not crawler.settings.getbool("NEWSCRAWL_SUMMARY_ENABLED"):
            raise NotConfigured("NEWSCRAWL_SUMMARY_ENABLED is off")
        directory = Path(crawler.settings.get("NEWSCRAWL_OUTPUT_DIR")) / crawler.spidercls.name
        extension = cls(crawler, directory)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider, reason: str) -> None:
        summary = {"run": crawler_run(self.crawler).name, "closeReason": reason,
                   "stats": self.crawler.stats.get_stats()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str))
        logger.info("run summary written to %s", self.path)
