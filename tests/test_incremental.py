"""Incremental crawling: a second run fetches only what is new.

The demo site is served here by a handler that also answers conditional requests
(ETag, 304) for the feed and the sitemap and records every path requested, so the
tests see from the server's side what a run fetched.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from newscrawl.demo import SiteHandler, render_sites
from newscrawl.discovery.sources import Link
from newscrawl.middlewares.incremental import SkipPublished
from newscrawl.pipelines.dedupe import DedupeOptions, DedupePipeline, DuplicateUrl
from newscrawl.state import Article, Batch, body_fingerprint, open_state
from newscrawl.urls import record_id
from tests.conftest import DEMO, run_crawl

VALIDATED = ("/feed.xml", "/sitemap.xml")
NEW_ARTICLE = "2026/11/tram-line-extension-approved.html"
NEW_HEADLINE = "Tram line extension approved"
NEW_BODY = (
    "The regional transport authority approved on Thursday a four-kilometre extension of the "
    "number 7 tram line to the new hospital campus, after a decade of studies and two public "
    "consultations. Work on the track is due to start next autumn and the first trams should "
    "run in 2029. The extension will add five stops, one of them beside the university sports "
    "ground, and the authority expects about 11,000 passengers a day once it opens. Residents "
    "of the streets along the route had asked for quieter rails and a lower speed limit at "
    "night, both of which were written into the plan."
)


class ConditionalHandler(SiteHandler):
    """The demo site, with ETags on the feed and sitemap; records requested paths."""

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.requested.append(path)
        self._etag = None
        if path in VALIDATED:
            body = (self.root / path.lstrip("/")).read_bytes()
            self._etag = f'"{hashlib.sha1(body).hexdigest()}"'
            if self.headers.get("If-None-Match") == self._etag:
                self.send_response(304)
                self.end_headers()
                return
        super().do_GET()

    def end_headers(self) -> None:
        if self._etag:
            self.send_header("ETag", self._etag)
        super().end_headers()


@pytest.fixture
def site(tmp_path):
    """A copy of the demo site served with conditional requests; yields (root, server, sites)."""
    root = tmp_path / "site"
    shutil.copytree(DEMO / "site", root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(ConditionalHandler, root=root))
    server.requested = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield root, server, render_sites(DEMO / "sites.toml", base, tmp_path / "sites.toml")
    server.shutdown()


def article_paths(requested: list[str]) -> list[str]:
    return [p for p in requested if p.startswith("/2026/11/")]


def add_article(root) -> None:
    """Publish one more article on the site: its page, and an item at the top of the feed."""
    template = (root / "2026/11/glacier-monitoring-station-opens-to-visitors.html").read_text()
    start = template.index('<div class="story-body">')
    end = template.index("</div>", start)
    page = template[:start] + f'<div class="story-body"><p>{NEW_BODY}</p>' + template[end:]
    page = page.replace("glacier-monitoring-station-opens-to-visitors", Path(NEW_ARTICLE).stem)
    page = page.replace("Glacier monitoring station opens its doors to visitors", NEW_HEADLINE)
    (root / NEW_ARTICLE).write_text(page)
    item = f"<item><title>{NEW_HEADLINE}</title><link>{{{{base}}}}/{NEW_ARTICLE}</link></item>"
    feed = (root / "feed.xml").read_text()
    (root / "feed.xml").write_text(feed.replace("<item>", item + "<item>", 1))


def test_second_run_fetches_no_article_and_revalidates_feed_and_sitemap(site, tmp_path):
    root, server, sites = site
    first = run_crawl(sites, tmp_path)
    assert first.returncode == 0, first.output[-3000:]
    assert len(first.records) == 13
    server.requested.clear()

    again = run_crawl(sites, tmp_path)
    assert again.returncode == 0, again.output[-3000:]
    assert article_paths(server.requested) == []
    assert again.stats["newscrawl/incremental/not_modified"] == 2
    assert again.stats["newscrawl/incremental/skipped_published"] >= 3  # linked from index pages
    assert "newscrawl/publish/records" not in again.stats
    assert len(again.files) == 1


def test_new_article_is_the_only_article_fetched_and_published(site, tmp_path):
    root, server, sites = site
    assert run_crawl(sites, tmp_path).returncode == 0
    add_article(root)
    server.requested.clear()

    again = run_crawl(sites, tmp_path)
    assert again.returncode == 0, again.output[-3000:]
    assert article_paths(server.requested) == [f"/{NEW_ARTICLE}"]
    assert again.stats["newscrawl/incremental/not_modified"] == 1  # the sitemap; the feed changed
    assert [r["headline"] for r in again.records].count(NEW_HEADLINE) == 1
    assert len(again.records) == 14 and len(again.files) == 2


def test_validators_are_not_saved_by_a_run_that_did_not_finish(site, tmp_path):
    root, server, sites = site
    stopped = run_crawl(sites, tmp_path, CLOSESPIDER_ITEMCOUNT="1")
    assert stopped.stats["finish_reason"] == "closespider_itemcount"
    server.requested.clear()
    again = run_crawl(sites, tmp_path)
    assert "newscrawl/incremental/not_modified" not in again.stats  # fetched and parsed again
    assert len({r["id"] for r in again.records}) == len(again.records) == 13


# -- new versions: sitemap lastmod and dateModified moving forward --------------------

@pytest.fixture
def crawler(tmp_path):
    return get_crawler(Spider, {"NEWSCRAWL_STATE_URI": f"sqlite:///{tmp_path / 'state.db'}"})


def remember(state, **changes) -> Article:
    fields = dict(id=record_id("https://e.com/a"), url="https://e.com/a", site="herald",
                  fingerprint="fp-old", modified="2026-11-10T08:00:00Z",
                  url_keys=(record_id("https://e.com/a"),))
    known = Article(**{**fields, **changes})
    state.begin_batch(Batch("b1", "/out", (known,)))
    state.commit_batch("b1")
    return known


def page_request(lastmod: str | None = None) -> Request:
    hint = Link("https://e.com/a?utm_source=x", modified=lastmod)
    return Request(hint.url, meta={"kind": "page", "site": "herald", "hint": hint})


@pytest.mark.parametrize(("lastmod", "new_versions", "fetched"), [
    (None, True, False),
    ("2026-11-09", True, False),
    ("2026-11-12T10:00:00+01:00", True, True),
    ("2026-11-12T10:00:00+01:00", False, False),
])
def test_published_page_is_fetched_again_only_when_its_lastmod_moved_forward(
        crawler, lastmod, new_versions, fetched):
    middleware = SkipPublished(crawler, new_versions)
    remember(middleware.state)
    assert (middleware.get_processed_request(page_request(lastmod), None) is not None) is fetched
    assert crawler.stats.get_value("newscrawl/incremental/skipped_published", 0) == (not fetched)


def test_unpublished_and_non_page_requests_pass(crawler):
    middleware = SkipPublished(crawler, True)
    remember(middleware.state)
    feed = Request("https://e.com/a", meta={"kind": "feed"})
    other = Request("https://e.com/b", meta={"kind": "page"})
    assert middleware.get_processed_request(feed, None) is feed
    assert middleware.get_processed_request(other, None) is other


def record(body: str, date_modified: str | None) -> dict:
    return {"id": record_id("https://e.com/a"), "url": "https://e.com/a",
            "canonicalUrl": "https://e.com/a", "articleBody": body,
            "dateModified": date_modified, "datePublished": "2026-11-10T08:00:00Z",
            "metadata": {"site": "herald"}}


CHANGED = "The council changed its mind on Friday."


@pytest.mark.parametrize(("body", "date_modified", "new_versions", "version"), [
    (CHANGED, "2026-11-12T08:00:00Z", True, 2),
    (CHANGED, None, True, None),  # datePublished, the date it has, did not move
    (CHANGED, "2026-11-12T08:00:00Z", False, None),  # NEWSCRAWL_NEW_VERSIONS off
    ("old body", "2026-11-12T08:00:00Z", True, None),  # same body: nothing new to publish
])
def test_changed_article_with_a_later_date_is_a_new_version(tmp_path, body, date_modified,
                                                            new_versions, version):
    state = open_state(f"sqlite:///{tmp_path / 'state.db'}")
    remember(state, fingerprint=body_fingerprint("old body"))
    pipeline = DedupePipeline(get_crawler(Spider).stats, state, DedupeOptions(new_versions=new_versions), {})
    if version is None:
        with pytest.raises(DuplicateUrl):
            pipeline.process_item(record(body, date_modified))
    else:
        item = pipeline.process_item(record(body, date_modified))
        assert item["metadata"]["version"] == version
        assert pipeline.admitted[item["id"]].version == version
    state.close()
