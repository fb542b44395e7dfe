"""The layout-change alarm: a demo site whose template loses its bylines between two runs is
named, field and site, in the log and the run summary, and fails the run when asked. The
per-site history it compares with is kept by both state backends."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from newscrawl.extensions.layout_alarm import MIN_RECORDS
from newscrawl.state import open_state
from tests.conftest import DEMO, REPO, run_crawl
from tests.test_state_contract import redis_uri, sqlite_uri

PARAGRAPH = re.compile(r"(<p\b[^>]*>)")
#: Every paragraph starts with a label, so the bodies are new (not exact duplicates of an
#: earlier run's) and are published again under the new URLs.
NEW_BODIES = [(PARAGRAPH, r"\1Update: ")]
#: The new template: no author in structured data, meta tags or bylines.
NEW_TEMPLATE = [
    (PARAGRAPH, r"\1Revised: "),
    (re.compile(r'"author"'), '"contributor"'),
    (re.compile(r'(name|property|rel|itemprop)="(article:)?author"'), r'\1="x-\2author"'),
    (re.compile(r'<(div|p|span|address|a)\b[^>]*class="[^"]*(byline|author)[^"]*"[^>]*>.*?</\1>',
                re.S), ""),
    (re.compile(r"<p>\s*Revised: (By|Von|Por|Par)\s[^<]{0,80}</p>"), ""),
]


def site_copy(destination: Path, changes: list) -> Path:
    shutil.copytree(DEMO / "site", destination)
    for page in (destination / "2026" / "11").glob("*.html"):
        html = page.read_text("utf-8")
        for pattern, replacement in changes:
            html = pattern.sub(replacement, html)
        page.write_text(html, "utf-8")
    return destination


@contextmanager
def served(root: Path):
    """The site at ``root`` on a new loopback port: new URLs, so new articles to publish."""
    process = subprocess.Popen([sys.executable, "-m", "newscrawl.demo", "--root", str(root), "serve"],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def crawl_copy(workdir: Path, name: str, changes: list, **settings):
    from newscrawl.demo import render_sites

    root = site_copy(workdir / name, changes)
    with served(root) as base_url:
        sites = render_sites(DEMO / "sites.toml", base_url, workdir / f"{name}.toml")
        return run_crawl(sites, workdir, NEWSCRAWL_FAIL_ON_LAYOUT_CHANGE="1", **settings)


def latest_summary(workdir: Path) -> dict:
    paths = (workdir / "output" / "news").glob("*.summary.json")
    return json.loads(max(paths, key=lambda p: p.stat().st_mtime_ns).read_text())


def test_changed_template_raises_the_alarm_and_an_unchanged_one_does_not(tmp_path):
    first = crawl_copy(tmp_path, "first", [])
    assert first.returncode == 0, first.output[-3000:]

    same = crawl_copy(tmp_path, "same", NEW_BODIES)
    assert same.returncode == 0, same.output[-3000:]
    assert same.stats["newscrawl/publish/records"] >= MIN_RECORDS  # enough to judge
    assert latest_summary(tmp_path)["layoutChanges"] == {}

    changed = crawl_copy(tmp_path, "changed", NEW_TEMPLATE)
    assert changed.returncode == 1
    summary = latest_summary(tmp_path)
    assert list(summary["layoutChanges"]) == ["loopback-herald"]
    assert list(summary["layoutChanges"]["loopback-herald"]) == ["authors"]
    assert summary["layoutChanges"]["loopback-herald"]["authors"] > 30
    assert summary["status"] == "failed" and "layout changed: site loopback-herald: authors" in summary["reasons"][0]
    assert "WARNING: site loopback-herald: authors in" in changed.output
    assert changed.output.rstrip().splitlines()[-1].endswith("has its layout changed?")


@pytest.mark.parametrize("backend", ["sqlite", "redis_server", "redis_cluster"])
def test_every_state_backend_keeps_the_per_site_history(backend, request, tmp_path):
    uri = sqlite_uri(tmp_path) if backend == "sqlite" else redis_uri(request, backend)
    store = open_state(uri)
    try:
        assert store.field_history("herald") == {}
        store.add_field_counts("herald", 10, Counter(headline=10, authors=9))
        store.add_field_counts("herald", 5, Counter(headline=5, authors=0))
        store.add_field_counts("gazette", 3, Counter(headline=3, authors=3))
    finally:
        store.close()
    reopened = open_state(uri)
    try:
        assert reopened.field_history("herald") == {"headline": (15, 15), "authors": (15, 9)}
    finally:
        reopened.close()
