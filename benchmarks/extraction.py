"""Extraction speed: ``extract_article`` against trafilatura, same process, same pages.

Each round times both extractors on every page, interleaved page by page so that noise
from other work on the machine falls on both alike; a page's time is its median over the
rounds. Only the call is timed: pages are already decompressed in memory.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from newscrawl import extract_article

from benchmarks.corpus import Page


@dataclass(frozen=True)
class ExtractionTimes:
    """Per-page milliseconds (median over rounds) of each extractor."""

    pages: int
    rounds: int
    newscrawl_ms: list[float]
    trafilatura_ms: list[float]

    @property
    def newscrawl_median(self) -> float:
        """Median ms/page of ``extract_article``."""
        return statistics.median(self.newscrawl_ms)

    @property
    def trafilatura_median(self) -> float:
        """Median ms/page of trafilatura."""
        return statistics.median(self.trafilatura_ms)


def newscrawl_call(page: Page) -> object:
    """newscrawl's extractor, as the crawl calls it."""
    return extract_article(page.html, page.url)


def trafilatura_call() -> Callable[[Page], object]:
    """trafilatura as the corpus references ran it (comments excluded, with metadata)."""
    import trafilatura  # the benchmark extra; imported only when this benchmark runs

    def call(page: Page) -> object:
        return trafilatura.bare_extraction(
            page.html, url=page.url, include_comments=False, with_metadata=True
        )

    return call


def time_call(call: Callable[[Page], object], page: Page) -> float:
    """Milliseconds of one call."""
    start = time.perf_counter()
    call(page)
    return (time.perf_counter() - start) * 1000


def measure_extraction(pages: list[Page], rounds: int) -> ExtractionTimes:
    """Time both extractors on every page, ``rounds`` times, after one warm-up page each."""
    other = trafilatura_call()
    for call in (newscrawl_call, other):
        call(pages[0])
    ours: list[list[float]] = [[] for _ in pages]
    theirs: list[list[float]] = [[] for _ in pages]
    for _ in range(rounds):
        for i, page in enumerate(pages):
            ours[i].append(time_call(newscrawl_call, page))
            theirs[i].append(time_call(other, page))
    return ExtractionTimes(len(pages), rounds, [statistics.median(t) for t in ours],
                           [statistics.median(t) for t in theirs])
