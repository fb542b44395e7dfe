"""A real ``scrapy crawl news`` over the demo site served on loopback."""

from __future__ import annotations

import jsonschema
import pytest

from newscrawl.extraction.items import record_schema
from tests.conftest import DEMO, run_crawl

ARTICLES = sorted(p.name for p in (DEMO / "site" / "2026" / "11").glob("*.html"))
SEED = "frustrated-by-us-some-iraqis-look-to-russia.html"


@pytest.fixture(scope="module")
def first_crawl(demo_server, tmp_path_factory):
    from newscrawl.demo import render_sites

    workdir = tmp_path_factory.mktemp("crawl")
    sites = render_sites(DEMO / "sites.toml", demo_server, workdir / "sites.toml")
    return workdir, sites, run_crawl(sites, workdir)


def record_for(crawl, page):
    (record,) = [r for r in crawl.records if r["url"].split("?")[0].endswith("/" + page)]
    return record


def test_crawl_succeeds_and_publishes_one_file(first_crawl):
    _, _, crawl = first_crawl
    assert crawl.returncode == 0, crawl.output[-3000:]
    assert len(crawl.files) == 1
    assert crawl.stats["finish_reason"] == "finished"
    assert not list(crawl.files[0].parent.glob(".*.part"))


def test_every_demo_article_is_published_exactly_once(first_crawl):
    _, _, crawl = first_crawl
    pages = sorted(r["canonicalUrl"].rsplit("/", 1)[-1] for r in crawl.records)
    assert pages == ARTICLES
    assert crawl.stats["newscrawl/publish/records"] == len(ARTICLES)


def test_every_record_validates_against_the_schema(first_crawl):
    _, _, crawl = first_crawl
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in crawl.records:
        validator.validate(record)
        assert record["metadata"]["site"] == "loopback-herald"


def test_tracking_parameter_copy_is_dropped_as_duplicate(first_crawl):
    _, _, crawl = first_crawl
    assert crawl.stats.get("item_dropped_reasons_count/DuplicateUrl", 0) >= 1
    assert not any("utm_" in r["canonicalUrl"] for r in crawl.records)


def test_index_pages_are_followed_but_not_emitted(first_crawl):
    _, _, crawl = first_crawl
    assert crawl.stats["item_dropped_reasons_count/NotAnArticle"] >= 5
    assert all("/2026/11/" in r["url"] for r in crawl.records)


def test_robots_disallowed_article_is_never_fetched(first_crawl):
    _, _, crawl = first_crawl
    assert crawl.stats.get("robotstxt/forbidden", 0) >= 1
    assert not any("/private/" in r["url"] for r in crawl.records)


def test_seed_article_has_no_comment_form_and_no_glued_paragraphs(first_crawl):
    _, _, crawl = first_crawl
    record = record_for(crawl, SEED)
    body = record["articleBody"]
    for furniture in ("Leave a Reply", "will not be published", "Required fields",
                      "HTML tags and attributes", "<a href"):
        assert furniture not in body
    paragraphs = body.split("\n\n")
    (glued_at,) = [i for i, p in enumerate(paragraphs) if p.endswith("bombing campaign there.")]
    assert paragraphs[glued_at + 1].startswith("Already taken aback")
    assert "Syria.Defense" not in body and "Iraq.Baghdad" not in body
    assert record["headline"] == "Frustrated by US, Some Iraqis Look to Russia to Defeat IS"


def test_second_run_publishes_nothing(first_crawl):
    workdir, sites, crawl = first_crawl
    again = run_crawl(sites, workdir)
    assert again.returncode == 0, again.output[-3000:]
    assert "newscrawl/publish/records" not in again.stats
    assert len(again.files) == 1 == len(crawl.files)
    assert again.stats["newscrawl/incremental/skipped_published"] >= len(ARTICLES)
    # Skipped before download: no article page reached extraction, so none was dropped either.
    assert "item_dropped_reasons_count/DuplicateUrl" not in again.stats
