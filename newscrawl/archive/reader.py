"""Read archived pages back from WARC files: newscrawl's own archive or Common Crawl's CC-NEWS.

:func:`read_archive` streams one WARC file (a local path or an http(s) URL) and
yields an :class:`ArchivedPage` for each HTML page an HTTP 200 ``response``
record holds, and a :class:`Skipped` (with its reason) for every other record,
so that a caller can count each one. Nothing in a file makes it raise: a record
cut short, corrupt, longer or shorter than its ``Content-Length``, not HTML, or
a decompression bomb is skipped under its own reason and reading goes on at the
next record. Records are split with :mod:`newscrawl.archive.members` and their
headers parsed with warcio's parser.
"""

from __future__ import annotations

import io
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from warcio.statusandheaders import (
    StatusAndHeaders,
    StatusAndHeadersParser,
    StatusAndHeadersParserException,
)

from newscrawl.archive.members import Broken, Member, iter_members
from newscrawl.middlewares.safety import binary_format
from newscrawl.urls import is_http_url

#: Headers newscrawl adds to the response records of its own archive.
SITE_HEADER = "Newscrawl-Site"
SOURCE_HEADER = "Newscrawl-Discovered-By"
HINT_TITLE_HEADER = "Newscrawl-Hint-Title"
HINT_PUBLISHED_HEADER = "Newscrawl-Hint-Published"
_WARC_PARSER = StatusAndHeadersParser(["WARC/1.0", "WARC/1.1"])
_HTTP_PARSER = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)
_RECORD_END = b"\r\n\r\n"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_DECOMPRESSORS = {"gzip": 31, "x-gzip": 31, "deflate": 15}
_HTTP_TIMEOUT = 60
#: What warcio's header parser raises on a header block that is not one.
_HEADER_ERRORS = (StatusAndHeadersParserException, EOFError, ValueError)
#: ``(url, WARC-Date) -> reason`` for a page to leave out before its body is read, or ``None``.
PageFilter = Callable[[str, str], "str | None"]


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """One archived HTML page and where it is: ``location`` is ``{file, recordId, offset}``."""

    url: str
    date: str
    body: bytes
    content_type: str
    location: dict
    site: str | None = None
    source: str | None = None
    hint: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that gives no page, and why (``not_response``, ``truncated``, ``not_html``, ...)."""

    reason: str
    offset: int


@contextmanager
def open_source(source: str) -> Iterator[BinaryIO]:
    """A WARC file, local or over http(s), as a stream read from start to end."""
    if is_http_url(source):
        with urllib.request.urlopen(source, timeout=_HTTP_TIMEOUT) as stream:
            yield stream
    else:
        with open(source, "rb") as stream:
            yield stream


def read_archive(source: str, max_bytes: int, keep: PageFilter | None = None,
                 name: str | None = None) -> Iterator[ArchivedPage | Skipped]:
    """Every record of the WARC file ``source``, as a page or as the reason it gives none.

    ``name`` is the file name that page locations carry (default: ``source``).
    """
    with open_source(source) as stream:
        yield from read_stream(stream, name or source, max_bytes, keep)


def read_stream(stream: BinaryIO, name: str, max_bytes: int,
                keep: PageFilter | None = None) -> Iterator[ArchivedPage | Skipped]:
    for member in iter_members(stream, max_bytes):
        if isinstance(member, Broken):
            yield Skipped(member.reason, member.offset)
        else:
            yield archived_page(member, name, max_bytes, keep)


def read_page_at(path: str, offset: int, max_bytes: int) -> ArchivedPage | Skipped:
    """The page of the record at ``offset`` in the WARC file ``path``."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        for member in iter_members(stream, max_bytes):
            if isinstance(member, Broken):
                return Skipped(member.reason, offset + member.offset)
            member = Member(offset, member.length, member.data)
            return archived_page(member, path, max_bytes)
    return Skipped("truncated", offset)


def archived_page(member: Member, name: str, max_bytes: int,
                  keep: PageFilter | None = None) -> ArchivedPage | Skipped:
    """The page one WARC record holds, or why it holds none."""
    stream = io.BytesIO(member.data)
    try:
        warc = _WARC_PARSER.parse(stream)
    except _HEADER_ERRORS:
        return Skipped("corrupt", member.offset)
    if warc.get_header("WARC-Type") != "response":
        return Skipped("not_response", member.offset)
    block = _record_block(stream, warc)
    if block is None:
        return Skipped("bad_length", member.offset)
    url = warc.get_header("WARC-Target-URI", "").strip("<>")  # WARC/1.1 may bracket it
    date = warc.get_header("WARC-Date", "")
    reason = "not_http_url" if not is_http_url(url) else keep and keep(url, date)
    if reason:
        return Skipped(reason, member.offset)
    return _http_page(block, warc, url, date, _location(member, name, warc), max_bytes)


def _record_block(stream: io.BytesIO, warc: StatusAndHeaders) -> bytes | None:
    """The record's block, when exactly ``Content-Length`` bytes precede the record's end."""
    try:
        length = int(warc.get_header("Content-Length", ""))
    except ValueError:
        return None
    rest = stream.read()
    if len(rest) != length + len(_RECORD_END) or not rest.endswith(_RECORD_END):
        return None
    return rest[:length]


def _http_page(block: bytes, warc: StatusAndHeaders, url: str, date: str, location: dict,
               max_bytes: int) -> ArchivedPage | Skipped:
    stream = io.BytesIO(block)
    try:
        http = _HTTP_PARSER.parse(stream)
    except _HEADER_ERRORS:
        return Skipped("not_http", location["offset"])
    if not http.protocol.startswith("HTTP/"):
        return Skipped("not_http", location["offset"])
    if http.get_statuscode() != "200":
        return Skipped("http_status", location["offset"])
    content_type = http.get_header("Content-Type", "")
    if content_type and not content_type.lower().startswith(_HTML_TYPES):
        return Skipped("not_html", location["offset"])
    body = _decoded(stream.read(), http.get_header("Content-Encoding", "identity"), max_bytes)
    if isinstance(body, str):
        return Skipped(body, location["offset"])
    if binary_format(body):
        return Skipped("not_html", location["offset"])
    return ArchivedPage(url, date, body, content_type, location, warc.get_header(SITE_HEADER),
                        warc.get_header(SOURCE_HEADER), _hint(warc))


def _decoded(body: bytes, encoding: str, max_bytes: int) -> bytes | str:
    """The body with its ``Content-Encoding`` undone, or why it cannot be.

    >>> import gzip
    >>> _decoded(gzip.compress(b"<p>hi</p>"), "gzip", 100), _decoded(b"<p>", "identity", 100)
    (b'<p>hi</p>', b'<p>')
    >>> _decoded(gzip.compress(b"0" * 1000), "gzip", 100), _decoded(gzip.compress(b"<p>")[:-9], "gzip", 100)
    ('decompression_bomb', 'truncated_compression')
    """
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body if len(body) <= max_bytes else "too_large"
    if encoding not in _DECOMPRESSORS:
        return "unsupported_encoding"
    decompressor = zlib.decompressobj(_DECOMPRESSORS[encoding])
    try:
        decoded = decompressor.decompress(body, max_bytes + 1)
    except zlib.error:
        return "truncated_compression"
    if len(decoded) > max_bytes:
        return "decompression_bomb"
    return decoded if decompressor.eof else "truncated_compression"


def _location(member: Member, name: str, warc: StatusAndHeaders) -> dict:
    return {"file": name, "recordId": warc.get_header("WARC-Record-ID", ""), "offset": member.offset}


def _hint(warc: StatusAndHeaders) -> dict:
    """The title and date a feed or sitemap gave for the page, as the archive kept them."""
    hint = {"title": warc.get_header(HINT_TITLE_HEADER), "published": warc.get_header(HINT_PUBLISHED_HEADER)}
    return {key: value for key, value in hint.items() if value}
