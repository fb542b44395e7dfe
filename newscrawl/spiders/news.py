"""The ``news`` spider: reads the sites config and decides what to fetch.

Discovery goes through feeds, sitemaps (also those robots.txt lists) and links
from the start URLs within each site's domains. Feed and sitemap entries carry
their title and dates to the page request (``meta["hint"]``); with
``-a since=2026-11-01`` or ``-a since=48h`` entries dated before the window are
skipped before they are fetched. Every page is handed to
:func:`newscrawl.extract_article`; the pipelines decide what is published.

Events are counted under ``newscrawl/spider/<event>`` and, per site, under
``newscrawl/site/<site>/<event>``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from newscrawl.config import Site, load_sites
from newscrawl.context import crawl_context
from newscrawl.discovery.links import TreeLinkExtractor, host_in_domains, http_host
from newscrawl.discovery.sources import (
    Link,
    SitemapLimits,
    feed_links,
    fill_from_hint,
    parse_sitemap,
    robots_sitemaps,
)
from newscrawl.discovery.window import DateWindow, parse_since
from newscrawl.distributed import begin_seeding, finish_seeding
from newscrawl.extraction import Document, build_record, link_density, listing_reason, parse_document

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
        self._link_extractor = TreeLinkExtractor()

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
            yield scrapy.Request(url, self.parse_feed, meta=_meta(site, "feed", depth_reset=True))
        for url in site.sitemaps:
            if url == "robots":
                yield from (self._robots_request(site, origin) for origin in _origins(site))
            else:
                yield self._sitemap_request(site, url, 0)

    def _robots_request(self, site: Site, origin: str) -> scrapy.Request:
        meta = _meta(site, "robots", depth_reset=True)
        return scrapy.Request(f"{origin}/robots.txt", self.parse_robots, meta=meta)

    def _sitemap_request(self, site: Site, url: str, depth: int) -> scrapy.Request:
        meta = _meta(site, "sitemap", depth_reset=True, sitemap_depth=depth)
        return scrapy.Request(url, self.parse_sitemap, meta=meta)

    def _page_request(self, site: Site, link: Link, source: str) -> scrapy.Request:
        meta = _meta(site, "page", source=source)
        if source in ("feed", "sitemap"):
            meta.update(hint=link, depth_reset=True)  # a feed entry is a seed, like a start URL
        return scrapy.Request(link.url, self.parse_page, meta=meta)

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

    def parse_page(self, response: Response) -> Iterator[scrapy.Request | dict]:
        site = self._site(response)
        if not isinstance(response, TextResponse):
            self._count(site, "not_text")
            return
        # One parse for links and extraction; links first, as extraction prunes the tree.
        doc = parse_document(response.body, response.url,
                             response.headers.get("Content-Type", b"").decode("latin-1"))
        yield from self._link_requests(site, response, doc)
        if not doc.whole:  # logged by parse_document; extraction gets an empty tree
            self._count(site, "not_parsed_whole")
        if site.is_article_url(response.url):
            yield self._record(site, response, doc)
        else:
            self._count(site, "not_article_url")

    def _link_requests(self, site: Site, response: TextResponse, doc: Document) -> list[scrapy.Request]:
        """Requests for the page's links that are http(s), on the site and within the window."""
        selector = doc.selector if doc.whole else response.selector  # too deep: what Scrapy reads
        requests, events = [], Counter()
        for found in self._link_extractor.links(selector, response):
            event = self._link_event(site, found.url)
            if event:
                events[event] += 1
            else:
                requests.append(self._page_request(site, Link(found.url), "link"))
        for event, count in events.items():
            self._count(site, event, count)
        return requests

    def _link_event(self, site: Site, url: str) -> str | None:
        """Why a link is not followed, or ``None`` when it is."""
        host = http_host(url)
        if host is None:
            return "link_not_http"
        if not host_in_domains(host, site.domains):
            return "offsite/link"
        if site.is_denied_url(url):
            return "denied/link"
        if self.window and self.window.url_before(url):
            return "window_skipped/link"
        return None

    def _record(self, site: Site, response: TextResponse, doc: Document) -> dict:
        record = build_record(doc, site.selectors or {}, site.timezone)
        self._check_listing(site, response, record)
        hint = response.meta.get("hint")
        if hint is not None and record["metadata"]["pageType"] == "article":
            for field in fill_from_hint(record, hint):
                self._count(site, f"hint_used/{field}")
        record["metadata"].update(
            site=site.name, spider=self.name, discoveredBy=response.meta.get("source", "link")
        )
        return record

    def _check_listing(self, site: Site, response: TextResponse, record: dict) -> None:
        """Mark a page that extraction took for an article as a listing when URL or links say so."""
        if record["metadata"]["pageType"] != "article":
            return
        reason = listing_reason(response.url, lambda: link_density(response.selector.root))
        if reason:
            record["metadata"]["pageType"] = "other"
            self._count(site, f"listing/{reason}")
            logger.debug("listing page (%s): %s", reason, response.url)

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
