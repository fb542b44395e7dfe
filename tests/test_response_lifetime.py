"""No response outlives its processing (issue 13): a real crawl of section pages that are
dropped as ``NotAnArticle``, each linking to pages the server answers 404, holds no response
past its processing: at most the ``CONCURRENT_REQUESTS`` the downloader is handing over, however
many it fetches and however slow the page workers are (tests/live_responses.py counts them with
the cycle collector off, so a cycle that keeps one is found whatever the timing).

Before the fix, a raised ``HttpError`` (in a reference cycle with the Twisted failure that
carried it) and the drop's log arguments (holding the exception, whose traceback holds the
frame holding them) kept every 404 and every dropped page alive until Python's cycle
collector ran: hundreds at once. And the crawl's process does not decode a page's whole
text (Scrapy's meta refresh middleware did, for every page), though it still follows a
meta refresh.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from newscrawl.settings import EXTENSIONS
from tests.conftest import run_crawl
from tests.fault_server import DiscoveryServer, Fault, start
from tests.live_responses import DECODED, STAT

SECTIONS = 150
MISSING_PER_SECTION = 10
CONCURRENCY = 8
HTML = {"Content-Type": "text/html; charset=utf-8"}


def links(paths: list[str]) -> str:
    return "<ul>" + "".join(f'<li><a href="{path}">{path}</a></li>' for path in paths) + "</ul>"


def section(number: int) -> Fault:
    """A section page of links only, each to a page the server does not have."""
    missing = [f"/missing/{number}-{n}.html" for n in range(MISSING_PER_SECTION)]
    return Fault(200, HTML, body=f"<html><body><h1>Section {number}</h1>{links(missing)}</body></html>")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[DiscoveryServer]:
    faults = {f"/section/{n}/": section(n) for n in range(SECTIONS)}
    home = links([*faults, "/moved.html"])
    faults["/moved.html"] = Fault(200, HTML, body='<html><head><meta http-equiv="refresh" '
                                  'content="0; url=/refreshed/"></head><body>Moved</body></html>')
    faults["/refreshed/"] = section(SECTIONS)
    faults["/"] = Fault(200, HTML, body=f"<html><body>{home}</body></html>")
    server = start(tmp_path_factory.mktemp("empty-site"), faults)
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def crawl(server, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("lifetime")
    (workdir / "sites.toml").write_text(
        f'[[site]]\nname = "sections"\ndomains = ["127.0.0.1"]\nstart_urls = ["{server.base_url}/"]\n')
    extensions = {**EXTENSIONS, "tests.live_responses.LiveResponses": 0}
    crawl = run_crawl(workdir / "sites.toml", workdir, EXTENSIONS=json.dumps(extensions),
                      CONCURRENT_REQUESTS=str(CONCURRENCY),
                      CONCURRENT_REQUESTS_PER_DOMAIN=str(CONCURRENCY))
    assert crawl.returncode == 0, crawl.output[-3000:]
    return crawl


def test_responses_do_not_outlive_their_processing(crawl):
    stats = crawl.stats
    assert stats["httperror/response_ignored_status_count/404"] >= SECTIONS * MISSING_PER_SECTION
    assert stats["item_dropped_reasons_count/NotAnArticle"] >= SECTIONS
    assert stats[STAT] <= CONCURRENCY, stats[STAT]


def test_no_page_is_decoded_in_the_crawl_process_and_meta_refresh_is_followed(server, crawl):
    assert "/refreshed/" in server.paths()
    assert crawl.stats["downloader/response_count"] > SECTIONS
    assert crawl.stats.get(DECODED, 0) == 0
