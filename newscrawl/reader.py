"""Read what a crawl published, in publication order, without any bookkeeping of your own.

A crawl publishes *batches* into ``NEWSCRAWL_OUTPUT_DIR/<spider>/``, named
``<UTC run start>-<run id>-<batch number>.jsonl`` (``.jsonl.gz`` when gzipped).
Batch numbers grow by one with every batch published into a directory, across
runs, so they give the publication order. A batch file appears complete (it is
written under a hidden ``.<name>.part`` name, fsynced, then renamed), so
everything this module lists can be read at once; files being written, run
summaries and anything else in the directory are never touched.

A downstream job keeps the name of the last batch it consumed and asks for what
came after it::

    for batch, record in read_published("output/news", after=last_seen):
        handle(record)
        last_seen = batch

``scrapy published DIR [--after BATCH]`` prints the same records as JSON lines.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

BATCH_FILE = re.compile(
    r"^(?P<run>\d{8}T\d{6}Z-[0-9a-f]{8})-(?P<number>\d{6,})(?P<suffix>\.jsonl(?:\.gz)?)$"
)
NUMBER_WIDTH = 6


class PublishedRecord(NamedTuple):
    """One record and the name of the batch file that holds it."""

    batch: str
    record: dict


def batch_name(run_name: str, number: int, compress: bool = False) -> str:
    """The file name of batch ``number`` of a run.

    >>> batch_name("20261127T080000Z-ab12cd34", 7)
    '20261127T080000Z-ab12cd34-000007.jsonl'
    >>> batch_name("20261127T080000Z-ab12cd34", 7, compress=True)
    '20261127T080000Z-ab12cd34-000007.jsonl.gz'
    """
    return f"{run_name}-{number:0{NUMBER_WIDTH}d}.jsonl{'.gz' if compress else ''}"


def batch_number(name: str) -> int | None:
    """The batch number in a published file name, or ``None`` for any other name.

    >>> batch_number("20261127T080000Z-ab12cd34-000012.jsonl.gz")
    12
    >>> batch_number(".20261127T080000Z-ab12cd34-000012.jsonl.part") is None
    True
    """
    match = BATCH_FILE.match(name)
    return int(match["number"]) if match else None


def published_batches(directory: str | Path, after: str | None = None) -> list[Path]:
    """The batch files of ``directory`` in publication order, only those after batch ``after``.

    ``after`` is a batch file name (or its path) as this function returned it before.
    """
    start = batch_number(Path(after).name) if after else 0
    if start is None:
        raise ValueError(f"{after!r} is not the name of a published batch")
    numbered = [(batch_number(p.name), p) for p in Path(directory).iterdir()]
    return [path for number, path in sorted((n, p) for n, p in numbered if n is not None)
            if number > start]


def read_batch(path: Path) -> Iterator[dict]:
    """The records of one batch file, in the order they were written."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def read_published(directory: str | Path, after: str | None = None) -> Iterator[PublishedRecord]:
    """Every record published in ``directory`` (after batch ``after``), in publication order."""
    for path in published_batches(directory, after):
        for record in read_batch(path):
            yield PublishedRecord(path.name, record)
