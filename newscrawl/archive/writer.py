"""Write fetched pages to WARC files that appear whole or not at all.

Each page is one ``request`` and one ``response`` record (WARC/1.0, a gzip
member each, written with warcio) appended to a hidden
``.<run>-<NNNNN>.warc.gz.part`` file in the archive directory. A file is
finished (:meth:`ArchiveFile.finish`: fsynced, renamed to
``<run>-<NNNNN>.warc.gz``, the directory fsynced) once it reaches
``max_bytes``, before each batch of records is published (the
``batch_publishing`` signal, see :mod:`newscrawl.archive.middleware`), and at
the end of the run.

Finishing the file at each batch is what makes the archive safe beside the
published batches: every record of a batch comes from a page archived before
the record was made, so once the current file is finished, every page the batch
points to is in a whole, fsynced, visible file, before the batch is even fsynced.
Whatever moment the crawl is killed or the power fails at, a published record
(committed, or pending and committed by the next run) names a file that exists
under that name with its page in it, and anyone can read it back (``scrapy
extract``, ``scrapy reextract``, another WARC tool) with no recovery step and
no knowledge of ``.part`` names. The other ways were weaker: fsyncing the
``.part`` file at each batch makes the bytes durable, but the file stays hidden
until it is full (up to 1 GiB, hours of crawling) or until the next crawl
recovers it, so every reader would have to know to look for hidden files. The
cost is one fsync and one rename per batch that archived pages (a batch is 1,000
records or 60 s by default), and files smaller than ``max_bytes`` when batches
are small.

A ``.part`` file therefore holds only pages no published record points to yet.
Each record is still flushed to the operating system as it is written, so that
what a killed crawl fetched is kept: the next archive writer on the directory
finishes such a file (:meth:`ArchiveWriter.recover`): it is cut after its last
whole record, fsynced and renamed. While a writer has a ``.part`` file, it holds
a lock on it, so a second crawl archiving into the same directory never
finishes a live file.
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.archive.members import Member, iter_members
from newscrawl.pipelines.publish import fsync_directory

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
WARC_SUFFIX = ".warc.gz"
#: Hop-by-hop and encoding headers: the archived body is the decoded one the spider read.
_REPLACED_HEADERS = {"content-length", "content-encoding", "transfer-encoding"}


@dataclass(frozen=True)
class Exchange:
    """What the archive keeps of one fetch; ``extra`` are newscrawl's own WARC headers."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    extra: dict[str, str]


def final_name(part: Path) -> str:
    """The name a ``.part`` file is published under.

    >>> final_name(Path("archive/.20261206T050000Z-ab12cd34-00001.warc.gz.part"))
    '20261206T050000Z-ab12cd34-00001.warc.gz'
    """
    return part.name[1:].removesuffix(PART_SUFFIX)


def archived_headers(headers: list[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """HTTP headers as archived: the encoding undone, kept as ``X-Crawler-*`` as Common Crawl does.

    >>> archived_headers([("Content-Encoding", "gzip"), ("Content-Type", "text/html")], 12)
    [('X-Crawler-Content-Encoding', 'gzip'), ('Content-Type', 'text/html'), ('Content-Length', '12')]
    """
    kept = [(f"X-Crawler-{name}" if name.lower() in _REPLACED_HEADERS else name, value)
            for name, value in headers if name.lower() != "content-length"]
    return [*kept, ("Content-Length", str(body_length))]


class ArchiveFile:
    """One WARC file being written under its hidden ``.part`` name, locked while it is."""

    def __init__(self, part: Path):
        self.part = part
        self.name = final_name(part)
        self._file: BinaryIO = open(part, "xb")
        fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.0")

    @property
    def size(self) -> int:
        return self._file.tell()

    def write(self, exchange: Exchange) -> dict:
        """Append the request and response records; return the response record's location."""
        request = self._writer.create_warc_record(
            exchange.url, "request", payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"{exchange.method} {_path(exchange.url)} HTTP/1.1",
                                          exchange.request_headers, is_http_request=True))
        self._writer.write_record(request)
        offset = self._file.tell()
        http = StatusAndHeaders(f"{exchange.status} {_reason(exchange.status)}",
                                archived_headers(exchange.response_headers, len(exchange.body)),
                                protocol="HTTP/1.1")
        response = self._writer.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.body), length=len(exchange.body),
            http_headers=http, warc_headers_dict=exchange.extra)
        response.rec_headers.add_header("WARC-Concurrent-To", request.rec_headers.get_header("WARC-Record-ID"))
        self._writer.write_record(response)
        self._file.flush()  # a killed crawl's pages are kept, finished by the next writer
        return {"file": self.name, "recordId": response.rec_headers.get_header("WARC-Record-ID"),
                "offset": offset}

    def finish(self) -> Path:
        """fsync, rename to the final name, fsync the directory."""
        self._file.flush()
        os.fsync(self._file.fileno())
        final = self.part.with_name(self.name)
        os.replace(self.part, final)
        fsync_directory(self.part.parent)
        self._file.close()  # releases the lock
        return final


class ArchiveWriter:
    """The WARC files of one run, rotated by size, in ``directory``."""

    def __init__(self, directory: Path, run_name: str, max_bytes: int):
        self.directory = directory
        self.run_name = run_name
        self.max_bytes = max_bytes
        self.current: ArchiveFile | None = None
        self.number = 0
        self.finished: list[Path] = []

    def open_and_recover(self) -> list[Path]:
        """Make the directory; finish what killed writers left in it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.recover()

    def write(self, exchange: Exchange) -> dict:
        if self.current is None:
            self.number += 1
            part = self.directory / f".{self.run_name}-{self.number:05d}{WARC_SUFFIX}{PART_SUFFIX}"
            self.current = ArchiveFile(part)
        location = self.current.write(exchange)
        if self.current.size >= self.max_bytes:
            self.rotate()
        return location

    def rotate(self) -> None:
        """Finish the current file, if any."""
        if self.current is not None:
            self.finished.append(self.current.finish())
            logger.info("archived pages to %s", self.finished[-1])
            self.current = None

    def recover(self) -> list[Path]:
        """Finish the ``.part`` files of killed writers: cut after the last whole record, rename."""
        recovered = []
        for part in sorted(self.directory.glob(f".*{WARC_SUFFIX}{PART_SUFFIX}")):
            with open(part, "r+b") as file:
                try:
                    fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer's file
                end = whole_records_end(file)
                file.truncate(end)
                os.fsync(file.fileno())
                if end:
                    os.replace(part, part.with_name(final_name(part)))
                    recovered.append(part.with_name(final_name(part)))
                else:
                    part.unlink()
            logger.info("archive: finished %s left by a killed crawl (%d bytes)", part.name, end)
        fsync_directory(self.directory)
        return recovered


def whole_records_end(file: BinaryIO) -> int:
    """The offset just after the last whole gzip member at the start of ``file``."""
    file.seek(0)
    end = 0
    for member in iter_members(file, max_bytes=1 << 62):
        if not isinstance(member, Member) or member.offset != end:
            break
        end = member.offset + member.length
    return end


def _path(url: str) -> str:
    """The request target of ``url``.

    >>> _path("https://e.com/a/b?x=1"), _path("https://e.com")
    ('/a/b?x=1', '/')
    """
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    """The reason phrase of an HTTP status.

    >>> _reason(200), _reason(299)
    ('OK', 'OK')
    """
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "OK"
