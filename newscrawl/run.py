"""The identity of one crawl run, shared by the components that name files after it.

The run also collects what went wrong in a way that must fail it (a batch that
could not be published, a site gone silent): the run summary reports these and
makes ``scrapy crawl`` exit non-zero.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone


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


def crawler_run(crawler) -> Run:
    """The crawl's :class:`Run`, created on first use."""
    run = getattr(crawler, "newscrawl_run", None)
    if run is None:
        run = crawler.newscrawl_run = Run()
    return run
