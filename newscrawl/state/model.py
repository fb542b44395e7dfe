"""What the state store remembers: articles, batches, feed validators, and its error.

Plain values shared by every backend (:mod:`newscrawl.state.sqlite`,
:mod:`newscrawl.state.redis`) and by the components that read the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from newscrawl.extraction.dates import utc_moment
from newscrawl.extraction.words import pieces
from newscrawl.urls import record_id


class StateError(RuntimeError):
    """The state store cannot be opened or used; the message names it."""


class StaleBatch(StateError):
    """A pending batch that may no longer be committed: its worker's lease lapsed and another
    worker took over or published one of its articles. It is rolled back, never committed."""


@dataclass(frozen=True)
class Article:
    """One published article as the state store remembers it.

    ``url_keys`` are the record ids of the URLs it was fetched under (so a link to
    it can be skipped before download), ``modified`` the instant our copy is current
    as of (the page's own date or its download, whichever is later; a
    :func:`comparable_date`), ``signature`` its near-duplicate MinHash (empty for
    short bodies).
    """

    id: str
    url: str
    site: str
    fingerprint: str
    modified: str
    url_keys: tuple[str, ...] = ()
    version: int = 1
    duplicate_of: str | None = None
    signature: tuple[int, ...] = ()

    def to_json(self) -> dict:
        return dict(vars(self))  # not asdict(), which deep-copies every value: 20 times slower

    @classmethod
    def from_json(cls, data: Mapping) -> Article:
        """The inverse of :meth:`to_json`.

        >>> a = Article("i", "https://e.com/a", "s", "f", "2026-01-01T00:00:00Z", ("k",), 2, None, (1, 2))
        >>> Article.from_json(json.loads(json.dumps(a.to_json()))) == a
        True
        """
        return cls(**{**data, "url_keys": tuple(data["url_keys"]),
                      "signature": tuple(data["signature"])})


@dataclass(frozen=True)
class Batch:
    """A file of records being published into ``directory`` under ``name``."""

    name: str
    directory: str
    articles: tuple[Article, ...]


class Validators(NamedTuple):
    """What a server said about a feed or sitemap, for a conditional request next time."""

    etag: str | None
    last_modified: str | None



def comparable_date(value: str | None) -> str | None:
    """An ISO 8601 date or date-time as a UTC instant string that sorts in time order.

    A date alone is its midnight, a time without offset is taken as UTC;
    anything unparsable is ``None``.

    >>> comparable_date("2026-11-10T09:15:00+01:00")
    '2026-11-10T08:15:00Z'
    >>> comparable_date("2026-11-10"), comparable_date("yesterday"), comparable_date(None)
    ('2026-11-10T00:00:00Z', None, None)
    """
    moment = utc_moment(value)
    return None if moment is None else f"{moment.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"


def utc_now() -> str:
    """Now, in the form of :func:`comparable_date`."""
    return f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"


def body_fingerprint(body: str) -> str:
    """SHA-256 of the body with white space folded and case ignored: of
    ``" ".join(body.casefold().split())``, hashed piece by piece
    (:func:`~newscrawl.extraction.words.pieces`: no word spans two, and case folding keeps white
    space white space and the rest not), so that a hostile body's words are never all in one list
    (800,000 of them cost the crawl's process ~50 MB).

    >>> body_fingerprint("Hello  World") == body_fingerprint("hello world")
    True
    >>> body = "Ünïcode  WORDS\u3000and\tspaces " * 5000
    >>> body_fingerprint(body) == hashlib.sha256(" ".join(body.casefold().split()).encode()).hexdigest()
    True
    """
    digest, separator = hashlib.sha256(), b""
    for piece in pieces(body):
        words = piece.casefold().split()
        if words:
            digest.update(separator + " ".join(words).encode("utf-8"))
            separator = b" "
    return digest.hexdigest()


def record_modified(record: dict) -> str | None:
    """When the page says it last changed: ``dateModified``, else ``datePublished``.

    >>> record_modified({"dateModified": None, "datePublished": "2026-11-03T09:15:00+01:00"})
    '2026-11-03T08:15:00Z'
    """
    return comparable_date(record.get("dateModified") or record.get("datePublished"))


def current_as_of(record: dict) -> str:
    """The instant our copy of a page is current as of: its own date or when it was
    downloaded, whichever is later (a sitemap lastmod before it is nothing new).

    >>> current_as_of({"dateModified": "2026-11-12T08:00:00Z",
    ...                "metadata": {"dateDownloaded": "2026-11-20T10:00:00+00:00"}})
    '2026-11-20T10:00:00Z'
    """
    dates = (record_modified(record), comparable_date(record["metadata"].get("dateDownloaded")))
    return max(filter(None, dates), default=None) or utc_now()


def article_of(record: dict, signature: tuple[int, ...] = ()) -> Article:
    """What the state store remembers of a record: the one record -> :class:`Article` conversion.

    The fingerprint and version are those the dedupe pipeline wrote into the record's
    ``metadata`` (for a record no dedupe pipeline saw: its body's fingerprint, version 1);
    ``signature`` is its near-duplicate MinHash, when one was computed.

    >>> a = article_of({"id": "i", "url": "https://e.com/a?utm_source=x", "canonicalUrl": None,
    ...                 "articleBody": "Text", "duplicateOf": "j", "datePublished": "2026-11-03",
    ...                 "metadata": {"site": "e", "version": 2, "dateDownloaded": None}})
    >>> a.url, a.site, a.fingerprint == body_fingerprint("text"), a.modified, a.version, a.duplicate_of
    ('https://e.com/a?utm_source=x', 'e', True, '2026-11-03T00:00:00Z', 2, 'j')
    """
    metadata = record["metadata"]
    return Article(record["id"], record["canonicalUrl"] or record["url"], metadata.get("site", ""),
                   metadata.get("fingerprint") or body_fingerprint(record["articleBody"]),
                   current_as_of(record), url_keys=(record_id(record["url"]),),
                   version=metadata.get("version", 1), duplicate_of=record.get("duplicateOf"),
                   signature=signature)
