"""Drop responses that are not what the crawl asked for, before any parser reads them.

- A page whose first bytes are those of a PDF, an image, an archive or an
  executable, or that holds NUL bytes where text should be, is dropped whatever
  its ``Content-Type`` says: extraction would turn it into a record of junk.
  Counted under ``newscrawl/safety/not_html/<format>``.
- A feed or sitemap that declares XML entities (the vehicle of external-entity
  and entity-expansion attacks) is dropped; counted under
  ``newscrawl/safety/xml_entities``. Discovery refuses such documents too; this
  middleware counts them and drops them before the spider sees them.

It sits after decompression (below ``HttpCompressionMiddleware``'s 590), so it
reads the bytes the spider would read.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from newscrawl.discovery.sources import declares_entities

logger = logging.getLogger(__name__)

#: Leading bytes of formats that servers send as ``text/html`` by mistake, or on purpose.
MAGIC_NUMBERS = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"RIFF", "riff"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x7fELF", "elf"),
)
#: Byte-order marks of the encodings in which NUL bytes are text.
WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")
SNIFF_BYTES = 1024
XML_KINDS = frozenset({"feed", "sitemap"})


def binary_format(body: bytes) -> str | None:
    """The format of a body that is not text, or ``None`` for text.

    >>> binary_format(b"%PDF-1.7\\n..."), binary_format(b"\\x89PNG\\r\\n\\x1a\\n..."), binary_format(b"\\x01\\x00\\x02")
    ('pdf', 'png', 'binary')
    >>> binary_format(b"<!doctype html><p>caf\\xc3\\xa9</p>"), binary_format(b"")
    (None, None)

    UTF-16 text holds NUL bytes too; it is text when it starts with its byte-order mark:

    >>> binary_format("<p>text</p>".encode("utf-16")) is None
    True
    """
    head = body[:SNIFF_BYTES]
    for magic, name in MAGIC_NUMBERS:
        if head.startswith(magic):
            return name
    if b"\x00" in head and not head.startswith(WIDE_BOMS):
        return "binary"
    return None


class ResponseSafetyMiddleware:
    """Drop pages that are binary files and feeds or sitemaps that declare XML entities."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseSafetyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        kind = request.meta.get("kind")
        if kind == "page":
            found = binary_format(response.body)
            if found:
                self._drop(f"not_html/{found}", "%s: body is %s, not HTML (Content-Type %r); dropped",
                           response.url, found, _content_type(response))
        elif kind in XML_KINDS and declares_entities(response.body):
            self._drop("xml_entities", "%s: %s declares XML entities (XXE or entity expansion); "
                       "dropped", response.url, kind)
        return response

    def _drop(self, reason: str, message: str, *args) -> None:
        self.stats.inc_value(f"newscrawl/safety/{reason}")
        logger.warning(message, *args)
        raise IgnoreRequest(message % args)


def _content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1")
