"""Incremental crawling: fetch only what is new since the last complete run.

- :class:`SkipPublished` (spider middleware) drops a request for an article page
  already published before it is scheduled, unless its sitemap or feed entry
  says the page changed since (``request.meta["hint"].modified``, the sitemap
  lastmod or feed update date, later than what was published, with
  ``NEWSCRAWL_NEW_VERSIONS``). The spider looks up a page's links itself, all in
  one call, before it builds their requests (``meta["published_checked"]``).
- :class:`ConditionalRequests` (downloader middleware) revalidates feeds and
  sitemaps with ``If-None-Match`` / ``If-Modified-Since``; a ``304`` is dropped
  before any parsing. Validators are saved only at the end of a run that finished
  cleanly, and only for sites none of whose pages failed: a feed is taken as
  read only once every article it listed was fetched and published.
"""

from __future__ import annotations

import logging
import zlib

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newscrawl.context import crawl_context
from newscrawl.state import Validators, comparable_date
from newscrawl.urls import record_id

logger = logging.getLogger(__name__)

VALIDATED_KINDS = frozenset({"feed", "sitemap"})
TRANSIENT_STATUS = frozenset({408, 429})  # and every 5xx: the page may come back
_INDEX_SNIFF_BYTES = 2048
_SITEMAP_INDEX = b"<sitemapindex"


class SkipPublished(BaseSpiderMiddleware):
    """Drop page requests for articles already published, before they are scheduled."""

    def __init__(self, crawler: Crawler, new_versions: bool):
        super().__init__(crawler)
        self.state = crawl_context(crawler).state
        self.new_versions = new_versions

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipPublished:
        if not crawler.settings.getbool("NEWSCRAWL_INCREMENTAL"):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL is off")
        return cls(crawler, crawler.settings.getbool("NEWSCRAWL_NEW_VERSIONS"))

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if request.meta.get("kind") != "page" or request.meta.get("published_checked"):
            return request
        key = record_id(request.url)
        lastmod = self._hinted_change(request)
        if lastmod is None:  # only whether it was published matters
            if key not in self.state.known_keys([key]):
                return request
        else:
            known = self.state.articles([key]).get(key)
            if known is None:
                return request
            if lastmod > known.modified:
                self.crawler.stats.inc_value("newscrawl/incremental/refetch_modified")
                return request
        count_skipped_published(self.crawler, request.meta.get("site"))
        return None

    def _hinted_change(self, request: Request) -> str | None:
        """When the page's sitemap or feed entry says it changed, if that can make a new version."""
        if not self.new_versions:
            return None
        return comparable_date(getattr(request.meta.get("hint"), "modified", None))


class ConditionalRequests:
    """Conditional requests for feeds and sitemaps; validators saved after a clean run."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.state = crawl_context(crawler).state
        self.fresh: dict[str, tuple[str, Validators]] = {}
        self.troubled_sites: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequests:
        if not crawler.settings.getbool("NEWSCRAWL_INCREMENTAL"):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL is off")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.spider_error, signal=signals.spider_error)
        return middleware

    def process_request(self, request: Request) -> None:
        if request.meta.get("kind") not in VALIDATED_KINDS:
            return
        saved = self.state.validators([request.url]).get(request.url)
        if saved is None:
            return
        if saved.etag:
            request.headers.setdefault("If-None-Match", saved.etag)
        if saved.last_modified:
            request.headers.setdefault("If-Modified-Since", saved.last_modified)
        self.crawler.stats.inc_value("newscrawl/incremental/conditional_requests")

    def process_response(self, request: Request, response: Response) -> Response:
        kind, site = request.meta.get("kind"), request.meta.get("site")
        if kind in VALIDATED_KINDS and response.status == 304:
            _count(self.crawler, "not_modified", site)
            raise IgnoreRequest(f"not modified since the last run: {request.url}")
        if kind in VALIDATED_KINDS and response.status == 200:
            self._remember(request, response)
        elif kind == "page" and _is_transient(response.status):
            self.troubled_sites.add(site)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A page that could not be downloaded (after retries); robots.txt refusals don't count."""
        if request.meta.get("kind") == "page" and not isinstance(exception, IgnoreRequest):
            self.troubled_sites.add(request.meta.get("site"))

    def spider_error(self, failure, response: Response, spider) -> None:
        self.troubled_sites.add(response.meta.get("site"))

    def spider_closed(self, spider, reason: str) -> None:
        if reason != "finished" or crawl_context(self.crawler).run.failures:
            logger.info("run did not finish cleanly (%s): feed and sitemap validators not saved", reason)
            return
        keep = {url: v for url, (site, v) in self.fresh.items() if site not in self.troubled_sites}
        self.state.save_validators(keep)
        self.crawler.stats.set_value("newscrawl/incremental/validators_saved", len(keep))

    def _remember(self, request: Request, response: Response) -> None:
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if (etag or last_modified) and not _is_sitemap_index(response.body):
            self.fresh[request.url] = (request.meta.get("site"), Validators(
                etag and etag.decode("latin-1"), last_modified and last_modified.decode("latin-1")))


def count_skipped_published(crawler: Crawler, site: str | None, count: int = 1) -> None:
    """Count page requests not made because their articles were published before."""
    _count(crawler, "skipped_published", site, count)


def _count(crawler: Crawler, event: str, site: str | None, count: int = 1) -> None:
    crawler.stats.inc_value(f"newscrawl/incremental/{event}", count)
    crawler.stats.inc_value(f"newscrawl/incremental/{event}/{site}", count)


def _is_transient(status: int) -> bool:
    """True for a failure that may not happen next time.

    >>> _is_transient(503), _is_transient(429), _is_transient(404), _is_transient(200)
    (True, True, False, False)
    """
    return status >= 500 or status in TRANSIENT_STATUS


def _is_sitemap_index(body: bytes) -> bool:
    """True for a sitemap index (plain or gzipped), whose children must be fetched every run.

    An index can stay byte-for-byte the same while the sitemaps it lists grow.

    >>> _is_sitemap_index(b'<?xml version="1.0"?><sitemapindex xmlns="...">')
    True
    >>> import gzip; _is_sitemap_index(gzip.compress(b"<sitemapindex>")), _is_sitemap_index(b"<rss>")
    (True, False)
    """
    head = body[:_INDEX_SNIFF_BYTES]
    if body[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(body, _INDEX_SNIFF_BYTES)
        except zlib.error:
            return False
    return _SITEMAP_INDEX in head
