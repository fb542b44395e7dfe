"""Extract archived pages on every core, in order, with a bounded number in flight.

Pages go to worker processes in chunks (:data:`CHUNK` pages a call, so that
sending them costs little next to extracting them); at most :data:`IN_FLIGHT`
chunks per worker are out at a time, so memory does not grow with the file.
Records come back in the order of the pages, which keeps duplicates
deterministic: the first copy in the archive is the one published. With one
worker, pages are extracted in the calling process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from newscrawl.archive.pages import page_records
from newscrawl.archive.reader import ArchivedPage
from newscrawl.config import Site

CHUNK = 8
IN_FLIGHT = 3
Task = tuple[ArchivedPage, Site | None]


def worker_count(setting: int) -> int:
    """Worker processes for ``NEWSCRAWL_ARCHIVE_WORKERS`` (0: one per core).

    >>> worker_count(3), worker_count(0) == (os.cpu_count() or 1)
    (3, True)
    """
    return setting if setting > 0 else os.cpu_count() or 1


def chunks(tasks: Iterable[Task], size: int = CHUNK) -> Iterator[list[Task]]:
    """``tasks`` in lists of ``size``.

    >>> [len(c) for c in chunks(range(20), 8)]
    [8, 8, 4]
    """
    iterator = iter(tasks)
    while chunk := list(islice(iterator, size)):
        yield chunk


class ExtractionPool:
    """Records of archived pages, from ``workers`` processes (or this one when it is 1)."""

    def __init__(self, workers: int, spider: str):
        self.workers = workers
        self.spider = spider
        self.executor = (ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
                         if workers > 1 else None)

    async def records(self, tasks: Iterable[Task]) -> AsyncIterator[tuple[Task, dict | str]]:
        """Each task with its record (or the reason it has none), in the order of ``tasks``."""
        if self.executor is None:
            for chunk in chunks(tasks):
                for task, record in zip(chunk, page_records(chunk, self.spider)):
                    yield task, record
            return
        pending: deque[tuple[list[Task], Future]] = deque()
        for chunk in chunks(tasks):
            pending.append((chunk, self.executor.submit(page_records, chunk, self.spider)))
            if len(pending) >= self.workers * IN_FLIGHT:
                for pair in await self._oldest(pending):
                    yield pair
        while pending:
            for pair in await self._oldest(pending):
                yield pair

    @staticmethod
    async def _oldest(pending: deque) -> list[tuple[Task, dict | str]]:
        chunk, future = pending.popleft()
        return list(zip(chunk, await asyncio.wrap_future(future)))

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
