"""The page worker processes: same records as in-process, no worker outlives the crawl, and a
worker killed at any moment costs no page."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, Crawl, crawl_command, crawl_results, crawl_settings, run_crawl
from tests.fault_server import SLOW_PATH, DiscoveryServer, site_config, start_with_slow_page

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


def workers(pid: int) -> set[int]:
    """Process ids of ``pid``'s page workers (its multiprocessing children but the resource tracker)."""
    found = set()
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command and alive(child):
            found.add(child)
    return found


def cpu_seconds(pid: int) -> float:
    """The CPU time ``pid`` has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    """The records without what depends on the moment or on the crawl's order, by id. ``url`` is
    the address the page was fetched from: the demo's story (a) is also linked with tracking
    parameters, and whichever of its two addresses is fetched first is the one published."""
    return sorted(({**{k: v for k, v in r.items() if k != "url"},
                    "metadata": {k: v for k, v in r["metadata"].items() if k not in TIMING}}
                   for r in records), key=lambda r: r["id"])


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
    settings = crawl_settings(tmp_path, DOWNLOAD_DELAY="0.5", NEWSCRAWL_EXTRACT_PROCESSES="2")
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


def crawl_while(sites: Path, workdir: Path, act, **settings: str) -> Crawl:
    """Run a crawl and call ``act(crawl_pid)`` while it runs."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "crawl.log"
    with log.open("w") as output:
        crawl = subprocess.Popen(crawl_command(sites, **crawl_settings(workdir, **settings)), cwd=REPO,
                                 stdout=output, stderr=subprocess.STDOUT)
        try:
            act(crawl.pid)
            crawl.wait(timeout=300)
        finally:
            crawl.kill()
            crawl.wait()
    return crawl_results(workdir, crawl.returncode, log.read_text())


def kill_new_worker(crawl: int, killed: list[int], busy_seconds: float = 0.0) -> None:
    """SIGKILL a page worker not killed before, once it has started and then used
    ``busy_seconds`` of CPU time."""
    assert wait_for(lambda: workers(crawl) - set(killed)), "no new page worker started"
    worker = min(workers(crawl) - set(killed))
    assert wait_for(lambda: started(worker)), "the page worker did not start"
    ready = cpu_seconds(worker)
    assert wait_for(lambda: cpu_seconds(worker) >= ready + busy_seconds), "the page worker never got busy"
    os.kill(worker, signal.SIGKILL)
    killed.append(worker)


def started(pid: int) -> bool:
    """Whether a page worker has run its start (which begins the thread watching the crawl)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return int(status.split("\nThreads:\t", 1)[1].split()[0]) >= 2


def test_a_worker_killed_at_any_moment_costs_no_article(demo_sites, tmp_path):
    undisturbed = run_crawl(demo_sites, tmp_path / "undisturbed", NEWSCRAWL_EXTRACT_PROCESSES="1")
    killed: list[int] = []

    def kill_twice(crawl: int) -> None:
        kill_new_worker(crawl, killed)  # as it starts on the first page
        kill_new_worker(crawl, killed, busy_seconds=0.05)  # most likely idle, between pages

    disturbed = crawl_while(demo_sites, tmp_path / "killed", kill_twice, NEWSCRAWL_EXTRACT_PROCESSES="1",
                            DOWNLOAD_DELAY="0.5")
    assert disturbed.returncode == 0, disturbed.output[-3000:]
    assert len(killed) == 2 and not any(alive(pid) for pid in killed)
    assert disturbed.records and comparable(disturbed.records) == comparable(undisturbed.records)
    assert disturbed.stats["newscrawl/pool/workers_died"] == 2


SLOW_HEADLINE = "Ferry fares frozen, the long story"
ARTICLES = 3


def long_story(paragraphs: int) -> str:
    """An article that keeps a worker busy for seconds (with the element limit off)."""
    body = "".join(f"<p>Paragraph {n}: the ferry fares stay the same all winter, the harbour authority "
                   f"said after the council met on day {n}.</p>" for n in range(paragraphs))
    return (f"<!doctype html><html><head><title>Long story</title></head><body><article>"
            f"<h1>{SLOW_HEADLINE}</h1>{body}</article></body></html>")


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory) -> Iterator[DiscoveryServer]:
    """Three stories and a page that keeps a worker busy for seconds."""
    server = start_with_slow_page(tmp_path_factory.mktemp("slow-site"), ARTICLES, long_story(30_000))
    yield server
    server.shutdown()


@pytest.mark.parametrize("kills", [1, 2])
def test_a_page_whose_worker_is_killed_goes_to_a_new_one_once(slow_server, tmp_path, kills):
    killed: list[int] = []

    def kill_on_the_slow_page(crawl: int) -> None:
        assert wait_for(lambda: SLOW_PATH in slow_server.paths()), "the slow page was not fetched"
        for _ in range(kills):
            kill_new_worker(crawl, killed, busy_seconds=0.5)

    crawl = crawl_while(site_config(tmp_path, "slow", slow_server), tmp_path, kill_on_the_slow_page,
                        NEWSCRAWL_EXTRACT_PROCESSES="1", NEWSCRAWL_EXTRACT_MAX_ELEMENTS="0",
                        NEWSCRAWL_EXTRACT_MAX_SECONDS="60")
    assert crawl.returncode == 0, crawl.output[-3000:]
    assert crawl.stats["newscrawl/pool/workers_died"] == kills
    headlines = sorted(r["headline"] for r in crawl.records)
    stories = [f"Ferry fares frozen, story {n}" for n in range(ARTICLES)]
    if kills == 1:
        assert headlines == sorted(stories + [SLOW_HEADLINE])
    else:
        assert headlines == stories
        assert crawl.stats["newscrawl/spider/kills_workers"] == 1
        assert f"page not extracted: 2 page workers died handling {slow_server.base_url}{SLOW_PATH}" in crawl.output
