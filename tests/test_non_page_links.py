"""Links that cannot lead to a page of their own are not followed, and are counted by kind."""

from __future__ import annotations

from tests.conftest import run_crawl
from tests.fault_server import start

ARTICLE = "/2026/11/harbour-ferry-fares-frozen-for-winter.html"
NON_PAGES = {
    "search": "/?s=ferry",
    "reply": ARTICLE + "?replytocom=12",
    "share": ARTICLE + "?share=facebook",
    "print": "/2026/11/harbour-ferry/print/",
    "schemeless": "www.example.org/elsewhere",
}
PARAGRAPH = "<p>" + "The harbour ferry keeps its winter fares, the council said on Monday. " * 12 + "</p>"


def test_non_page_links_are_counted_and_never_requested(tmp_path):
    site = tmp_path / "site"
    (site / ARTICLE.rsplit("/", 1)[0].lstrip("/")).mkdir(parents=True)
    links = "".join(f'<a href="{href}">{kind}</a> ' for kind, href in NON_PAGES.items())
    (site / "index.html").write_text(f"<html><body>{links}<a href='{ARTICLE}'>ferry</a></body></html>")
    (site / ARTICLE.lstrip("/")).write_text(
        f"<html><head><title>Ferry fares frozen</title></head><body><h1>Ferry fares frozen</h1>"
        f"{PARAGRAPH}{links}</body></html>")
    server = start(site)
    try:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[site]]\nname = "ferry"\ndomains = ["127.0.0.1"]\n'
                         f'start_urls = ["{server.base_url}/"]\n')
        result = run_crawl(sites, tmp_path)
        requested = server.paths()
    finally:
        server.shutdown()
    assert result.returncode == 0, result.output[-2000:]
    assert [record["url"] for record in result.records] == [server.base_url + ARTICLE]
    # The server logs paths without queries: a followed search, reply or share link would
    # show as a second request for "/" or for the article.
    assert requested.count("/") == 1 and requested.count(ARTICLE) == 1
    assert not [path for path in requested if "print" in path or "www." in path]
    for kind in NON_PAGES:  # once on the home page, once on the article
        assert result.stats[f"newscrawl/spider/not_page/{kind}"] == 2, kind


def test_non_page_links_are_followed_when_asked(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f'<html><body><a href="{NON_PAGES["search"]}">s</a></body></html>')
    server = start(site)
    try:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[site]]\nname = "ferry"\ndomains = ["127.0.0.1"]\n'
                         f'start_urls = ["{server.base_url}/index.html"]\n')
        result = run_crawl(sites, tmp_path, NEWSCRAWL_SKIP_NON_PAGE_LINKS="False")
        requested = server.paths()
    finally:
        server.shutdown()
    assert result.returncode == 0, result.output[-2000:]
    assert "/" in requested  # the search link, "/?s=ferry" (the server logs paths only)
    assert "newscrawl/spider/not_page/search" not in result.stats
