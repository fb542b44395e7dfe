"""Archive every page the crawl fetches (``NEWSCRAWL_ARCHIVE``), and say where in its record.

:class:`ArchiveMiddleware` (a downloader middleware below decompression and the
safety checks, so it keeps the bytes the spider reads) writes each page
response and its request to the run's WARC files and puts the response record's
location in ``request.meta["archive"]``; :class:`ArchiveLocationMiddleware` (a
spider middleware) copies it into ``metadata.archive`` of the records made from
that page. Before a batch of records is published (the ``batch_publishing`` signal), the
file being written is finished, so a published record never points at a file that is not
whole, fsynced and visible (:mod:`newscrawl.archive.writer` says why). Counted under
``newscrawl/archive/records`` and ``newscrawl/archive/files``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from newscrawl.archive.reader import (
    HINT_PUBLISHED_HEADER,
    HINT_TITLE_HEADER,
    SITE_HEADER,
    SOURCE_HEADER,
)
from newscrawl.archive.writer import ArchiveWriter, Exchange
from newscrawl.context import batch_publishing, crawl_context

META_KEY = "archive"


class ArchiveMiddleware:
    """Write page responses and their requests to WARC files rotated by size."""

    def __init__(self, crawler: Crawler, writer: ArchiveWriter):
        self.stats = crawler.stats
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_ARCHIVE"):
            raise NotConfigured  # off by default: no message, so Scrapy does not warn on every crawl
        writer = ArchiveWriter(Path(settings.get("NEWSCRAWL_ARCHIVE_DIR")), crawl_context(crawler).run.name,
                               settings.getint("NEWSCRAWL_ARCHIVE_MAX_BYTES"))
        middleware = cls(crawler, writer)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.batch_publishing, signal=batch_publishing)
        return middleware

    def spider_opened(self) -> None:
        recovered = self.writer.open_and_recover()
        self.stats.inc_value("newscrawl/archive/recovered", len(recovered))

    def batch_publishing(self) -> None:
        """Finish the file the batch's records may point into before the batch is published."""
        self.writer.rotate()

    def spider_closed(self) -> None:
        self.writer.rotate()
        self.stats.set_value("newscrawl/archive/files", len(self.writer.finished))

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("kind") == "page" and 200 <= response.status < 300:
            request.meta[META_KEY] = self.writer.write(exchange_of(request, response))
            self.stats.inc_value("newscrawl/archive/records")
            self.stats.inc_value("newscrawl/archive/bytes", len(response.body))
        return response


def exchange_of(request: Request, response: Response) -> Exchange:
    """What the archive keeps of a page fetch, with the site, source and hint of its request."""
    hint = request.meta.get("hint")
    extra = {SITE_HEADER: request.meta.get("site"), SOURCE_HEADER: request.meta.get("source"),
             HINT_TITLE_HEADER: getattr(hint, "title", None),
             HINT_PUBLISHED_HEADER: getattr(hint, "published", None)}
    return Exchange(response.url, request.method, _pairs(request.headers), response.status,
                    _pairs(response.headers), response.body,
                    {name: value for name, value in extra.items() if value})


def _pairs(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


class ArchiveLocationMiddleware:
    """Put the page's archive location into ``metadata.archive`` of the records made from it."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveLocationMiddleware:
        if not crawler.settings.getbool("NEWSCRAWL_ARCHIVE"):
            raise NotConfigured  # off by default: no message, so Scrapy does not warn on every crawl
        return cls()

    def process_spider_output(self, response: Response, result: Iterable) -> Iterator:
        location = response.meta.get(META_KEY)
        for output in result:
            yield _located(output, location)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator) -> AsyncIterator:
        location = response.meta.get(META_KEY)
        async for output in result:
            yield _located(output, location)


def _located(output, location: dict | None):
    if location and isinstance(output, dict) and isinstance(output.get("metadata"), dict):
        output["metadata"][META_KEY] = location
    return output
