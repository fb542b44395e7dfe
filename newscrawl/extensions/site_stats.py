"""Per-site crawl stats: requests, articles found per source, articles emitted, drops by reason.

Counted in the crawl stats (and so in the run summary) under
``newscrawl/site/<site>/requests``, ``.../found/<source>`` (article pages fetched,
by the source that found them: ``start_url``, ``link``, ``feed``, ``sitemap``),
``.../emitted`` and ``.../dropped/<Reason>``.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request

from newscrawl.context import crawl_context


class SiteStats:
    """Count each site's requests, found and emitted articles and drops, from crawl signals."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SiteStats":
        if not crawler.settings.getbool("NEWSCRAWL_SITE_STATS_ENABLED"):
            raise NotConfigured("NEWSCRAWL_SITE_STATS_ENABLED is off")
        extension = cls(crawler)
        crawler.signals.connect(extension.request_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        return extension

    def request_reached(self, request: Request) -> None:
        site = request.meta.get("site") or self._site_for_url(request.url)
        if site:
            self._inc(site, "requests")

    def item_scraped(self, item: dict) -> None:
        self._found(item)
        self._inc(item["metadata"].get("site"), "emitted")

    def item_dropped(self, item: dict, exception: BaseException) -> None:
        self._found(item)
        self._inc(item["metadata"].get("site"), f"dropped/{type(exception).__name__}")

    def _found(self, item: dict) -> None:
        metadata = item["metadata"]
        if metadata.get("pageType") == "article":
            self._inc(metadata.get("site"), f"found/{metadata.get('discoveredBy', 'link')}")

    def _site_for_url(self, url: str) -> str | None:
        """Requests the spider did not make (robots.txt) belong to the site of their host."""
        site_for_url = crawl_context(self.crawler).site_for_url
        return site_for_url(url) if site_for_url else None

    def _inc(self, site: str | None, event: str) -> None:
        if site:
            self.crawler.stats.inc_value(f"newscrawl/site/{site}/{event}")
