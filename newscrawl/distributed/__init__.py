"""Distributed crawling: many ``scrapy crawl news`` workers share one frontier on Redis.

A ``redis://`` ``NEWSCRAWL_STATE_URI`` switches it on (:class:`DistributedMode`, an
add-on): the state store is the shared Redis one, and

- the scheduler is scrapy-redis's, with a queue whose pops are *leases*
  (:mod:`newscrawl.distributed.frontier`): a request a worker took returns to the
  queue when its lease expires, unless the worker acknowledged it, which it does
  once everything the page yielded is published (:mod:`newscrawl.distributed.leases`);
- requests are queued as JSON (:mod:`newscrawl.distributed.serializer`), never pickle;
- an article is claimed before it is published, so two workers never publish
  the same one (:mod:`newscrawl.pipelines.claims`);
- per-domain concurrency and delay hold for all workers together
  (:mod:`newscrawl.distributed.politeness`);
- the first worker of a run seeds the frontier from the sites config, and every
  worker exits once the frontier has been empty for ``NEWSCRAWL_IDLE_EXIT`` seconds.

This module imports no Redis client, so the add-on can stay listed in ``ADDONS``
on machines without the ``redis`` extra.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.context import crawl_context
from newscrawl.state import is_redis_uri

logger = logging.getLogger(__name__)

SCHEDULER = "newscrawl.distributed.scheduler.FrontierScheduler"
COMPONENTS = {
    "SPIDER_MIDDLEWARES": {"newscrawl.distributed.leases.LeaseTracker": 10},
    "DOWNLOADER_MIDDLEWARES": {"newscrawl.distributed.politeness.GlobalPoliteness": 950},
    "ITEM_PIPELINES": {"newscrawl.pipelines.claims.ClaimPipeline": 800},
    "EXTENSIONS": {"newscrawl.extensions.idle_exit.IdleExit": 520},
}


class DistributedMode:
    """Add-on: with a ``redis://`` state URI, swap in the shared frontier and its components."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedMode:
        if not is_redis_uri(crawler.settings.get("NEWSCRAWL_STATE_URI")):
            raise NotConfigured("NEWSCRAWL_STATE_URI is not redis://: crawling on this machine alone")
        return cls()

    def update_settings(self, settings) -> None:
        settings.set("SCHEDULER", SCHEDULER, priority="addon")
        for name, components in COMPONENTS.items():
            for path, order in components.items():
                settings[name][path] = order


def _frontier(crawler: Crawler):
    """The shared frontier, if the distributed scheduler made one (Redis imported only then)."""
    if not is_redis_uri(crawler.settings.get("NEWSCRAWL_STATE_URI")):
        return None
    from newscrawl.distributed.frontier import Frontier

    return crawl_context(crawler).existing(Frontier)


def begin_seeding(crawler: Crawler) -> bool:
    """True when this worker seeds the frontier from the sites config (always, when alone)."""
    frontier = _frontier(crawler)
    if frontier is None:
        return True
    seeded = frontier.begin_seeding()
    if seeded is not None:
        logger.info("frontier already seeded (%s): joining the run", seeded)
        crawler.stats.inc_value("newscrawl/frontier/joined")
        return False
    logger.info("seeding the shared frontier from the sites config")
    crawler.stats.inc_value("newscrawl/frontier/seeded")
    return True


def finish_seeding(crawler: Crawler) -> None:
    """Mark the frontier seeded, once every seed is queued."""
    frontier = _frontier(crawler)
    if frontier is not None:
        frontier.finish_seeding()
