"""The ``news`` spider: reads the sites config and decides what to fetch.

Discovery goes through feeds, sitemaps (also those robots.txt lists) and links
from the start URLs within each site's domains. Feed and sitemap entries carry
their title and dates to the page request (``meta["hint"]``); with
``-a since=2026-11-01`` or ``-a since=48h`` entries dated before the window are
skipped before they are fetched. Every page goes, as bytes, to
:func:`newscrawl.extraction.extract_page` in a pool of worker processes
(:mod:`newscrawl.spiders.pool`), which gives its record and the links to follow;
links already requested in this run or already published are dropped before a
request is built (one state lookup per page). The pipelines decide what is published.

Events are counted under ``newscrawl/spider/<event>`` and, per site, under
``newscrawl/site/<site>/<event>``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.failure import Failure

from newscrawl.config import Site, load_sites
from newscrawl.context import crawl_context
from newscrawl.discovery.links import host_in_domains, http_host
from newscrawl.discovery.sources import (
    Link,
    SitemapLimits,
    feed_links,
    parse_sitemap,
    robots_sitemaps,
)
from newscrawl.discovery.window import DateWindow, parse_since
from newscrawl.distributed import begin_seeding, finish_seeding
from newscrawl.extraction import Limits, fit_body
from newscrawl.middlewares.incremental import count_skipped_published
from newscrawl.spiders.pages import PageHandler, PageJob, PageResult
from newscrawl.spiders.pool import PageKillsWorkers, PagePool, map_big_buffers

logger = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
    """Crawl the sites of ``-a sites=FILE`` and yield one record per page."""

    name = "news"

    def __init__(self, sites: str | None = None, since: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not sites:
            raise ValueError("the news spider needs a sites config: scrapy crawl news -a sites=FILE")
        self.sites = {site.name: site for site in load_sites(sites)}
        self.since = parse_since(since, datetime.now(timezone.utc)) if since else None
        self.window = DateWindow(self.since) if self.since else None
        self.allowed_domains = sorted({h for site in self.sites.values() for h in named_hosts(site)})
        self._requested: set[int] = set()  # hashes of the page URLs requested in this run

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args, **kwargs) -> "NewsSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.sitemap_limits = SitemapLimits(
            max_urls=settings.getint("NEWSCRAWL_SITEMAP_MAX_URLS"),
            max_bytes=settings.getint("NEWSCRAWL_SITEMAP_MAX_BYTES"),
        )
        spider.max_sitemap_depth = settings.getint("NEWSCRAWL_SITEMAP_MAX_DEPTH")
        context = crawl_context(crawler)
        context.sites, context.window, context.site_for_url = spider.sites, spider.window, spider.site_for_url
        spider.depth_limit = settings.getint("DEPTH_LIMIT")
        spider.state = context.state if settings.getbool("NEWSCRAWL_INCREMENTAL") else None
        spider.limits = Limits.from_settings(settings)
        handler = PageHandler(spider.sites, spider.window,
                              settings.getbool("NEWSCRAWL_SKIP_NON_PAGE_LINKS"), spider.limits)
        spider.pages = PagePool(handler, settings.getint("NEWSCRAWL_EXTRACT_PROCESSES"),
                                settings.getint("NEWSCRAWL_EXTRACT_WORKER_MAX_MB") * 1024 * 1024,
                                crawler)
        map_big_buffers()  # page bodies of many MB pass through this process too
        if spider.since:
            logger.info("date window: articles published since %s", spider.since.isoformat())
        return spider

    def site_for_url(self, url: str) -> str | None:
        """The name of the first site whose domains include ``url``'s host."""
        for site in self.sites.values():
            if _in_domains(url, named_hosts(site)):
                return site.name
        return None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The sites' seeds; in a distributed crawl, only from the worker that seeds the run."""
        if not begin_seeding(self.crawler):
            return
        for site in self.sites.values():
            for request in self._site_requests(site):
                yield request
        finish_seeding(self.crawler)

    def _site_requests(self, site: Site) -> Iterator[scrapy.Request]:
        for url in site.start_urls:
            yield self._page_request(site, Link(url), "start_url")
        for url in site.feeds:
            yield self._request(url, self.parse_feed, _meta(site, "feed", depth_reset=True))
        for url in site.sitemaps:
            if url == "robots":
                yield from (self._robots_request(site, origin) for origin in _origins(site))
            else:
                yield self._sitemap_request(site, url, 0)

    def _robots_request(self, site: Site, origin: str) -> scrapy.Request:
        meta = _meta(site, "robots", depth_reset=True)
        return self._request(f"{origin}/robots.txt", self.parse_robots, meta)

    def _sitemap_request(self, site: Site, url: str, depth: int) -> scrapy.Request:
        meta = _meta(site, "sitemap", depth_reset=True, sitemap_depth=depth)
        return self._request(url, self.parse_sitemap, meta)

    def _page_request(self, site: Site, link: Link, source: str, **more) -> scrapy.Request:
        meta = _meta(site, "page", source=source, **more)
        if source in ("feed", "sitemap"):
            meta.update(hint=link, depth_reset=True)  # a feed entry is a seed, like a start URL
        self._requested.add(hash(link.url))
        return self._request(link.url, self.parse_page, meta)

    def _request(self, url: str, callback: Callable, meta: dict) -> scrapy.Request:
        return scrapy.Request(url, callback, meta=meta, errback=self.parse_failure)

    def parse_failure(self, failure: Failure) -> list | Failure:
        """Errback of every request: an ignored request or HTTP error status ends here.

        Counted and logged as Scrapy's HttpErrorMiddleware does, but not raised again: a
        raised failure's traceback and the frames it holds refer to each other, so the
        response would stay in memory until Python's cycle collector runs. Other failures
        (time-outs, refused connections) go on to be logged by Scrapy.
        """
        if failure.check(HttpError):
            self._ignore_http_error(failure.value.response)
        return [] if failure.check(IgnoreRequest) else failure

    def _ignore_http_error(self, response: Response) -> None:
        stats = self.crawler.stats
        stats.inc_value("httperror/response_ignored_count")
        stats.inc_value(f"httperror/response_ignored_status_count/{response.status}")
        logger.info("Ignoring response %(response)r: HTTP status code is not handled or not allowed",
                    {"response": response})

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        for url in robots_sitemaps(response.body, response.url):
            yield self._sitemap_request(site, url, 0)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        links = feed_links(response.body, response.url)
        if not links:
            self._count(site, "feed_empty")
            logger.warning("feed without entry links: %s", response.url)
        yield from self._entry_requests(site, links, "feed")

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        page = parse_sitemap(response.body, self.sitemap_limits)
        if page.truncated:
            self._count(site, "sitemap_truncated")
            logger.warning("sitemap has more than %d entries; read the first ones: %s",
                           self.sitemap_limits.max_urls, response.url)
        if page.kind == "sitemapindex":
            yield from self._child_sitemaps(site, page.links, response.meta["sitemap_depth"] + 1)
        elif page.kind == "urlset":
            yield from self._entry_requests(site, page.links, "sitemap")
        else:
            self._count(site, "sitemap_invalid")
            logger.warning("not a sitemap: %s", response.url)

    def _child_sitemaps(self, site: Site, links: list[Link], depth: int) -> Iterator[scrapy.Request]:
        if depth > self.max_sitemap_depth:
            self._count(site, "sitemap_too_deep")
            logger.warning("sitemap index nested deeper than %d; not followed", self.max_sitemap_depth)
            return
        for link in links:
            if self.window and self.window.before(link.modified):
                self._count(site, "window_skipped/sitemap_index")
                continue
            yield self._sitemap_request(site, link.url, depth)

    def _entry_requests(self, site: Site, links: Iterable[Link], source: str):
        """Page requests for feed or sitemap entries on the site and within the window."""
        for link in links:
            if not _in_domains(link.url, site.domains):
                self._count(site, f"offsite/{source}")
            elif site.is_denied_url(link.url):
                self._count(site, f"denied/{source}")
            elif self.window and self.window.before(link.date):
                self._count(site, f"window_skipped/{source}")
            else:
                self._count(site, f"queued/{source}")
                yield self._page_request(site, link, source)

    async def parse_page(self, response: Response) -> AsyncIterator[scrapy.Request | dict]:
        """The page's record and requests for its new links, from a worker process."""
        site = self._site(response)
        if not isinstance(response, TextResponse):
            self._count(site, "not_text")
            return
        try:
            result = await maybe_deferred_to_future(self.pages.handle(self._page_job(site, response)))
        except PageKillsWorkers as error:
            logger.error("page not extracted: %s", error)
            self._count(site, "kills_workers")
            return
        for event, count in result.events.items():
            self._count(site, event, count)
        for request in self._link_requests(site, result):
            yield request
        if result.record is not None:
            for limit in result.record["metadata"].get("overBudget", []):
                self.crawler.stats.inc_value(f"newscrawl/extraction/over_budget/{limit}")
            result.record["metadata"].update(
                site=site.name, spider=self.name, discoveredBy=response.meta.get("source", "link"))
            yield result.record

    def _page_job(self, site: Site, response: TextResponse) -> PageJob:
        # Not "_job": scrapyd passes its job id as the spider argument "_job".
        hint = response.meta.get("hint")
        hints = hint.hints if hint else None
        follow = not self.depth_limit or response.meta.get("depth", 0) < self.depth_limit
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        body = fit_body(response.body, self.limits)  # a hostile page's runs cut before they travel
        return PageJob(response.url, body, content_type, site.name, hints, follow)

    def _link_requests(self, site: Site, result: PageResult) -> list[scrapy.Request]:
        """Requests for the links not requested in this run yet nor published before."""
        fresh = [(url, key) for url, key in result.links if hash(url) not in self._requested]
        published = self.state.known_keys([key for _, key in fresh]) if self.state and fresh else ()
        skipped = sum(1 for _, key in fresh if key in published)
        if skipped:
            count_skipped_published(self.crawler, site.name, skipped)
        return [self._page_request(site, Link(url), "link", published_checked=True)
                for url, key in fresh if key not in published]

    def closed(self, reason: str) -> None:
        """Stop the page workers."""
        self.pages.close()

    def _site(self, response: Response) -> Site:
        return self.sites[response.meta["site"]]

    def _count(self, site: Site, event: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawl/spider/{event}", count)
        self.crawler.stats.inc_value(f"newscrawl/site/{site.name}/{event}", count)


def _meta(site: Site, kind: str, **more) -> dict:
    return {"site": site.name, "kind": kind, **more}


def named_hosts(site: Site) -> set[str]:
    """The site's domains and the hosts of the URLs its config names (feeds on a CDN, say).

    Requests and redirects may go to these hosts; article links must stay within ``domains``.
    """
    urls = (*site.start_urls, *site.feeds, *(url for url in site.sitemaps if url != "robots"))
    return {*site.domains, *((urlsplit(url).hostname or "").lower() for url in urls)} - {""}


def _origins(site: Site) -> list[str]:
    """Scheme and host of each start URL, or ``https://`` plus each domain."""
    urls = site.start_urls or tuple(f"https://{domain}/" for domain in site.domains)
    return sorted({f"{p.scheme}://{p.netloc}" for p in map(urlsplit, urls)})


def _in_domains(url: str, domains: Iterable[str]) -> bool:
    host = http_host(url)
    return host is not None and host_in_domains(host, tuple(domains))
