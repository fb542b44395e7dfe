"""Backpressure on big pages: the crawl's process holds at most ``NEWSCRAWL_MAX_HELD_PAGE_BYTES`` of them.

Scrapy stops sending requests once the pages waiting for the spider pass
``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` (5 MB), but downloads already under way still land: up to
``CONCURRENT_REQUESTS`` pages of up to ``DOWNLOAD_MAXSIZE`` each, held in the crawl's process while
the page workers are busy. This middleware counts the announced length of each big page (a
``Content-Length`` of :data:`BIG_BYTES` or more) from its headers until its request is gone (the
response holds the request until it is processed). A big page that would take the count past the
limit is stopped at its headers, before any of its body is read, and sent again once a held page
is gone; counted as ``newscrawl/page_bytes/deferred``. When no big page is held, one is always let
through, so a page over the limit on its own is still fetched; a page waits at most
:data:`WAIT_SECONDS`. A body without a length (chunked) is not counted.
"""

from __future__ import annotations

import logging
import weakref

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, StopDownload
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer

logger = logging.getLogger(__name__)

BIG_BYTES = 1024 * 1024
WAIT_SECONDS = 60.0
_WAITING = "newscrawl_page_bytes_waiting"  # request.meta: stopped here, for want of room
_WAITED = "newscrawl_page_bytes_waited"  # request.meta: stopped before, goes before pages that were not


class PageBytesLimit:
    """Lets a big page's body download only while the big pages held stay within ``most`` bytes;
    pages stopped for want of room go again in the order they were stopped."""

    def __init__(self, crawler: Crawler, most: int):
        self.most = most
        self.held = 0
        self.stats = crawler.stats
        self._holds: weakref.WeakKeyDictionary[Request, _Hold] = weakref.WeakKeyDictionary()
        self._waiters: list[defer.Deferred] = []
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageBytesLimit:
        most = crawler.settings.getint("NEWSCRAWL_MAX_HELD_PAGE_BYTES")
        if not most:
            raise NotConfigured("NEWSCRAWL_MAX_HELD_PAGE_BYTES is 0")
        return cls(crawler, most)

    def headers_received(self, headers, body_length: int, request: Request, spider) -> None:
        """Hold a big page's length until it is processed, or stop it when there is no room
        (or, for a page not stopped before, when stopped pages wait)."""
        if body_length < BIG_BYTES:
            return
        waited = request.meta.get(_WAITED, False)
        if self.held and (self.held + body_length > self.most or (self._waiters and not waited)):
            request.meta[_WAITING] = True
            raise StopDownload(fail=True)
        self.held += body_length
        hold = self._holds[request] = _Hold(self, body_length)
        weakref.finalize(request, hold.release)  # should the download fail after its headers

    def response_received(self, response, request: Request, spider) -> None:
        """The room kept for a page goes with its response, once that is processed."""
        hold = self._holds.pop(request, None)
        if hold is not None:
            weakref.finalize(response, hold.release)

    async def process_exception(self, request: Request, exception: Exception, spider=None) -> Request | None:
        """A page stopped for want of room goes again once a held page is gone (or after
        :data:`WAIT_SECONDS`, should one outlive its processing)."""
        if not (isinstance(exception, StopDownload) and request.meta.pop(_WAITING, False)):
            return None
        self.stats.inc_value("newscrawl/page_bytes/deferred")
        waiter = defer.Deferred()
        self._waiters.append(waiter)
        if not self.held:
            self._wake()
        try:
            await maybe_deferred_to_future(waiter.addTimeout(WAIT_SECONDS, _reactor()))
        except defer.TimeoutError:
            self._waiters.remove(waiter)
            logger.info("no room for a big page after %s s; asking again: %s", WAIT_SECONDS, request.url)
        again = request.replace(dont_filter=True)
        again.meta[_WAITED] = True
        return again

    def release(self, length: int) -> None:
        """Give back the room of a page that is gone, and let the page that waited longest go."""
        self.held -= length
        _reactor().callFromThread(self._wake)  # not inside whatever dropped the page

    def _wake(self) -> None:
        if self._waiters:
            self._waiters.pop(0).callback(None)


class _Hold:
    """The room kept for one page, given back once."""

    def __init__(self, limit: PageBytesLimit, length: int):
        self.limit, self.length = limit, length

    def release(self) -> None:
        limit, self.limit = self.limit, None
        if limit is not None:
            limit.release(self.length)


def _reactor():
    from twisted.internet import reactor  # the one Scrapy installed

    return reactor
