"""One progress line per interval: what a person watching a crawl wants to see.

Replaces Scrapy's ``LogStats`` ("Crawled N pages ... scraped N items") every
``LOGSTATS_INTERVAL`` seconds with pages fetched and pages per minute, articles
kept and published, records dropped by reason, and errors.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from newscrawl.extensions.run_summary import DROP_PREFIX, FETCHED_PREFIX, counts_under
from newscrawl.extensions.summary_text import counted, plural

logger = logging.getLogger(__name__)


def progress_line(stats: dict, pages_before: int, minutes: float) -> str:
    """The progress of a crawl from its stats; ``pages_before`` pages were fetched
    ``minutes`` ago.

    >>> progress_line({"newscrawl/fetched/a": 30, "item_scraped_count": 5,
    ...                "newscrawl/publish/records": 4,
    ...                "item_dropped_reasons_count/NotAnArticle": 7}, 10, 0.5)
    'progress: 30 pages fetched (40/min), 5 articles kept, 4 published, 7 dropped (NotAnArticle 7), 0 errors'
    """
    pages = sum(counts_under(stats, FETCHED_PREFIX).values())
    drops = counts_under(stats, DROP_PREFIX)
    rate = (pages - pages_before) / minutes if minutes else 0
    dropped = sum(drops.values())
    return (f"progress: {plural(pages, 'page')} fetched ({rate:.0f}/min), "
            f"{plural(stats.get('item_scraped_count', 0), 'article')} kept, "
            f"{stats.get('newscrawl/publish/records', 0)} published, {dropped} dropped"
            + (f" ({counted(drops)})" if dropped else "")
            + f", {plural(stats.get('log_count/ERROR', 0), 'error')}")


class Progress:
    """Log :func:`progress_line` every ``LOGSTATS_INTERVAL`` seconds while the spider runs."""

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.pages_before = 0
        self._timer = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        if not interval:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self._timer = create_looping_call(self.log)
        self._timer.start(self.interval, now=False)

    def log(self) -> None:
        stats = self.crawler.stats.get_stats()
        logger.info("%s", progress_line(stats, self.pages_before, self.interval / 60))
        self.pages_before = sum(counts_under(stats, FETCHED_PREFIX).values())

    def spider_closed(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
