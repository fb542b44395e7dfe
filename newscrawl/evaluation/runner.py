"""Run extractors over corpus folders and score every page."""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import logging
import statistics
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from newscrawl.evaluation.extractors import NEWSCRAWL, TRAFILATURA, Extractor, Prediction
from newscrawl.evaluation.metrics import (
    BodyScore, BodySummary, SetScore, author_scores, body_scores, corpus_body_scores,
    headline_matches, mean_set_score, same_day, same_instant, share_of_counts, share_true,
    snippet_counts,
)

logger = logging.getLogger(__name__)

TRUTH_FILE = "truth.jsonl"
PAGE_SUFFIX = ".html.gz"
#: The page type of a truth record without one: the sets without the field are all articles.
DEFAULT_PAGE_TYPE = "article"


@dataclass(frozen=True)
class Page:
    """One corpus page: id, url, decompressed HTML and truth record."""

    id: str
    url: str
    html: bytes = field(repr=False)
    truth: dict = field(repr=False)


def read_truth(corpus_dir: Path) -> list[dict]:
    """Return the truth records of a corpus folder, in file order."""
    with (corpus_dir / TRUTH_FILE).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_corpus(corpus_dir: Path, limit: int | None = None) -> list[Page]:
    """Load the first *limit* pages (all when None) of a corpus folder, decompressed."""
    return [
        Page(truth["id"], truth["url"], read_page(corpus_dir, truth["id"]), truth)
        for truth in read_truth(corpus_dir)[:limit]
    ]


def read_page(corpus_dir: Path, page_id: str) -> bytes:
    """Return the decompressed HTML of one page."""
    return gzip.decompress((corpus_dir / f"{page_id}{PAGE_SUFFIX}").read_bytes())


def corpus_name(corpus_dir: Path) -> str:
    """Name a corpus after its folder."""
    return corpus_dir.resolve().name


@dataclass(frozen=True)
class PageResult:
    """One extractor's scores on one page; None where the truth lacks the field."""

    id: str
    body: BodyScore
    headline: bool | None
    authors: SetScore | None
    same_instant: bool | None
    same_day: bool | None
    ms: float
    failed: bool
    cpu_ms: float = 0.0
    true_type: str = DEFAULT_PAGE_TYPE
    judged_type: str | None = None
    with_found: tuple[int, int] | None = None
    without_absent: tuple[int, int] | None = None
    expected_body: str = field(default="", repr=False)
    extracted_body: str = field(default="", repr=False)

    def to_json(self) -> dict[str, Any]:
        """Page scores for the JSON report (texts left out)."""
        return {
            "id": self.id,
            "body": self.body.to_json(),
            "headline": self.headline,
            "authors": asdict(self.authors) if self.authors else None,
            "same_instant": self.same_instant,
            "same_day": self.same_day,
            "ms": self.ms,
            "cpu_ms": self.cpu_ms,
            "failed": self.failed,
            "true_type": self.true_type,
            "judged_type": self.judged_type,
            "with_found": self.with_found,
            "without_absent": self.without_absent,
        }


@dataclass(frozen=True)
class Timing:
    """Milliseconds an extractor call took: on the wall clock, and of this thread's CPU time
    (which other processes on a busy machine do not inflate). Not the process's CPU clock: while
    a process CPU timer is armed (newscrawl's page budget arms one) and for a tick after, Linux
    reads that clock from a total kept up to date only at ticks, and a call came out a fifth short."""

    wall_ms: float
    cpu_ms: float


def timed_call(extractor: Extractor, page: Page) -> tuple[Prediction, Timing, bool]:
    """Run *extractor* on *page*: its prediction, the time taken, and whether it raised.

    Only the extractor call is timed. An exception is logged with the page id and the page
    is scored as an empty record.
    """
    error = None
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        output = extractor.call(page.html, page.url)
    except Exception as exc:  # the extractor must never raise: count, log, score as empty
        error = exc
    timing = Timing((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000)
    if error is not None:
        logger.error("%s raised on page %s", extractor.name, page.id, exc_info=error)
        return Prediction(), timing, True
    return extractor.read(output), timing, False


def score_page(page: Page, prediction: Prediction, timing: Timing, failed: bool) -> PageResult:
    """Score one prediction against the page's truth.

    ``with`` snippets count when found in the body, ``without`` snippets when absent from it.
    """
    truth = page.truth
    found, wanted = snippet_counts(prediction.body, truth.get("with"))
    present, unwanted = snippet_counts(prediction.body, truth.get("without"))
    return PageResult(
        id=page.id,
        body=body_scores(prediction.body, truth.get("articleBody")),
        headline=headline_matches(prediction.headline, truth.get("headline")),
        authors=author_scores(prediction.authors, truth.get("authors")),
        same_instant=same_instant(prediction.date, truth.get("datePublished")),
        same_day=same_day(prediction.date, truth.get("datePublished")),
        ms=timing.wall_ms,
        cpu_ms=timing.cpu_ms,
        failed=failed,
        true_type=truth.get("pageType") or DEFAULT_PAGE_TYPE,
        judged_type=prediction.page_type,
        with_found=(found, wanted) if wanted else None,
        without_absent=(unwanted - present, unwanted) if unwanted else None,
        expected_body=truth.get("articleBody") or "",
        extracted_body=prediction.body,
    )


@dataclass(frozen=True)
class RunSummary:
    """One extractor's figures on one corpus; None where no page of the corpus has the field."""

    corpus: str
    extractor: str
    body: BodySummary
    headline_exact: float | None
    authors: SetScore | None
    date_same_instant: float | None
    date_same_day: float | None
    median_ms: float | None
    max_ms: float | None
    exceptions: int
    median_cpu_ms: float | None = None
    max_cpu_ms: float | None = None
    with_found: float | None = None
    without_absent: float | None = None
    page_types: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One extractor evaluated on one corpus: the figures and the page scores."""

    summary: RunSummary
    pages: list[PageResult]


def summarize(corpus: str, extractor: str, pages: Sequence[PageResult]) -> RunSummary:
    """Aggregate page results into the corpus figures."""
    times = [page.ms for page in pages]
    cpu_times = [page.cpu_ms for page in pages]
    return RunSummary(
        corpus=corpus,
        extractor=extractor,
        body=corpus_body_scores([page.body for page in pages]),
        headline_exact=share_true(page.headline for page in pages),
        authors=mean_set_score([page.authors for page in pages if page.authors]),
        date_same_instant=share_true(page.same_instant for page in pages),
        date_same_day=share_true(page.same_day for page in pages),
        median_ms=statistics.median(times) if times else None,
        max_ms=max(times, default=None),
        exceptions=sum(page.failed for page in pages),
        median_cpu_ms=statistics.median(cpu_times) if cpu_times else None,
        max_cpu_ms=max(cpu_times, default=None),
        with_found=share_of_counts(page.with_found for page in pages),
        without_absent=share_of_counts(page.without_absent for page in pages),
        page_types=page_type_confusion(pages),
    )


def page_type_confusion(pages: Sequence[PageResult]) -> dict[str, dict[str, int]]:
    """Pages counted by true page type, then by judged type; empty if no type was judged.

    >>> score = BodyScore(0, 0, 0)
    >>> pages = [PageResult(str(i), score, None, None, None, None, 1.0, False, 1.0, true, judged)
    ...          for i, (true, judged) in enumerate([("article", "article"),
    ...              ("forum", "article"), ("forum", "other")])]
    >>> page_type_confusion(pages)
    {'article': {'article': 1}, 'forum': {'article': 1, 'other': 1}}
    """
    table: dict[str, dict[str, int]] = {}
    for page in pages:
        if page.judged_type is not None:
            row = table.setdefault(page.true_type, {})
            row[page.judged_type] = row.get(page.judged_type, 0) + 1
    return {true: dict(sorted(row.items())) for true, row in sorted(table.items())}


def evaluate_corpus(
    corpus: str, pages: Sequence[Page], extractors: Sequence[Extractor], repeat: int = 1
) -> list[Run]:
    """Run and score every extractor on every page of a corpus, one extractor after the other.

    Each goes over the whole set on its own, as it would in a crawl: given each page in turn,
    each extractor would pay for the other's footprint in the CPU caches (newscrawl's median CPU
    time on fundus-dev, 12.0 ms alone, is 13.6 ms right after trafilatura on each page). Each
    pass runs with what the harness holds set aside from the garbage collector (see
    :func:`harness_set_aside`). With ``repeat`` above 1 the extractors take turns over the set
    that many times and each page keeps its fastest call of each clock, so that a few seconds of
    other work on a shared machine, which move a single pass's median by up to a quarter, do not
    decide the figures.
    """
    calls: dict[str, list[tuple[Prediction, Timing, bool]]] = {extractor.name: [] for extractor in extractors}
    for _ in range(repeat):
        for extractor in extractors:
            with harness_set_aside():
                timed = [timed_call(extractor, page) for page in pages]
            earlier = calls[extractor.name] or timed
            calls[extractor.name] = [fastest(*pair) for pair in zip(earlier, timed)]
    runs = []
    for extractor in extractors:
        results = [score_page(page, *call) for page, call in zip(pages, calls[extractor.name])]
        runs.append(Run(summarize(corpus, extractor.name, results), results))
    return runs


def fastest(
    first: tuple[Prediction, Timing, bool], again: tuple[Prediction, Timing, bool]
) -> tuple[Prediction, Timing, bool]:
    """The first call of a page, timed as the faster of the two calls on each clock.

    >>> fastest((Prediction("a"), Timing(5.0, 4.0), False), (Prediction("a"), Timing(6.0, 3.0), False))
    (Prediction(body='a', headline=None, authors=(), date=None, page_type=None), Timing(wall_ms=5.0, cpu_ms=3.0), False)
    """
    prediction, timing, failed = first
    return prediction, Timing(min(timing.wall_ms, again[1].wall_ms), min(timing.cpu_ms, again[1].cpu_ms)), failed


@contextmanager
def harness_set_aside() -> Iterator[None]:
    """Collect, then freeze what the process holds until the block ends, so the extractor calls
    in it pay only for the collections of their own objects.

    A full collection walks every object the process tracks; the evaluator's process holds every
    page and truth record, every score so far and both extractors' modules, and one walk of it
    took 75-115 ms on this project's machine: whichever page set one off paid for it, and the
    garbage the other extractor's pass left set one off sooner. Both extractors get the same.
    What the caller had frozen stays frozen.

    >>> import gc
    >>> with harness_set_aside():
    ...     gc.get_freeze_count() > 0
    True
    >>> gc.get_freeze_count()
    0
    """
    thaw = gc.get_freeze_count() == 0
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()


def evaluate_corpora(
    corpus_dirs: Sequence[Path], extractors: Sequence[Extractor], limit: int | None, repeat: int = 1
) -> list[Run]:
    """Evaluate every extractor on every corpus, loading each corpus once."""
    runs = []
    for corpus_dir in corpus_dirs:
        pages = load_corpus(corpus_dir, limit)
        runs.extend(evaluate_corpus(corpus_name(corpus_dir), pages, extractors, repeat))
    return runs


def page_half(page_id: str) -> str:
    """The half of its set a page falls in, "A" or "B": the first hex digit of the SHA-1 of its
    id, even or odd. Tuning rounds read the errors of half A and keep a change only if held-out
    half B does not lose.

    >>> page_half("0429"), page_half("0008")
    ('A', 'B')
    """
    return "AB"[int(hashlib.sha1(page_id.encode()).hexdigest()[0], 16) % 2]


def halves(runs: Sequence[Run]) -> list[Run]:
    """Each run's figures on its half A and on its half B (see :func:`page_half`), as runs on the
    sets ``<set> A`` and ``<set> B``."""
    split = []
    for run in runs:
        for half in "AB":
            pages = [page for page in run.pages if page_half(page.id) == half]
            split.append(Run(summarize(f"{run.summary.corpus} {half}", run.summary.extractor, pages), pages))
    return split


def speed_ratios(runs: Sequence[Run], clock: str = "median_cpu_ms") -> dict[str, float]:
    """Per corpus, newscrawl's median time over trafilatura's (when both ran): of CPU time, or
    of wall-clock time with ``clock="median_ms"``."""
    medians = {(run.summary.corpus, run.summary.extractor): getattr(run.summary, clock) for run in runs}
    return {
        corpus: medians[corpus, NEWSCRAWL] / medians[corpus, TRAFILATURA]
        for corpus, extractor in medians
        if extractor == NEWSCRAWL and medians.get((corpus, TRAFILATURA))
    }
