"""Peak memory of a crawl in which a fifth of the pages are hostile stays under 400 MB (issue 17).

A scaled-down ``python -m benchmarks.hostile_memory``: a real ``scrapy crawl news`` of 60 pages
on a loopback server, every fifth one a hostile page of :data:`benchmarks.hostile_memory.SHAPES`
(a 30 MB text node, a million tiny elements, two 10 MB attributes, 200,000 nested elements) at
full size, the others small articles. Memory is sampled from ``/proc`` while the crawl runs, as
the benchmark does: the crawl process's peak (``VmHWM``) and the highest RSS of the crawl and its
page workers together. Scrapy's ``memusage/max`` cannot say: it is ``ru_maxrss``, which a process
started by pytest inherits from the pytest worker that started it (the peak of whatever test ran
there before, 321 MiB here for the loopback server's hostile pages alone).

The crawl process holds each page it has downloaded until its worker has it. Scrapy stops sending
requests once 5 MB of pages wait, but downloads under way still landed: the peak grew with the
pages downloaded at once times their size and with the load beside the crawl (about 300 MiB
alone, 431 MiB with the rest of the suite on the other core, 483 MiB at sixteen requests at a
time). ``NEWSCRAWL_MAX_HELD_PAGE_BYTES`` (32 MiB) now stops a big download at its headers while the
big pages held would go over it, so the bound holds whatever the load, and the test is in the
default run again (``-m hostile_memory`` selects it alone).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from benchmarks.crawl import child_pids, proc_memory
from benchmarks.hostile_memory import SHAPES
from tests.conftest import FAST, REPO, crawl_command
from tests.fault_server import HTML, DiscoveryServer, Fault, site_config, start_linked, story

PAGES = 60
HOSTILE_EVERY = 5
BOUND_MIB = 400
SAMPLE_SECONDS = 0.05
CRAWL_TIMEOUT_SECONDS = 600


@cache
def hostile(shape: str) -> bytes:
    return SHAPES[shape]()  # one copy of each in the server's process


def page(number: int) -> Fault:
    if number % HOSTILE_EVERY != HOSTILE_EVERY - 1:
        return Fault(200, HTML, body=story(number))
    shape = list(SHAPES)[number // HOSTILE_EVERY % len(SHAPES)]
    return Fault(200, HTML, body=hostile(shape))


def crawl_sampled(command: list[str], log: Path) -> tuple[int, float, float]:
    """Run the crawl; its exit status, its own peak, and the highest RSS of it and its page
    workers sampled together, in MiB."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.STDOUT)
    deadline, own_peak, together = time.monotonic() + CRAWL_TIMEOUT_SECONDS, 0, 0
    while process.poll() is None and time.monotonic() < deadline:
        rss, hwm = proc_memory(process.pid) or (0, 0)
        own_peak = max(own_peak, hwm)
        workers = (proc_memory(child) for child in child_pids(process.pid))
        together = max(together, rss + sum(worker[0] for worker in workers if worker))
        time.sleep(SAMPLE_SECONDS)
    if process.poll() is None:
        process.kill()
    return process.wait(), own_peak, together


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[DiscoveryServer]:
    faults = {f"/2026/11/story-{n}.html": page(n) for n in range(PAGES)}
    server = start_linked(tmp_path_factory.mktemp("empty-site"), faults)
    yield server
    server.shutdown()


@pytest.mark.hostile_memory
def test_a_crawl_of_hostile_pages_stays_under_400_mb(server, tmp_path):
    out = tmp_path / "output"
    command = crawl_command(site_config(tmp_path, "hostile-fifth", server), None, **FAST, NEWSCRAWL_OUTPUT_DIR=str(out),
                            NEWSCRAWL_STATE_URI=f"sqlite:///{tmp_path / 'state' / 'newscrawl.db'}")
    status, own_peak, together = crawl_sampled(command, tmp_path / "crawl.log")
    assert status == 0, (tmp_path / "crawl.log").read_text(errors="replace")[-3000:]
    stats = json.loads(next(out.glob("news/*.summary.json")).read_text())["stats"]
    hostile_pages = PAGES // HOSTILE_EVERY
    assert stats["newscrawl/extraction/over_budget/text"] >= hostile_pages // len(SHAPES)
    assert stats["newscrawl/extraction/over_budget/elements"] >= hostile_pages // len(SHAPES)
    assert stats["newscrawl/publish/records"] >= PAGES - hostile_pages
    assert own_peak < BOUND_MIB, own_peak
    assert together < BOUND_MIB, together
