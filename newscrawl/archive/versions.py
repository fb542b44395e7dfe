"""Re-extraction publishes an article again only when its record changed.

A crawl publishes a known article again when its page changed and its date
moved forward (:class:`newscrawl.pipelines.dedupe.DedupePipeline`). Re-extracting
an archived page is different: the page is the same, the extraction may not be.
:class:`ReextractDedupePipeline` is the dedupe pipeline with that one rule
replaced: a known article whose record fields (all but ``metadata``,
``duplicateOf`` and the ``url`` it was fetched under) differ from its latest published version is admitted as the next
version, one whose fields are the same is dropped as :class:`Unchanged`. The
latest published fields are read, as digests, from the published batches at the
start of the run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.context import article_refused, articles_committed, crawl_context
from newscrawl.pipelines.dedupe import DedupeOptions, DedupePipeline, DuplicateUrl
from newscrawl.reader import read_published
from newscrawl.state import Article, StateStore

#: Fields that say how and when a record was made, not what the page says (an article
#: fetched under two URLs, one with tracking parameters, is one article of one id).
_NOT_CONTENT = frozenset({"metadata", "duplicateOf", "url"})


class Unchanged(DropItem):
    """Re-extraction gave the same record fields as the article's latest published version."""


def content_digest(record: dict) -> str:
    """SHA-256 of a record's content fields, in a stable order.

    >>> a = {"headline": "A", "metadata": {"version": 1}}
    >>> content_digest(a) == content_digest({"headline": "A", "metadata": {"version": 2}})
    True
    >>> content_digest(a) == content_digest({"headline": "B", "metadata": {"version": 1}})
    False
    """
    content = {key: value for key, value in record.items() if key not in _NOT_CONTENT}
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def published_digests(directory: Path) -> dict[str, str]:
    """The content digest of each article's latest published version in ``directory``, by id."""
    if not directory.is_dir():
        return {}
    return {published.record["id"]: content_digest(published.record)
            for published in read_published(directory)}


class ReextractDedupePipeline(DedupePipeline):
    """Dedupe for re-extraction: a known article passes as a new version iff its fields changed."""

    def __init__(self, stats, state: StateStore, options: DedupeOptions,
                 admitted: dict[str, Article], published: dict[str, str]):
        super().__init__(stats, state, options, admitted)
        self.published = published

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReextractDedupePipeline:
        output = Path(crawler.settings.get("NEWSCRAWL_OUTPUT_DIR")) / crawler.spidercls.name
        context = crawl_context(crawler)
        pipeline = cls(crawler.stats, context.state, DedupeOptions.from_settings(crawler.settings),
                       context.admitted, published_digests(output))
        crawler.signals.connect(pipeline.forget, signal=articles_committed)
        crawler.signals.connect(pipeline.refused, signal=article_refused)
        return pipeline

    def _version(self, item: dict, fingerprint: str) -> int:
        if item["id"] in self.run_ids:
            raise DuplicateUrl(f"duplicate of {item['canonicalUrl']}: {item['url']}", log_level="INFO")
        if item["id"] not in self.state.known_keys([item["id"]]):
            return 1
        if self.published.get(item["id"]) == content_digest(item):
            raise Unchanged(f"same record as published: {item['url']}", log_level="DEBUG")
        self.stats.inc_value("newscrawl/dedupe/new_version")
        return self.state.articles([item["id"]])[item["id"]].version + 1
