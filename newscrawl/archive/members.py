"""Split a WARC file compressed record by record into its gzip members, whatever is broken.

A WARC file as Common Crawl and newscrawl write it is a series of gzip members,
one record each. Reading member by member (rather than as one gzip stream) lets
a reader start at any record's offset, step over a member that is corrupt or
cut short instead of losing the rest of the file, and bound what one member may
expand to: a member larger than ``max_bytes`` decompressed is read through in
bounded steps and reported, never held in memory.

:func:`iter_members` yields a :class:`Member` for each whole member and a
:class:`Broken` (with its reason) for each that is not; it holds one member's
compressed bytes, one read chunk and at most ``max_bytes`` of output at a time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b\x08"
_GZIP_WBITS = 31
READ_CHUNK = 1 << 20
_FEED = 1 << 16  # compressed bytes handed to zlib per call
_DRAIN_STEP = 1 << 20  # output per call while a too-large member is read through


@dataclass(frozen=True, slots=True)
class Member:
    """One whole gzip member: its offset and compressed length in the file, and its content."""

    offset: int
    length: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Broken:
    """A member that cannot be read whole: ``truncated``, ``corrupt`` or ``too_large``."""

    offset: int
    reason: str


class _Buffer:
    """Compressed bytes of a stream, read in chunks; ``pos`` is where reading stands."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.data = bytearray()
        self.base = 0  # file offset of data[0]
        self.pos = 0

    @property
    def offset(self) -> int:
        return self.base + self.pos

    @property
    def available(self) -> int:
        return len(self.data) - self.pos

    def fill(self, keep_from: int | None = None) -> bool:
        """Read one more chunk, forgetting what lies before ``pos`` (or the file offset
        ``keep_from``); ``False`` at the end of the stream."""
        chunk = self.stream.read(READ_CHUNK)
        forget = self.pos if keep_from is None else min(self.pos, keep_from - self.base)
        del self.data[:forget]
        self.base += forget
        self.pos -= forget
        self.data += chunk
        return bool(chunk)

    def take(self, size: int) -> bytes:
        return bytes(self.data[self.pos:self.pos + size])


def iter_members(stream: BinaryIO, max_bytes: int) -> Iterator[Member | Broken]:
    """The gzip members of ``stream`` in order; a broken one is reported and stepped over.

    >>> import gzip, io
    >>> data = gzip.compress(b"one") + b"junk" + gzip.compress(b"two")
    >>> [(type(m).__name__, m.offset) for m in iter_members(io.BytesIO(data), 100)]
    [('Member', 0), ('Broken', 23), ('Member', 27)]
    >>> [(type(m).__name__, getattr(m, "reason", "")) for m in iter_members(io.BytesIO(data[:30]), 100)]
    [('Member', ''), ('Broken', 'corrupt'), ('Broken', 'truncated')]
    """
    buffer = _Buffer(stream)
    reported = False  # bytes right after a broken member belong to it: not reported again
    while buffer.available or buffer.fill():
        found = buffer.data.find(GZIP_MAGIC, buffer.pos)
        if found == buffer.pos:
            member = _read_member(buffer, max_bytes)
            reported = isinstance(member, Broken)
            yield member
        elif found > 0 or not buffer.fill():  # garbage up to the next member, or to the end
            found = buffer.data.find(GZIP_MAGIC, buffer.pos)
            if not reported:
                yield Broken(buffer.offset, "corrupt")
            reported = True
            buffer.pos = found if found >= 0 else len(buffer.data)


def _read_member(buffer: _Buffer, max_bytes: int) -> Member | Broken:
    """Decompress the member at ``buffer.pos`` and move past it."""
    offset = buffer.offset
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    pieces, size = [], 0
    try:
        while not decompressor.eof:
            if not buffer.available and not buffer.fill(keep_from=offset):
                return Broken(offset, "truncated")
            piece = _feed(buffer, decompressor, max_bytes + 1 - size)
            size += len(piece)
            pieces.append(piece)
            if size > max_bytes:
                return _drain(buffer, decompressor, offset)
    except zlib.error:
        buffer.pos = offset - buffer.base + 1  # look for the next member after this one's start
        return Broken(offset, "corrupt")
    return Member(offset, buffer.offset - offset, b"".join(pieces))


def _feed(buffer: _Buffer, decompressor, limit: int) -> bytes:
    """Decompress up to ``limit`` bytes from ``buffer.pos`` on; move ``pos`` past what was used."""
    window = buffer.take(_FEED)
    piece = decompressor.decompress(window, limit)
    left = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
    buffer.pos += len(window) - len(left)
    return piece


def _drain(buffer: _Buffer, decompressor, offset: int) -> Broken:
    """Read through the rest of a member too large to keep, in bounded steps."""
    try:
        while not decompressor.eof:
            if not buffer.available and not buffer.fill():
                break
            _feed(buffer, decompressor, _DRAIN_STEP)
    except zlib.error:
        pass  # the member is reported as too large either way; go on from here
    return Broken(offset, "too_large")
