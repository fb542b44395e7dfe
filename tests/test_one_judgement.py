"""One judgement: ``scrapy crawl news`` publishes what ``extract_article`` gives, page for page.

The golden pages and a link-heavy article page are served on loopback under a home page
that links them all; the crawl's records must equal ``extract_article``'s for the same
bytes and URL (crawl-only metadata aside), and the crawl must publish exactly the pages
``extract_article`` judges articles with a headline and a body.
"""

from __future__ import annotations


import pytest

from newscrawl import extract_article
from tests.conftest import REPO, run_crawl
from tests.fault_server import start

GOLDEN = REPO / "fixtures" / "pages"
PEOPLE = REPO / "fixtures" / "sites" / "judgement" / "people.html"
# Where the link-heavy page is served: an article-shaped URL, and one that says nothing.
PEOPLE_PATHS = ("/2026/11/people-who-shaped-the-city.html", "/features/people/")
CONTENT_TYPE = "text/html; charset=utf-8"  # what the loopback server sends for .html
CRAWL_ONLY = ("site", "spider", "discoveredBy", "fingerprint", "version", "dateDownloaded")


def build_site(root) -> dict[str, bytes]:
    """The site's pages by path, written under ``root`` with a home page linking them."""
    pages = {f"/golden/{page.stem}.html": page.read_bytes() for page in sorted(GOLDEN.glob("*.html"))}
    pages.update({path: PEOPLE.read_bytes() for path in PEOPLE_PATHS})
    for path, body in pages.items():
        target = root / path.lstrip("/")
        target = target / "index.html" if path.endswith("/") else target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in pages)
    (root / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", "utf-8")
    return pages


def comparable(record: dict) -> dict:
    metadata = {k: v for k, v in record["metadata"].items() if k not in CRAWL_ONLY}
    return {**{k: v for k, v in record.items() if k != "duplicateOf"}, "metadata": metadata}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("judgement")
    pages = build_site(workdir / "site")
    server = start(workdir / "site")
    try:
        sites = workdir / "sites.toml"
        sites.write_text(f'[[site]]\nname = "judged"\ndomains = ["127.0.0.1"]\n'
                         f'start_urls = ["{server.base_url}/"]\n', "utf-8")
        result = run_crawl(sites, workdir, NEWSCRAWL_NEAR_DUPLICATES="off")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.output[-3000:]
    expected = {server.base_url + path: extract_article(body, server.base_url + path,
                                                        content_type=CONTENT_TYPE)
                for path, body in pages.items()}
    return result, expected


def test_the_crawl_publishes_exactly_the_pages_extraction_judges_articles(crawled):
    result, expected = crawled
    articles = {url for url, record in expected.items()
                if record["metadata"]["pageType"] == "article"
                and record["headline"] and record["articleBody"]}
    assert {record["url"] for record in result.records} == articles


def test_published_records_are_extract_article_records(crawled):
    result, expected = crawled
    assert result.records
    for record in result.records:
        assert comparable(record) == comparable(expected[record["url"]]), record["url"]


def test_a_link_heavy_page_gets_one_judgement_per_url(crawled):
    result, expected = crawled
    published = {record["url"] for record in result.records}
    for url, record in expected.items():
        if "people" in url:
            assert (url in published) == (record["metadata"]["pageType"] == "article"), url
    assert any("2026/11/people" in url for url in published)
