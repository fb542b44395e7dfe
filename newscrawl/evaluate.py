"""Score the article extractor against hand-checked corpora.

Usage::

    python -m newscrawl.evaluate CORPUS_DIR [CORPUS_DIR...] [--no-trafilatura]
        [--json FILE] [--markdown] [--worst N] [--limit N]

(also installed as the ``newscrawl-evaluate`` console script). A corpus folder holds
``<id>.html.gz`` pages and ``truth.jsonl``, one truth record a line with ``id``, ``url`` and
some of ``articleBody``, ``headline``, ``authors``, ``datePublished``.

Metrics (the body metric is the corpus README's, so figures compare with published ones):

- body: tokens are the runs of ``\\w+`` (case kept); a text's shingles are the multiset of its
  4-token windows (1-3 tokens give one shorter shingle, no token gives none). Per page
  TP = multiset intersection, FP = prediction surplus, FN = truth surplus. Corpus P is the mean
  page precision over pages whose prediction has a shingle, R the mean page recall over pages
  whose truth has one, F1 = 2PR/(P+R). Also reported: empty predictions and the mean page F1
  (an empty prediction scores 0).
- headline: exact match after NFC, whitespace folding and casefold, over pages with a truth
  headline.
- authors: set precision, recall and F1 of names normalised the same way, per page, over pages
  whose truth names an author; a page with no predicted name scores 0. The reported figures are
  the macro means of the page scores: that is what reproduces the published trafilatura
  reference (authors F1 0.793 on fundus-dev; the micro F1 would be 0.817).
- datePublished, same day: the calendar dates as written on each side (each in its own offset,
  no conversion), over pages with a truth date; a missing or unparseable prediction is a miss.
  This reproduces the published trafilatura reference (0.962 on fundus-dev).
- datePublished, same instant: over pages whose truth date carries a UTC offset (truth dates
  without one are not counted); a prediction without an offset (a bare date, a naive time) or
  without a date is a miss, so an extractor that gives no time of day scores 0.
- timing: milliseconds of the extractor call alone (page already decompressed), median and max;
  an extractor that raises is counted, logged with the page id and scored as an empty record.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import importlib.util
import json
import logging
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, astuple, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from newscrawl import extract_article

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"\w+")
WHITESPACE_RE = re.compile(r"\s+")
PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")

SHINGLE_SIZE = 4
TRUTH_FILE = "truth.jsonl"
PAGE_SUFFIX = ".html.gz"
NEWSCRAWL = "newscrawl"
TRAFILATURA = "trafilatura"
DIFF_CONTEXT = 1
DIFF_MAX_LINES = 40
DIFF_LINE_WIDTH = 160

COLUMNS = (
    "set", "extractor", "pages", "body P", "body R", "body F1", "empty", "page F1",
    "headline", "auth P", "auth R", "auth F1", "instant", "day",
    "med ms", "max ms", "x traf", "errors",
)
TEXT_COLUMNS = 2
SPEED_NOTE = "x traf: newscrawl median ms / trafilatura median ms on the same pages."


# --- body metric ---------------------------------------------------------------------------


def tokenize(text: str | None) -> list[str]:
    """Return the maximal runs of Unicode word characters of *text*, case kept.

    >>> tokenize("Don't panic -- it's 4:30, Straße!")
    ['Don', 't', 'panic', 'it', 's', '4', '30', 'Straße']
    >>> tokenize(None)
    []
    """
    return TOKEN_RE.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Return the multiset of overlapping *size*-token windows of *text*.

    A text of 1 to *size* tokens gives a single shingle, an empty text none.

    >>> sorted(shingles("a b c d e").items())
    [(('a', 'b', 'c', 'd'), 1), (('b', 'c', 'd', 'e'), 1)]
    >>> shingles("just two")
    Counter({('just', 'two'): 1})
    >>> shingles(" -- ")
    Counter()
    """
    tokens = tokenize(text)
    if len(tokens) <= size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def harmonic_mean(a: float, b: float) -> float:
    """Return 2ab/(a+b), or 0 when both are 0.

    >>> harmonic_mean(0.5, 1.0)
    0.6666666666666666
    >>> harmonic_mean(0.0, 0.0)
    0.0
    """
    return 2 * a * b / (a + b) if a + b else 0.0


@dataclass(frozen=True)
class BodyScore:
    """Shingle counts of one page: shared (tp), prediction surplus (fp), truth surplus (fn)."""

    tp: int
    fp: int
    fn: int

    @property
    def predicted(self) -> bool:
        """Whether the prediction has at least one shingle."""
        return self.tp + self.fp > 0

    @property
    def expected(self) -> bool:
        """Whether the truth has at least one shingle."""
        return self.tp + self.fn > 0

    @property
    def precision(self) -> float:
        """TP/(TP+FP); 1 for an empty prediction (which corpus P leaves out)."""
        return self.tp / (self.tp + self.fp) if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """TP/(TP+FN); 1 for an empty truth (which corpus R leaves out)."""
        return self.tp / (self.tp + self.fn) if self.expected else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of the page's precision and recall; 0 for an empty prediction."""
        return harmonic_mean(self.precision, self.recall) if self.predicted else 0.0

    def to_json(self) -> dict[str, float]:
        """Counts and ratios, for the JSON report."""
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def body_scores(pred: str | None, truth: str | None) -> BodyScore:
    """Score one page's extracted body *pred* against its *truth* body.

    >>> body_scores("the cat sat on the mat", "the cat sat on a mat")
    BodyScore(tp=1, fp=2, fn=2)
    >>> body_scores("", "some truth").f1
    0.0
    """
    predicted, expected = shingles(pred), shingles(truth)
    tp = (predicted & expected).total()
    return BodyScore(tp=tp, fp=predicted.total() - tp, fn=expected.total() - tp)


def mean_or_none(values: Sequence[float]) -> float | None:
    """Return the mean of *values*, or None when there are none.

    >>> mean_or_none([1, 0, 0.5])
    0.5
    >>> mean_or_none([]) is None
    True
    """
    return statistics.fmean(values) if values else None


@dataclass(frozen=True)
class BodySummary:
    """Corpus body figures; precision/recall are None when no page qualifies for the mean."""

    pages: int
    precision: float | None
    recall: float | None
    f1: float | None
    empty: int
    mean_page_f1: float | None


def corpus_body_scores(scores: Sequence[BodyScore]) -> BodySummary:
    """Aggregate page scores: F1 is the harmonic mean of mean P and mean R.

    A corpus where every prediction is empty has F1 0.

    >>> s = corpus_body_scores([BodyScore(3, 1, 0), BodyScore(0, 0, 4)])
    >>> s.precision, s.recall, round(s.f1, 4), s.empty, round(s.mean_page_f1, 4)
    (0.75, 0.5, 0.6, 1, 0.4286)
    """
    precision = mean_or_none([s.precision for s in scores if s.predicted])
    recall = mean_or_none([s.recall for s in scores if s.expected])
    return BodySummary(
        pages=len(scores),
        precision=precision,
        recall=recall,
        f1=harmonic_mean(precision or 0.0, recall or 0.0) if scores else None,
        empty=sum(not s.predicted for s in scores),
        mean_page_f1=mean_or_none([s.f1 for s in scores]),
    )


def corpus_body_f1(scores: Sequence[BodyScore]) -> float | None:
    """Return the corpus body F1 of page *scores* (None for no page).

    >>> corpus_body_f1([body_scores("a b c d", "a b c d"), body_scores("", "x y")])
    0.6666666666666666
    """
    return corpus_body_scores(scores).f1


# --- metadata metrics ----------------------------------------------------------------------


def normalize_text(text: str | None) -> str:
    """Return *text* in NFC with whitespace runs folded to one space, stripped, casefolded.

    >>> normalize_text("  Die  STRASSE\\n am Cafe\\u0301 ")
    'die strasse am café'
    >>> normalize_text("Straße") == normalize_text("STRASSE")
    True
    """
    text = unicodedata.normalize("NFC", text or "")
    return WHITESPACE_RE.sub(" ", text).strip().casefold()


def headline_matches(pred: str | None, truth: str | None) -> bool | None:
    """Whether the headlines match exactly once normalised; None when there is no truth.

    >>> headline_matches(" Hello\\tWORLD", "hello world")
    True
    >>> headline_matches("Hello, world", "Hello world")
    False
    >>> headline_matches("Hello", "") is None
    True
    """
    expected = normalize_text(truth)
    return normalize_text(pred) == expected if expected else None


def author_names(authors: Any) -> set[str]:
    """Return the normalised non-empty names of *authors*: {"name": ...} dicts or strings.

    >>> sorted(author_names([{"name": " Jane  DOE"}, "jane doe", {"name": ""}, {"url": "x"}, 7]))
    ['jane doe']
    >>> author_names("Max Muster")
    {'max muster'}
    """
    if isinstance(authors, (str, dict)):
        authors = [authors]
    raw = (a.get("name") if isinstance(a, dict) else a for a in authors or ())
    return {name for name in map(normalize_text, (r for r in raw if isinstance(r, str))) if name}


@dataclass(frozen=True)
class SetScore:
    """Set precision, recall and F1 (of one page, or their macro means over a corpus)."""

    precision: float
    recall: float
    f1: float


def author_scores(pred: Any, truth: Any) -> SetScore | None:
    """Score predicted author names against the truth's; None when the truth names nobody.

    >>> author_scores(["Jane Doe", "News Desk"], ["jane  doe", "John Roe", "Ann Poe"])
    SetScore(precision=0.5, recall=0.3333333333333333, f1=0.4)
    >>> author_scores([], ["Jane Doe"])
    SetScore(precision=0.0, recall=0.0, f1=0.0)
    """
    predicted, expected = author_names(pred), author_names(truth)
    if not expected:
        return None
    hits = len(predicted & expected)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(expected)
    return SetScore(precision, recall, harmonic_mean(precision, recall))


def mean_set_score(scores: Sequence[SetScore]) -> SetScore | None:
    """Return the macro means of page set scores, or None for no page.

    >>> mean_set_score([SetScore(1.0, 1.0, 1.0), SetScore(0.0, 0.0, 0.0)])
    SetScore(precision=0.5, recall=0.5, f1=0.5)
    """
    if not scores:
        return None
    return SetScore(*(statistics.fmean(column) for column in zip(*map(astuple, scores))))


def parse_date(value: Any) -> datetime | None:
    """Parse an ISO 8601 date or date-time; None when missing or unparseable.

    >>> parse_date("2024-05-03T15:47:42Z").isoformat()
    '2024-05-03T15:47:42+00:00'
    >>> parse_date("2024-05-03").isoformat()
    '2024-05-03T00:00:00'
    >>> parse_date("3 May 2024") is None
    True
    """
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def has_offset(moment: datetime | None) -> bool:
    """Whether *moment* is a date-time with a UTC offset.

    >>> has_offset(parse_date("2024-05-03T10:00:00+02:00")), has_offset(parse_date("2024-05-03"))
    (True, False)
    """
    return moment is not None and moment.utcoffset() is not None


def same_instant(pred: Any, truth: Any) -> bool | None:
    """Whether both dates are the same instant; None when the truth has no offset.

    >>> same_instant("2024-05-03T17:47:42+02:00", "2024-05-03T15:47:42+00:00")
    True
    >>> same_instant("2024-05-03", "2024-05-03T15:47:42+00:00")
    False
    >>> same_instant("2024-05-03T15:47:42+00:00", "2024-05-03T15:47:42") is None
    True
    """
    expected = parse_date(truth)
    if not has_offset(expected):
        return None
    predicted = parse_date(pred)
    return has_offset(predicted) and predicted == expected


def same_day(pred: Any, truth: Any) -> bool | None:
    """Whether both dates fall on the same calendar day as written; None without a truth date.

    >>> same_day("2024-05-03", "2024-05-03T23:30:00-05:00")
    True
    >>> same_day("2024-05-04T04:30:00+00:00", "2024-05-03T23:30:00-05:00")
    False
    >>> same_day(None, "2024-05-03"), same_day("2024-05-03", None)
    (False, None)
    """
    expected = parse_date(truth)
    if expected is None:
        return None
    predicted = parse_date(pred)
    return predicted is not None and predicted.date() == expected.date()


def share_true(flags: Iterable[bool | None]) -> float | None:
    """Return the share of True among the flags that are not None (None if there are none).

    >>> share_true([True, False, None, True, True])
    0.75
    """
    counted = [flag for flag in flags if flag is not None]
    return sum(counted) / len(counted) if counted else None


# --- extractors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """The fields the evaluator scores, read from one extractor output."""

    body: str = ""
    headline: str | None = None
    authors: tuple[Any, ...] = ()
    date: Any = None


@dataclass(frozen=True)
class Extractor:
    """An extractor under test: the call that is timed, and how its output is read."""

    name: str
    call: Callable[[bytes, str], Any]
    read: Callable[[Any], Prediction]


def string_or_none(value: Any) -> str | None:
    """Return *value* if it is a string, else None."""
    return value if isinstance(value, str) else None


def record_to_prediction(record: Any) -> Prediction:
    """Read a newscrawl record; anything but a dict counts as an empty record."""
    if not isinstance(record, dict):
        return Prediction()
    authors = record.get("authors") or ()
    return Prediction(
        body=string_or_none(record.get("articleBody")) or "",
        headline=string_or_none(record.get("headline")),
        authors=tuple(authors) if isinstance(authors, (list, tuple)) else (authors,),
        date=record.get("datePublished"),
    )


def document_to_prediction(document: Any) -> Prediction:
    """Read a trafilatura Document (None when it found nothing); authors are split on ";"."""
    if document is None:
        return Prediction()
    return Prediction(
        body=document.text or "",
        headline=document.title,
        authors=tuple((document.author or "").split(";")),
        date=document.date,
    )


def call_newscrawl(html: bytes, url: str) -> Any:
    """Run the newscrawl extractor on one page."""
    return extract_article(html, url)


def newscrawl_extractor() -> Extractor:
    """The extractor under test."""
    return Extractor(NEWSCRAWL, call_newscrawl, record_to_prediction)


def trafilatura_available() -> bool:
    """Whether trafilatura can be imported."""
    return importlib.util.find_spec(TRAFILATURA) is not None


def trafilatura_extractor() -> Extractor:
    """Trafilatura as the published references ran it (comments excluded, with metadata)."""
    import trafilatura  # optional dependency, only needed for the side-by-side run

    def call(html: bytes, url: str) -> Any:
        return trafilatura.bare_extraction(
            html, url=url, include_comments=False, with_metadata=True
        )

    return Extractor(TRAFILATURA, call, document_to_prediction)


# --- running -------------------------------------------------------------------------------


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
            "failed": self.failed,
        }


def timed_call(extractor: Extractor, page: Page) -> tuple[Prediction, float, bool]:
    """Run *extractor* on *page*: its prediction, milliseconds taken, and whether it raised.

    Only the extractor call is timed. An exception is logged with the page id and the page
    is scored as an empty record.
    """
    error = None
    start = time.perf_counter()
    try:
        output = extractor.call(page.html, page.url)
    except Exception as exc:  # the extractor must never raise: count, log, score as empty
        error = exc
    ms = (time.perf_counter() - start) * 1000
    if error is not None:
        logger.error("%s raised on page %s", extractor.name, page.id, exc_info=error)
        return Prediction(), ms, True
    return extractor.read(output), ms, False


def score_page(page: Page, prediction: Prediction, ms: float, failed: bool) -> PageResult:
    """Score one prediction against the page's truth."""
    truth = page.truth
    return PageResult(
        id=page.id,
        body=body_scores(prediction.body, truth.get("articleBody")),
        headline=headline_matches(prediction.headline, truth.get("headline")),
        authors=author_scores(prediction.authors, truth.get("authors")),
        same_instant=same_instant(prediction.date, truth.get("datePublished")),
        same_day=same_day(prediction.date, truth.get("datePublished")),
        ms=ms,
        failed=failed,
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


@dataclass(frozen=True)
class Run:
    """One extractor evaluated on one corpus: the figures and the page scores."""

    summary: RunSummary
    pages: list[PageResult]


def summarize(corpus: str, extractor: str, pages: Sequence[PageResult]) -> RunSummary:
    """Aggregate page results into the corpus figures."""
    times = [page.ms for page in pages]
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
    )


def evaluate_corpus(corpus: str, pages: Sequence[Page], extractor: Extractor) -> Run:
    """Run and score *extractor* on every page of a corpus."""
    results = [score_page(page, *timed_call(extractor, page)) for page in pages]
    return Run(summarize(corpus, extractor.name, results), results)


def evaluate_corpora(
    corpus_dirs: Sequence[Path], extractors: Sequence[Extractor], limit: int | None
) -> list[Run]:
    """Evaluate every extractor on every corpus, loading each corpus once."""
    runs = []
    for corpus_dir in corpus_dirs:
        pages = load_corpus(corpus_dir, limit)
        runs.extend(evaluate_corpus(corpus_name(corpus_dir), pages, e) for e in extractors)
    return runs


def speed_ratios(runs: Sequence[Run]) -> dict[str, float]:
    """Per corpus, newscrawl's median ms over trafilatura's (when both ran)."""
    medians = {(run.summary.corpus, run.summary.extractor): run.summary.median_ms for run in runs}
    return {
        corpus: medians[corpus, NEWSCRAWL] / medians[corpus, TRAFILATURA]
        for corpus, extractor in medians
        if extractor == NEWSCRAWL and medians.get((corpus, TRAFILATURA))
    }


# --- reporting -----------------------------------------------------------------------------


def format_number(value: float | int | None, digits: int = 3) -> str:
    """Format a figure for a table: '-' for None, ints as they are, floats rounded.

    >>> format_number(None), format_number(7), format_number(0.96484), format_number(2.5, 1)
    ('-', '7', '0.965', '2.5')
    """
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.{digits}f}"


def table_row(run: Run, ratios: dict[str, float]) -> list[str]:
    """The table cells of one run."""
    summary, body = run.summary, run.summary.body
    authors = astuple(summary.authors) if summary.authors else (None, None, None)
    ratio = ratios.get(summary.corpus) if summary.extractor == NEWSCRAWL else None
    figures = (
        body.pages, body.precision, body.recall, body.f1, body.empty, body.mean_page_f1,
        summary.headline_exact, *authors, summary.date_same_instant, summary.date_same_day,
    )
    timing = (summary.median_ms, summary.max_ms)
    return [
        summary.corpus,
        summary.extractor,
        *map(format_number, figures),
        *(format_number(ms, 1) for ms in timing),
        format_number(ratio, 2),
        str(summary.exceptions),
    ]


def format_plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Align a table in columns: the first columns left-aligned, figures right-aligned.

    >>> rows = [["aeb", "x", "0.965"], ["fundus", "y", "1"]]
    >>> print(format_plain_table(["set", "by", "F1"], rows))
    set     by     F1
    aeb     x   0.965
    fundus  y       1
    """
    widths = [max(map(len, column)) for column in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i < TEXT_COLUMNS else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        ).rstrip()

    return "\n".join(line(cells) for cells in [headers, *rows])


def format_markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Render a Markdown table, figures right-aligned.

    >>> print(format_markdown_table(["set", "extractor", "F1"], [["aeb", "x", "0.965"]]))
    | set | extractor | F1 |
    | --- | --- | ---: |
    | aeb | x | 0.965 |
    """
    rule = ["---" if i < TEXT_COLUMNS else "---:" for i in range(len(headers))]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [headers, rule, *rows])


def report_table(runs: Sequence[Run], markdown: bool = False) -> str:
    """The results table, plain text or Markdown; a note explains the speed ratio if any."""
    ratios = speed_ratios(runs)
    rows = [table_row(run, ratios) for run in runs]
    render = format_markdown_table if markdown else format_plain_table
    table = render(COLUMNS, rows)
    return f"{table}\n\n{SPEED_NOTE}" if ratios else table


def report_json(runs: Sequence[Run]) -> dict[str, Any]:
    """All figures and page scores, as JSON-ready data."""
    return {
        "runs": [
            {**asdict(run.summary), "pages": [page.to_json() for page in run.pages]}
            for run in runs
        ],
        "speed_ratio": speed_ratios(runs),
    }


def paragraphs(text: str) -> list[str]:
    """Split *text* on blank lines into whitespace-folded, non-empty paragraphs.

    >>> paragraphs("One\\n  line.\\n\\n\\n Two. \\n \\n")
    ['One line.', 'Two.']
    """
    folded = (WHITESPACE_RE.sub(" ", part).strip() for part in PARAGRAPH_BREAK_RE.split(text))
    return [paragraph for paragraph in folded if paragraph]


def shorten(line: str, width: int = DIFF_LINE_WIDTH) -> str:
    """Cut *line* to *width* characters, marking the cut with an ellipsis.

    >>> shorten("abcdefgh", 5), shorten("abc", 5)
    ('abcd…', 'abc')
    """
    return line if len(line) <= width else line[: width - 1] + "…"


def body_diff(expected: str, extracted: str, max_lines: int = DIFF_MAX_LINES) -> list[str]:
    """Unified diff of expected vs extracted text, a paragraph a line, truncated.

    >>> body_diff("Same.\\n\\nGone.", "Same.\\n\\nAdded.")
    ['--- expected', '+++ extracted', '@@ -1,2 +1,2 @@', ' Same.', '-Gone.', '+Added.']
    """
    lines = list(
        difflib.unified_diff(
            paragraphs(expected), paragraphs(extracted),
            "expected", "extracted", n=DIFF_CONTEXT, lineterm="",
        )
    )
    kept = [shorten(line) for line in lines[:max_lines]]
    hidden = len(lines) - len(kept)
    return kept + ([f"... {hidden} more diff lines"] if hidden else [])


def format_worst(run: Run, count: int) -> str:
    """The *count* pages of *run* with the lowest body F1, each with its body diff."""
    worst = sorted(run.pages, key=lambda page: (page.body.f1, page.id))[:count]
    blocks = [f"== {run.summary.corpus}: {len(worst)} worst pages by body F1 =="]
    for page in worst:
        body = page.body
        blocks.append(
            f"-- {page.id}  F1 {body.f1:.3f}  P {body.precision:.3f}  R {body.recall:.3f}"
        )
        blocks.extend(body_diff(page.expected_body, page.extracted_body) or ["(identical)"])
    return "\n".join(blocks)


# --- command line --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="newscrawl-evaluate", description="Score the article extractor on corpora."
    )
    parser.add_argument("corpus_dirs", nargs="+", type=Path, metavar="CORPUS_DIR",
                        help="folder of <id>.html.gz pages and truth.jsonl")
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--with-trafilatura", dest="trafilatura", action="store_true",
                      default=None, help="score trafilatura side by side (default if installed)")
    side.add_argument("--no-trafilatura", dest="trafilatura", action="store_false",
                      help="score newscrawl alone")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write all figures here")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--worst", type=int, default=0, metavar="N",
                        help="show the N worst newscrawl pages per corpus with a body diff")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N pages")
    return parser


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop with a usage error on missing corpora, bad counts or an unavailable trafilatura."""
    for corpus_dir in args.corpus_dirs:
        if not (corpus_dir / TRUTH_FILE).is_file():
            parser.error(f"{corpus_dir} has no {TRUTH_FILE}")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.worst < 0:
        parser.error("--worst must not be negative")
    if args.trafilatura and not trafilatura_available():
        parser.error("--with-trafilatura needs trafilatura installed")


def chosen_extractors(args: argparse.Namespace) -> list[Extractor]:
    """newscrawl, then trafilatura if asked for (or, by default, if installed)."""
    with_trafilatura = trafilatura_available() if args.trafilatura is None else args.trafilatura
    return [newscrawl_extractor()] + ([trafilatura_extractor()] if with_trafilatura else [])


def print_reports(runs: Sequence[Run], args: argparse.Namespace) -> None:
    """Print the table and, if asked, the worst newscrawl pages; write the JSON report."""
    print(report_table(runs, markdown=args.markdown))
    for run in runs:
        if args.worst and run.summary.extractor == NEWSCRAWL:
            print()
            print(format_worst(run, args.worst))
    if args.json:
        args.json.write_text(json.dumps(report_json(runs), indent=2, ensure_ascii=False))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``newscrawl-evaluate``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    runs = evaluate_corpora(args.corpus_dirs, chosen_extractors(args), args.limit)
    print_reports(runs, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
