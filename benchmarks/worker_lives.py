"""How often a page worker is replaced on real pages, for a memory bound (issue 17).

``python -m benchmarks.worker_lives [--bound-mb 80 90 100] [--corpus DIR]`` has one worker
process extract every corpus page in turn, as a page worker does (big buffers mapped on
their own, the heap trimmed after a page of 1 MiB or more), and replaces it with a fresh one
whenever its resident memory after a page is over the bound, as ``PagePool`` does under
``NEWSCRAWL_EXTRACT_WORKER_MAX_MB``. It prints the replacements per bound: each costs a
worker start (about 0.6 s of CPU), which sets the default bound.
"""

from __future__ import annotations

import argparse
import multiprocessing
from itertools import islice
from pathlib import Path

from benchmarks.corpus import iter_pages
from benchmarks.run import DEFAULT_CORPUS

MIB = 1024 * 1024


def worker_life(corpus: Path, start: int, bound_bytes: int, done) -> None:
    """Extract pages from ``start`` on until this process holds more than ``bound_bytes``;
    put the index of the next page on ``done``."""
    from newscrawl import extract_article
    from newscrawl.spiders.pool import TRIM_AFTER_BYTES, map_big_buffers, resident_bytes, trim_heap

    map_big_buffers()
    index = start
    for page in islice(iter_pages(corpus), start, None):
        extract_article(page.html, page.url)
        if len(page.html) >= TRIM_AFTER_BYTES:
            trim_heap()
        index += 1
        if resident_bytes() > bound_bytes:
            break
    done.put(index)


def replacements(corpus: Path, bound_mb: int) -> tuple[int, int]:
    """(pages, replacements) for one worker going through every page of ``corpus``."""
    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    total = sum(1 for _ in iter_pages(corpus))
    index = lives = 0
    while index < total:
        process = context.Process(target=worker_life, args=(corpus, index, bound_mb * MIB, done))
        process.start()
        index = done.get()
        process.join()
        lives += 1
    return total, lives - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bound-mb", type=int, nargs="+", default=[80, 90, 100])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    for bound in args.bound_mb:
        pages, replaced = replacements(args.corpus.resolve(), bound)
        print(f"bound {bound} MB: {pages} pages, {replaced} worker replacements")


if __name__ == "__main__":
    main()
