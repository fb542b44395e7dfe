"""The extraction metrics of the corpus README: body shingle F1, headline, authors, dates."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import asdict, astuple, dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

TOKEN_RE = re.compile(r"\w+")
WHITESPACE_RE = re.compile(r"\s+")
SHINGLE_SIZE = 4


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


def snippet_counts(body: str | None, snippets: Any) -> tuple[int, int]:
    """How many of the truth *snippets* the body contains, and how many there are.

    Both sides are compared after :func:`normalize_text`; no snippets give ``(0, 0)``.

    >>> snippet_counts("It rained  ALL day.\\n\\nShare this", ["rained all day", "Sunny", ""])
    (1, 2)
    >>> snippet_counts("Text", None)
    (0, 0)
    """
    wanted = [normalize_text(s) for s in snippets or () if isinstance(s, str)]
    wanted = [snippet for snippet in wanted if snippet]
    text = normalize_text(body)
    return sum(snippet in text for snippet in wanted), len(wanted)


def share_of_counts(counts: Iterable[tuple[int, int] | None]) -> float | None:
    """Total found over total counted, over every page (None when nothing is counted).

    >>> share_of_counts([(1, 2), None, (3, 3), (0, 0)])
    0.8
    >>> share_of_counts([(0, 0)]) is None
    True
    """
    found = total = 0
    for count in counts:
        if count:
            found, total = found + count[0], total + count[1]
    return found / total if total else None
