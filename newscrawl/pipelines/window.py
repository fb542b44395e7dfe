"""Drop articles published before the crawl's date window (``-a since=...``)."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.context import crawl_context
from newscrawl.discovery.window import DateWindow

logger = logging.getLogger(__name__)


class OutsideDateWindow(DropItem):
    """An article whose datePublished is before ``-a since``."""


class DateWindowPipeline:
    """Let through articles published at or after the spider's ``since``.

    Articles without a readable datePublished are kept (and counted under
    ``newscrawl/window/undated``): the window can only drop what it can date.
    """

    def __init__(self, crawler: Crawler, window: DateWindow):
        self.crawler = crawler
        self.window = window

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DateWindowPipeline":
        window = crawl_context(crawler).window
        if window is None:
            # No window asked for: nothing to do. No message, so Scrapy does not warn.
            raise NotConfigured
        return cls(crawler, window)

    def process_item(self, item: dict) -> dict:
        published = item.get("datePublished")
        if self.window.before(published):  # CoreStats counts it under its reason
            raise OutsideDateWindow(
                f"published {published}, before {self.window.since.isoformat()}: {item['url']}",
                log_level="INFO",
            )
        if not published:
            self.crawler.stats.inc_value("newscrawl/window/undated")
            logger.debug("no datePublished to check against the window: %s", item["url"])
        return item
