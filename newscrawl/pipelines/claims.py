"""Exactly-once publication across workers: claim an article before publishing it.

Each worker dedupes against what is committed and what it let through itself;
two workers can still meet the same article (one story under two URLs, a page
redone after a lease expired). Before the publisher writes an item, this
pipeline claims its id and body fingerprint in Redis, atomically
(:meth:`newscrawl.state.redis.RedisState.claim`). The claim is released when the
batch holding the article is committed or discarded; a claim of a worker whose
lease lapsed is taken over. An item refused because another worker still has the
article in flight (claimed or pending, not yet published) is not done with: the
dedupe pipeline forgets it and its frontier lease is left to expire, so the page is
fetched again later, in case that worker fails before it publishes.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.context import article_refused, crawl_context
from newscrawl.distributed.worker import Worker, crawler_worker
from newscrawl.state import article_of


class ClaimedElsewhere(DropItem):
    """Another worker publishes (or has just published) this article."""

    def __init__(self, message: str, why: str, **kwargs):
        super().__init__(message, **kwargs)
        #: Still in flight elsewhere (claimed or pending), not published yet: the page is
        #: fetched again later (see :mod:`newscrawl.distributed.leases`).
        self.redo_page = why != "published"


class ClaimPipeline:
    """Drop an item whose article another worker has claimed or published meanwhile."""

    def __init__(self, crawler: Crawler, worker: Worker):
        self.signals = crawler.signals
        self.stats = crawler.stats
        self.worker = worker
        self.admitted = crawl_context(crawler).admitted

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClaimPipeline:
        return cls(crawler, crawler_worker(crawler))

    def process_item(self, item: dict) -> dict:
        article = self.admitted.get(item["id"]) or article_of(item)
        refused = self.worker.store.claim(article, self.worker.name)
        if refused is None:
            self.stats.inc_value("newscrawl/claims/claimed")
            return item
        if self.admitted.pop(item["id"], None) is article:
            self.signals.send_catch_log(article_refused, article=article)
        self.stats.inc_value(f"newscrawl/claims/{refused}")
        raise ClaimedElsewhere(f"{refused} by another worker: {item['url']}", refused, log_level="INFO")
