"""The ``news`` spider: reads the sites config and decides what to fetch.

Discovery goes through feeds, sitemaps (also those robots.txt lists) and links
from the start URLs within each site's domains. Every page is handed to
:func:`newscrawl.extract_article`; the pipelines decide what is published.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from newscrawl.config import Site, load_sites
from newscrawl.discovery import Link, feed_links, robots_sitemaps, sitemap_links
from newscrawl.extraction import extract_article


class NewsSpider(scrapy.Spider):
    """Crawl the sites of ``-a sites=FILE`` and yield one record per page."""

    name = "news"

    def __init__(self, sites: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not sites:
            raise ValueError("the news spider needs a sites config: scrapy crawl news -a sites=FILE")
        self.sites = {site.name: site for site in load_sites(sites)}
        self.allowed_domains = sorted({d for site in self.sites.values() for d in site.domains})
        self._link_extractor = LinkExtractor()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites.values():
            for request in self._site_requests(site):
                yield request

    def _site_requests(self, site: Site) -> Iterator[scrapy.Request]:
        for url in site.start_urls:
            yield self._page_request(site, Link(url), "start_url")
        for url in site.feeds:
            yield scrapy.Request(url, self.parse_feed, meta={"site": site.name, "kind": "feed"})
        for url in site.sitemaps:
            if url == "robots":
                yield from (self._robots_request(site, origin) for origin in _origins(site))
            else:
                yield self._sitemap_request(site, url)

    def _robots_request(self, site: Site, origin: str) -> scrapy.Request:
        meta = {"site": site.name, "kind": "robots"}
        return scrapy.Request(f"{origin}/robots.txt", self.parse_robots, meta=meta, dont_filter=True)

    def _sitemap_request(self, site: Site, url: str) -> scrapy.Request:
        return scrapy.Request(url, self.parse_sitemap, meta={"site": site.name, "kind": "sitemap"})

    def _page_request(self, site: Site, link: Link, source: str) -> scrapy.Request:
        meta = {"site": site.name, "kind": "page", "source": source}
        return scrapy.Request(link.url, self.parse_page, meta=meta)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        site = self.sites[response.meta["site"]]
        for url in robots_sitemaps(response.body, response.url):
            yield self._sitemap_request(site, url)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        site = self.sites[response.meta["site"]]
        yield from self._article_requests(site, feed_links(response.body), "feed")

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        site = self.sites[response.meta["site"]]
        kind, links = sitemap_links(response.body)
        if kind == "sitemapindex":
            for link in links:
                yield self._sitemap_request(site, link.url)
        else:
            yield from self._article_requests(site, links, "sitemap")

    def _article_requests(self, site: Site, links: list[Link], source: str):
        for link in links:
            if _in_domains(link.url, site.domains):
                yield self._page_request(site, link, source)
            else:
                self.crawler.stats.inc_value(f"newscrawl/spider/offsite_{source}_link")

    def parse_page(self, response: Response) -> Iterator[scrapy.Request | dict]:
        site = self.sites[response.meta["site"]]
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newscrawl/spider/not_text")
            return
        links = [Link(link.url) for link in self._link_extractor.extract_links(response)]
        yield from self._article_requests(site, links, "link")
        if site.is_article_url(response.url):
            yield self._record(site, response)
        else:
            self.crawler.stats.inc_value("newscrawl/spider/not_article_url")

    def _record(self, site: Site, response: TextResponse) -> dict:
        record = extract_article(
            response.body,
            response.url,
            selectors=site.selectors,
            timezone=site.timezone,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
        )
        record["metadata"].update(
            site=site.name, spider=self.name, discoveredBy=response.meta.get("source", "link")
        )
        return record


def _origins(site: Site) -> list[str]:
    """Scheme and host of each start URL, or ``https://`` plus each domain."""
    urls = site.start_urls or tuple(f"https://{domain}/" for domain in site.domains)
    return sorted({f"{p.scheme}://{p.netloc}" for p in map(urlsplit, urls)})


def _in_domains(url: str, domains: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith(f".{d}") for d in domains)
