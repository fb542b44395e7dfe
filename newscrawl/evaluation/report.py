"""Tables, JSON and worst-page diffs of evaluation runs."""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, astuple
from typing import Any, Sequence

from newscrawl.evaluation.extractors import NEWSCRAWL
from newscrawl.evaluation.metrics import WHITESPACE_RE
from newscrawl.evaluation.runner import Run, speed_ratios

PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
DIFF_CONTEXT = 1
DIFF_MAX_LINES = 40
DIFF_LINE_WIDTH = 160

COLUMNS = (
    "set", "extractor", "pages", "body P", "body R", "body F1", "empty", "page F1",
    "headline", "auth P", "auth R", "auth F1", "instant", "day", "with", "w/o",
    "med ms", "max ms", "x traf", "wall x", "errors",
)
TEXT_COLUMNS = 2
SPEED_NOTE = ("med ms, max ms: CPU time of the extractor call; x traf: newscrawl's median over "
              "trafilatura's on the same pages; wall x: the same in wall-clock time.")
SNIPPET_NOTE = ("with: share of the truth's `with` snippets found in the body; "
                "w/o: share of its `without` snippets absent from it.")
#: The judged page types, as columns of the confusion table.
JUDGED_TYPES = ("article", "other")
TYPE_COLUMNS = ("set", "true type", "pages", *JUDGED_TYPES, "judged right")


def format_number(value: float | int | None, digits: int = 3) -> str:
    """Format a figure for a table: '-' for None, ints as they are, floats rounded.

    >>> format_number(None), format_number(7), format_number(0.96484), format_number(2.5, 1)
    ('-', '7', '0.965', '2.5')
    """
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.{digits}f}"


def table_row(run: Run, ratios: dict[str, float], wall_ratios: dict[str, float]) -> list[str]:
    """The table cells of one run."""
    summary, body = run.summary, run.summary.body
    authors = astuple(summary.authors) if summary.authors else (None, None, None)
    ours = summary.extractor == NEWSCRAWL
    ratio, wall_ratio = (ratios.get(summary.corpus), wall_ratios.get(summary.corpus)) if ours else (None, None)
    figures = (
        body.pages, body.precision, body.recall, body.f1, body.empty, body.mean_page_f1,
        summary.headline_exact, *authors, summary.date_same_instant, summary.date_same_day,
        summary.with_found, summary.without_absent,
    )
    timing = (summary.median_cpu_ms, summary.max_cpu_ms)
    return [
        summary.corpus,
        summary.extractor,
        *map(format_number, figures),
        *(format_number(ms, 1) for ms in timing),
        format_number(ratio, 2),
        format_number(wall_ratio, 2),
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
    """The results table, plain text or Markdown; notes explain the speed ratio and the
    snippet rates when there are any."""
    ratios, wall_ratios = speed_ratios(runs), speed_ratios(runs, "median_ms")
    rows = [table_row(run, ratios, wall_ratios) for run in runs]
    render = format_markdown_table if markdown else format_plain_table
    notes = [SPEED_NOTE] * bool(ratios) + [SNIPPET_NOTE] * any(
        run.summary.with_found is not None for run in runs)
    return "\n\n".join([render(COLUMNS, rows), *notes])


def page_type_rows(run: Run) -> list[list[str]]:
    """One row per true page type of a run: pages judged each type, and the share judged right
    (``article`` for articles, anything else for other types)."""
    rows = []
    for true, judged in run.summary.page_types.items():
        pages = sum(judged.values())
        right = judged.get(true if true == "article" else "other", 0)
        counts = (str(judged.get(kind, 0)) for kind in JUDGED_TYPES)
        rows.append([run.summary.corpus, true, str(pages), *counts, format_number(right / pages)])
    return rows


def page_type_table(runs: Sequence[Run], markdown: bool = False) -> str:
    """The page-type confusion table (true type x judged type) of the runs that judge types;
    '' when none does."""
    rows = [row for run in runs for row in page_type_rows(run)]
    if not rows:
        return ""
    render = format_markdown_table if markdown else format_plain_table
    return render(TYPE_COLUMNS, rows)


def report_json(runs: Sequence[Run]) -> dict[str, Any]:
    """All figures and page scores, as JSON-ready data."""
    return {
        "runs": [
            {**asdict(run.summary), "pages": [page.to_json() for page in run.pages]}
            for run in runs
        ],
        "speed_ratio": speed_ratios(runs),
        "wall_speed_ratio": speed_ratios(runs, "median_ms"),
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
