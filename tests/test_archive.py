"""The page archive: a real crawl with ``NEWSCRAWL_ARCHIVE`` on, and WARC files that appear whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import jsonschema
import pytest

from newscrawl.archive.reader import ArchivedPage, Skipped, read_archive, read_page_at
from newscrawl.archive.writer import ArchiveFile, ArchiveWriter, Exchange
from newscrawl.demo import render_sites
from newscrawl.extraction.items import record_schema
from tests.conftest import DEMO, REPO, run_crawl

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
