"""Worker processes for page handling, so that every core parses and extracts.

:class:`PagePool` runs a :class:`~newscrawl.spiders.pages.PageHandler` on
``NEWSCRAWL_EXTRACT_PROCESSES`` worker processes (0: in the crawl's own process) and
gives the reactor a Deferred per page: the reactor thread only downloads, schedules and
publishes. A page goes to the workers when one is free, so none waits pickled in this
process beside the response it came from. Workers start with the first page, ignore SIGINT
and SIGTERM (the crawl shuts them down when it closes, after its last page), and exit by
themselves within a second when the crawl's process is gone, however it ended (SIGKILL
included): no orphans. A worker that dies (killed, out of memory) is replaced by a new one
(counted as ``newscrawl/pool/workers_died``), and the page it held goes to the new worker; a page
whose worker dies twice fails with :class:`PageKillsWorkers`. A worker that holds more than
``NEWSCRAWL_EXTRACT_WORKER_MAX_MB`` after a page is replaced too (``newscrawl/pool/workers_replaced``).
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
from dataclasses import dataclass

from scrapy.crawler import Crawler
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
MIB = 1024 * 1024
#: How many workers a page may see die before it fails: the first death may have come from
#: outside (the kernel's out-of-memory killer, an operator), the second is the page's doing.
WORKER_DEATHS_PER_PAGE = 2
_handler: PageHandler | None = None  # a worker process's handler, set when it starts


class PageKillsWorkers(Exception):
    """The worker processes handling a page died, :data:`WORKER_DEATHS_PER_PAGE` times."""


@dataclass
class _Pending:
    """A page waiting for a worker, and how many workers it has seen die."""

    job: PageJob
    done: defer.Deferred
    deaths: int = 0


class PagePool:
    """Handles pages in ``processes`` worker processes, or in this process when it is 0.

    Each worker is a slot: a one-process executor of its own, so that one worker can be
    replaced without stopping (or doubling) the others. A worker whose resident memory after a
    page exceeds ``max_worker_bytes`` (0: no bound) is stopped once that page is done, and its
    slot starts a fresh one: a hostile page leaves a worker's heap holey, and the worker would
    keep that memory for the rest of the crawl.
    """

    def __init__(self, handler: PageHandler, processes: int, max_worker_bytes: int = 0,
                 crawler: Crawler | None = None):
        self.handler = handler
        self.processes = processes
        self.max_worker_bytes = max_worker_bytes
        self.crawler = crawler  # for its stats, set once the crawl starts
        self._slots: list[ProcessPoolExecutor | None] = [None] * max(processes, 0)
        self._free: deque[int] = deque(range(len(self._slots)))
        self._waiting: deque[_Pending] = deque()

    def handle(self, job: PageJob) -> defer.Deferred:
        """A Deferred that fires with the job's :class:`PageResult`.

        A job goes to the workers when one is free: a job handed over earlier would wait in the
        executor's queue pickled, a copy of the page beside the response's own bytes.
        """
        if self.processes < 1:
            return defer.maybeDeferred(self.handler, job)
        pending = _Pending(job, defer.Deferred())
        self._waiting.append(pending)
        self._submit_waiting()
        return pending.done

    def _submit_waiting(self) -> None:
        from twisted.internet import reactor  # the one Scrapy installed

        while self._waiting and self._free:
            pending = self._waiting.popleft()
            slot = self._free.popleft()
            executor, future = self._submit(slot, pending.job)
            future.add_done_callback(
                lambda f, p=pending, s=slot, e=executor: reactor.callFromThread(self._settle, p, f, s, e))

    def _submit(self, slot: int, job: PageJob) -> tuple[ProcessPoolExecutor, Future]:
        """Hand ``job`` to the slot's worker, or to a new one if that worker died while idle."""
        executor = self._executor(slot)
        try:
            return executor, executor.submit(_handle, job)
        except BrokenProcessPool:
            self._replace_dead(slot, executor)
            executor = self._executor(slot)
            return executor, executor.submit(_handle, job)

    def close(self) -> None:
        """Stop the workers once they have finished what they hold."""
        executors = [e for e in self._slots if e is not None]
        self._slots = [None] * len(self._slots)
        if executors:
            pids = sorted(pid for e in executors for pid in getattr(e, "_processes", None) or {})
            for executor in executors:
                executor.shutdown(wait=True, cancel_futures=True)
            logger.info("page worker processes stopped: %s", " ".join(map(str, pids)))

    def _executor(self, slot: int) -> ProcessPoolExecutor:
        """The slot's executor; on the pool's first page every slot's worker starts."""
        if self._slots[slot] is None:
            for empty in [s for s, e in enumerate(self._slots) if e is None]:
                self._slots[empty] = self._start_worker()
        return self._slots[slot]

    def _start_worker(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start_worker, initargs=(self.handler, os.getpid()))
        executor.submit(os.getpid)  # starts its process now, not when its first page comes
        return executor

    def _settle(self, pending: _Pending, future: Future, slot: int,
                executor: ProcessPoolExecutor) -> None:
        error = future.exception()
        if isinstance(error, BrokenProcessPool):
            self._replace_dead(slot, executor)
            pending.deaths += 1
        elif error is None and over_bound(future.result()[1], self.max_worker_bytes):
            logger.info("page worker holds %d MB after a page (bound %d MB); starting a new one",
                        future.result()[1] // MIB, self.max_worker_bytes // MIB)
            self._retire(slot, executor)
            self._count("newscrawl/pool/workers_replaced")
        self._free.append(slot)
        retry = isinstance(error, BrokenProcessPool) and pending.deaths < WORKER_DEATHS_PER_PAGE
        if retry:
            self._waiting.appendleft(pending)  # first in line for the new worker
        self._submit_waiting()
        if retry:
            return
        if error is None:
            pending.done.callback(future.result()[0])
        elif isinstance(error, BrokenProcessPool):
            pending.done.errback(Failure(PageKillsWorkers(
                f"{pending.deaths} page workers died handling {pending.job.url}")))
        else:
            pending.done.errback(Failure(error))

    def _replace_dead(self, slot: int, executor: ProcessPoolExecutor) -> None:
        logger.error("a page worker process died; starting a new one")
        self._retire(slot, executor)
        self._count("newscrawl/pool/workers_died")

    def _count(self, key: str) -> None:
        if self.crawler is not None:
            self.crawler.stats.inc_value(key)

    def _retire(self, slot: int, executor: ProcessPoolExecutor) -> None:
        """Stop the slot's worker (it holds no other page); the slot's next page starts a new one."""
        if self._slots[slot] is executor:
            self._slots[slot] = None
        executor.shutdown(wait=False, cancel_futures=True)


def over_bound(resident_bytes: int, bound_bytes: int) -> bool:
    """Whether a worker holding ``resident_bytes`` goes over ``bound_bytes`` (0: no bound).

    >>> over_bound(130 * MIB, 120 * MIB), over_bound(100 * MIB, 120 * MIB), over_bound(10**12, 0)
    (True, False, False)
    """
    return bool(bound_bytes) and resident_bytes > bound_bytes


def resident_bytes() -> int:
    """This process's resident memory in bytes, from ``/proc/self/statm``; 0 where there is none.

    >>> resident_bytes() > 0
    True
    """
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


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


def _handle(job: PageJob) -> tuple[PageResult, int]:
    """The job's result, and the worker's resident bytes once it is done."""
    result = _handler(job)
    if len(job.body) >= TRIM_AFTER_BYTES:
        trim_heap()
    return result, resident_bytes()
