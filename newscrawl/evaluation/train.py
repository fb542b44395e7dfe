"""Fit the page-type model on corpora with ``pageType`` truth, and check it set by set.

Usage::

    python -m newscrawl.evaluation.train [CORPUS_ROOT] [--out FILE] [--folds-only | --no-folds]

Every page of every set under ``CORPUS_ROOT`` (default ``../shared/corpus``) is run through
the extractor for its :mod:`~newscrawl.extraction.page_features`; its label is its truth
``pageType`` (``article`` when the set has none). The check is leave-one-corpus-out: each
article set is left out in turn together with one third of the other pages (chosen by id), the
model is fitted on the rest and judged on what was left out. The shipped model is then fitted
on every page and written to ``--out`` (the package's model file by default).

The fit is gradient boosting of small regression trees on the log loss (Newton leaves and
monotone constraints, as XGBoost does), averaged over a few fits on pages drawn with
replacement from a fixed seed, so the same pages always give the same file. It runs in plain
Python: a few thousand pages and a few dozen features need no numerical library, and the
shipped model is a JSON list of trees read by
:class:`~newscrawl.extraction.classify.PageTypeModel`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
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
PAGE_FOLDS = 5  # the second check: pages of every set, split by id


@dataclass(frozen=True)
class Boosting:
    """How the trees are grown. ``monotone`` names features whose sign is known: +1 where
    more of it can only make a page more of an article, -1 where only less."""

    rounds: int = 60  # trees
    depth: int = 3  # splits from root to leaf
    learning_rate: float = 0.3
    l2_penalty: float = 1.0  # on leaf values
    min_child_weight: float = 2.0  # least curvature (about pages) on each side of a split
    min_split_pages: int = 10
    #: Articles weigh this much more than other pages: losing an article costs more than
    #: publishing a listing, and the targets ask 97% of articles against 90% of the others.
    article_weight: float = 3.0
    monotone: tuple[tuple[str, int], ...] = ()
    bags: int = 1  # fits on resampled pages, averaged
    seed: int = 0


#: Features whose sign is known, whatever the training pages say: prose (sentences, long
#: lines), an article type, a date, an author and an article-shaped URL can only make a page
#: more of an article; other types, prices, shop, service and forum words, a listing or home
#: URL and link-heavy text only less. A plain story without metadata then keeps its prose's
#: score however the pages with metadata move.
MONOTONE = (
    *((name, 1) for name in ("body_sentences", "body_long_lines", "type_article", "has_date",
                             "has_author", "url_article")),
    *((name, -1) for name in ("type_listing", "type_product", "type_forum", "prices", "shop_words",
                              "service_words", "forum_words", "url_listing", "url_home", "link_density")),
)
#: The shipped model: five bagged fits of 60 monotone trees, averaged.
SHIPPED = Boosting(monotone=MONOTONE, bags=5, seed=1)


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
    signs: list[int]  # per feature: +1 or -1 if monotone, else 0


def fit(rows: Sequence[dict[str, float]], labels: Sequence[int], names: Sequence[str],
        boosting: Boosting = SHIPPED) -> PageTypeModel:
    """Boosted trees scoring ``labels`` (1 = article) from the named features of ``rows``,
    averaged over ``boosting.bags`` fits on pages drawn with replacement (one fit on all
    pages when 1).

    >>> rows = [{"x": v / 20} for v in range(40)]
    >>> model = fit(rows, [v >= 20 for v in range(40)], ["x"])
    >>> model.score({"x": 1.5}) > 0 > model.score({"x": 0.1})
    True
    """
    x = [[row.get(name, 0.0) for name in names] for row in rows]
    weights = [boosting.article_weight if label else 1.0 for label in labels]
    if boosting.bags == 1:
        return PageTypeModel(list(names), _boost(x, labels, weights, names, boosting))
    rng = random.Random(boosting.seed)
    trees = []
    for _ in range(boosting.bags):
        drawn = Counter(rng.randrange(len(x)) for _ in x)
        bag_weights = [w * drawn[i] for i, w in enumerate(weights)]
        trees += [_scaled(tree, 1 / boosting.bags)
                  for tree in _boost(x, labels, bag_weights, names, boosting)]
    return PageTypeModel(list(names), trees)


def _boost(x: list[list[float]], labels: Sequence[int], weights: list[float],
           names: Sequence[str], boosting: Boosting) -> list:
    """The trees of one boosted fit of pages ``x`` weighted by ``weights``."""
    signs = [dict(boosting.monotone).get(name, 0) for name in names]
    order = [sorted(range(len(x)), key=lambda i, f=f: x[i][f]) for f in range(len(names))]
    kept = {i for i, w in enumerate(weights) if w > 0}
    trees: list = []
    scores = [0.0] * len(x)
    for _ in range(boosting.rounds):
        p = [1 / (1 + math.exp(-max(min(s, 50.0), -50.0))) for s in scores]
        data = _Gradients(
            x,
            [w * (pi - y) for w, pi, y in zip(weights, p, labels)],
            [w * pi * (1 - pi) for w, pi in zip(weights, p)],
            order,
            signs,
        )
        tree = _grow(data, kept, boosting.depth, boosting, (-math.inf, math.inf))
        trees.append(tree)
        scores = [s + leaf_value(tree, row) for s, row in zip(scores, x)]
    return trees


def _scaled(tree, factor: float):
    """``tree`` with every leaf times ``factor``.

    >>> _scaled([0, 0.5, -1.0, 3.0], 0.5)
    [0, 0.5, -0.5, 1.5]
    """
    if not isinstance(tree, list):
        return round(tree * factor, 6)
    return tree[:2] + [_scaled(tree[2], factor), _scaled(tree[3], factor)]


def _weight(g: float, h: float, boosting: Boosting, bounds: tuple[float, float]) -> float:
    """The Newton leaf value of a node, kept within the ``bounds`` monotone splits above set."""
    return min(max(-g / (h + boosting.l2_penalty), bounds[0]), bounds[1])


def _grow(data: _Gradients, pages: set[int], depth: int, boosting: Boosting,
          bounds: tuple[float, float]):
    """A tree over ``pages``: the best split by gain, or a leaf."""
    g = sum(data.g[i] for i in pages)
    h = sum(data.h[i] for i in pages)
    split = None
    if depth and len(pages) >= boosting.min_split_pages:
        split = _best_split(data, pages, g, h, boosting, bounds)
    if split is None:
        return round(boosting.learning_rate * _weight(g, h, boosting, bounds), 5)
    feature, threshold, middle = split
    lower = {i for i in pages if data.x[i][feature] < threshold}
    sign = data.signs[feature]
    low_bounds = (bounds[0], middle) if sign > 0 else (middle, bounds[1]) if sign < 0 else bounds
    high_bounds = (middle, bounds[1]) if sign > 0 else (bounds[0], middle) if sign < 0 else bounds
    return [feature, threshold, _grow(data, lower, depth - 1, boosting, low_bounds),
            _grow(data, pages - lower, depth - 1, boosting, high_bounds)]


def _best_split(data: _Gradients, pages: set[int], g: float, h: float, boosting: Boosting,
                bounds: tuple[float, float]) -> tuple[int, float, float] | None:
    """The (feature, threshold, middle of the two sides' values) that lowers the loss most,
    ``None`` if no split does. A split on a monotone feature whose sides' values go the
    wrong way is not taken."""
    best, best_gain = None, 0.0
    l2, least = boosting.l2_penalty, boosting.min_child_weight
    parent = g * g / (h + l2)
    for feature, ordered in enumerate(data.order):
        sign = data.signs[feature]
        gl = hl = 0.0
        previous = None
        for i in ordered:
            if i not in pages:
                continue
            value = data.x[i][feature]
            if previous is not None and value != previous and least <= hl <= h - least:
                gain = gl * gl / (hl + l2) + (g - gl) ** 2 / (h - hl + l2) - parent
                if gain > best_gain:
                    low = _weight(gl, hl, boosting, bounds)
                    high = _weight(g - gl, h - hl, boosting, bounds)
                    if sign * (high - low) >= 0:
                        best = (feature, round((value + previous) / 2, 6), (low + high) / 2)
                        best_gain = gain
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


def shipped_fit(rows: list, boosting: Boosting = SHIPPED) -> PageTypeModel:
    """The model fitted on every page of ``rows``, over all their features."""
    return fit([r[3] for r in rows], [r[2] == "article" for r in rows], sorted(rows[0][3]), boosting)


def model_text(model: PageTypeModel) -> str:
    """The model file's text: the same model always gives the same bytes.

    >>> print(model_text(PageTypeModel(["x"], [0.5])), end="")
    {"features": ["x"], "threshold": 0.0, "trees": [0.5]}
    """
    return json.dumps(model.to_json(), sort_keys=True, separators=(", ", ": ")) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.evaluation.train",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=DEFAULT_ROOT,
                        help=f"folder of corpus sets (default {DEFAULT_ROOT})")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="where the model is written")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--folds-only", action="store_true",
                      help="report the left-out figures, write no model")
    mode.add_argument("--no-folds", action="store_true",
                      help="write the model without the left-out figures (a few minutes less)")
    args = parser.parse_args(argv)
    rows = labelled_pages(args.root)
    if not args.no_folds:
        print("\n".join(checks(rows, sorted(rows[0][3]))))
    if not args.folds_only:
        model = shipped_fit(rows)
        print(format_counts("fitted on all, judged on all", judged_right(model, rows)))
        args.out.write_text(model_text(model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
