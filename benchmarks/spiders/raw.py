"""The ``raw`` spider: plain Scrapy doing the ``news`` spider's discovery, without extraction.

The baseline newscrawl is held to. It fetches what the ``news`` spider fetches on the
benchmark site: the home page, robots.txt, the sitemap robots.txt names and every page it
lists, then every same-host link of every page, found by Scrapy's own
``LinkExtractor(allow_domains=...)`` (so off-site links never become Requests), within the
same ``DEPTH_LIMIT``, counted from the sitemap's entries as the news spider counts them
(Scrapy's ``depth_reset``). Pages are not parsed for anything else, and nothing is yielded but
Requests: no item, no pipeline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots


class RawSpider(scrapy.Spider):
    """Discover and download every page of ``-a base=URL``; no extraction, no pipelines."""

    name = "raw"
    # Scrapy's own scheduler (pending requests in memory), not newscrawl's disk queue.
    custom_settings = {"ITEM_PIPELINES": {}, "SCHEDULER": "scrapy.core.scheduler.Scheduler"}

    def __init__(self, base: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not base:
            raise ValueError("the raw spider needs the site: scrapy crawl raw -a base=URL")
        self.base = base.rstrip("/")
        self.allowed_domains = [urlsplit(self.base).hostname]
        # Scrapy compares allow_domains with the whole netloc: the port must be in it.
        self._link_extractor = LinkExtractor(allow_domains=[urlsplit(self.base).netloc])

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(f"{self.base}/", self.parse_page)
        yield scrapy.Request(f"{self.base}/robots.txt", self.parse_robots, dont_filter=True)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield scrapy.Request(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        sitemap = Sitemap(response.body)
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                yield scrapy.Request(entry["loc"], self.parse_sitemap)
            return
        for entry in sitemap:  # a sitemap entry is a seed (depth 0), as in the news spider
            yield scrapy.Request(entry["loc"], self.parse_page, meta={"depth_reset": True})

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        if isinstance(response, TextResponse):
            for link in self._link_extractor.extract_links(response):
                yield scrapy.Request(link.url, self.parse_page)
