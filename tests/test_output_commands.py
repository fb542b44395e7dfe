"""``scrapy extract URL`` says in one line why a URL gave no record (exit 1) and prints the
record when it did; ``scrapy extract`` and ``scrapy published`` end quietly when their reader
stops (``| head``)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from newscrawl.reader import batch_name
from tests.conftest import REPO
from tests.test_usage_errors import assert_one_line

SCRAPY = [sys.executable, "-m", "scrapy"]
ARTICLE = "2026/11/frustrated-by-us-some-iraqis-look-to-russia.html"


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("path, words", [
    ("nope.html", ["HTTP 404"]),
    ("private/secret-article.html", ["disallowed by robots.txt"]),
])
def test_extract_of_a_url_without_a_page_is_one_line_and_exit_1(demo_server, path, words):
    url = f"{demo_server}/{path}"
    assert_one_line(run([*SCRAPY, "extract", url]), [url, *words], status=1)


def test_extract_of_an_unreachable_host_is_one_line_and_exit_1():
    url = f"http://127.0.0.1:{closed_port()}/article"
    assert_one_line(run([*SCRAPY, "extract", url]), [url, "unreachable"], status=1)


def test_extract_of_a_url_prints_its_record(demo_server):
    done = run([*SCRAPY, "extract", f"{demo_server}/{ARTICLE}"])
    assert done.returncode == 0 and done.stderr == "", done.stderr
    record = json.loads(done.stdout)
    assert record["headline"] and record["metadata"]["datePublishedUtc"].endswith("Z")


def read_first_line_and_close(command: list[str]) -> tuple[int, str]:
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()  # the reader stops, as `| head -1` does
    stderr = process.stderr.read().decode()
    assert first
    return process.wait(timeout=60), stderr


def test_published_ends_quietly_when_the_reader_stops(tmp_path):
    record = {"id": "0" * 32, "headline": "x", "articleBody": "word " * 500}
    batch = tmp_path / batch_name("20261127T080000Z-ab12cd34", 1)
    batch.write_text((json.dumps(record) + "\n") * 2000)  # far more than a pipe holds
    assert read_first_line_and_close([*SCRAPY, "published", str(tmp_path)]) == (0, "")


def test_extract_ends_quietly_when_the_reader_stops(tmp_path):
    page = tmp_path / "long.html"
    page.write_text("<title>Long</title>" + "<p>Many words in a paragraph here.</p>" * 20000)
    command = [*SCRAPY, "extract", str(page), "--url", "https://example.com/long"]
    assert read_first_line_and_close(command) == (0, "")
