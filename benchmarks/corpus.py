"""The corpus of real pages the benchmarks run on: ``<set>/<id>.html.gz`` plus ``truth.jsonl``.

Read here directly (a few lines) so that the benchmarks depend only on the corpus format,
not on the evaluation command's internals.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from collections.abc import Iterator
from pathlib import Path

TRUTH_FILE = "truth.jsonl"


@dataclass(frozen=True)
class Page:
    """One corpus page: its original URL, the decompressed HTML and its truth record."""

    url: str
    html: bytes = field(repr=False)
    truth: dict = field(repr=False)


def corpus_sets(corpus: Path) -> list[Path]:
    """The set folders of a corpus folder (those with a truth file), by name."""
    return sorted(path.parent for path in corpus.glob(f"*/{TRUTH_FILE}"))


def iter_pages(corpus: Path) -> Iterator[Page]:
    """Every page of every set of ``corpus``, in set and truth-file order, one at a time."""
    for folder in corpus_sets(corpus):
        with (folder / TRUTH_FILE).open(encoding="utf-8") as lines:
            for truth in map(json.loads, filter(str.strip, lines)):
                html = gzip.decompress((folder / f"{truth['id']}.html.gz").read_bytes())
                yield Page(truth["url"], html, truth)


def load_pages(corpus: Path) -> list[Page]:
    """Every page of every set of ``corpus``, in set and truth-file order."""
    return list(iter_pages(corpus))
