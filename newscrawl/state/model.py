"""What the state store remembers: articles, batches, feed validators, and its error.

Plain values shared by every backend (:mod:`newscrawl.state.sqlite`,
:mod:`newscrawl.state.redis`) and by the components that read the store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

from newscrawl.extraction.dates import utc_moment


class StateError(RuntimeError):
    """The state store cannot be opened or used; the message names it."""


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
