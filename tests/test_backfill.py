"""``scrapy backfill`` over WARC files in CC-NEWS layout, from disk and over loopback HTTP."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from newscrawl.demo import render_sites
from tests.conftest import DEMO, run_crawl
from tests.warc_files import (
    bad_records,
    corpus_pages,
    demo_pages,
    interleave,
    response_record,
    run_command,
    truncated,
    warcinfo_record,
    write_warc,
)

OLD = "2026-10-01T10:00:00Z"  # before --since
LATE = "2026-12-02T10:00:00Z"  # at or after --until
WINDOW = ["--since", "2026-11-01", "--until", "2026-12-01"]


def host(url: str) -> str:
    return urlsplit(url).hostname


@pytest.fixture(scope="module")
def cc_news(tmp_path_factory):
    """A CC-NEWS-layout file of corpus pages: some sites configured, some not, some out of the window."""
    workdir = tmp_path_factory.mktemp("backfill")
    pages = corpus_pages("fundus-dev", 40)
    hosts = sorted({host(p.url) for p in pages})
    configured = set(hosts[::2])
    on_site = [p for p in pages if host(p.url) in configured]
    bad = bad_records(sorted(configured)[0])
    good = [response_record(p.url, p.html) for p in pages]
    dated_out = [response_record(p.url + "?old", p.html, date=OLD) for p in on_site[:2]]
    dated_out += [response_record(p.url + "?late", p.html, date=LATE) for p in on_site[2:3]]
    last = truncated(response_record(on_site[0].url + "?cut", on_site[0].html))
    broken = [m for reason in bad.members for m in bad.members[reason]]
    members = [warcinfo_record(), *interleave(good + dated_out, broken), last]
    warc = write_warc(workdir / "CC-NEWS-20261120000000-00001.warc.gz", members)
    sites = workdir / "sites.toml"
    sites.write_text('[[site]]\nname = "corpus"\ndomains = [%s]\n' % ", ".join(f'"{h}"' for h in sorted(configured)))
    expected = {"kept": len(on_site), "offsite": len(pages) - len(on_site), "outside_window": 3,
                "truncated": 1, "not_response": 1,
                **{reason: bad.count(reason) for reason in bad.members}}
    return workdir, warc, sites, on_site, expected


def backfill(workdir, sites, *sources, **settings):
    return run_command(["backfill", "--sites", str(sites), *WINDOW, *map(str, sources)], workdir, **settings)


def test_every_good_record_once_every_bad_one_counted(cc_news, tmp_path):
    workdir, warc, sites, on_site, expected = cc_news
    run = backfill(tmp_path, sites, warc)
    assert run.returncode == 0, run.output[-3000:]
    stats = run.stats
    assert stats["newscrawl/archive/kept"] == expected["kept"]
    for reason, count in expected.items():
        if reason != "kept":
            assert stats.get(f"newscrawl/archive/skipped/{reason}") == count, reason
    skipped = sum(v for k, v in stats.items() if k.startswith("newscrawl/archive/skipped/"))
    assert stats["newscrawl/archive/read"] == expected["kept"] + skipped
    dropped = sum(v for k, v in stats.items() if k.startswith("item_dropped_reasons_count/"))
    assert len(run.records) + dropped == expected["kept"]
    assert len(run.records) >= expected["kept"] * 3 // 4
    ids = [r["id"] for r in run.records]
    assert len(ids) == len(set(ids))
    assert {r["url"] for r in run.records} <= {p.url for p in on_site}
    for record in run.records:
        assert record["metadata"]["discoveredBy"] == "backfill"
        assert record["metadata"]["dateDownloaded"] == "2026-11-20T10:00:00+00:00"
        assert record["metadata"]["archive"]["file"] == str(warc)


def test_a_second_backfill_publishes_nothing_and_one_process_gives_the_same(cc_news, tmp_path):
    workdir, warc, sites, _, _ = cc_news
    first = backfill(tmp_path, sites, warc, NEWSCRAWL_ARCHIVE_WORKERS="1")
    second = backfill(tmp_path, sites, warc, NEWSCRAWL_ARCHIVE_WORKERS="2")
    assert first.returncode == second.returncode == 0, second.output[-3000:]
    assert first.records and second.records == []
    assert second.stats["item_dropped_reasons_count/DuplicateUrl"] == len(first.records)
    pooled = backfill(tmp_path / "pooled", sites, warc, NEWSCRAWL_ARCHIVE_WORKERS="2")
    strip = lambda records: sorted((r["id"], r["headline"], r["articleBody"]) for r in records)  # noqa: E731
    assert strip(pooled.records) == strip(first.records)


def test_backfill_streams_a_file_over_http(cc_news, tmp_path):
    workdir, warc, sites, _, expected = cc_news
    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                               "--directory", str(warc.parent)], stdout=subprocess.PIPE, text=True)
    try:
        port = server.stdout.readline().split(" port ")[1].split()[0]
        url = f"http://127.0.0.1:{port}/{warc.name}"
        run = backfill(tmp_path, sites, url)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert run.returncode == 0, run.output[-3000:]
    assert run.stats["newscrawl/archive/kept"] == expected["kept"]
    assert run.records and {r["metadata"]["archive"]["file"] for r in run.records} == {url}


def test_crawled_articles_are_not_published_again_by_a_backfill(demo_server, tmp_path):
    sites = render_sites(DEMO / "sites.toml", demo_server, tmp_path / "sites.toml")
    crawl = run_crawl(sites, tmp_path)
    assert crawl.returncode == 0 and crawl.records
    warc = write_warc(tmp_path / "demo.warc.gz", [response_record(p.url, p.html) for p in demo_pages(demo_server)])
    run = backfill(tmp_path, sites, warc)
    assert run.returncode == 0, run.output[-3000:]
    assert run.records == []
    assert run.stats["item_dropped_reasons_count/DuplicateUrl"] == len(crawl.records), {k: v for k, v in run.stats.items() if "archive" in k or "dropped" in k}
