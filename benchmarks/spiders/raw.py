"""The ``raw`` spider: Scrapy alone on the generated site, the ceiling newscrawl is held to.

It fetches what the ``news`` spider fetches (the start page, robots.txt, the sitemaps and
every in-domain link of every page) with Scrapy's own parts only: each page is parsed once
by Scrapy's selector, for its links and its title, and the item goes through no pipeline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots


class RawSpider(scrapy.Spider):
    """Download and parse every page of ``-a base=URL``; no extraction, no pipelines."""

    name = "raw"
    # Scrapy's own scheduler (pending requests in memory), not newscrawl's disk queue.
    custom_settings = {"ITEM_PIPELINES": {}, "SCHEDULER": "scrapy.core.scheduler.Scheduler"}

    def __init__(self, base: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not base:
            raise ValueError("the raw spider needs the site: scrapy crawl raw -a base=URL")
        self.base = base.rstrip("/")
        self.allowed_domains = [urlsplit(self.base).hostname]
        self._link_extractor = LinkExtractor()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(f"{self.base}/", self.parse_page)
        yield scrapy.Request(f"{self.base}/robots.txt", self.parse_robots, dont_filter=True)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            yield scrapy.Request(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        sitemap = Sitemap(response.body)
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse_page
        for entry in sitemap:
            yield scrapy.Request(entry["loc"], callback)

    def parse_page(self, response: Response) -> Iterator[scrapy.Request | dict]:
        for link in self._link_extractor.extract_links(response):
            yield scrapy.Request(link.url, self.parse_page)
        yield {"url": response.url, "title": response.css("title::text").get()}
