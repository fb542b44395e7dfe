"""The per-page time limit (``NEWSCRAWL_EXTRACT_MAX_SECONDS``) is hard in the page workers.

One crafted page spends seconds of CPU time in one extraction step (150,000 paragraphs, the
element limit off): checked only between steps, the limit let that step run to its end. A real
``scrapy crawl news`` against the loopback fault server, with a limit of one second, must
interrupt it inside the step, drop the page with its own counted reason, and publish the
other articles. Outside a main thread the limit falls back to the checks between steps.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from newscrawl import extract_article
from newscrawl.extraction import Limits
from tests.conftest import run_crawl
from tests.fault_server import SLOW_PATH, DiscoveryServer, site_config, start_with_slow_page

ARTICLES = 5


def slow_page(paragraphs: int) -> bytes:
    """A page whose metadata step alone takes seconds of CPU time when nothing cuts it short."""
    return (b"<!doctype html><html><head><title>Slow</title></head><body><article><h1>Slow</h1>"
            + b"".join(b"<p>word %d and more words</p>" % n for n in range(paragraphs))
            + b"</article></body></html>")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[DiscoveryServer]:
    server = start_with_slow_page(tmp_path_factory.mktemp("empty-site"), ARTICLES, slow_page(150_000))
    yield server
    server.shutdown()


def test_a_slow_step_is_interrupted_and_the_page_dropped_with_its_reason(server, tmp_path):
    crawl = run_crawl(site_config(tmp_path, "slow", server), tmp_path, NEWSCRAWL_EXTRACT_PROCESSES="1",
                      NEWSCRAWL_EXTRACT_MAX_SECONDS="1", NEWSCRAWL_EXTRACT_MAX_ELEMENTS="0")
    assert crawl.returncode == 0, crawl.output[-3000:]
    assert crawl.stats["item_dropped_reasons_count/ExtractionOutOfTime"] == 1
    assert crawl.stats["newscrawl/spider/out_of_time"] == 1
    assert crawl.stats["newscrawl/extraction/over_budget/seconds"] == 1
    assert "extraction interrupted" in crawl.output
    assert f"extraction ran out of time before the body text: {server.base_url}{SLOW_PATH}" in crawl.output
    assert sorted(r["headline"] for r in crawl.records) == sorted(
        f"Ferry fares frozen, story {n}" for n in range(ARTICLES))


def test_outside_the_main_thread_the_limit_is_checked_between_steps():
    before = signal.getsignal(signal.SIGPROF)
    with ThreadPoolExecutor(1) as thread:
        record = thread.submit(extract_article, slow_page(20_000), "https://e.com/slow",
                               limits=Limits(max_seconds=1e-6)).result()
    assert record["metadata"]["overBudget"] == ["seconds"]
    assert record["articleBody"] is None
    assert signal.getsignal(signal.SIGPROF) is before
