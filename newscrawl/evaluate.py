"""Score the article extractor against hand-checked corpora.

Usage::

    python -m newscrawl.evaluate [CORPUS_DIR...] [--no-trafilatura]
        [--json FILE] [--markdown] [--worst N] [--limit N] [--repeat N] [--halves]

(also installed as the ``newscrawl-evaluate`` console script). A corpus folder holds
``<id>.html.gz`` pages and ``truth.jsonl``, one truth record a line with ``id``, ``url`` and
some of ``articleBody``, ``headline``, ``authors``, ``datePublished``, ``pageType``, ``with``,
``without``. Without CORPUS_DIR, every set of ``../shared/corpus`` is scored.

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
- page type: pages counted by true ``pageType`` (``article`` when the truth has none: those
  sets are all articles) and by judged type, printed as a confusion table with the share judged
  right (``article`` for articles, ``other`` for every other type).
- snippets: the share of all ``with`` snippets found in the body and of all ``without`` snippets
  absent from it, both sides normalised like headlines, over the pages that list any.
- timing: milliseconds of the extractor call alone (page already decompressed), median and max,
  of CPU time (this thread's, so other work on the machine does not inflate it) and of wall-clock
  time; each extractor goes over the whole set on its own, with the harness's objects frozen out
  of the garbage collector's walks. ``--repeat N``: the extractors take turns over each set N
  times and each page keeps its fastest call. An extractor that raises is counted, logged with
  the page id and scored as an empty record.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Sequence

from newscrawl.evaluation.extractors import (
    NEWSCRAWL, Extractor, newscrawl_extractor, trafilatura_available, trafilatura_extractor,
)
from newscrawl.evaluation.report import format_worst, page_type_table, report_json, report_table
from newscrawl.evaluation.runner import TRUTH_FILE, Run, evaluate_corpora, halves

#: Where the shared development sets live, seen from a worktree.
DEFAULT_CORPUS_ROOT = Path("../shared/corpus")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="newscrawl-evaluate", description="Score the article extractor on corpora."
    )
    parser.add_argument("corpus_dirs", nargs="*", type=Path, metavar="CORPUS_DIR",
                        help="folder of <id>.html.gz pages and truth.jsonl "
                             f"(default: every set in {DEFAULT_CORPUS_ROOT})")
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
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="time each page N times, keeping the fastest call (default 1)")
    parser.add_argument("--halves", action="store_true",
                        help="also score each set's halves A and B (SHA-1 of the page id, first "
                             "hex digit even or odd): tune on A, check on held-out B")
    return parser


def every_corpus(root: Path) -> list[Path]:
    """The sets under ``root``: its folders holding a truth file, by name."""
    folders = sorted(root.iterdir()) if root.is_dir() else []
    return [folder for folder in folders if (folder / TRUTH_FILE).is_file()]


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop with a usage error on missing corpora, bad counts or an unavailable trafilatura."""
    args.corpus_dirs = args.corpus_dirs or every_corpus(DEFAULT_CORPUS_ROOT)
    if not args.corpus_dirs:
        parser.error(f"no CORPUS_DIR given and no set in {DEFAULT_CORPUS_ROOT}")
    for corpus_dir in args.corpus_dirs:
        if not (corpus_dir / TRUTH_FILE).is_file():
            parser.error(f"{corpus_dir} has no {TRUTH_FILE}")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
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
    types = page_type_table(runs, markdown=args.markdown)
    if types:
        print()
        print(types)
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
    runs = evaluate_corpora(args.corpus_dirs, chosen_extractors(args), args.limit, args.repeat)
    print_reports([*runs, *halves(runs)] if args.halves else runs, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
