"""What a downstream reader meets: UTC instants in every record, and the README's pandas and
DuckDB examples run as written over a real crawl's output."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from newscrawl.extraction.record import utc_instant
from tests.conftest import DEMO, REPO, run_crawl

CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
UTC_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def readme_example(word: str) -> str:
    (block,) = [b for b in CODE_BLOCK.findall((REPO / "README.md").read_text("utf-8"))
                if f"import {word}" in b]
    return block


@pytest.fixture(scope="module")
def crawled(demo_server, tmp_path_factory):
    from newscrawl.demo import render_sites

    workdir = tmp_path_factory.mktemp("downstream")
    crawl = run_crawl(render_sites(DEMO / "sites.toml", demo_server, workdir / "sites.toml"), workdir)
    assert crawl.returncode == 0 and crawl.records, crawl.output[-2000:]
    return workdir, crawl


def test_every_record_has_a_utc_instant_matching_its_date(crawled):
    _, crawl = crawled
    for record in crawl.records:
        instant = record["metadata"]["datePublishedUtc"]
        assert UTC_INSTANT.match(instant), instant
        assert instant == utc_instant(record["datePublished"])


def test_date_only_and_offset_values_become_utc_instants():
    assert utc_instant("2026-11-10") == "2026-11-10T00:00:00Z"
    assert utc_instant("2026-11-10T01:30:00+02:00") == "2026-11-09T23:30:00Z"
    assert utc_instant("2026-11-10T01:30:00") == "2026-11-10T01:30:00Z"
    assert utc_instant("not a date") is None


@pytest.mark.parametrize("library", ["pandas", "duckdb"])
def test_readme_example_runs_as_written(crawled, library):
    workdir, crawl = crawled
    done = subprocess.run([sys.executable, "-c", readme_example(library)], cwd=workdir,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    newest = max(crawl.records, key=lambda r: r["metadata"]["datePublishedUtc"])
    assert newest["headline"][:20] in done.stdout
