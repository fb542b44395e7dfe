"""The page worker processes: same records as in-process, and no worker outlives the crawl."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import REPO, crawl_command, run_crawl

WAIT_SECONDS = 60  # upper bound for a process to appear or go; the tests never time anything


def children(pid: int) -> set[int]:
    """Process ids of ``pid``'s children."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.update(int(child) for child in task.read_text().split())
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not count)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


# What depends on the moment or on which source found a page first, not on the page.
TIMING = ("dateDownloaded", "discoveredBy")


def comparable(records: list[dict]) -> list[dict]:
    return sorted(({**r, "metadata": {k: v for k, v in r["metadata"].items() if k not in TIMING}}
                   for r in records), key=lambda r: r["url"])


def test_workers_and_the_crawl_process_publish_the_same_records(demo_sites, tmp_path):
    pooled = run_crawl(demo_sites, tmp_path / "pool", NEWSCRAWL_EXTRACT_PROCESSES="2")
    inline = run_crawl(demo_sites, tmp_path / "inline", NEWSCRAWL_EXTRACT_PROCESSES="0")
    assert pooled.returncode == inline.returncode == 0, pooled.output[-2000:] + inline.output[-2000:]
    assert pooled.records and comparable(pooled.records) == comparable(inline.records)
    assert "page worker processes stopped" in pooled.output
    assert "page worker processes stopped" not in inline.output


def test_a_finished_crawl_leaves_no_worker_behind(demo_sites, tmp_path):
    result = run_crawl(demo_sites, tmp_path, NEWSCRAWL_EXTRACT_PROCESSES="2")
    assert result.returncode == 0, result.output[-2000:]
    pids = [int(p) for p in re.search(r"page worker processes stopped: ([\d ]+)", result.output)[1].split()]
    assert len(pids) == 2
    assert not any(alive(pid) for pid in pids)


def test_workers_exit_when_the_crawl_is_killed(demo_sites, tmp_path):
    settings = {"DOWNLOAD_DELAY": "0.5", "AUTOTHROTTLE_ENABLED": "0", "NEWSCRAWL_EXTRACT_PROCESSES": "2",
                "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "output"),
                "NEWSCRAWL_STATE_URI": f"sqlite:///{tmp_path / 'state.db'}"}
    crawl = subprocess.Popen(crawl_command(demo_sites, **settings), cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: len(children(crawl.pid)) >= 2), "no page workers started"
        workers = children(crawl.pid)
    finally:
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
    assert wait_for(lambda: not any(alive(pid) for pid in workers)), "orphan page workers"


def test_a_worker_over_its_memory_bound_is_replaced_after_its_page(demo_sites, tmp_path):
    bounded = run_crawl(demo_sites, tmp_path / "bounded", NEWSCRAWL_EXTRACT_PROCESSES="2",
                        NEWSCRAWL_EXTRACT_WORKER_MAX_MB="1")  # every worker holds more after a page
    unbounded = run_crawl(demo_sites, tmp_path / "unbounded", NEWSCRAWL_EXTRACT_PROCESSES="2",
                          NEWSCRAWL_EXTRACT_WORKER_MAX_MB="0")
    assert bounded.returncode == unbounded.returncode == 0, bounded.output[-2000:] + unbounded.output[-2000:]
    urls = [r["url"] for r in bounded.records]
    assert urls and len(urls) == len(set(urls))
    assert comparable(bounded.records) == comparable(unbounded.records)
    assert bounded.stats["newscrawl/pool/workers_replaced"] >= len(urls)
    assert "newscrawl/pool/workers_replaced" not in unbounded.stats
