"""Publish records exactly once, as JSON lines batch files that appear whole or not at all.

Records go to a hidden ``.<name>.part`` file in ``NEWSCRAWL_OUTPUT_DIR/<spider>/``;
every ``NEWSCRAWL_BATCH_RECORDS`` records or ``NEWSCRAWL_BATCH_SECONDS`` seconds,
and at the end of the run, the batch is published (:meth:`Publisher.publish`):

0. the ``batch_publishing`` signal lets what the records point to be made durable
   (the page archive finishes its WARC file);
1. the ``.part`` file is fsynced;
2. the batch is recorded as *pending* in the state store, with its articles, in
   one transaction (its articles are not "seen" yet);
3. the file is renamed to its final name (:func:`newscrawl.reader.batch_name`)
   and the directory fsynced;
4. the batch is committed: its articles become "seen", in one transaction.

A run first takes the directory's lock and recovers what a killed run left
(:meth:`Publisher.recover`): a pending batch whose final file exists is
committed, any other is discarded, and leftover ``.part`` files are deleted, so
their articles are fetched again. Whatever moment a run is killed at, each
article is in exactly one published file, and marked seen exactly when it is.
A write that fails (full disk, read-only directory) fails the run: nothing
more is published and the store does not advance. A batch the shared store refuses at
step 2 or 4 (:class:`~newscrawl.state.StaleBatch`: another worker took over its articles
while this one's lease had lapsed) is rolled back: its file is removed, the store untouched.
"""

from __future__ import annotations

import fcntl
import gzip
import json
import logging
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from newscrawl import settings as defaults
from newscrawl.context import articles_committed, batch_publishing, crawl_context
from newscrawl.reader import batch_name, batch_number, published_batches
from newscrawl.state import Article, Batch, StaleBatch, StateError, StateStore, article_of

logger = logging.getLogger(__name__)

LOCK_NAME = ".lock"
PART_GLOB = ".*.part"
FAILED_REASON = "publish_failed"


class PublishError(RuntimeError):
    """The output directory cannot be used; the message names it."""


class PublishFailed(DropItem):
    """Not published: an earlier batch of this run could not be written, so the run stops."""

    redo_page = True  # in distributed mode, another worker fetches its page again


def part_name(name: str) -> str:
    """The hidden temporary name of a batch, which a glob for ``*.jsonl`` does not match.

    >>> part_name("20261127T080000Z-ab12cd34-000001.jsonl")
    '.20261127T080000Z-ab12cd34-000001.jsonl.part'
    """
    return f".{name}.part"


class BatchFile:
    """One batch being written to its hidden temporary file."""

    def __init__(self, directory: Path, name: str, compress: bool):
        self.name = name
        self.part = directory / part_name(name)
        self.by_source: Counter[str] = Counter()  # "<site>/<discoveredBy>" -> records
        self._raw: BinaryIO = open(self.part, "xb")
        self._file: BinaryIO = gzip.GzipFile(fileobj=self._raw, mode="wb") if compress else self._raw

    @property
    def records(self) -> int:
        return self.by_source.total()

    def write(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._file.write(line.encode("utf-8"))
        metadata = record["metadata"]
        self.by_source[f"{metadata.get('site')}/{metadata.get('discoveredBy')}"] += 1

    def finish(self) -> None:
        """Write everything out and fsync the file."""
        if self._file is not self._raw:
            self._file.close()  # writes the gzip trailer; leaves the raw file open
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()

    def discard(self) -> None:
        """Close and delete the temporary file, as far as the disk allows."""
        try:
            self._raw.close()
        except OSError:  # closing flushes the buffer, which may fail again on a full disk
            logger.debug("closing %s failed while discarding it", self.part, exc_info=True)
        self.part.unlink(missing_ok=True)


class Publisher:
    """Publishes batches into one directory with the pending/commit protocol of this module."""

    def __init__(self, directory: Path, state: StateStore, stats):
        self.directory = directory
        self.state = state
        self.stats = stats
        self._lock: BinaryIO | None = None
        self.next_number = 1

    def open(self) -> None:
        """Take the directory's lock, recover what a killed run left, find the next batch number."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.directory / LOCK_NAME, "ab")
        except OSError as exc:
            raise PublishError(f"output directory {self.directory}: cannot write: {exc}") from exc
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise PublishError(f"output directory {self.directory}: another run is "
                               "publishing there; try again when it has finished") from exc
        self.recover()
        batches = published_batches(self.directory)
        self.next_number = batch_number(batches[-1].name) + 1 if batches else 1

    def recover(self) -> None:
        """Finish or undo the batches a killed run left pending; delete stray ``.part`` files."""
        for batch in self.state.pending_batches(str(self.directory)):
            if (self.directory / batch.name).exists():
                self._recover_published(batch.name)
            else:
                self.state.discard_batch(batch.name)
                self._count("recovered_discarded", "recovered batch %s: discarded", batch.name)
        for part in self.directory.glob(PART_GLOB):
            part.unlink()
            self._count("removed_part", "removed unpublished %s", part.name)
        fsync_directory(self.directory)

    def _recover_published(self, name: str) -> None:
        try:
            self.state.commit_batch(name)
        except StaleBatch:
            self._roll_back(self.directory / name)
            self._count("recovered_rolled_back", "recovered batch %s: stale, rolled back", name)
            return
        self._count("recovered_committed", "recovered batch %s: committed", name)

    def _roll_back(self, final: Path) -> None:
        """Remove the file of a batch the store refused; its articles are someone else's."""
        final.unlink(missing_ok=True)
        fsync_directory(self.directory)
        self.stats.inc_value("newscrawl/publish/rolled_back")

    def new_batch(self, run_name: str, compress: bool) -> BatchFile:
        batch = BatchFile(self.directory, batch_name(run_name, self.next_number, compress), compress)
        self.next_number += 1
        return batch

    def publish(self, batch: BatchFile, articles: list[Article]) -> Path:
        """Make ``batch`` visible under its final name and its articles seen (steps 1-4)."""
        batch.finish()
        logger.debug("batch %s written", batch.name)
        self.state.begin_batch(Batch(batch.name, str(self.directory), tuple(articles)))
        logger.debug("batch %s pending", batch.name)
        final = self.directory / batch.name
        try:
            os.replace(batch.part, final)
        except OSError:
            self.state.discard_batch(batch.name)
            raise
        fsync_directory(self.directory)
        logger.debug("batch %s renamed", batch.name)
        try:
            self.state.commit_batch(batch.name)
        except StaleBatch:
            self._roll_back(final)
            raise
        logger.debug("batch %s committed", batch.name)
        return final

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None

    def _count(self, event: str, message: str, name: str) -> None:
        self.stats.inc_value(f"newscrawl/publish/{event}")
        logger.info(message, name)


def fsync_directory(path: Path) -> None:
    """Make renames and deletions in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class BatchOptions:
    compress: bool = defaults.NEWSCRAWL_OUTPUT_GZIP
    records: int = defaults.NEWSCRAWL_BATCH_RECORDS
    seconds: float = defaults.NEWSCRAWL_BATCH_SECONDS

    @classmethod
    def from_settings(cls, settings) -> BatchOptions:
        return cls(settings.getbool("NEWSCRAWL_OUTPUT_GZIP"),
                   max(1, settings.getint("NEWSCRAWL_BATCH_RECORDS")),
                   settings.getfloat("NEWSCRAWL_BATCH_SECONDS"))


class JsonLinesPipeline:
    """Write each record as one UTF-8 JSON line; publish a batch every N records or T seconds."""

    def __init__(self, crawler: Crawler, publisher: Publisher, options: BatchOptions):
        self.crawler = crawler
        self.publisher = publisher
        self.options = options
        self.run = crawl_context(crawler).run
        self.admitted = crawl_context(crawler).admitted
        self.batch: BatchFile | None = None
        self.articles: list[Article] = []
        self.failed = False
        self._timer = create_looping_call(self.flush)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesPipeline:
        output = Path(crawler.settings.get("NEWSCRAWL_OUTPUT_DIR"))
        publisher = Publisher(output / crawler.spidercls.name, crawl_context(crawler).state, crawler.stats)
        # the lock is held until the run summary is written beside the batches
        crawler.signals.connect(publisher.close, signal=signals.engine_stopped)
        return cls(crawler, publisher, BatchOptions.from_settings(crawler.settings))

    def open_spider(self) -> None:
        self.publisher.open()
        if self.options.seconds > 0:
            self._timer.start(self.options.seconds, now=False)

    def process_item(self, item: dict) -> dict:
        if self.failed:
            raise PublishFailed(f"not published, the run is stopping: {item['url']}", log_level="INFO")
        try:
            self._write(item)
        except OSError as exc:
            self._fail(f"cannot write to {self.publisher.directory}: {exc}")
            raise PublishFailed(f"not published: {item['url']}") from exc
        if self.batch.records >= self.options.records:
            self.flush()
        if self.failed:
            raise PublishFailed(f"not published, its batch could not be written: {item['url']}")
        return item

    def _write(self, item: dict) -> None:
        if self.batch is None:
            self.batch = self.publisher.new_batch(self.run.name, self.options.compress)
        self.batch.write(item)
        self.articles.append(self.admitted.pop(item["id"], None) or article_of(item))

    def flush(self) -> None:
        """Publish the current batch, if it holds any record."""
        if self.batch is None or self.failed:
            return
        batch, articles = self.batch, self.articles
        self.batch, self.articles = None, []
        try:
            self._send_batch_publishing()
            path = self.publisher.publish(batch, articles)
        except (OSError, StateError) as exc:
            self._discard(batch)
            self._fail(f"cannot publish {batch.name} to {self.publisher.directory}: {exc}")
            return
        self.crawler.signals.send_catch_log(articles_committed, articles=articles)
        self._count_published(batch, path)

    def _send_batch_publishing(self) -> None:
        """Let what the batch points to be made durable (the archive); a receiver's error fails it."""
        for _, result in self.crawler.signals.send_catch_log(batch_publishing):
            if isinstance(result, Failure):
                result.raiseException()

    def _count_published(self, batch: BatchFile, path: Path) -> None:
        self.run.batches.append(path.name)
        stats = self.crawler.stats
        stats.inc_value("newscrawl/publish/batches")
        stats.inc_value("newscrawl/publish/records", batch.records)
        for site_source, count in batch.by_source.items():
            stats.inc_value(f"newscrawl/publish/by_site/{site_source}", count)
        logger.info("published %d articles to %s", batch.records, path)

    def close_spider(self) -> None:
        if self._timer.running:
            self._timer.stop()
        self.flush()
        if not self.run.batches and not self.failed:
            logger.info("no new articles; nothing published")

    def _fail(self, message: str) -> None:
        """Stop publishing and close the run: what is not published stays unseen."""
        logger.error("%s; stopping the run, nothing more is published", message)
        self.failed = True
        self.run.fail(message)
        self.crawler.stats.inc_value("newscrawl/publish/failed")
        if self.batch is not None:
            self._discard(self.batch)
            self.batch = None
        if self.crawler.engine is not None and self.crawler.engine.running:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=FAILED_REASON))

    def _discard(self, batch: BatchFile) -> None:
        """Delete a batch that cannot be published; its records stay unseen, fetched again next run."""
        batch.discard()
        self.crawler.stats.inc_value("newscrawl/publish/discarded_records", batch.records)
