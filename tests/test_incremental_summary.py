"""The run summary of scheduled runs, and failing a run whose site went silent."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_crawl

SILENT_SITE = """
[[site]]
name = "loopback-herald"
domains = ["127.0.0.1"]
start_urls = ["{base}/robots.txt"]  # a page, but not one article or link to one
"""


def summary_of(crawl) -> dict:
    """The latest run summary beside the published files (the one ``run_crawl`` read)."""
    latest = max(crawl.files[0].parent.glob("*.summary.json"), key=lambda p: p.stat().st_mtime_ns)
    return json.loads(latest.read_text())


@pytest.fixture(scope="module")
def first_run(demo_server, tmp_path_factory):
    from newscrawl.demo import render_sites
    from tests.conftest import DEMO

    workdir = tmp_path_factory.mktemp("summary")
    sites = render_sites(DEMO / "sites.toml", demo_server, workdir / "sites.toml")
    return workdir, run_crawl(sites, workdir)


def test_summary_counts_per_site_and_source_drops_and_duplicates(first_run):
    _, crawl = first_run
    summary = summary_of(crawl)
    assert summary["sites"] == ["loopback-herald"] and summary["closeReason"] == "finished"
    assert summary["published"] == 13 == sum(summary["publishedBySite"]["loopback-herald"].values())
    assert summary["batches"] == [crawl.files[0].name]
    assert summary["drops"]["DuplicateUrl"] == summary["duplicates"]["url"] >= 1
    assert summary["errors"]["run"] == [] and summary["status"] == "ok" and summary["reasons"] == []
    assert summary["start"] < summary["end"]


def test_site_that_yields_nothing_now_fails_the_run_when_asked(first_run, demo_server):
    workdir, _ = first_run
    silent = workdir / "silent.toml"
    silent.write_text(SILENT_SITE.format(base=demo_server))
    tolerated = run_crawl(silent, workdir)
    assert tolerated.returncode == 0
    assert "sites that yielded articles before yield none now: loopback-herald" in tolerated.output

    failed = run_crawl(silent, workdir, NEWSCRAWL_FAIL_ON_SILENT_SITE="1")
    assert failed.returncode == 1
    summary = summary_of(failed)
    assert summary["silentSites"] == ["loopback-herald"] and summary["status"] == "failed"
    assert summary["reasons"] == ["sites that yielded articles before yield none now: loopback-herald"]


def test_site_with_nothing_new_is_not_silent(first_run, demo_server):
    workdir, _ = first_run
    again = run_crawl(workdir / "sites.toml", workdir, NEWSCRAWL_FAIL_ON_SILENT_SITE="1")
    assert again.returncode == 0, again.output[-3000:]
    assert summary_of(again)["silentSites"] == []
