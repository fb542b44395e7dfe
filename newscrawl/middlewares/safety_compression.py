"""``HttpCompressionMiddleware`` that counts decompression bombs and refuses truncated streams.

Scrapy stops decompressing at ``DOWNLOAD_MAXSIZE`` (gzip, deflate, brotli and
zstd alike) and drops the response with a warning, but counts nothing; this
subclass counts each under ``newscrawl/safety/decompression_bomb``.

Scrapy also returns "as much data as possible" of a compressed stream that ends
early, which would publish the first half of an article as if it were all of it.
A stream that does not reach its end is dropped and counted under
``newscrawl/safety/truncated_compression``: the page is fetched again next run.
"""

from __future__ import annotations

import logging
import sys
import zlib

import brotli
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd  # Scrapy's own dependency before Python 3.14

logger = logging.getLogger(__name__)

_GZIP_WBITS = 31
_ZLIB_WBITS = 15
_RAW_DEFLATE_WBITS = -15


def _gzip_complete(body: bytes) -> bool:
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    decompressor.decompress(body)
    return decompressor.eof


def _deflate_complete(body: bytes) -> bool:
    """Deflate as servers send it: zlib-wrapped, or raw as some Microsoft servers do."""
    for wbits in (_ZLIB_WBITS, _RAW_DEFLATE_WBITS):
        decompressor = zlib.decompressobj(wbits)
        try:
            decompressor.decompress(body)
        except zlib.error:
            continue
        return decompressor.eof
    return False


def _brotli_complete(body: bytes) -> bool:
    decompressor = brotli.Decompressor()
    try:
        decompressor.process(body)
    except brotli.error:
        return False
    return decompressor.is_finished()


def _zstd_complete(body: bytes) -> bool:
    decompressor = zstd.ZstdDecompressor()
    try:
        decompressor.decompress(body)
    except zstd.ZstdError:
        return False
    return decompressor.eof


_COMPLETE = {b"gzip": _gzip_complete, b"x-gzip": _gzip_complete, b"deflate": _deflate_complete,
             b"br": _brotli_complete, b"zstd": _zstd_complete}


def stream_complete(body: bytes, content_encoding: bytes) -> bool:
    """Whether a body compressed with one ``Content-Encoding`` runs to the end of its stream.

    Other and stacked encodings are taken as complete: Scrapy leaves them as they are.

    >>> import gzip
    >>> whole = gzip.compress(b"<p>" + b"text " * 1000)
    >>> stream_complete(whole, b"gzip"), stream_complete(whole[:len(whole) // 2], b"gzip")
    (True, False)
    >>> stream_complete(brotli.compress(b"text"), b"BR"), stream_complete(b"anything", b"identity")
    (True, True)
    """
    check = _COMPLETE.get(content_encoding.strip().lower())
    return check is None or check(body)


class SafeHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Decompress as Scrapy does; count bombs, drop truncated streams."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        encodings = response.headers.getlist("Content-Encoding")  # super() deletes the header
        try:
            decoded = super().process_response(request, response)
        except IgnoreRequest:  # Scrapy has logged it: over DOWNLOAD_MAXSIZE once decompressed
            self.stats.inc_value("newscrawl/safety/decompression_bomb")
            raise
        if decoded is not response and len(encodings) == 1 and not stream_complete(response.body, encodings[0]):
            self.stats.inc_value("newscrawl/safety/truncated_compression")
            message = (f"{response.url}: {encodings[0].decode('latin-1')} stream ends early; "
                       "dropped rather than publish part of the page")
            logger.warning(message)
            raise IgnoreRequest(message)
        return decoded
