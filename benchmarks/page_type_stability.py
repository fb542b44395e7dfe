"""How steady the page-type trainer is: ``python -m benchmarks.page_type_stability [CORPUS] [--plain]``.

Three measurements of the shipped fit (``--plain``: 60 plain trees, the fit shipped before):

- left out: fitted without a group of pages, judged on it. A set whose source (its name up to
  the first dash) has no other set is a group (aeb-dev, fundus-dev); the pages of a source of
  several sets (wcxb: articles and other pages) are split in halves by the held-out rule (half
  A: the first hex digit of the id's sha1 is even);
- perturbed: ``has_author``, ``has_date`` or ``type_none`` flipped on 3% of the pages (three
  draws each), refitted: how many verdicts of the other pages change, and the least score of
  plain wire stories (a headline and five paragraphs, no byline, no date, no type);
- the fit's own pages, judged by the model alone (the evaluator adds the URL and link checks).

Slow: about 14 fits, 2 to 10 minutes on a loaded 2-core machine.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from newscrawl.evaluation.runner import page_half
from newscrawl.evaluation.train import SHIPPED, Boosting, DEFAULT_ROOT, judged_right, labelled_pages, shipped_fit
from newscrawl.extraction.record import extract_features

FLIPPED = ("has_author", "has_date", "type_none")
DRAWS = 3
SHARE = 0.03
_WORDS = ["harbour", "council", "ferry", "winter", "budget", "school", "river", "market", "bridge"]


def wire_story(number: int) -> str:
    """A bare story as the chaos test's wire site prints it."""
    rng = random.Random(number)
    text = "".join(f"<p>Story {number}. {' '.join(rng.choice(_WORDS) for _ in range(40)).capitalize()}.</p>"
                   for _ in range(5))
    return (f"<html><head><title>Wire story {number}</title></head><body><article>"
            f"<h1>Wire story {number}</h1>{text}</article></body></html>")


def group(corpus: str, page_id: str, mixed: set[str]) -> str:
    """The group a page is left out with: its set, or for a mixed set's page its half.

    >>> group("aeb-dev", "x", set()), group("wcxb-dev-other", "0001", {"wcxb-dev-other"})
    ('aeb-dev', 'half B')
    """
    if corpus not in mixed:
        return corpus
    return f"half {page_half(page_id)}"


def _source(corpus: str) -> str:
    """The source of a set: its name up to the first dash (wcxb-dev-article: wcxb)."""
    return corpus.split("-", 1)[0]


def _shares(counts: Counter) -> str:
    """The share judged right of each true type, on one line."""
    types = sorted({t for t, _ in counts})
    return ", ".join(f"{t} {counts[t, 'right'] / counts[t, 'pages']:.3f}" for t in types)


def left_out(rows: list, boosting: Boosting) -> list[str]:
    """One line per group left out: the share of its pages judged right; then all of them."""
    sources = Counter(_source(c) for c in {r[0] for r in rows})
    mixed = {c for c, _, _, _ in rows if sources[_source(c)] > 1}
    groups = sorted({group(c, p, mixed) for c, p, _, _ in rows})
    total: Counter = Counter()
    lines = []
    for name in groups:
        model = shipped_fit([r for r in rows if group(r[0], r[1], mixed) != name], boosting)
        counts = judged_right(model, [r for r in rows if group(r[0], r[1], mixed) == name])
        total.update(counts)
        lines.append(f"left out {name}: {_shares(counts)}")
    return lines + [f"all left out: {_shares(total)}"]


def perturbed(rows: list, boosting: Boosting, stories: list[dict]) -> list[str]:
    """One line per flipped feature and draw: verdicts changed, and how the wire ``stories`` fare."""
    base = shipped_fit(rows, boosting)
    verdicts = [base.score(r[3]) >= 0 for r in rows]
    lines = [f"unperturbed: least wire story score {min(map(base.score, stories)):.2f}"]
    for feature in FLIPPED:
        for draw in range(DRAWS):
            picked = set(random.Random(f"{feature}/{draw}").sample(range(len(rows)), int(len(rows) * SHARE)))
            model = shipped_fit([(c, p, t, f | {feature: 1.0 - f[feature]}) if i in picked else (c, p, t, f)
                                 for i, (c, p, t, f) in enumerate(rows)], boosting)
            changed = sum((model.score(r[3]) >= 0) != verdicts[i] for i, r in enumerate(rows) if i not in picked)
            scores = [model.score(s) for s in stories]
            lines.append(f"{feature} flipped, draw {draw}: {changed} of {len(rows) - len(picked)} verdicts "
                         f"changed; wire stories judged other {sum(s < 0 for s in scores)} of "
                         f"{len(stories)}, least score {min(scores):.2f}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--plain", action="store_true", help="60 plain trees, the fit shipped before")
    args = parser.parse_args(argv)
    boosting = Boosting() if args.plain else SHIPPED
    rows = labelled_pages(args.root)
    stories = [extract_features(wire_story(n), f"http://127.0.0.1:8080/wire/{n:03d}.html") for n in range(60)]
    print("\n".join(left_out(rows, boosting)))
    print("\n".join(perturbed(rows, boosting, stories)))
    print(f"own pages: {_shares(judged_right(shipped_fit(rows, boosting), rows))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
