"""Fit the page-type model on corpora with ``pageType`` truth, and check it set by set.

Usage::

    python -m newscrawl.evaluation.train [CORPUS_ROOT] [--out FILE] [--folds-only]

Every page of every set under ``CORPUS_ROOT`` (default ``../shared/corpus``) is run through
the extractor for its :mod:`~newscrawl.extraction.page_features`; its label is its truth
``pageType`` (``article`` when the set has none). The check is leave-one-corpus-out: each
article set is left out in turn together with one third of the other pages (chosen by id), the
model is fitted on the rest and judged on what was left out. The shipped model is then fitted
on every page and written to ``--out`` (the package's model file by default).

The fit is gradient boosting of small regression trees on the log loss (Newton leaves, as
XGBoost does), in plain Python: a few thousand pages and a few dozen features need no
numerical library, and the shipped model is a JSON list of trees read by
:class:`~newscrawl.extraction.classify.PageTypeModel`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newscrawl.evaluation.runner import DEFAULT_PAGE_TYPE, load_corpus
from newscrawl.extraction.classify import MODEL_FILE, PageTypeModel, leaf_value
from newscrawl.extraction.record import extract_features

DEFAULT_ROOT = Path("../shared/corpus")
ROUNDS = 60  # trees
DEPTH = 3  # splits from root to leaf
LEARNING_RATE = 0.3
L2_PENALTY = 1.0  # on leaf values
MIN_CHILD_WEIGHT = 2.0  # least curvature (about pages) on each side of a split
MIN_SPLIT_PAGES = 10
#: Articles weigh this much more than other pages: losing an article costs more than
#: publishing a listing, and the targets ask 97% of articles against 90% of the others.
ARTICLE_WEIGHT = 3.0
PAGE_FOLDS = 5  # the second check: pages of every set, split by id


def labelled_pages(root: Path) -> list[tuple[str, str, str, dict[str, float]]]:
    """(set, page id, true type, features) of every page of every set under ``root``."""
    rows = []
    for folder in sorted(p for p in root.iterdir() if (p / "truth.jsonl").is_file()):
        for page in load_corpus(folder):
            true = page.truth.get("pageType") or DEFAULT_PAGE_TYPE
            rows.append((folder.name, page.id, true, extract_features(page.html, page.url)))
    return rows


@dataclass
class _Gradients:
    """Per page: features, gradient and curvature of the weighted log loss."""

    x: list[list[float]]
    g: list[float]
    h: list[float]
    order: list[list[int]]  # page indexes sorted by each feature


def fit(rows: Sequence[dict[str, float]], labels: Sequence[int], names: Sequence[str]) -> PageTypeModel:
    """Boosted trees scoring ``labels`` (1 = article) from the named features of ``rows``.

    >>> rows = [{"x": v / 20} for v in range(40)]
    >>> model = fit(rows, [v >= 20 for v in range(40)], ["x"])
    >>> model.score({"x": 1.5}) > 0 > model.score({"x": 0.1})
    True
    """
    x = [[row.get(name, 0.0) for name in names] for row in rows]
    weights = [ARTICLE_WEIGHT if label else 1.0 for label in labels]
    order = [sorted(range(len(x)), key=lambda i, f=f: x[i][f]) for f in range(len(names))]
    scores = [0.0] * len(x)
    trees: list = []
    for _ in range(ROUNDS):
        p = [1 / (1 + math.exp(-max(min(s, 50.0), -50.0))) for s in scores]
        data = _Gradients(
            x,
            [w * (pi - y) for w, pi, y in zip(weights, p, labels)],
            [w * pi * (1 - pi) for w, pi in zip(weights, p)],
            order,
        )
        tree = _grow(data, set(range(len(x))), DEPTH)
        trees.append(tree)
        scores = [s + leaf_value(tree, row) for s, row in zip(scores, x)]
    return PageTypeModel(list(names), trees)


def _grow(data: _Gradients, pages: set[int], depth: int):
    """A tree over ``pages``: the best split by gain, or a leaf."""
    g = sum(data.g[i] for i in pages)
    h = sum(data.h[i] for i in pages)
    split = _best_split(data, pages, g, h) if depth and len(pages) >= MIN_SPLIT_PAGES else None
    if split is None:
        return round(-LEARNING_RATE * g / (h + L2_PENALTY), 5)
    feature, threshold = split
    lower = {i for i in pages if data.x[i][feature] < threshold}
    return [feature, threshold, _grow(data, lower, depth - 1), _grow(data, pages - lower, depth - 1)]


def _best_split(data: _Gradients, pages: set[int], g: float, h: float) -> tuple[int, float] | None:
    """The (feature, threshold) that lowers the loss most, ``None`` if no split does."""
    best, best_gain = None, 0.0
    parent = g * g / (h + L2_PENALTY)
    for feature, ordered in enumerate(data.order):
        gl = hl = 0.0
        previous = None
        for i in ordered:
            if i not in pages:
                continue
            value = data.x[i][feature]
            if previous is not None and value != previous and MIN_CHILD_WEIGHT <= hl <= h - MIN_CHILD_WEIGHT:
                gain = gl * gl / (hl + L2_PENALTY) + (g - gl) ** 2 / (h - hl + L2_PENALTY) - parent
                if gain > best_gain:
                    best, best_gain = (feature, round((value + previous) / 2, 6)), gain
            gl, hl, previous = gl + data.g[i], hl + data.h[i], value
    return best


def corpus_fold(corpus: str, page_id: str, article_sets: Sequence[str]) -> int:
    """The fold a page is left out in: its article set's, or for other pages one by id.

    >>> corpus_fold("aeb-dev", "x", ["aeb-dev", "fundus-dev"]), corpus_fold("other", "x", ["a", "b"])
    (0, 1)
    """
    if corpus in article_sets:
        return article_sets.index(corpus)
    return zlib.crc32(page_id.encode()) % len(article_sets)


def page_fold(corpus: str, page_id: str, folds: int = PAGE_FOLDS) -> int:
    """The fold of a page when every set is split by page id.

    >>> page_fold("aeb-dev", "x") == page_fold("aeb-dev", "x") != page_fold("fundus-dev", "x")
    True
    """
    return zlib.crc32(f"{corpus}/{page_id}".encode()) % folds


def judged_right(model: PageTypeModel, rows: Sequence[tuple[str, str, str, dict]]) -> Counter:
    """Pages and pages judged right, per true type (keys ``(type, "pages")``, ``(type, "right")``)."""
    counts: Counter = Counter()
    for _, _, true, features in rows:
        judged_article = model.score(features) >= model.threshold
        counts[true, "pages"] += 1
        counts[true, "right"] += judged_article == (true == "article")
    return counts


def format_counts(title: str, counts: Counter) -> str:
    """One line: the share judged right of each true type."""
    types = sorted({true for true, _ in counts})
    cells = (f"{t} {counts[t, 'right']}/{counts[t, 'pages']} "
             f"({counts[t, 'right'] / counts[t, 'pages']:.3f})" for t in types)
    return f"{title}: " + ", ".join(cells)


def cross_validate(rows: list, names: list[str], folds: dict[int, str], fold_of) -> list[str]:
    """Fit on all folds but one, judge that one, for each fold (``fold_of(set, id)``, named by
    ``folds``): one report line per fold, then the total over every left-out page."""
    total: Counter = Counter()
    lines = []
    for fold, name in folds.items():
        test = [r for r in rows if fold_of(r[0], r[1]) == fold]
        train = [r for r in rows if fold_of(r[0], r[1]) != fold]
        model = fit([r[3] for r in train], [r[2] == "article" for r in train], names)
        counts = judged_right(model, test)
        total.update(counts)
        lines.append(format_counts(f"left out {name}", counts))
    lines.append(format_counts("all left-out pages", total))
    return lines


def checks(rows: list, names: list[str]) -> list[str]:
    """Leave-one-corpus-out (each article set with a third of the other pages), then
    pages of every set split by id."""
    article_sets = sorted({c for c, _, true, _ in rows if true == "article"})
    by_corpus = {i: f"{name} + other pages fold {i}" for i, name in enumerate(article_sets)}
    by_page = {i: f"page fold {i}" for i in range(PAGE_FOLDS)}
    return [
        "leave one corpus out:",
        *cross_validate(rows, names, by_corpus, lambda c, p: corpus_fold(c, p, article_sets)),
        f"{PAGE_FOLDS} folds of pages by id:",
        *cross_validate(rows, names, by_page, page_fold),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.evaluation.train",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=DEFAULT_ROOT,
                        help=f"folder of corpus sets (default {DEFAULT_ROOT})")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="where the model is written")
    parser.add_argument("--folds-only", action="store_true",
                        help="report the left-out figures, write no model")
    args = parser.parse_args(argv)
    rows = labelled_pages(args.root)
    names = sorted(rows[0][3])
    print("\n".join(checks(rows, names)))
    if not args.folds_only:
        model = fit([r[3] for r in rows], [r[2] == "article" for r in rows], names)
        print(format_counts("fitted on all, judged on all", judged_right(model, rows)))
        args.out.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
