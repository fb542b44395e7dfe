"""Drop or mark duplicates: by canonical URL, by exact body, and syndicated near-copies.

Checks what this run has let through and what earlier runs published, as the
state store remembers it. A known URL whose page changed and whose date moved
forward passes again as a new version of the same id (``NEWSCRAWL_NEW_VERSIONS``);
near-duplicates are marked with ``duplicateOf`` (the first copy's id), dropped,
or let through, as ``NEWSCRAWL_NEAR_DUPLICATES`` says.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl import neardup
from newscrawl import settings as defaults
from newscrawl.context import article_refused, articles_committed, crawl_context
from newscrawl.state import Article, StateStore, article_of, body_fingerprint, record_modified

NEAR_DUPLICATE_MODES = ("mark", "drop", "off")


class DuplicateUrl(DropItem):
    """Same canonical URL (after removing tracking parameters) as another record."""


class DuplicateBody(DropItem):
    """Same cleaned body text as another record, under another URL."""


class NearDuplicate(DropItem):
    """Nearly the same body as an article published before (``NEWSCRAWL_NEAR_DUPLICATES = drop``)."""


@dataclass(frozen=True)
class DedupeOptions:
    near_duplicates: str = defaults.NEWSCRAWL_NEAR_DUPLICATES
    threshold: float = defaults.NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD
    new_versions: bool = defaults.NEWSCRAWL_NEW_VERSIONS

    @classmethod
    def from_settings(cls, settings) -> DedupeOptions:
        mode = settings.get("NEWSCRAWL_NEAR_DUPLICATES")
        if mode not in NEAR_DUPLICATE_MODES:
            raise ValueError(f"NEWSCRAWL_NEAR_DUPLICATES {mode!r}: use one of "
                             f"{', '.join(NEAR_DUPLICATE_MODES)}")
        return cls(mode,
                   settings.getfloat("NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD"),
                   settings.getbool("NEWSCRAWL_NEW_VERSIONS"))


class DedupePipeline:
    """Exact duplicates by id and body fingerprint, new versions, and near-duplicates."""

    def __init__(self, stats, state: StateStore, options: DedupeOptions, admitted: dict[str, Article]):
        self.stats = stats
        self.state = state
        self.options = options
        self.admitted = admitted  # read by the claim and publish pipelines
        self.run_ids: set[str] = set()  # every id admitted in this run
        # What the state store cannot answer yet: admitted articles not committed.
        self.uncommitted: dict[str, Article] = {}
        self.run_fingerprints: dict[str, str] = {}
        self.index = neardup.SignatureIndex()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        context = crawl_context(crawler)
        pipeline = cls(crawler.stats, context.state, DedupeOptions.from_settings(crawler.settings),
                       context.admitted)
        crawler.signals.connect(pipeline.forget, signal=articles_committed)
        crawler.signals.connect(pipeline.refused, signal=article_refused)
        return pipeline

    def refused(self, article: Article) -> None:
        """Let go of an admitted article a later pipeline dropped: it was not let through."""
        if self.uncommitted.get(article.id) is article:
            self.run_ids.discard(article.id)
            self.forget([article])

    def forget(self, articles: list[Article]) -> None:
        """Let go of committed articles: the state store answers for them from now on."""
        for article in articles:
            if self.uncommitted.pop(article.id, None) is None:
                continue
            if self.run_fingerprints.get(article.fingerprint) == article.id:
                del self.run_fingerprints[article.fingerprint]
            self.index.remove(article.id, article.signature)

    def process_item(self, item: dict) -> dict:
        self.stats.inc_value(f"newscrawl/dedupe/articles/{item['metadata'].get('site')}")
        fingerprint = body_fingerprint(item["articleBody"])
        version = self._version(item, fingerprint)
        self._check_body(item, fingerprint)
        signature = () if self.options.near_duplicates == "off" else neardup.signature(item["articleBody"])
        duplicate_of = self._near_duplicate_of(item, signature)
        item["metadata"].update(fingerprint=fingerprint, version=version)
        if duplicate_of:
            item["duplicateOf"] = duplicate_of
        self._admit(article_of(item, signature))
        return item

    def _version(self, item: dict, fingerprint: str) -> int:
        """1 for an article not published before, the next version number for a changed one."""
        if item["id"] in self.run_ids:
            duplicate = DuplicateUrl(f"duplicate of {item['canonicalUrl']}: {item['url']}", log_level="INFO")
            # While the first copy is unpublished its batch may still fail: in distributed mode
            # this copy's page is then fetched again, not acknowledged as done.
            duplicate.redo_page = item["id"] in self.uncommitted
            raise duplicate
        if item["id"] not in self.state.known_keys([item["id"]]):
            return 1  # the usual case, answered without reading the article
        known = self.state.articles([item["id"]])[item["id"]]  # committed keys stay
        if self._is_new_version(item, fingerprint, known):
            self.stats.inc_value("newscrawl/dedupe/new_version")
            return known.version + 1
        raise DuplicateUrl(f"published before: {item['url']}", log_level="INFO")

    def _is_new_version(self, item: dict, fingerprint: str, known: Article) -> bool:
        modified = record_modified(item)
        moved_forward = modified is None or modified > known.modified
        return self.options.new_versions and fingerprint != known.fingerprint and moved_forward

    def _check_body(self, item: dict, fingerprint: str) -> None:
        owner = (self.run_fingerprints.get(fingerprint)
                 or self.state.fingerprint_owners([fingerprint]).get(fingerprint))
        if owner not in (None, item["id"]):
            raise DuplicateBody(f"same body as an earlier article: {item['url']}", log_level="INFO")

    def _near_duplicate_of(self, item: dict, signature: neardup.Signature) -> str | None:
        """The id of the first copy when ``item`` nearly repeats an article; raises in drop mode."""
        if not signature:
            return None
        known = {a.id: a for a in self.state.candidates(signature)}
        known.update((i, self.uncommitted[i]) for i in self.index.candidates(signature))
        known.pop(item["id"], None)
        match = neardup.best_match(signature, ((i, a.signature) for i, a in known.items()),
                                   self.options.threshold)
        if match is None:
            return None
        if self.options.near_duplicates == "drop":
            raise NearDuplicate(f"near-duplicate of {known[match].url}: {item['url']}", log_level="INFO")
        self.stats.inc_value("newscrawl/dedupe/near_duplicate")
        return known[match].duplicate_of or match

    def _admit(self, article: Article) -> None:
        self.run_ids.add(article.id)
        self.uncommitted[article.id] = article
        self.stats.max_value("newscrawl/dedupe/uncommitted_peak", len(self.uncommitted))
        self.run_fingerprints[article.fingerprint] = article.id
        self.index.add(article.id, article.signature)
        self.admitted[article.id] = article
