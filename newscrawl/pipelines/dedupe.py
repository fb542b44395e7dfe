"""Drop a record whose canonical URL or exact body was seen in this run or published before."""

from __future__ import annotations

import hashlib

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.state import StateStore, crawler_state


class DuplicateUrl(DropItem):
    """Same canonical URL (after removing tracking parameters) as another record."""


class DuplicateBody(DropItem):
    """Same cleaned body text as another record, under another URL."""


def body_fingerprint(body: str) -> str:
    """SHA-256 of the body with white space folded and case ignored.

    >>> body_fingerprint("Hello  World") == body_fingerprint("hello world")
    True
    """
    return hashlib.sha256(" ".join(body.casefold().split()).encode("utf-8")).hexdigest()


class DedupePipeline:
    """Exact duplicates by record id (from the canonical URL) and by body fingerprint.

    Checks what this run has let through and what earlier runs published, as the
    publishing pipeline's state store remembers it.
    """

    def __init__(self, state: StateStore):
        self.state = state
        self.seen_ids: set[str] = set()
        self.seen_fingerprints: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupePipeline":
        return cls(crawler_state(crawler))

    def process_item(self, item: dict) -> dict:
        fingerprint = body_fingerprint(item["articleBody"])
        if item["id"] in self.seen_ids or self.state.published_ids([item["id"]]):
            raise DuplicateUrl(f"duplicate of {item['canonicalUrl']}: {item['url']}", log_level="INFO")
        if fingerprint in self.seen_fingerprints or self.state.known_fingerprints([fingerprint]):
            raise DuplicateBody(f"same body as an earlier article: {item['url']}", log_level="INFO")
        self.seen_ids.add(item["id"])
        self.seen_fingerprints.add(fingerprint)
        item["metadata"]["fingerprint"] = fingerprint
        return item
