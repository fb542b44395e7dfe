"""Exactly-once publication across workers: claim an article before publishing it.

Each worker dedupes against what is committed and what it let through itself;
two workers can still meet the same article (one story under two URLs, a page
redone after a lease expired). Before the publisher writes an item, this
pipeline claims its id and body fingerprint in Redis, atomically
(:meth:`newscrawl.state.redis.RedisState.claim`). The claim is released when the
batch holding the article is committed or discarded; a claim of a worker whose
heartbeat stopped is taken over.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.context import crawl_context
from newscrawl.distributed.worker import Worker, crawler_worker
from newscrawl.state import article_of


class ClaimedElsewhere(DropItem):
    """Another worker publishes (or has just published) this article."""


class ClaimPipeline:
    """Drop an item whose article another worker has claimed or published meanwhile."""

    def __init__(self, crawler: Crawler, worker: Worker):
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
        self.admitted.pop(item["id"], None)
        self.stats.inc_value(f"newscrawl/claims/{refused}")
        raise ClaimedElsewhere(f"{refused} by another worker: {item['url']}", log_level="INFO")
