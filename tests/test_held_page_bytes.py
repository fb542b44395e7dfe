"""Big pages held by the crawl's process at once are bounded (``NEWSCRAWL_MAX_HELD_PAGE_BYTES``).

A real ``scrapy crawl news`` against the loopback fault server, eight requests at a time, over
six pages of 2 MiB and a few small ones, with room for 3 MiB of big pages: the big pages that
find no room stop at their headers and are fetched again later, and every article is published.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import run_crawl
from tests.fault_server import HTML, DiscoveryServer, Fault, site_config, start_linked, story

MIB = 1024 * 1024
BIG, SMALL = 6, 4


def big_path(number: int) -> str:
    return f"/2026/11/big-{number}.html"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[DiscoveryServer]:
    faults = {big_path(n): Fault(200, HTML, body=story(n, 2 * MIB)) for n in range(BIG)}
    faults.update({f"/2026/11/small-{n}.html": Fault(200, HTML, body=story(BIG + n))
                   for n in range(SMALL)})
    server = start_linked(tmp_path_factory.mktemp("empty-site"), faults)
    yield server
    server.shutdown()


def test_big_pages_without_room_wait_and_are_all_published(server, tmp_path):
    crawl = run_crawl(site_config(tmp_path, "big", server), tmp_path,
                      NEWSCRAWL_MAX_HELD_PAGE_BYTES=str(3 * MIB))
    assert crawl.returncode == 0, crawl.output[-3000:]
    assert "no room for a big page" not in crawl.output  # each got room when a held page went
    deferred = crawl.stats["newscrawl/page_bytes/deferred"]
    assert deferred >= 1
    assert sum(server.hits[big_path(n)] for n in range(BIG)) == BIG + deferred
    assert sorted(r["headline"] for r in crawl.records) == sorted(
        f"Ferry fares frozen, story {n}" for n in range(BIG + SMALL))
