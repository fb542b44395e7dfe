"""Publish records as JSON lines files that appear whole or not at all.

Records of a run go to a hidden temporary file in ``NEWSCRAWL_OUTPUT_DIR/<spider>/``;
at the end of the run it is fsynced and renamed to
``<UTC start>-<run id>.jsonl`` (``.jsonl.gz`` with ``NEWSCRAWL_OUTPUT_GZIP``), and
only then are its articles recorded as published in the state store. A downstream
glob for ``*.jsonl`` never sees a partial file.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from pathlib import Path

from scrapy.crawler import Crawler

from newscrawl.run import crawler_run
from newscrawl.state import Published, StateStore, crawler_state

logger = logging.getLogger(__name__)


class JsonLinesPipeline:
    """Write each record as one UTF-8 JSON line; publish the file when the run closes."""

    def __init__(self, crawler: Crawler, output_dir: Path, state: StateStore, compress: bool):
        self.crawler = crawler
        self.state = state
        suffix = ".jsonl.gz" if compress else ".jsonl"
        self.directory = output_dir / crawler.spidercls.name
        self.path = self.directory / f"{crawler_run(crawler).name}{suffix}"
        self.partial = self.directory / f".{self.path.name}.part"
        self.compress = compress
        self.entries: list[Published] = []
        self.raw = self.file = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "JsonLinesPipeline":
        settings = crawler.settings
        return cls(
            crawler,
            Path(settings.get("NEWSCRAWL_OUTPUT_DIR")),
            crawler_state(crawler),
            settings.getbool("NEWSCRAWL_OUTPUT_GZIP"),
        )

    def open_spider(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.raw = open(self.partial, "wb")
        self.file = gzip.GzipFile(fileobj=self.raw, mode="wb") if self.compress else self.raw

    def process_item(self, item: dict) -> dict:
        line = json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"
        self.file.write(line.encode("utf-8"))
        self.entries.append(Published(item["id"], item["url"], item["metadata"]["fingerprint"]))
        self.crawler.stats.inc_value("newscrawl/publish/records")
        return item

    def close_spider(self) -> None:
        self._close_file()
        if not self.entries:
            self.partial.unlink(missing_ok=True)
            logger.info("no new articles; nothing published")
            return
        os.replace(self.partial, self.path)
        _fsync_directory(self.directory)
        self.state.add_published(self.entries)
        logger.info("published %d articles to %s", len(self.entries), self.path)
        self.crawler.stats.set_value("newscrawl/publish/file", str(self.path))

    def _close_file(self) -> None:
        if self.file is not self.raw:
            self.file.close()  # writes the gzip trailer; leaves the raw file open
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
