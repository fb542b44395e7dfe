"""Pending requests wait on disk: a crawl's memory does not grow with its queue."""

from __future__ import annotations

import os
import subprocess
import sys

from scrapy.settings import Settings

from newscrawl import settings as project_settings
from newscrawl.schedulers.disk_queue import SCHEDULER, TEMPORARY_PREFIX, DiskQueueMode
from tests.conftest import run_crawl

SCHEDULER_ADDON = "newscrawl.schedulers.disk_queue.DiskQueueMode"


def test_every_request_waits_on_disk_and_the_folder_is_removed(demo_sites, tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))  # where the crawl's queue folder goes
    killed = temporary / f"{TEMPORARY_PREFIX}{exited_pid()}-x" / "requests.queue"
    killed.mkdir(parents=True)
    running = temporary / f"{TEMPORARY_PREFIX}{os.getpid()}-y"
    running.mkdir()
    result = run_crawl(demo_sites, tmp_path)
    assert result.returncode == 0, result.output[-3000:]
    assert result.records
    stats = result.stats
    assert stats["scheduler/enqueued/disk"] == stats["scheduler/enqueued"] > len(result.records)
    assert "scheduler/enqueued/memory" not in stats
    assert list(temporary.glob(f"{TEMPORARY_PREFIX}*")) == [running]  # a killed crawl's is gone


def exited_pid() -> int:
    """The id of a process that has exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_disk_queue_is_the_default_unless_a_scheduler_was_chosen():
    chosen = Settings()
    chosen.set("SCHEDULER", "tests.some.Scheduler", priority="cmdline")
    default = Settings()
    for settings in (chosen, default):
        DiskQueueMode().update_settings(settings)
    assert chosen["SCHEDULER"] == "tests.some.Scheduler"
    assert default["SCHEDULER"] == SCHEDULER
    order = sorted(project_settings.ADDONS, key=project_settings.ADDONS.get)
    assert order.index("newscrawl.distributed.DistributedMode") < order.index(SCHEDULER_ADDON)
