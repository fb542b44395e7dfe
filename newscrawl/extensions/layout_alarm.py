"""The layout-change alarm: a site whose template changed shows as fields gone missing.

For each site, the share of this run's published records that have a headline, authors,
a ``datePublished`` and a body of 50 words or more is compared with the site's share over
its earlier runs (kept in the state store, both backends). A fall of more than
:data:`ALARM_POINTS` points is logged as a warning naming the site and the field, counted
under ``newscrawl/layout/changed/<site>/<field>`` (the points lost, so in the run summary's
``layoutChanges``), and, with ``NEWSCRAWL_FAIL_ON_LAYOUT_CHANGE``, fails the run. Shares of
fewer than :data:`MIN_RECORDS` records, in the run or before it, are not compared.
"""

from __future__ import annotations

import logging
from collections import Counter

from scrapy import signals
from scrapy.crawler import Crawler

from newscrawl.context import crawl_context
from newscrawl.state import StateStore

logger = logging.getLogger(__name__)

ALARM_POINTS = 30
MIN_RECORDS = 5
BODY_WORDS = 50
#: The fields watched, and whether a record has each.
FIELD_TESTS = {
    "headline": lambda record: bool(record.get("headline")),
    "authors": lambda record: bool(record.get("authors")),
    "datePublished": lambda record: bool(record.get("datePublished")),
    f"body{BODY_WORDS}": lambda record: (record.get("wordCount") or 0) >= BODY_WORDS,
}


def fields_present(record: dict) -> list[str]:
    """The watched fields a record has.

    >>> fields_present({"headline": "Hi", "authors": [], "datePublished": None, "wordCount": 80})
    ['headline', 'body50']
    """
    return [field for field, has in FIELD_TESTS.items() if has(record)]


def fallen_fields(records: int, present: Counter, history: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Fields whose share fell by more than :data:`ALARM_POINTS` points: ``{field: points}``.

    >>> fallen_fields(10, Counter(headline=10, authors=1), {"headline": (40, 40), "authors": (40, 36)})
    {'authors': 80}
    >>> fallen_fields(3, Counter(), {"authors": (40, 36)})  # too few records to judge
    {}
    """
    if records < MIN_RECORDS:
        return {}
    fallen = {}
    for field in FIELD_TESTS:
        before_records, before_present = history.get(field, (0, 0))
        if before_records < MIN_RECORDS:
            continue
        points = round(100 * (before_present / before_records - present[field] / records))
        if points > ALARM_POINTS:
            fallen[field] = points
    return fallen


class LayoutAlarm:
    """Count the watched fields of each site's published records; compare them at the end."""

    def __init__(self, crawler: Crawler, state: StateStore, fail: bool):
        self.crawler = crawler
        self.state = state
        self.fail = fail
        self.records: Counter = Counter()
        self.present: dict[str, Counter] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LayoutAlarm:
        extension = cls(crawler, crawl_context(crawler).state,
                        crawler.settings.getbool("NEWSCRAWL_FAIL_ON_LAYOUT_CHANGE"))
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_scraped(self, item: dict) -> None:
        site = item["metadata"].get("site")
        if site:
            self.records[site] += 1
            self.present.setdefault(site, Counter()).update(fields_present(item))

    def spider_closed(self) -> None:
        for site, records in sorted(self.records.items()):
            present = self.present[site]
            for field, points in fallen_fields(records, present, self.state.field_history(site)).items():
                self._alarm(site, field, points, present[field], records)
            self.state.add_field_counts(site, records, {f: present[f] for f in FIELD_TESTS})

    def _alarm(self, site: str, field: str, points: int, present: int, records: int) -> None:
        message = (f"site {site}: {field} in {present} of {records} records, {points} points "
                   "fewer than in its earlier runs: has its layout changed?")
        logger.warning("%s", message)
        self.crawler.stats.set_value(f"newscrawl/layout/changed/{site}/{field}", points)
        if self.fail:
            crawl_context(self.crawler).run.fail(f"layout changed: {message}")
