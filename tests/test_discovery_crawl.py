"""Discovery end to end: real ``scrapy crawl news`` runs over the discovery fixture site.

The site (fixtures/sites/discovery, see its README) is served on loopback by
:mod:`tests.fault_server`, which logs every request: what was *not*
requested is asserted from that log, what was found and dropped from the stats.
"""

from __future__ import annotations


import pytest

from newscrawl.demo import render_sites
from tests.fault_server import Fault, start
from tests.conftest import REPO, Crawl, run_crawl

SITE = REPO / "fixtures" / "sites" / "discovery"
NEW = {
    "A": "/2026/11/harbour-ferry-fares-frozen-for-winter.html",
    "B": "/2026/11/city-library-opens-night-reading-room.html",
    "C": "/2026/11/river-cleanup-volunteers-collect-two-tonnes.html",
    "D": "/2026/11/council-approves-new-cycle-lanes-plan.html",
    "E": "/2026/11/local-bakery-wins-regional-bread-award.html",
    "F": "/2026/11/school-garden-project-feeds-hundreds.html",
    "G": "/2026/11/tram-depot-expansion-gets-green-light.html",
    "H": "/2026/11/hospital-extends-weekend-clinic-hours.html",
}
OLD = {
    "O1": "/2025/06/old-harbour-lighthouse-restored.html",
    "O2": "/2026/10/autumn-market-returns-to-square.html",
    "O3": "/2026/10/bus-timetable-changes-explained.html",
}
LISTINGS = ["/", "/politics/", "/politics/page/2/", "/science/", "/tag/harbour/", "/author/ana-silva/"]
STATS = "newscrawl/site/discovery-daily"

@pytest.fixture(scope="module")
def server():
    faults = {
        NEW["H"]: Fault(503, {"Retry-After": "1"}, times=1),
        "/go/ferry": Fault(301, {"Location": "{{base}}" + NEW["A"]}),
        "/go/partner": Fault(302, {"Location": "http://localhost:1/partner-offer.html"}),
    }
    server = start(SITE / "site", faults)
    yield server
    server.shutdown()


def crawl(server, tmp_path_factory, since: str | None = None, exit_status: int = 0) -> tuple[Crawl, list[str]]:
    """One crawl with its own output and state, and the paths the server saw during it."""
    workdir = tmp_path_factory.mktemp("discovery")
    sites = render_sites(SITE / "sites.toml", server.base_url, workdir / "sites.toml")
    server.reset()
    result = run_crawl(sites, workdir, {"since": since} if since else None)
    assert result.returncode == exit_status, result.output[-3000:]
    return result, server.paths()


@pytest.fixture(scope="module")
def full(server, tmp_path_factory):
    return crawl(server, tmp_path_factory)


@pytest.fixture(scope="module")
def windowed(server, tmp_path_factory):
    return crawl(server, tmp_path_factory, since="2026-11-01")


def url_path(url: str) -> str:
    """``/a/b.html`` of ``http://host:port/a/b.html?q``."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1].split("?")[0]


def test_every_article_is_found_and_emitted_exactly_once(full):
    result, _ = full
    emitted = sorted(url_path(r["url"]) for r in result.records)
    assert emitted == sorted([*NEW.values(), *OLD.values()])
    assert result.stats[f"{STATS}/emitted"] == len(emitted)


def test_articles_are_found_by_every_kind_of_source(full):
    result, _ = full
    by_source = {r["metadata"]["discoveredBy"] for r in result.records}
    assert {"feed", "sitemap", "link"} <= by_source
    found = sum(v for k, v in result.stats.items() if k.startswith(f"{STATS}/found/"))
    assert found >= len(result.records)
    for source in ("feed", "sitemap"):
        assert result.stats[f"newscrawl/spider/queued/{source}"] >= 1
    assert result.stats[f"{STATS}/requests"] >= len(result.records)


def test_only_feeds_and_sitemaps_find_their_articles(full):
    result, _ = full
    source = {url_path(r["url"]): r["metadata"]["discoveredBy"] for r in result.records}
    assert source[NEW["B"]] == "feed"  # Atom only
    assert source[NEW["G"]] in ("feed", "link")  # RSS 1.0, also linked from /science/
    assert source[NEW["C"]] in ("sitemap", "link")  # gzipped child of the sitemap index
    assert "/sitemaps/2026-11.xml.gz" in full[1]


def test_listing_pages_are_followed_but_never_emitted(full):
    result, requested = full
    assert set(LISTINGS) <= set(requested)
    assert not {url_path(r["url"]) for r in result.records} & set(LISTINGS)
    assert result.stats[f"{STATS}/dropped/NotAnArticle"] >= len(LISTINGS)


def test_news_sitemap_date_fills_a_page_without_one(full):
    result, _ = full
    (record,) = [r for r in result.records if url_path(r["url"]) == NEW["D"]]
    assert record["datePublished"] == "2026-11-19T16:20:00+01:00"
    assert result.stats["newscrawl/spider/hint_used/datePublished"] == 1


def test_robots_disallowed_path_is_never_requested(full):
    result, requested = full
    assert not [path for path in requested if path.startswith("/drafts/")]
    assert result.stats["robotstxt/forbidden"] >= 1
    assert requested.count("/robots.txt") == 1  # the spider's read reuses the middleware's copy


def test_503_with_retry_after_is_retried_then_succeeds(full):
    result, requested = full
    assert requested.count(NEW["H"]) == 2
    assert result.stats["newscrawl/retry/waited/retry_after"] == 1
    assert NEW["H"] in {url_path(r["url"]) for r in result.records}


def test_only_http_links_on_the_site_are_fetched(full):
    result, _ = full
    assert result.stats["newscrawl/spider/link_not_http"] >= 1
    assert not any("NotSupported" in key for key in result.stats)
    assert result.stats["offsite/filtered"] >= 1  # /go/partner redirects to localhost
    assert result.stats["newscrawl/spider/offsite/feed"] == 1


def test_since_skips_old_entries_before_fetching_them(windowed):
    result, requested = windowed
    assert sorted(url_path(r["url"]) for r in result.records) == sorted(NEW.values())
    assert OLD["O1"] not in requested and OLD["O2"] not in requested
    assert "/sitemaps/archive-2025.xml" not in requested
    assert result.stats["newscrawl/spider/window_skipped/feed"] == 1
    assert result.stats["newscrawl/spider/window_skipped/sitemap_index"] == 1
    assert result.stats["newscrawl/spider/window_skipped/link"] >= 1


def test_since_drops_fetched_articles_published_before_it(windowed):
    result, requested = windowed
    assert OLD["O3"] in requested  # its URL month overlaps the window's first day
    assert result.stats["item_dropped_reasons_count/OutsideDateWindow"] == 1
    assert result.stats[f"{STATS}/dropped/OutsideDateWindow"] == 1


def test_since_saves_the_requests_of_old_entries(full, windowed):
    (all_pages, _), (recent, _) = full, windowed
    saved = all_pages.stats[f"{STATS}/requests"] - recent.stats[f"{STATS}/requests"]
    assert saved == 3  # O1, O2 and the 2025 archive sitemap


@pytest.mark.parametrize(("status", "crawled"), [(503, False), (404, True)])
def test_robots_txt_status_decides_whether_the_site_is_crawled(tmp_path_factory, status, crawled):
    """RFC 9309: a 5xx robots.txt disallows the whole site for the run; a 4xx allows all."""
    server = start(SITE / "site", {"/robots.txt": Fault(status, {"Retry-After": "0"})})
    try:
        result, requested = crawl(server, tmp_path_factory, exit_status=0 if crawled else 1)
    finally:
        server.shutdown()
    if crawled:
        assert "/drafts/embargoed-budget-leak.html" in requested
        assert len(result.records) >= len(NEW)
    else:
        assert set(requested) == {"/robots.txt"}  # retried, then nothing else
        assert result.records == []
        assert result.stats["newscrawl/robots/unreachable"] == 1


def test_requests_waiting_for_robots_txt_are_checked_too(tmp_path_factory):
    """Start requests for the feeds wait together for robots.txt; Scrapy 2.19 let all but one through."""
    robots = Fault(200, {"Content-Type": "text/plain"}, body="User-agent: *\nDisallow: /feeds/\n")
    server = start(SITE / "site", {"/robots.txt": robots})
    try:
        result, requested = crawl(server, tmp_path_factory)
    finally:
        server.shutdown()
    assert not [path for path in requested if path.startswith("/feeds/")]
    assert result.stats["robotstxt/forbidden"] >= 3
