"""Pending requests wait on disk, not in memory, so a crawl's memory does not grow with its queue.

Scrapy's scheduler keeps every pending request in memory unless ``JOBDIR`` is set, and a
news site's sitemaps queue their whole archive at once: a sitemap lists up to 50,000 URLs,
each request about 1 KB with its headers, meta and sitemap hint. :class:`DiskQueueScheduler`
is Scrapy's scheduler with its disk queues (``SCHEDULER_DISK_QUEUE``: pickled requests, last
in first out) in a temporary folder that is removed when the crawl closes; memory then holds
only the requests being downloaded. With ``JOBDIR`` set it is Scrapy's scheduler as it is:
the job folder keeps the queue and a crawl can resume. A request that cannot be pickled stays
in memory, as Scrapy does (``scheduler/unserializable``). A folder that a killed crawl
left behind is removed by the next crawl on the machine.

:class:`DiskQueueMode` (an add-on) makes it the scheduler unless something else chose one: a
distributed crawl's shared frontier, or ``-s SCHEDULER=...``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import weakref
from pathlib import Path

from scrapy.core.scheduler import Scheduler
from scrapy.settings import SETTINGS_PRIORITIES

logger = logging.getLogger(__name__)

SCHEDULER = "newscrawl.schedulers.disk_queue.DiskQueueScheduler"
TEMPORARY_PREFIX = "newscrawl-queue-"


class DiskQueueScheduler(Scheduler):
    """Scrapy's scheduler; without a ``JOBDIR``, its disk queues go to a temporary folder."""

    def __init__(self, dupefilter, jobdir: str | None = None, **kwargs):
        self.temporary_dir = None
        if not jobdir:
            remove_orphans(Path(tempfile.gettempdir()))
            prefix = f"{TEMPORARY_PREFIX}{os.getpid()}-"
            jobdir = self.temporary_dir = tempfile.mkdtemp(prefix=prefix)
            # Removed on close, or at exit when the crawl stopped before closing its scheduler.
            self._remove_temporary_dir = weakref.finalize(self, shutil.rmtree, jobdir, True)
        super().__init__(dupefilter, jobdir=jobdir, **kwargs)

    def close(self, reason: str):
        result = super().close(reason)
        if self.temporary_dir is not None:
            self._remove_temporary_dir()
            logger.debug("removed the request queue folder %s", self.temporary_dir)
        return result


def remove_orphans(folder: Path) -> None:
    """Remove the queue folders that crawls killed before closing left in ``folder``.

    A folder is named after the process that made it; it is an orphan once that process is gone.
    """
    for path in folder.glob(f"{TEMPORARY_PREFIX}*-*"):
        pid = path.name.removeprefix(TEMPORARY_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _is_running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            logger.info("removed the request queue a killed crawl left: %s", path)


def _is_running(pid: int) -> bool:
    """True while process ``pid`` exists.

    >>> _is_running(os.getpid())
    True
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class DiskQueueMode:
    """Add-on: :class:`DiskQueueScheduler` as the scheduler, unless one was chosen already.

    Listed in ``ADDONS`` after :class:`newscrawl.distributed.DistributedMode`, which sets the
    shared frontier's scheduler at add-on priority.
    """

    def update_settings(self, settings) -> None:
        if settings.getpriority("SCHEDULER") == SETTINGS_PRIORITIES["default"]:
            settings.set("SCHEDULER", SCHEDULER, priority="addon")
