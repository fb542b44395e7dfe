"""What the components of one crawl share: one typed :class:`CrawlContext` per crawler.

The one documented place a component reaches shared state: ``crawl_context(crawler)``,
called from its ``from_crawler``. Nothing is set on the crawler, and no component reads
another's data off the spider: each field below says who fills it and who reads it.
Anything else travels with the item (see :mod:`newscrawl.pipelines` for what each
pipeline adds) or through the signals defined here.

The run (:class:`Run`) is the crawl's identity, shared by the components that name
files after it; it also collects what went wrong in a way that must fail it (a batch
that could not be published, a site gone silent): the run summary reports these and
makes ``scrapy crawl`` exit non-zero.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypeVar
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler

from newscrawl.config import Site
from newscrawl.discovery.window import DateWindow
from newscrawl.state import Article, StateStore, open_state

T = TypeVar("T")

#: Signal sent with ``articles`` (a list of :class:`~newscrawl.state.Article`) by the
#: publisher once the state store holds them: the dedupe pipeline lets go of them.
articles_committed = object()
#: Signal sent by the publisher before a batch is written out and published: what the
#: batch's records point to must be durable first (the archive finishes its WARC file).
#: A receiver that raises ``OSError`` fails the batch, as a write of the batch itself would.
batch_publishing = object()
#: Signal sent with ``article`` (an :class:`~newscrawl.state.Article` the dedupe pipeline
#: let through) by the claim pipeline when it drops it: this worker does not publish it,
#: so the dedupe pipeline lets go of it and a later copy is no duplicate.
article_refused = object()


@dataclass(frozen=True)
class Run:
    """When a run started and its random id; ``name`` prefixes the run's files."""

    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    failures: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """``<UTC start>-<run id>``, sortable by start time.

        >>> Run(datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc), "ab12cd34").name
        '20261127T080000Z-ab12cd34'
        """
        return f"{self.started:%Y%m%dT%H%M%SZ}-{self.id}"

    def fail(self, message: str) -> None:
        """Record why this run must end with a non-zero exit status.

        >>> run = Run()
        >>> run.fail("disk full")
        >>> run.failures
        ['disk full']
        """
        self.failures.append(message)


@dataclass(eq=False)
class CrawlContext:
    """What the components of one crawl share, each field filled by one owner."""

    crawler: Crawler = field(repr=False)
    #: The run's identity and failures: the publisher appends batches, anyone may fail it.
    run: Run = field(default_factory=Run)
    #: The sites config by name: set by the spider; read by the run summary.
    sites: dict[str, Site] = field(default_factory=dict)
    #: ``-a since``: set by the spider; read by the date window pipeline.
    window: DateWindow | None = None
    #: The site a URL belongs to (for requests the spider did not make, like robots.txt):
    #: set by the spider; read by the per-site stats.
    site_for_url: Callable[[str], str | None] | None = None
    #: Articles the dedupe pipeline let through, by id, until the publisher stores them
    #: with their batch (the claim pipeline reads them, and forgets those it drops).
    admitted: dict[str, Article] = field(default_factory=dict)
    _state: StateStore | None = field(default=None, repr=False)
    _services: dict[type, object] = field(default_factory=dict, repr=False)

    @property
    def state(self) -> StateStore:
        """The crawl's one state store, opened from ``NEWSCRAWL_STATE_URI`` on first use
        and closed when the engine stops."""
        if self._state is None:
            self._state = open_state(self.crawler.settings.get("NEWSCRAWL_STATE_URI"))
            self.crawler.signals.connect(self._state.close, signal=signals.engine_stopped, weak=False)
        return self._state

    def service(self, kind: type[T], make: Callable[[], T]) -> T:
        """The crawl's one ``kind``, made by ``make`` the first time it is asked for.

        For the services of the layers above (the distributed worker, frontier and
        leases): each module that owns one asks here, so there is one per crawl.
        """
        if kind not in self._services:
            self._services[kind] = make()
        return self._services[kind]

    def existing(self, kind: type[T]) -> T | None:
        """The crawl's ``kind`` if something made it already, else ``None``."""
        return self._services.get(kind)


_CONTEXTS: WeakKeyDictionary[Crawler, CrawlContext] = WeakKeyDictionary()


def crawl_context(crawler: Crawler) -> CrawlContext:
    """The :class:`CrawlContext` of ``crawler``: made on the first call, the same one after."""
    context = _CONTEXTS.get(crawler)
    if context is None:
        context = _CONTEXTS[crawler] = CrawlContext(crawler)
    return context
