"""A distributed worker stops once the shared frontier has been empty for ``NEWSCRAWL_IDLE_EXIT`` s.

Listed in ``EXTENSIONS`` by the distributed add-on (:mod:`newscrawl.distributed`).
"""

from __future__ import annotations

import logging
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider

from newscrawl.distributed.frontier import Frontier, crawler_frontier

logger = logging.getLogger(__name__)


class IdleExit:
    """Let the spider close once the shared frontier has been empty for ``NEWSCRAWL_IDLE_EXIT`` s."""

    def __init__(self, frontier: Frontier):
        self.frontier = frontier
        self.idle_exit = frontier.worker.options.idle_exit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IdleExit:
        extension = cls(crawler_frontier(crawler))
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    def spider_idle(self, spider: Spider) -> None:
        if self.frontier.link.lost:
            return
        idle = time.monotonic() - self.frontier.last_busy
        if idle < self.idle_exit:
            raise DontCloseSpider
        logger.info("shared frontier empty for %.0f s: this worker is done", idle)
        spider.crawler.stats.inc_value("newscrawl/frontier/idle_exit")
