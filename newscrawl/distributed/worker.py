"""This process as one worker of a distributed crawl: its name, its Redis link, its heartbeat.

A worker is identified by its run name (``<UTC start>-<run id>``); the heartbeat
key ``newscrawl:worker:<run name>`` says it is alive, for one lease period
(``NEWSCRAWL_LEASE_SECONDS``) after each beat. When Redis stays unreachable for
``NEWSCRAWL_REDIS_GIVE_UP`` seconds, the worker fails its run (exit status 1) and closes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from newscrawl.context import crawl_context
from newscrawl.state.redis import PREFIX, RedisLink, RedisState

logger = logging.getLogger(__name__)

HEARTBEATS_PER_LEASE = 4
LOST_REASON = "redis_unreachable"


@dataclass(frozen=True)
class FrontierOptions:
    """How long a worker waits on an empty frontier, holds a lease, and retries Redis,
    and how many requests it downloads at a time."""

    idle_exit: float
    lease: float
    give_up: float
    worker_leases: int

    @classmethod
    def from_settings(cls, settings) -> FrontierOptions:
        return cls(settings.getfloat("NEWSCRAWL_IDLE_EXIT"),
                   settings.getfloat("NEWSCRAWL_LEASE_SECONDS"),
                   settings.getfloat("NEWSCRAWL_REDIS_GIVE_UP"),
                   max(1, settings.getint("NEWSCRAWL_WORKER_LEASES")))

    @property
    def lease_ms(self) -> int:
        return int(self.lease * 1000)


class Worker:
    """This process in the shared crawl: its name, its link to Redis and its heartbeat."""

    def __init__(self, crawler: Crawler, store: RedisState, options: FrontierOptions):
        self.crawler = crawler
        self.store = store
        self.link: RedisLink = store.link
        self.options = options
        self.name = crawl_context(crawler).run.name
        self.beats: list = []  # more work for each heartbeat (lease extension)
        self._timer = None  # created when the spider opens, under the running reactor
        self.link.stats = crawler.stats
        self.link.give_up = options.give_up
        self.link.on_lost.append(self._stop)
        crawler.signals.connect(self._start_heartbeat, signal=signals.spider_opened)
        crawler.signals.connect(self._stop_heartbeat, signal=signals.spider_closed)

    def heartbeat(self) -> None:
        """Say this worker is alive for one more lease period, and run the other beats."""
        if self.link.lost:
            return
        key, ttl = f"{PREFIX}worker:{self.name}", self.options.lease_ms
        self.link.call(lambda r: r.set(key, "alive", px=ttl), "heartbeat")
        for beat in self.beats:
            beat()

    def _start_heartbeat(self) -> None:
        self.heartbeat()
        self._timer = create_looping_call(self.heartbeat)
        self._timer.start(self.options.lease / HEARTBEATS_PER_LEASE, now=False)

    def _stop_heartbeat(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()

    def _stop(self, message: str) -> None:
        """Redis is gone for good: fail the run (exit status 1) and close the spider."""
        crawl_context(self.crawler).run.fail(message)
        engine = self.crawler.engine
        if engine is not None and engine.running and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=LOST_REASON))


def crawler_worker(crawler: Crawler) -> Worker:
    """The crawl's :class:`Worker`, created on first use; ``NotConfigured`` without Redis state."""
    context = crawl_context(crawler)
    if not isinstance(context.state, RedisState):
        raise NotConfigured("distributed crawling needs a redis:// NEWSCRAWL_STATE_URI")
    return context.service(Worker, lambda: Worker(crawler, context.state,
                                                  FrontierOptions.from_settings(crawler.settings)))
