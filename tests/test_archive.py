"""The page archive: a real crawl with ``NEWSCRAWL_ARCHIVE`` on, and WARC files that appear whole."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.archive.middleware import ArchiveMiddleware
from newscrawl.archive.reader import ArchivedPage, Skipped, read_archive, read_page_at
from newscrawl.archive.writer import ArchiveFile, ArchiveWriter, Exchange, whole_records_end
from newscrawl.demo import render_sites
from newscrawl.extraction.items import record_schema
from newscrawl.pipelines.publish import JsonLinesPipeline, PublishFailed
from newscrawl.urls import record_id
from tests.conftest import DEMO, REPO, run_crawl
from tests.test_exactly_once import check_published, check_round, demo_crawl_command, kill_after_line

MAX = 32 * 1024 * 1024


@pytest.fixture(scope="module")
def archived(demo_server, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("archive")
    sites = render_sites(DEMO / "sites.toml", demo_server, workdir / "sites.toml")
    crawl = run_crawl(sites, workdir, NEWSCRAWL_ARCHIVE="1", NEWSCRAWL_ARCHIVE_DIR=str(workdir / "archive"),
                      NEWSCRAWL_ARCHIVE_MAX_BYTES="20000")
    assert crawl.returncode == 0, crawl.output[-3000:]
    return workdir, crawl


def test_every_record_says_where_its_page_is(archived):
    workdir, crawl = archived
    validator = jsonschema.Draft202012Validator(record_schema())
    assert crawl.records
    for record in crawl.records:
        validator.validate(record)
        location = record["metadata"]["archive"]
        page = read_page_at(str(workdir / "archive" / location["file"]), location["offset"], MAX)
        assert isinstance(page, ArchivedPage)
        assert page.url == record["url"]
        assert page.location["recordId"] == location["recordId"]
        assert page.site == record["metadata"]["site"]


def test_files_are_rotated_by_size_and_none_is_left_half_written(archived):
    workdir, crawl = archived
    files = sorted((workdir / "archive").iterdir())
    assert not [f for f in files if f.name.startswith(".")]
    assert len(files) > 1  # 20,000 bytes a file
    entries = [e for f in files for e in read_archive(str(f), MAX)]
    pages = [e for e in entries if isinstance(e, ArchivedPage)]
    assert len(pages) == crawl.stats["newscrawl/archive/records"]
    assert {e.reason for e in entries if isinstance(e, Skipped)} == {"not_response"}  # the requests


def test_scrapy_extract_reads_a_page_back_from_the_archive(archived):
    workdir, crawl = archived
    record = crawl.records[0]
    location = record["metadata"]["archive"]
    done = subprocess.run([sys.executable, "-m", "scrapy", "extract", str(workdir / "archive" / location["file"]),
                           "--offset", str(location["offset"])], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    extracted = json.loads(done.stdout)
    assert (extracted["id"], extracted["headline"], extracted["articleBody"]) == (
        record["id"], record["headline"], record["articleBody"])


WRITE_FOREVER = """
import sys
from pathlib import Path
from newscrawl.archive.writer import ArchiveWriter, Exchange
writer = ArchiveWriter(Path(sys.argv[1]), "20261206T000000Z-killed00", 1 << 40)
writer.open_and_recover()
body = b"<html><body>" + b"<p>Some words of a page.</p>" * 2000 + b"</body></html>"
n = 0
while True:
    n += 1
    writer.write(Exchange(f"https://e.com/{n}", "GET", [], 200, [("Content-Type", "text/html")], body, {}))
    if n == 20:
        print("written", flush=True)
"""


def test_a_killed_writer_leaves_nothing_visible_and_its_file_is_finished_next_time(tmp_path):
    archive = tmp_path / "archive"
    writer = subprocess.Popen([sys.executable, "-c", WRITE_FOREVER, str(archive)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "written"
    time.sleep(0.2)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    (part,) = archive.iterdir()
    assert part.name.startswith(".") and part.name.endswith(".warc.gz.part")
    (finished,) = ArchiveWriter(archive, "next", 1 << 30).open_and_recover()
    assert list(archive.iterdir()) == [finished]
    entries = list(read_archive(str(finished), MAX))
    pages = [e for e in entries if isinstance(e, ArchivedPage)]
    assert len(pages) >= 20
    assert {e.reason for e in entries if isinstance(e, Skipped)} <= {"not_response"}


def test_recovery_leaves_a_live_writers_file_alone(tmp_path):
    live = ArchiveFile(tmp_path / ".20261206T000000Z-live0000-00001.warc.gz.part")
    live.write(Exchange("https://e.com/a", "GET", [], 200, [], b"<p>a</p>", {}))
    assert ArchiveWriter(tmp_path, "other", 1 << 30).open_and_recover() == []
    assert live.part.exists()
    final = live.finish()
    assert [type(e).__name__ for e in read_archive(str(final), MAX)] == ["Skipped", "ArchivedPage"]


# -- a real crawl killed while it publishes -----------------------------------------------

#: Kill moments, one after the other in one output folder, each with batches published:
#: after a batch is committed, between a batch's rename and its commit (the next run
#: commits it), and while pages of the next batches are being fetched.
CRAWL_KILLS = [(r"published \d+ articles", 2), (r"DEBUG: batch \S+ renamed", 2), (r"Crawled \(200\)", 9)]


def check_archive_of(archive: Path, records: list[dict]) -> None:
    """Every visible WARC file is whole; every record's ``metadata.archive`` is its page."""
    visible = {f.name: f for f in archive.glob("*.warc.gz")}
    for path in visible.values():
        with open(path, "rb") as file:
            assert whole_records_end(file) == path.stat().st_size, f"half-written {path.name}"
    for record in records:
        location = record["metadata"]["archive"]
        assert location["file"] in visible, f"{record['url']}: its page is in no visible file"
        page = read_page_at(str(visible[location["file"]]), location["offset"], MAX)
        assert isinstance(page, ArchivedPage), page
        assert (page.url, page.location["recordId"]) == (record["url"], location["recordId"])


def extract_archived(archive: Path, record: dict) -> dict:
    location = record["metadata"]["archive"]
    done = subprocess.run([sys.executable, "-m", "scrapy", "extract", str(archive / location["file"]),
                           "--offset", str(location["offset"])], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_killed_crawl_leaves_every_published_record_pointing_at_its_page(demo_sites, tmp_path):
    archive = tmp_path / "archive"
    command = demo_crawl_command(demo_sites, tmp_path, NEWSCRAWL_ARCHIVE="1", NEWSCRAWL_ARCHIVE_DIR=str(archive))
    for pattern, occurrence in CRAWL_KILLS:
        assert kill_after_line(command, pattern, occurrence), f"the run ended before {pattern} #{occurrence}"
        records = check_published(tmp_path / "output" / "news")
        assert records
        check_archive_of(archive, records)
    assert extract_archived(archive, records[-1])["id"] == records[-1]["id"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    check_round(tmp_path)  # every demo article published exactly once
    check_archive_of(archive, check_published(tmp_path / "output" / "news"))
    assert not [f.name for f in archive.iterdir() if f.name.startswith(".")]


# -- the archive beside the publisher, in one process --------------------------------------

class News(Spider):
    name = "news"


def archive_and_publisher(tmp_path):
    """The archive middleware and the publish pipeline of one crawler, one record per batch."""
    crawler = get_crawler(News, {
        "NEWSCRAWL_ARCHIVE": True, "NEWSCRAWL_ARCHIVE_DIR": str(tmp_path / "archive"),
        "NEWSCRAWL_ARCHIVE_MAX_BYTES": 1 << 30, "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "output"),
        "NEWSCRAWL_STATE_URI": f"sqlite:///{tmp_path / 'state.db'}", "NEWSCRAWL_BATCH_RECORDS": 1,
        "NEWSCRAWL_BATCH_SECONDS": 0})
    archive, pipeline = ArchiveMiddleware.from_crawler(crawler), asyncio.run(pipeline_of(crawler))
    crawler.engine = SimpleNamespace(running=False)  # a failed batch has no crawl to close here
    archive.spider_opened()
    pipeline.open_spider()
    return archive, pipeline


async def pipeline_of(crawler) -> JsonLinesPipeline:
    return JsonLinesPipeline.from_crawler(crawler)  # its batch timer is made in a running loop


def archived_record(archive: ArchiveMiddleware, url: str) -> dict:
    """The record of a page the archive middleware saw, as the spider would make it."""
    request = Request(url, meta={"kind": "page"})
    archive.process_response(request, HtmlResponse(url, body=b"<p>Words.</p>", request=request))
    return {"id": record_id(url), "url": url, "canonicalUrl": None, "articleBody": "Words.",
            "metadata": {"site": "e", "archive": request.meta["archive"]}}


def test_a_batch_is_pending_only_once_the_pages_it_points_to_are_fsynced_and_visible(tmp_path, monkeypatch):
    archive, pipeline = archive_and_publisher(tmp_path)
    fsynced, seen_at_pending = set(), []
    real_fsync, real_begin = os.fsync, pipeline.publisher.state.begin_batch

    def fsync(fd: int) -> None:
        fsynced.add(Path(f"/proc/self/fd/{fd}").resolve().name)
        real_fsync(fd)

    def begin_batch(batch) -> None:  # step 2: from here on, a killed run's next run may commit it
        seen_at_pending.append(({p.name for p in (tmp_path / "archive").iterdir()}, set(fsynced)))
        real_begin(batch)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(pipeline.publisher.state, "begin_batch", begin_batch)
    record = archived_record(archive, "https://e.com/a")
    pipeline.process_item(record)
    ((files, fsynced_files),) = seen_at_pending
    assert files == {record["metadata"]["archive"]["file"]}
    assert any(name.startswith(f".{record['metadata']['archive']['file']}") for name in fsynced_files)


def test_an_archive_that_cannot_finish_its_file_fails_the_batch(tmp_path, monkeypatch):
    archive, pipeline = archive_and_publisher(tmp_path)

    def full_disk(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ArchiveFile, "finish", full_disk)
    record = archived_record(archive, "https://e.com/a")
    with pytest.raises(PublishFailed):
        pipeline.process_item(record)
    assert not list((tmp_path / "output" / "news").glob("*.jsonl"))
    assert pipeline.publisher.state.articles([record["id"]]) == {}
    assert "No space left" in pipeline.run.failures[0]
