"""A crawl extension for tests: how many responses are alive at once.

Enabled with ``-s EXTENSIONS='{"tests.live_responses.LiveResponses": 0}'``. It keeps a weak
reference to every response received and, as each response arrives, counts those still
alive that the scraper no longer holds (queued for or in processing). Python's cycle
collector is off in the crawl from the first response on, so a response kept by a
reference cycle or by a traceback stays counted for good, however busy the machine (with
the collector on, it would count only until a collection happened to run). The largest
count goes to the stats as ``tests/live_responses/max``, next to ``CONCURRENT_REQUESTS``: a
crawl that frees each response once it is processed keeps it within the responses the
downloader is handing over, whatever the number of pages and however long the page
workers take (the scraper's own queue is bounded by ``SCRAPER_SLOT_MAX_ACTIVE_SIZE``).
Responses whose whole text the downloader middlewares decoded (Scrapy caches it on the
response) are counted as ``tests/live_responses/decoded``: pages are parsed in worker
processes, so the crawl's process should hold their bytes only.
"""

from __future__ import annotations

import gc
import weakref

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

STAT = "tests/live_responses/max"
DECODED = "tests/live_responses/decoded"


class LiveResponses:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.alive: set[weakref.ref] = set()
        self.most = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "LiveResponses":
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def response_received(self, response: Response) -> None:
        gc.disable()
        if getattr(response, "_cached_ubody", None) is not None:
            self.crawler.stats.inc_value(DECODED)
        self.alive.add(weakref.ref(response, self.alive.discard))
        slot = self.crawler.engine.scraper.slot
        past_processing = len(self.alive) - len(slot.queue) - len(slot.active)
        if past_processing > self.most:
            self.most = past_processing
            self.crawler.stats.set_value(STAT, self.most)

    def spider_closed(self) -> None:
        self.crawler.stats.set_value(STAT, self.most)
        gc.enable()
