"""scrapy-redis's scheduler and priority queue on the leased frontier of
:mod:`newscrawl.distributed.frontier`, with requests stored as JSON
(:mod:`newscrawl.distributed.serializer`).

While Redis is unreachable every call retries (:class:`newscrawl.state.redis.RedisLink`);
once the link is lost the scheduler reports an empty frontier, so the spider closes.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from newscrawl.distributed import serializer
from newscrawl.distributed.frontier import Frontier, crawler_frontier
from newscrawl.distributed.leases import LEASE_META, LeaseKeeper, crawler_leases
from newscrawl.state import StateError

logger = logging.getLogger(__name__)


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pops are leases, requests stored as JSON."""

    def __init__(self, spider: Spider, frontier: Frontier, leases: LeaseKeeper):
        super().__init__(frontier.link.client, spider, frontier.keys.queue, serializer)
        self.frontier = frontier
        self.leases = leases

    def __len__(self) -> int:
        return self.frontier.link.call(lambda r: r.zcard(self.key), "queue length")

    def push_unseen(self, request: Request, fingerprint: str) -> bool:
        """Queue ``request`` unless its fingerprint was seen this run (``''``: always)."""
        handed_back = request.meta.get(LEASE_META, "")
        queued = self.frontier.enqueue(self._encode_request(self._storable(request)),
                                       -request.priority, fingerprint, handed_back)
        if handed_back:
            self.leases.handed_back(handed_back)
        return queued

    def push(self, request: Request) -> None:
        self.push_unseen(request, "")

    def pop(self, timeout: int = 0) -> Request | None:
        leased = self.frontier.pop()
        if leased is None:
            return None
        lease, data = leased
        try:
            request = self._decode_request(data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            logger.error("dropping a queued request that cannot be read safely: %s", exc)
            self.spider.crawler.stats.inc_value("newscrawl/frontier/unreadable")
            self.frontier.ack(lease)
            return None
        return self.leases.leased(request, lease)

    def _storable(self, request: Request) -> Request:
        """``request`` without what only this worker knows (its lease and lease errback)."""
        meta = {k: v for k, v in request.meta.items() if k != LEASE_META}
        errback = request.errback
        if self.leases.owns(errback):
            errback = self.leases.errback_of(request)
        return request.replace(meta=meta, errback=errback)


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler on the shared, leased frontier (see the module docstring)."""

    def __init__(self, crawler: Crawler, frontier: Frontier):
        dupefilter = RFPDupeFilter(frontier.link.client, frontier.keys.dupefilter,
                                   crawler.settings.getbool("DUPEFILTER_DEBUG"))
        super().__init__(frontier.link.client, persist=True, queue_key=frontier.keys.queue,
                         dupefilter=dupefilter, dupefilter_key=frontier.keys.dupefilter,
                         serializer=serializer)
        self.stats = crawler.stats
        self.frontier = frontier
        self.leases = crawler_leases(crawler, frontier)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        return cls(crawler, crawler_frontier(crawler))

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedQueue(spider, self.frontier, self.leases)
        waiting = self.frontier.outstanding()
        if waiting:
            logger.info("joining a shared frontier with %d requests queued or leased", waiting)

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        try:
            queued = self.queue.push_unseen(request, fingerprint)
        except StateError:  # Redis is gone for good; the run is failing and closing
            self.stats.inc_value("newscrawl/frontier/enqueue_lost")
            return False
        if not queued:
            self.df.log(request, self.spider)  # scrapy-redis's filter logs without counting
            self.stats.inc_value("dupefilter/filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """The next request of the shared frontier, unless this worker is busy enough.

        A worker takes at most ``NEWSCRAWL_WORKER_LEASES`` requests at a time, so it
        does not drain the shared queue into its own downloader while others wait.
        """
        if len(self.leases.working) >= self.frontier.worker.options.worker_leases:
            return None
        try:
            request = self.queue.pop()
        except StateError:
            return None
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return self.frontier.outstanding(own_working=len(self.leases.working)) > 0
        except StateError:
            return False

    def close(self, reason: str) -> None:
        """After the last batch is published: end the run if this worker was the last one in it."""
        if reason != "finished" or self.frontier.link.lost:
            return
        try:
            ended = self.frontier.end_run()
        except StateError:
            return
        if ended:
            logger.info("shared frontier empty: the run is over; the next worker to start seeds a new one")
            self.stats.inc_value("newscrawl/frontier/run_ended")
