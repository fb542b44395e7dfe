"""When a leased request is done: acknowledged only once what it yielded is published.

A request popped from the shared frontier is leased to this worker
(``request.meta["newscrawl_lease"]``). Its lease is acknowledged when nothing of
its work is left:

- the download and callback (one unit, ended when the callback's output is
  exhausted, when the download failed, or when a redirect or retry hands the
  request back to the frontier);
- each item the callback yielded, ended when a pipeline drops it or when the
  batch holding it is committed (the state store tells, see
  :attr:`newscrawl.state.redis.RedisState.commit_listeners`). An item dropped with an
  exception whose ``redo_page`` is true ends nothing: the lease is abandoned, so it expires
  and the page is fetched again. Those are items not published because their batch could
  not be (:class:`~newscrawl.pipelines.publish.PublishFailed`: full disk, stale batch), and
  items another worker has in flight (:class:`~newscrawl.pipelines.claims.ClaimedElsewhere`),
  in case that worker fails before it publishes them.

So a worker killed at any moment leaves leases for everything not yet published,
which return to the queue. Heartbeats extend this worker's leases meanwhile.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newscrawl.context import crawl_context
from newscrawl.distributed.frontier import Frontier, crawler_frontier
from newscrawl.state import StateError

logger = logging.getLogger(__name__)

LEASE_META = "newscrawl_lease"


class LeaseKeeper:
    """Counts the open work of each lease this worker holds; acknowledges it at zero."""

    def __init__(self, frontier: Frontier, stats):
        self.frontier = frontier
        self.stats = stats
        self.open: Counter[str] = Counter()  # lease -> units of work not done
        self.working: set[str] = set()  # leases whose download and callback are not done
        self.written: dict[str, str] = {}  # article id -> lease, in a batch not committed yet
        self.committed: set[str] = set()  # article ids committed before item_scraped told us
        self.errbacks: dict[str, Callable | None] = {}  # lease -> the request's own errback

    def leased(self, request: Request, lease: str) -> Request:
        """Take ``request`` under ``lease``: one unit of work, its download and callback."""
        request.meta[LEASE_META] = lease
        if not self.owns(request.errback):
            self.errbacks[lease] = request.errback
            request.errback = self.download_failed
        self.open[lease] = 1
        self.working.add(lease)
        return request

    def owns(self, errback: Callable | None) -> bool:
        return getattr(errback, "__self__", None) is self

    def errback_of(self, request: Request) -> Callable | None:
        """The errback ``request`` had before it was leased."""
        return self.errbacks.get(request.meta.get(LEASE_META))

    def add(self, lease: str | None) -> None:
        if lease in self.open:
            self.open[lease] += 1

    def done(self, lease: str | None) -> None:
        if lease not in self.open:
            return
        self.open[lease] -= 1
        if self.open[lease] <= 0:
            del self.open[lease]
            self._ack(lease)

    def worked(self, lease: str | None) -> None:
        """The download and callback of ``lease`` are over (its items may still be open)."""
        self.errbacks.pop(lease, None)
        if lease in self.working:
            self.working.discard(lease)
            self.done(lease)
        if lease in self.open:
            self._publishing(lease)

    def abandon(self, lease: str | None) -> None:
        """Stop working on ``lease`` without acknowledging it: it expires and is done again."""
        if lease not in self.open:
            return
        del self.open[lease]
        self.working.discard(lease)
        self.errbacks.pop(lease, None)
        try:
            self.frontier.abandon(lease)
        except StateError:
            logger.debug("lease %s not abandoned: Redis is unreachable", lease)
        self.stats.inc_value("newscrawl/frontier/abandoned")

    def handed_back(self, lease: str) -> None:
        """The request went back to the queue (the enqueue script released the lease)."""
        self.open.pop(lease, None)
        self.working.discard(lease)
        self.errbacks.pop(lease, None)

    def download_failed(self, failure) -> Any:
        """Errback of leased requests: the request is done; then the request's own errback."""
        lease = failure.request.meta.get(LEASE_META)
        errback = self.errbacks.get(lease)
        self.worked(lease)
        return errback(failure) if errback else failure

    def item_written(self, lease: str | None, article_id: str) -> None:
        if article_id in self.committed:
            self.committed.discard(article_id)
            self.done(lease)
        elif lease in self.open:
            self.written[article_id] = lease

    def batch_committed(self, article_ids: list[str]) -> None:
        for article_id in article_ids:
            lease = self.written.pop(article_id, None)
            if lease is None:
                self.committed.add(article_id)
            else:
                self.done(lease)

    def extend(self) -> None:
        """Heartbeat: keep this worker's leases from expiring while it works on them."""
        self.frontier.extend(list(self.open))

    def _publishing(self, lease: str) -> None:
        try:
            self.frontier.publishing(lease)
        except StateError:
            logger.debug("lease %s not marked publishing: Redis is unreachable", lease)

    def _ack(self, lease: str) -> None:
        try:
            self.frontier.ack(lease)
        except StateError:  # Redis is gone for good: the lease expires and the page is redone
            logger.debug("lease %s not acknowledged: Redis is unreachable", lease)
            return
        self.stats.inc_value("newscrawl/frontier/acknowledged")


def crawler_leases(crawler: Crawler, frontier: Frontier) -> LeaseKeeper:
    """The crawl's :class:`LeaseKeeper`, created (and wired to signals) on first use."""
    return crawl_context(crawler).service(LeaseKeeper, lambda: _wired_keeper(crawler, frontier))


def _wired_keeper(crawler: Crawler, frontier: Frontier) -> LeaseKeeper:
    keeper = LeaseKeeper(frontier, crawler.stats)
    frontier.worker.beats.append(keeper.extend)
    frontier.worker.store.commit_listeners.append(keeper.batch_committed)
    crawler.signals.connect(_on_item_scraped(keeper), signal=signals.item_scraped, weak=False)
    crawler.signals.connect(_on_item_dropped(keeper), signal=signals.item_dropped, weak=False)
    crawler.signals.connect(_on_item_gone(keeper), signal=signals.item_error, weak=False)
    return keeper


def _lease_of(response: Response | None) -> str | None:
    return response.meta.get(LEASE_META) if isinstance(response, Response) else None


def _on_item_scraped(keeper: LeaseKeeper) -> Callable:
    def item_scraped(item: dict, response: Response | None) -> None:
        keeper.item_written(_lease_of(response), item["id"])

    return item_scraped


def _on_item_dropped(keeper: LeaseKeeper) -> Callable:
    def item_dropped(item: dict, response: Response | None, exception: Exception) -> None:
        if getattr(exception, "redo_page", False):
            keeper.abandon(_lease_of(response))
        else:
            keeper.done(_lease_of(response))

    return item_dropped


def _on_item_gone(keeper: LeaseKeeper) -> Callable:
    def item_gone(item: dict, response: Response | None) -> None:
        keeper.done(_lease_of(response))

    return item_gone


class LeaseTracker(BaseSpiderMiddleware):
    """Counts each item a leased page yields, and the end of its callback, on the lease."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.keeper = crawler_leases(crawler, crawler_frontier(crawler))

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]):
        lease = _lease_of(response)
        try:
            async for output in result:
                if not isinstance(output, Request):
                    self.keeper.add(lease)
                yield output
        finally:
            self.keeper.worked(lease)

    def process_spider_output(self, response: Response, result, spider=None):
        lease = _lease_of(response)
        try:
            for output in result:
                if not isinstance(output, Request):
                    self.keeper.add(lease)
                yield output
        finally:
            self.keeper.worked(lease)
