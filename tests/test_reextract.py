"""``scrapy reextract`` over the archive of a real crawl of the demo site."""

from __future__ import annotations

import pytest

from newscrawl.demo import render_sites
from tests.conftest import DEMO, run_crawl
from tests.warc_files import run_command

#: Extraction "improved": headlines of the flood stories come out in capitals. The
#: command runs in one process (NEWSCRAWL_ARCHIVE_WORKERS=1) so the change applies.
CHANGED_EXTRACTION = """
import sys
import newscrawl.archive.pages as pages
original = pages.extract_page
def extract_page(html, url, **options):
    page = original(html, url, **options)
    if "flood" in url and page.record["headline"]:
        page.record["headline"] = page.record["headline"].upper()
    return page
pages.extract_page = extract_page
from scrapy.cmdline import execute
sys.argv = ["scrapy", *sys.argv[1:]]
execute()
"""


@pytest.fixture(scope="module")
def archived_crawl(demo_server, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("reextract")
    sites = render_sites(DEMO / "sites.toml", demo_server, workdir / "sites.toml")
    crawl = run_crawl(sites, workdir, NEWSCRAWL_ARCHIVE="1", NEWSCRAWL_ARCHIVE_DIR=str(workdir / "archive"))
    assert crawl.returncode == 0, crawl.output[-3000:]
    return workdir, sites, crawl


def reextract(workdir, sites, *extra, **settings):
    return run_command(["reextract", str(workdir / "archive"), "--sites", str(sites), *extra],
                       workdir, **settings)


def test_same_code_publishes_nothing(archived_crawl):
    workdir, sites, crawl = archived_crawl
    run = reextract(workdir, sites)
    assert run.returncode == 0, run.output[-3000:]
    assert run.records == []
    assert run.stats["newscrawl/archive/kept"] == crawl.stats["newscrawl/archive/records"]
    copies = crawl.stats.get("item_dropped_reasons_count/DuplicateUrl", 0)  # a utm_ copy, archived too
    assert run.stats["item_dropped_reasons_count/Unchanged"] == len(crawl.records) + copies


def test_only_changed_records_are_republished_as_new_versions(archived_crawl, tmp_path):
    workdir, sites, crawl = archived_crawl
    script = tmp_path / "changed.py"
    script.write_text(CHANGED_EXTRACTION)
    command = ["reextract", str(workdir / "archive"), "--sites", str(sites)]
    changed = run_command(command, workdir, script, NEWSCRAWL_ARCHIVE_WORKERS="1")
    expected = {r["id"]: r for r in crawl.records if "flood" in r["url"]}
    assert expected and len(expected) < len(crawl.records)
    assert changed.returncode == 0, changed.output[-3000:]
    assert sorted(r["id"] for r in changed.records) == sorted(expected)
    for record in changed.records:
        before = expected[record["id"]]
        assert record["headline"] == before["headline"].upper()
        assert record["metadata"]["version"] == before["metadata"]["version"] + 1
        assert record["metadata"]["archive"]["offset"] == before["metadata"]["archive"]["offset"]
    again = run_command(command, workdir, script, NEWSCRAWL_ARCHIVE_WORKERS="1")
    assert again.returncode == 0 and again.records == []
    copies = crawl.stats.get("item_dropped_reasons_count/DuplicateUrl", 0)
    assert again.stats["item_dropped_reasons_count/Unchanged"] == len(crawl.records) + copies
