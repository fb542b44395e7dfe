"""The embedded state store: one SQLite file in WAL mode (``sqlite:///PATH``)."""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from newscrawl.neardup import band_keys
from newscrawl.state.model import Article, Batch, StateError, Validators

SCHEMA_VERSION = 2
#: Articles are numbered (``n``); the other tables refer to that number, so a band row is
#: two integers. Every index but the article's id is a WITHOUT ROWID table.
_SCHEMA = """
CREATE TABLE articles (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, site TEXT NOT NULL,
    fingerprint TEXT NOT NULL, modified TEXT NOT NULL, version INTEGER NOT NULL,
    duplicate_of TEXT, signature BLOB NOT NULL, url_keys TEXT NOT NULL
);
CREATE TABLE article_keys (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE fingerprints (fingerprint TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE bands (band INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (band, n)) WITHOUT ROWID;
CREATE TABLE sites (site TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
CREATE TABLE batches (name TEXT PRIMARY KEY, directory TEXT NOT NULL, articles TEXT NOT NULL);
"""
#: A million articles make 16 million band rows, and each batch adds its rows at random
#: places in that index, so a commit changes a page of it per row. A checkpoint every
#: 65,536 pages of WAL (256 MiB; SQLite's 1,000 would mean one after every commit) copies
#: a page that several commits changed into the file once; the cache keeps the inner pages
#: of the indexes in memory (8 MiB holds them at a million articles; it fills as the store
#: grows, so a larger one shows as a crawl's memory growing).
_WAL_PAGES = 65536
_CACHE_KIB = 8 * 1024
_CHUNK = 500  # values per IN (...) query, well under SQLite's variable limit
_BUSY_TIMEOUT_S = 30.0  # another process (a second spider) holding the write lock
_ARTICLE_COLUMNS = ("id, url, site, fingerprint, modified, version, duplicate_of, "
                    "signature, url_keys")


class SqliteState:
    """The embedded store: one SQLite file in WAL mode, synchronous=FULL.

    FULL makes a committed transaction durable before the publisher renames a
    batch, so a power loss cannot leave a visible file the store never heard of,
    and a committed batch survives a crash.
    """

    def __init__(self, path: Path):
        self.path = path
        with self._errors("cannot open"):
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=_BUSY_TIMEOUT_S)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(f"PRAGMA wal_autocheckpoint={_WAL_PAGES}")
            self._db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
        try:
            with self._transaction() as db:
                self._prepare_schema(db)
        except StateError:
            self._db.close()
            raise

    def _prepare_schema(self, db: sqlite3.Connection) -> None:
        """Create the tables in a new file; refuse a file of another schema version or
        another program, rather than answer wrongly from it."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version != 0:
            raise StateError(f"state store {self.path}: schema version {version}; this newscrawl "
                             f"reads version {SCHEMA_VERSION}: move the file aside to start a new "
                             "store (its articles are then fetched and published again)")
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StateError(f"state store {self.path}: not a newscrawl state store "
                             "(tables but no schema version)")
        for statement in filter(str.strip, _SCHEMA.split(";")):
            db.execute(statement)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"state store {self.path}: {action}: {exc}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._errors("cannot write"), self._db:
            self._db.execute("BEGIN IMMEDIATE")
            yield self._db

    def articles(self, keys: Iterable[str]) -> dict[str, Article]:
        query = (f"SELECT k.key, {', '.join('a.' + c for c in _ARTICLE_COLUMNS.split(', '))} "
                 "FROM article_keys k JOIN articles a ON a.n = k.n WHERE k.key IN ({})")
        return {row[0]: _article(row[1:]) for row in self._select(query, keys)}

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        query = "SELECT key FROM article_keys WHERE key IN ({})"
        return {row[0] for row in self._select(query, keys)}

    def fingerprint_owners(self, fingerprints: Iterable[str]) -> dict[str, str]:
        query = ("SELECT f.fingerprint, a.id FROM fingerprints f JOIN articles a ON a.n = f.n "
                 "WHERE f.fingerprint IN ({})")
        return dict(self._select(query, fingerprints))

    def candidates(self, signature: tuple[int, ...]) -> list[Article]:
        query = (f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE n IN "
                 "(SELECT n FROM bands WHERE band IN ({}))")
        return [_article(row) for row in self._select(query, band_keys(signature))]

    def sites_with_articles(self, sites: Iterable[str]) -> set[str]:
        query = "SELECT site FROM sites WHERE site IN ({})"
        return {row[0] for row in self._select(query, sites)}

    def validators(self, urls: Iterable[str]) -> dict[str, Validators]:
        query = "SELECT url, etag, last_modified FROM validators WHERE url IN ({})"
        return {row[0]: Validators(*row[1:]) for row in self._select(query, urls)}

    def save_validators(self, validators: Mapping[str, Validators]) -> None:
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO validators VALUES (?, ?, ?)",
                           [(url, *v) for url, v in validators.items()])

    def begin_batch(self, batch: Batch) -> None:
        articles = json.dumps([a.to_json() for a in batch.articles])
        with self._transaction() as db:
            db.execute("INSERT INTO batches VALUES (?, ?, ?)", (batch.name, batch.directory, articles))

    def commit_batch(self, name: str) -> None:
        with self._transaction() as db:
            row = db.execute("SELECT articles FROM batches WHERE name = ?", (name,)).fetchone()
            if row is None:
                return
            _remember(db, [Article.from_json(data) for data in json.loads(row[0])])
            db.execute("DELETE FROM batches WHERE name = ?", (name,))

    def discard_batch(self, name: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM batches WHERE name = ?", (name,))

    def pending_batches(self, directory: str) -> list[Batch]:
        with self._errors("cannot read"):
            rows = self._db.execute(
                "SELECT name, articles FROM batches WHERE directory = ? ORDER BY name", (directory,)
            ).fetchall()
        return [Batch(name, directory, tuple(map(Article.from_json, json.loads(articles))))
                for name, articles in rows]

    def close(self) -> None:
        self._db.close()

    def _select(self, query: str, values: Iterable) -> list[tuple]:
        try:  # not self._errors(): a context manager costs a sixth of a one-key lookup
            return _select_in(self._db, query, values)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"state store {self.path}: cannot read: {exc}") from exc


def _select_in(db: sqlite3.Connection, query: str, values: Iterable) -> list[tuple]:
    """The rows of ``query`` whose ``IN ({})`` takes ``values``, :data:`_CHUNK` at a time."""
    values = list(dict.fromkeys(values))
    rows: list[tuple] = []
    for start in range(0, len(values), _CHUNK):
        chunk = values[start:start + _CHUNK]
        rows += db.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
    return rows


def _article(row: tuple) -> Article:
    """An :class:`Article` from a row of :data:`_ARTICLE_COLUMNS`."""
    id_, url, site, fingerprint, modified, version, duplicate_of, signature, url_keys = row
    return Article(id_, url, site, fingerprint, modified, tuple(json.loads(url_keys)), version,
                   duplicate_of, _unpacked(signature))


def _remember(db: sqlite3.Connection, articles: list[Article]) -> None:
    """Write ``articles`` (first publications or new versions) with their keys and
    bands: one statement per table for the whole batch, its rows in key order.

    The bands written are those of each id's last version in the batch.
    """
    numbers, old_bands = _numbered(db, articles)
    db.executemany("DELETE FROM bands WHERE band = ? AND n = ?", old_bands)
    db.executemany(f"INSERT OR REPLACE INTO articles (n, {_ARTICLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(numbers[a.id], *_row(a)) for a in articles])
    db.executemany("INSERT OR IGNORE INTO article_keys VALUES (?, ?)",
                   sorted((key, numbers[a.id]) for a in articles for key in (a.id, *a.url_keys)))
    db.executemany("INSERT OR IGNORE INTO fingerprints VALUES (?, ?)",
                   sorted((a.fingerprint, numbers[a.id]) for a in articles))
    db.executemany("INSERT OR IGNORE INTO sites VALUES (?)", [(site,) for site in {a.site for a in articles}])
    latest = {a.id: a for a in articles}.values()
    db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                   sorted((band, numbers[a.id]) for a in latest for band in band_keys(a.signature)))


def _numbered(db: sqlite3.Connection, articles: list[Article]) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """The number of each of ``articles`` by id, and the ``(band, n)`` rows to delete.

    An article stored before keeps its number, and its stored bands are found by
    primary key from its stored signature (an index on ``bands.n`` would copy the
    whole table); a new one takes the next number.
    """
    stored = _select_in(db, "SELECT id, n, signature FROM articles WHERE id IN ({})", (a.id for a in articles))
    numbers = {id_: n for id_, n, _ in stored}
    next_number = db.execute("SELECT coalesce(max(n), 0) + 1 FROM articles").fetchone()[0]
    for article in articles:
        if article.id not in numbers:
            numbers[article.id], next_number = next_number, next_number + 1
    return numbers, [(band, n) for _, n, signature in stored for band in band_keys(_unpacked(signature))]


def _row(article: Article) -> tuple:
    """The row of :data:`_ARTICLE_COLUMNS` that stores ``article``; the inverse of :func:`_article`.

    >>> a = Article("i", "https://e.com/a", "s", "f", "2026-01-01T00:00:00Z", ("k",), 2, None, (1, 2**32 - 1))
    >>> _article(_row(a)) == a
    True
    """
    return (article.id, article.url, article.site, article.fingerprint, article.modified,
            article.version, article.duplicate_of, _packed(article.signature),
            json.dumps(article.url_keys))


def _packed(signature: tuple[int, ...]) -> bytes:
    """A signature as it is stored: 4 little-endian bytes a value.

    >>> _packed((1, 258))
    b'\\x01\\x00\\x00\\x00\\x02\\x01\\x00\\x00'
    """
    return struct.pack(f"<{len(signature)}I", *signature)


def _unpacked(blob: bytes) -> tuple[int, ...]:
    """The inverse of :func:`_packed`.

    >>> _unpacked(_packed((1, 258, 2**32 - 1)))
    (1, 258, 4294967295)
    """
    return struct.unpack(f"<{len(blob) // 4}I", blob)
