"""What newscrawl keeps between runs, behind one small interface.

``NEWSCRAWL_STATE_URI`` selects the store; ``sqlite:///state/newscrawl.db`` (a
path relative to the working directory; four slashes for an absolute path) is
the embedded default. A store that cannot be opened is a :class:`StateError`
naming the file; it is never silently reset.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, Protocol

from scrapy import signals

_SCHEMA = """
CREATE TABLE IF NOT EXISTS published (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS published_fingerprint ON published (fingerprint);
"""
_SQLITE_PREFIX = "sqlite:///"
_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


class StateError(RuntimeError):
    """The state store cannot be opened or used; the message names it."""


class Published(NamedTuple):
    """One published article as the state store remembers it."""

    id: str
    url: str
    fingerprint: str


class StateStore(Protocol):
    """The state interface every backend implements."""

    def published_ids(self, ids: Iterable[str]) -> set[str]: ...

    def known_fingerprints(self, fingerprints: Iterable[str]) -> set[str]: ...

    def add_published(self, entries: Iterable[Published]) -> None: ...

    def close(self) -> None: ...


def open_state(uri: str) -> StateStore:
    """Open the store that ``uri`` names.

    >>> open_state("memcache://x")
    Traceback (most recent call last):
    ...
    newscrawl.state.StateError: NEWSCRAWL_STATE_URI 'memcache://x': unsupported; use sqlite:///PATH
    """
    if uri.startswith(_SQLITE_PREFIX):
        return SqliteState(Path(uri.removeprefix(_SQLITE_PREFIX)))
    raise StateError(f"NEWSCRAWL_STATE_URI {uri!r}: unsupported; use sqlite:///PATH")


class SqliteState:
    """The embedded store: one SQLite file in WAL mode."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"state store {path}: cannot open: {exc}") from exc

    def published_ids(self, ids: Iterable[str]) -> set[str]:
        return self._existing("SELECT id FROM published WHERE id IN ({})", ids)

    def known_fingerprints(self, fingerprints: Iterable[str]) -> set[str]:
        return self._existing(
            "SELECT fingerprint FROM published WHERE fingerprint IN ({})", fingerprints
        )

    def add_published(self, entries: Iterable[Published]) -> None:
        """Record entries in one transaction: all of them or none."""
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT OR IGNORE INTO published (id, url, fingerprint) VALUES (?, ?, ?)",
                    entries,
                )
        except sqlite3.Error as exc:
            raise StateError(f"state store {self.path}: cannot write: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def _existing(self, query: str, values: Iterable[str]) -> set[str]:
        values = list(values)
        found = set()
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            sql = query.format(",".join("?" * len(chunk)))
            found.update(row[0] for row in self._db.execute(sql, chunk))
        return found


def crawler_state(crawler) -> StateStore:
    """The crawl's one state store, opened from ``NEWSCRAWL_STATE_URI`` on first use.

    Components that share state call this from ``from_crawler``; the store is
    closed when the engine stops.
    """
    store = getattr(crawler, "newscrawl_state", None)
    if store is None:
        store = open_state(crawler.settings.get("NEWSCRAWL_STATE_URI"))
        crawler.newscrawl_state = store
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    return store
