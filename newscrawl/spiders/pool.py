"""Worker processes for page handling, so that every core parses and extracts.

:class:`PagePool` runs a :class:`~newscrawl.spiders.pages.PageHandler` on
``NEWSCRAWL_EXTRACT_PROCESSES`` worker processes (0: in the crawl's own process) and
gives the reactor a Deferred per page: the reactor thread only downloads, schedules and
publishes. A page goes to the workers when one is free, so none waits pickled in this
process beside the response it came from. Workers start with the first page, ignore SIGINT
and SIGTERM (the crawl shuts them down when it closes, after its last page), and exit by
themselves within a second when the crawl's process is gone, however it ended (SIGKILL
included): no orphans. A worker that dies fails the pages it held (each counted as a spider
error by Scrapy) and the pool starts afresh.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from twisted.internet import defer
from twisted.python.failure import Failure

from newscrawl.spiders.pages import PageHandler, PageJob, PageResult

logger = logging.getLogger(__name__)

PARENT_CHECK_SECONDS = 0.5
#: glibc's mallopt() parameter, and the size from which a buffer gets memory mapped on its own.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 1024 * 1024
#: A page of this many bytes or more leaves its worker's heap trimmed (:func:`trim_heap`).
TRIM_AFTER_BYTES = 1024 * 1024
_handler: PageHandler | None = None  # a worker process's handler, set when it starts


class PagePool:
    """Handles pages in ``processes`` worker processes, or in this process when it is 0."""

    def __init__(self, handler: PageHandler, processes: int):
        self.handler = handler
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._waiting: deque[tuple[PageJob, defer.Deferred]] = deque()
        self._running = 0

    def handle(self, job: PageJob) -> defer.Deferred:
        """A Deferred that fires with the job's :class:`PageResult`.

        A job goes to the workers when one is free: a job handed over earlier would wait in the
        executor's queue pickled, a copy of the page beside the response's own bytes.
        """
        if self.processes < 1:
            return defer.maybeDeferred(self.handler, job)
        done = defer.Deferred()
        self._waiting.append((job, done))
        self._submit_waiting()
        return done

    def _submit_waiting(self) -> None:
        from twisted.internet import reactor  # the one Scrapy installed

        while self._waiting and self._running < self.processes:
            job, done = self._waiting.popleft()
            executor = self._pool()
            future = executor.submit(_handle, job)
            self._running += 1
            future.add_done_callback(
                lambda f, d=done, e=executor: reactor.callFromThread(self._settle, d, f, e))

    def close(self) -> None:
        """Stop the workers once they have finished what they hold."""
        executor, self._executor = self._executor, None
        if executor is not None:
            pids = sorted(getattr(executor, "_processes", None) or {})
            executor.shutdown(wait=True, cancel_futures=True)
            logger.info("page worker processes stopped: %s", " ".join(map(str, pids)))

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self.handler, os.getpid()))
        return self._executor

    def _settle(self, done: defer.Deferred, future: Future, executor: ProcessPoolExecutor) -> None:
        self._running -= 1
        error = future.exception()
        if isinstance(error, BrokenProcessPool) and self._executor is executor:
            logger.error("a page worker process died; starting new ones: %s", error)
            self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
        self._submit_waiting()
        if error is None:
            done.callback(future.result())
        else:
            done.errback(Failure(error))


def map_big_buffers() -> bool:
    """Have malloc map each buffer of a MiB or more on its own, so it returns to the system
    when freed; whether it could (glibc only).

    glibc raises its threshold to the largest mapped buffer freed (up to 32 MiB): after one
    30 MB page, the next hostile pages' bodies and texts land in the heap, which they fragment,
    and the process keeps their memory. A fixed threshold keeps the peak to what is alive.
    """
    try:
        return bool(ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    except (OSError, AttributeError):
        return False


def _start_worker(handler: PageHandler, parent: int) -> None:
    """Worker start: keep the handler, leave signals to the crawl, die with the crawl."""
    global _handler
    _handler = handler
    map_big_buffers()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_without_parent, args=(parent,), daemon=True).start()


def _exit_without_parent(parent: int) -> None:
    """Exit the worker once its parent (the crawl) has gone."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def trim_heap() -> bool:
    """Give the heap's free memory back to the system (glibc's ``malloc_trim``); whether it could.

    A hostile page leaves a worker's heap holey: freed, but kept by the process (a worker at rest
    went from 61 MB to 99 MB over two rounds of the benchmark's hostile pages, 63 MB once trimmed).
    """
    try:
        return bool(ctypes.CDLL(None).malloc_trim(0))
    except (OSError, AttributeError):
        return False


def _handle(job: PageJob) -> PageResult:
    result = _handler(job)
    if len(job.body) >= TRIM_AFTER_BYTES:
        trim_heap()
    return result
